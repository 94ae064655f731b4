#ifndef CVT_REPORT_H
#define CVT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "strbuf.h"

/*
 * The findings model every scanner adapter produces and every command reads:
 * one finding per key "<vulnerability id> <versionless purl>", with all the
 * places it was found. All strings live in the report's arena and are
 * NUL-terminated; an absent optional field is NULL (never "").
 */

enum cvt_severity {
	CVT_SEV_UNKNOWN = 0,
	CVT_SEV_LOW,
	CVT_SEV_MEDIUM,
	CVT_SEV_HIGH,
	CVT_SEV_CRITICAL,
};
#define CVT_SEV_COUNT 5

struct cvt_location {
	const char *target;  /* scanner's Target (holds image tag, OS release) */
	const char *path;    /* package path inside the target, when given */
	const char *version; /* installed version at this place */
};

struct cvt_finding {
	const char *key;               /* "<id> <purl>" */
	const char *id;                /* vulnerability id, e.g. CVE-2023-38545 */
	const char *pkg_name;          /* scanner's own package name */
	const char *purl;              /* versionless purl */
	enum cvt_severity severity;
	const char *status;            /* scanner's fix status, lower-case words: fixed, affected, will_not_fix, ... */
	const char *installed_version;
	const char *fixed_version;
	const char *title;
	const char *url;               /* primary advisory URL */
	const char *cvss;              /* highest CVSS v3 base score, number text as written, or NULL */
	const char *published;         /* YYYY-MM-DD, or NULL */
	const char **aliases;          /* other ids for the same vulnerability (GHSA, DSA...), sorted, unique */
	size_t n_aliases;
	struct cvt_location *locations; /* sorted by target, path, version; unique */
	size_t n_locations;
};

struct cvt_report {
	struct arena arena;
	const char *artifact_name;
	const char *artifact_type;  /* container_image, filesystem, repository, ... */
	const char *os;             /* "debian 12", or NULL when the scanner saw no OS */
	const char *scanner_name;   /* trivy, grype */
	size_t results;             /* how many result sets (targets) the scanner returned */
	struct cvt_finding *findings; /* sorted by key, keys unique (after cvt_report_finish) */
	size_t n_findings;
	size_t findings_alloc;
	void *input; /* owned: the input text that strings may point into (freed on release) */
};

void cvt_report_init(struct cvt_report *r);
void cvt_report_release(struct cvt_report *r);

/* Makes room for `n` findings in all (a hint: cvt_report_add grows anyway). */
void cvt_report_reserve(struct cvt_report *r, size_t n);
/* Appends a zeroed finding (duplicates allowed until cvt_report_finish). */
struct cvt_finding *cvt_report_add(struct cvt_report *r);
/* Adds a location to a finding (arena-backed growth). */
void cvt_finding_add_location(struct cvt_report *r, struct cvt_finding *f, const char *target,
			      const char *path, const char *version);
void cvt_finding_add_alias(struct cvt_report *r, struct cvt_finding *f, const char *alias);

/*
 * Makes the report canonical: sorts findings by key, merges findings that
 * share a key (locations and aliases united; severity the highest; other
 * fields from the first location in sorted order that has them), sorts and
 * de-duplicates locations and aliases. The result does not depend on the
 * order findings were added in.
 */
void cvt_report_finish(struct cvt_report *r);

/* Binary search by key; NULL when absent. Needs a finished report. */
const struct cvt_finding *cvt_report_find(const struct cvt_report *r, const char *key);

/* Writes the canonical JSON (schema cvetrail/report/1), ending in a newline. */
void cvt_report_write(const struct cvt_report *r, struct strbuf *out);
/*
 * The same, handing the text to `flush` about every megabyte (and at the
 * end) so a large report is never held in memory whole; `out` is the
 * reused buffer. Stops at the first negative return of `flush` and returns it.
 */
int cvt_report_write_chunked(const struct cvt_report *r, struct strbuf *out,
			     int (*flush)(void *ctx, const char *data, size_t len), void *ctx);

/*
 * The same, for an output that can be written at any offset (a file):
 * `write_at` is handed each piece with its offset. From `parallel_min`
 * findings on, the findings are laid out by two threads, in pieces taken
 * in turn, so write_at may be called from two threads at once (on ranges
 * apart). Returns 0, or the first negative return of write_at.
 */
#define CVT_REPORT_PARALLEL_MIN 20000
int cvt_report_write_at(const struct cvt_report *r, size_t parallel_min,
			int (*write_at)(void *ctx, uint64_t offset, const char *data, size_t len),
			void *ctx);
/*
 * The same for an output written in order (a pipe, a terminal): the
 * pieces are laid out by two threads as above, and `write` is handed them
 * one at a time, in order. Returns 0, or the first negative return of write.
 */
int cvt_report_write_ordered(const struct cvt_report *r, size_t parallel_min,
			     int (*write)(void *ctx, const char *data, size_t len), void *ctx);

/* Writes the report to `path` atomically (a temporary file, fsync, rename),
 * laid out as cvt_report_write_at does. */
int cvt_report_write_file(const struct cvt_report *r, const char *path, struct cvt_error *err);
/*
 * Whether `path` holds exactly the text cvt_report_write would give: 1 if
 * so, 0 if not (or there is no such file), a negative CVT_E* when it cannot
 * be read. Compared piece by piece as laid out, never held whole; a
 * difference stops the comparison there.
 */
int cvt_report_matches_file(const struct cvt_report *r, const char *path, struct cvt_error *err);

enum cvt_severity cvt_severity_parse(const char *s); /* case-insensitive; Negligible -> LOW; else UNKNOWN */
const char *cvt_severity_name(enum cvt_severity s);  /* "CRITICAL" ... "UNKNOWN" */

#endif
