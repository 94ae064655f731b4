#ifndef CVT_DASHBOARD_H
#define CVT_DASHBOARD_H

#include <stddef.h>

#include "arena.h"
#include "report.h"
#include "strbuf.h"
#include "triage.h"

struct cvt_history;
struct cvt_fleet;

/*
 * The static HTML dashboard: one self-contained page (inline CSS and SVG, no
 * script, a Content-Security-Policy that refuses every outside resource) with
 * open findings over time, what needs attention, the decisions, the fixes
 * and, for many images, the fleet.
 *
 * The current report(s) are added one image at a time and only what the page
 * shows is kept: counts, and the first `max_rows` rows of each table in page
 * order (a row that cannot make the cut is not copied), so a fleet of a
 * million findings costs a page of bounded size and bounded memory.
 * Every text from a report, the ledger or the history is HTML-escaped.
 */

/* One finding row of an attention table; strings in the dashboard's arena. */
struct cvt_dashboard_item {
	const char *image; /* NULL for a single report */
	const char *key;
	const char *id;
	const char *pkg_name;
	const char *purl;
	const char *title;
	const char *url;
	const char *installed_version;
	const char *fixed_version;
	enum cvt_severity severity;
	const char *first_seen; /* "YYYY-MM-DD" from the history, or NULL */
	const struct cvt_decision *decision;
};

enum cvt_dashboard_table {
	CVT_DASHBOARD_UNTRIAGED = 0, /* newest first (first seen), then most severe */
	CVT_DASHBOARD_EXPIRED,       /* most severe first, then longest expired */
	CVT_DASHBOARD_RISEN,         /* most severe first */
};
#define CVT_DASHBOARD_TABLES 3

struct cvt_dashboard_rows {
	struct cvt_dashboard_item *items;
	size_t n, alloc;
	size_t total; /* rows there were, shown or not */
	int trimmed;  /* items[max_rows - 1] is the last row that still makes the cut */
};

struct cvt_dashboard {
	struct arena arena;
	const struct cvt_ledger *ledger;
	const char *today;
	const struct cvt_history *history; /* NULL: no git history */
	size_t max_rows;
	struct cvt_dashboard_rows tables[CVT_DASHBOARD_TABLES];
	size_t open[CVT_SEV_COUNT]; /* findings of the current report(s), by severity */
	size_t findings;
	size_t images;             /* reports added */
	int many_images;           /* rows name their image */
	size_t *decision_findings; /* per ledger decision: present findings it is the match of */
};

/*
 * `ledger` (may be empty, not NULL), `today` and `history` (NULL: none) are borrowed and must
 * outlive the dashboard. max_rows: rows per table before "and N more"; 0: 100.
 */
void cvt_dashboard_init(struct cvt_dashboard *d, const struct cvt_ledger *ledger, const char *today,
			const struct cvt_history *history, size_t max_rows);
void cvt_dashboard_release(struct cvt_dashboard *d);

/*
 * Counts one image's report and keeps the rows that can show. `image` names it in a fleet (and
 * the rows then show it); NULL for a single report, whose artifact name then is the image that
 * image-scoped decisions are matched against.
 */
void cvt_dashboard_add(struct cvt_dashboard *d, const char *image, const struct cvt_report *r);

struct cvt_dashboard_page {
	const char *title;        /* what the page is about (artifact or folder); NULL: none */
	const char *history_note; /* with no history: why (shown instead of the chart), or NULL */
	const struct cvt_fleet *fleet; /* finished fleet aggregate for many images, or NULL */
};

/* Writes the whole HTML document. Sorts the kept rows (hence not const). */
void cvt_dashboard_write(struct cvt_dashboard *d, const struct cvt_dashboard_page *page,
			 struct strbuf *out);

#endif
