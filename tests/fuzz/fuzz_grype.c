/*
 * libFuzzer target for the Grype adapter on its own: every input goes to
 * cvt_ingest_grype whatever it looks like (fuzz_trivy reaches the adapter
 * only through format detection), seeded with Grype reports only
 * (tests/fuzz/run.sh). The checks are fuzz_trivy's: a rejected input must
 * come with an error message; an accepted one must give a canonical report
 * that loads again with the same findings and is written again byte for
 * byte the same.
 */
#define FUZZ_NAME    "fuzz_grype"
#define FUZZ_ADAPTER cvt_ingest_grype
#include "fuzz_trivy.c"
