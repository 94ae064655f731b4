#ifndef CVT_SCANNER_H
#define CVT_SCANNER_H

#include "error.h"
#include "report.h"
#include "strbuf.h"

/*
 * Runs a vulnerability scanner on an image reference, without a shell
 * (posix_spawn with an argument vector), into a temporary file, and ingests
 * its JSON. A scanner that exits non-zero, times out, prints nothing or
 * prints something that is not a report is an error: a failed scan must
 * never look like a clean image.
 */
struct cvt_scan_options {
	const char *scanner;     /* "trivy" (default when NULL) or "grype" */
	const char *ref;         /* image reference; one starting with '-' is refused */
	int timeout_seconds;     /* <= 0: 600 */
};

/*
 * Fills `r` (initialized by the caller). On failure returns CVT_ESCANNER
 * (or CVT_EUSAGE for a refused reference, CVT_EINVAL for bad output) with a
 * message that includes the scanner's own error output (last lines).
 */
int cvt_scan(struct cvt_report *r, const struct cvt_scan_options *o, struct cvt_error *err);

#endif
