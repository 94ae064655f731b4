#ifndef CVT_INGEST_H
#define CVT_INGEST_H

#include <stddef.h>

#include "error.h"
#include "json.h"
#include "report.h"

/*
 * Scanner output in, findings model out. Each format is an adapter
 * (ingest/trivy.c, ingest/grype.c, ingest/canonical.c); cvt_ingest detects
 * which one a document is. Nothing downstream knows which scanner ran.
 */

enum cvt_input_format {
	CVT_FORMAT_UNKNOWN,
	CVT_FORMAT_CANONICAL,    /* cvetrail/report/1 */
	CVT_FORMAT_TRIVY,        /* SchemaVersion 2, legacy array, or null */
	CVT_FORMAT_TRIVY_K8S,    /* trivy k8s cluster report */
	CVT_FORMAT_GRYPE,
};

enum cvt_input_format cvt_detect_format(const struct json_value *root);

/* Each fills a fresh (initialized) report and finishes it; on error returns
 * CVT_EINVAL with a message saying what was expected where. */
int cvt_ingest_trivy(struct cvt_report *r, const struct json_value *root, struct cvt_error *err);
int cvt_ingest_grype(struct cvt_report *r, const struct json_value *root, struct cvt_error *err);
int cvt_ingest_canonical(struct cvt_report *r, const struct json_value *root, struct cvt_error *err);

/* Detects the format and dispatches. */
int cvt_ingest(struct cvt_report *r, const struct json_value *root, struct cvt_error *err);

/*
 * Reads and parses `path` ("-" for stdin) and ingests it into `r`
 * (initialized by the caller). Errors carry the file name and, for JSON,
 * the position.
 */
int cvt_load_report(struct cvt_report *r, const char *path, struct cvt_error *err);

/*
 * The same for a report already in memory (a git blob): `len` bytes of
 * `data` are copied (the parser decodes in place and the report's strings
 * point into the copy). `name` is what errors call the text, e.g.
 * "<commit>:<path>".
 */
int cvt_load_report_buffer(struct cvt_report *r, const char *data, size_t len, const char *name,
			   struct cvt_error *err);

#endif
