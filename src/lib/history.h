#ifndef CVT_HISTORY_H
#define CVT_HISTORY_H

#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "report.h"
#include "strbuf.h"

/*
 * The audit trail read back from git (libgit2): the first-parent history of
 * the report file (or of every *.json report in a folder, one per image) and
 * of the triage ledger. Each blob is parsed once (cached by blob id), so a
 * year of daily commits costs a year of distinct reports, not more.
 *
 * Dates are commit dates in UTC, "YYYY-MM-DD". Commits are 40-hex ids.
 * All strings live in the history's arena.
 */

struct cvt_hist_point {
	const char *commit; /* NULL: never happened (e.g. not fixed) */
	const char *date;
	size_t order;       /* the commit's place in the walk (oldest 0): orders a finding's events */
};

struct cvt_hist_severity_change {
	const char *commit;
	const char *date;
	enum cvt_severity from, to;
	size_t order;
};

/* One change of a triage decision that covers the finding, read from the ledger's history. */
struct cvt_hist_triage {
	const char *commit;
	const char *date;
	const char *author;   /* the decision's author field (who decided), else the commit author */
	const char *status;   /* OpenVEX status; "removed" when the decision left the ledger */
	const char *justification; /* or NULL */
	const char *reason;   /* or NULL */
	const char *expires;  /* or NULL */
	const char *id;       /* the decision's vulnerability id */
	const char *package;  /* the decision's package, NULL: every package */
	size_t order;
};

struct cvt_hist_finding {
	const char *image;    /* folder mode: the image (report file name without .json); else NULL */
	const char *key;
	const char *id;
	const char *purl;
	const char *title;    /* latest seen, or NULL */
	const char **aliases; /* latest seen, sorted */
	size_t n_aliases;
	enum cvt_severity severity; /* latest seen */
	struct cvt_hist_point first_seen;
	struct cvt_hist_point fixed;     /* commit NULL while present in the newest report */
	struct cvt_hist_point *reopened; /* each time it came back after being fixed */
	size_t n_reopened;
	struct cvt_hist_point *fixes;    /* each time it left the report, oldest first: the last is
					    `fixed` unless the finding came back since */
	size_t n_fixes;
	struct cvt_hist_severity_change *severity_changes;
	size_t n_severity_changes;
	struct cvt_hist_triage *triage;
	size_t n_triage;
};

/* Open findings per severity after one commit that changed the report(s). */
struct cvt_hist_open {
	const char *commit;
	const char *date;
	size_t count[CVT_SEV_COUNT]; /* indexed by enum cvt_severity */
};

/* Time from first seen to fixed, in days, over findings fixed (and not reopened since). */
struct cvt_hist_time_to_fix {
	size_t fixed;        /* how many findings the figures are over */
	double median_days;  /* meaningful when fixed > 0 */
	double p90_days;
};

struct cvt_hist_author {
	const char *author;
	size_t decisions;    /* decisions recorded (added or changed) by this author */
};

struct cvt_history {
	struct arena arena;
	struct cvt_hist_finding *findings; /* sorted by (image, key) */
	size_t n_findings;
	struct cvt_hist_open *open_over_time; /* oldest first; one entry per commit that changed a report */
	size_t n_open_over_time;
	struct cvt_hist_time_to_fix time_to_fix[CVT_SEV_COUNT]; /* indexed by enum cvt_severity */
	struct cvt_hist_author *authors; /* most decisions first, then by name */
	size_t n_authors;
	size_t commits;      /* first-parent commits walked that touched the report(s) or ledger */
};

struct cvt_history_options {
	const char *report;  /* report file or folder of reports, as given (relative to cwd) */
	const char *ledger;  /* ledger file, as given (relative to cwd); NULL: .cvetrail/triage.json */
	const char *since;   /* "YYYY-MM-DD": ignore commits before this date; NULL: all */
	const char *filter;  /* keep only findings with this id (or alias) or this key; NULL: all */
};

void cvt_history_init(struct cvt_history *h);
void cvt_history_release(struct cvt_history *h);

/*
 * Reads the history of o->report and o->ledger from the git repository that
 * holds them (found from the report's folder upward). Errors: not inside a
 * git repository, the report never committed, an unreadable blob (naming the
 * commit and path, and the byte offset for invalid JSON).
 */
int cvt_history_compute(struct cvt_history *h, const struct cvt_history_options *o,
			struct cvt_error *err);

/*
 * The p-quantile (0 <= p <= 1) of n sorted values by linear interpolation
 * between closest ranks (the "type 7" of Hyndman and Fan, as spreadsheets and
 * numpy compute it): the median of 1, 2, 3, 4 is 2.5. n must be > 0.
 */
double cvt_history_quantile(const double *sorted, size_t n, double p);

/* The JSON of DESIGN.md's History section (plus reopened, time_to_fix, authors), newline-ended. */
void cvt_history_write_json(const struct cvt_history *h, struct strbuf *out);

#endif
