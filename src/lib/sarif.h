#ifndef CVT_SARIF_H
#define CVT_SARIF_H

#include "report.h"
#include "strbuf.h"
#include "triage.h"

/*
 * A report's findings as SARIF 2.1.0, for code scanning (GitHub and others).
 *
 * One rule per vulnerability id (sorted), one result per finding (in key
 * order). level: CRITICAL and HIGH -> error, MEDIUM -> warning, LOW and
 * UNKNOWN -> note; the rule's properties carry GitHub's "security-severity"
 * (9.5, 8.0, 5.5, 2.0 for CRITICAL..LOW, so its rating agrees with ours).
 * Each result has partialFingerprints {"cvetrailFindingKey/v1": SHA-256 hex of
 * the finding key}, which, like the key, does not change when the base image,
 * the package version or the target changes. Location URIs are relative: the
 * package's path in the image, else the image repository for OS packages
 * ("library/debian"), else the scanner's target, percent-encoded.
 *
 * With a ledger (may be NULL), a finding covered by a decision (cvt_ledger_match)
 * that has not expired before `today` (YYYY-MM-DD; NULL: none expires) gets
 *   not_affected, fixed       suppressions [{kind "external", status "accepted"}]
 *   under_investigation       suppressions [{kind "external", status "underReview"}]
 *   affected                  none: the vulnerability is real and stays open
 * with the justification "STATUS[ (JUSTIFICATION)]: REASON (AUTHOR, DATE)", and
 * every covered finding gets properties.triage with the decision.
 *
 * GitHub code scanning rejects a whole SARIF file that breaks one of its
 * hard limits. Locations are kept under its limit per result: the first
 * CVT_SARIF_MAX_LOCATIONS distinct URIs are listed, and the result's message
 * says how many places there are in all. Results are one per finding and
 * all written (leaving some out would hide them); a caller warns when a
 * report has more than CVT_SARIF_MAX_RESULTS.
 *
 * Deterministic: the same report, ledger and today give the same bytes.
 */
enum {
	CVT_SARIF_MAX_LOCATIONS = 1000, /* per result */
	CVT_SARIF_MAX_RESULTS = 25000,  /* per run (and so rules per run) */
};
void cvt_sarif_write(const struct cvt_report *r, const struct cvt_ledger *l, const char *today,
		     struct strbuf *out);

#endif
