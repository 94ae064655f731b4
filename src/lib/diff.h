#ifndef CVT_DIFF_H
#define CVT_DIFF_H

#include <stddef.h>

#include "report.h"
#include "strbuf.h"

struct cvt_decision;
struct cvt_review;

/*
 * Two reports compared by finding key, never by counts: one finding fixed
 * and another introduced on the same day is one added and one removed. Both
 * reports must be finished (sorted by key, as cvt_report_finish leaves them),
 * so the comparison is one linear merge.
 *
 * Locations (targets, paths, per-place versions) are not compared: a base
 * image update rewrites every target and must not look like a vulnerability
 * change. The diff borrows the findings: both reports must outlive it.
 */

/* Fields whose change is reported, in this order. */
enum cvt_diff_field {
	CVT_FIELD_SEVERITY = 1u << 0,
	CVT_FIELD_FIXED_VERSION = 1u << 1,
	CVT_FIELD_STATUS = 1u << 2,
	CVT_FIELD_INSTALLED_VERSION = 1u << 3, /* informational: never needs review */
	CVT_FIELD_TITLE = 1u << 4,
	CVT_FIELD_URL = 1u << 5,
	CVT_FIELD_CVSS = 1u << 6,
	CVT_FIELD_ALIASES = 1u << 7,
};
#define CVT_FIELD_COUNT 8

struct cvt_diff_item {
	const struct cvt_finding *before;    /* NULL when added */
	const struct cvt_finding *after;     /* NULL when removed */
	unsigned fields;                     /* CVT_FIELD_* bits that differ (changed items) */
	const struct cvt_decision *decision; /* covering decision, set by cvt_policy_apply */
	unsigned review;                     /* CVT_REVIEW_BIT()s this item raises, set likewise */
};

struct cvt_diff_list {
	struct cvt_diff_item *items;
	size_t n;
	size_t alloc;
};

struct cvt_diff {
	const struct cvt_report *before;
	const struct cvt_report *after;
	struct cvt_diff_list added;          /* in key order */
	struct cvt_diff_list removed;        /* in key order */
	struct cvt_diff_list changed;        /* in key order; only items with fields != 0 */
	size_t counts_before[CVT_SEV_COUNT]; /* findings by severity */
	size_t counts_after[CVT_SEV_COUNT];
};

void cvt_diff_init(struct cvt_diff *d);
void cvt_diff_release(struct cvt_diff *d);

/* Fills `d` (initialized, empty) with the differences from `before` to `after`. O(n + m). */
void cvt_diff_compute(struct cvt_diff *d, const struct cvt_report *before,
		      const struct cvt_report *after);

/* The fields of one finding that differ between two versions of it (CVT_FIELD_* bits). */
unsigned cvt_diff_fields(const struct cvt_finding *before, const struct cvt_finding *after);

/* "severity", "fixed_version", ... for one CVT_FIELD_* bit; NULL for anything else. */
const char *cvt_diff_field_name(unsigned field);

/*
 * Writes the diff object of `cvetrail diff --json` (DESIGN "Diff"), two-space
 * indented, ending in a newline:
 *   {"added": [{key, id, package, severity, triage, package_name, installed_version,
 *               fixed_version, title, url, review}],
 *    "removed": [{key, id, package, severity, package_name, installed_version, title}],
 *    "changed": [{key, id, package, fields, severity: {from, to} when it changed,
 *                 one {from, to} per other changed field, triage, review}],
 *    "review": bool, "labels": [...],
 *    "expired": [{key, id, package, severity, triage}],
 *    "incomplete": null | "no_os" | "no_results",
 *    "summary": {"added", "removed", "changed", "before": {by severity}, "after": {...}}}
 * `triage` is the covering decision as the ledger writes it, or null. `rv` comes from
 * cvt_policy_apply on the same diff.
 */
void cvt_diff_write_json(const struct cvt_diff *d, const struct cvt_review *rv, struct strbuf *out);

#endif
