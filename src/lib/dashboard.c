#include "dashboard.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "fleet.h"
#include "history.h"
#include "html.h"
#include "policy.h"

#define DEFAULT_MAX_ROWS 100
#define MAX_CHART_POINTS 400 /* more commits than this are sampled: the chart stays small */
#define TEXT_CHARS       300 /* titles and reasons are cut here; the report has them whole */
#define CHART_WIDTH      960
#define CHART_HEIGHT     340
#define PLOT_LEFT        56
#define PLOT_TOP         16
#define PLOT_WIDTH       880
#define PLOT_HEIGHT      256

/* Highest first: table columns, legend, and the chart's stacking from the bottom up. */
static const enum cvt_severity severities[CVT_SEV_COUNT] = {
	CVT_SEV_CRITICAL, CVT_SEV_HIGH, CVT_SEV_MEDIUM, CVT_SEV_LOW, CVT_SEV_UNKNOWN,
};

static const char *severity_class(enum cvt_severity s)
{
	static const char *const names[CVT_SEV_COUNT] = {"unknown", "low", "medium", "high",
							 "critical"};
	return (unsigned)s < CVT_SEV_COUNT ? names[s] : "unknown";
}

static const char *keep_text(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static int compare_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int compare_place(const struct cvt_dashboard_item *a, const struct cvt_dashboard_item *b)
{
	int c = compare_text(a->image, b->image);
	return c ? c : strcmp(a->key, b->key);
}

static int compare_severity(enum cvt_severity a, enum cvt_severity b)
{
	return a == b ? 0 : a > b ? -1 : 1;
}

static int compare_untriaged(const void *pa, const void *pb)
{
	const struct cvt_dashboard_item *a = pa, *b = pb;
	if (a->first_seen || b->first_seen) {
		if (!a->first_seen)
			return 1;
		if (!b->first_seen)
			return -1;
		int c = strcmp(b->first_seen, a->first_seen);
		if (c)
			return c;
	}
	int c = compare_severity(a->severity, b->severity);
	return c ? c : compare_place(a, b);
}

static int compare_expired(const void *pa, const void *pb)
{
	const struct cvt_dashboard_item *a = pa, *b = pb;
	int c = compare_severity(a->severity, b->severity);
	if (!c)
		c = compare_text(a->decision->expires, b->decision->expires);
	return c ? c : compare_place(a, b);
}

static int compare_risen(const void *pa, const void *pb)
{
	const struct cvt_dashboard_item *a = pa, *b = pb;
	int c = compare_severity(a->severity, b->severity);
	return c ? c : compare_place(a, b);
}

static int (*const row_order[CVT_DASHBOARD_TABLES])(const void *, const void *) = {
	compare_untriaged,
	compare_expired,
	compare_risen,
};

void cvt_dashboard_init(struct cvt_dashboard *d, const struct cvt_ledger *ledger, const char *today,
			const struct cvt_history *history, size_t max_rows)
{
	memset(d, 0, sizeof *d);
	arena_init(&d->arena);
	d->ledger = ledger;
	d->today = today;
	d->history = history;
	d->max_rows = max_rows ? max_rows : DEFAULT_MAX_ROWS;
	size_t n = ledger->n_decisions ? ledger->n_decisions : 1;
	d->decision_findings = arena_alloc_array(&d->arena, n, sizeof *d->decision_findings);
	memset(d->decision_findings, 0, n * sizeof *d->decision_findings);
}

void cvt_dashboard_release(struct cvt_dashboard *d)
{
	for (int t = 0; t < CVT_DASHBOARD_TABLES; t++)
		free(d->tables[t].items);
	arena_release(&d->arena);
	memset(d, 0, sizeof *d);
}

/* Sorts the kept rows and drops those past max_rows. */
static void trim_rows(struct cvt_dashboard_rows *rows, enum cvt_dashboard_table t, size_t max_rows)
{
	if (rows->n > 1)
		qsort(rows->items, rows->n, sizeof *rows->items, row_order[t]);
	if (rows->n > max_rows) {
		rows->n = max_rows;
		rows->trimmed = 1;
	}
}

/*
 * Keeps a row when it can still be among the first max_rows: the list grows to twice that,
 * then is sorted and cut, and a row that sorts after the last survivor is not even copied.
 */
static void keep_row(struct cvt_dashboard *d, enum cvt_dashboard_table t,
		     const struct cvt_dashboard_item *row)
{
	struct cvt_dashboard_rows *rows = &d->tables[t];
	rows->total++;
	if (rows->trimmed && row_order[t](row, &rows->items[d->max_rows - 1]) >= 0)
		return;
	if (!rows->items) {
		rows->alloc = 2 * d->max_rows;
		rows->items = cvt_realloc_array(NULL, rows->alloc, sizeof *rows->items);
	}
	struct cvt_dashboard_item *it = &rows->items[rows->n++];
	struct arena *a = &d->arena;
	*it = *row;
	it->image = keep_text(a, row->image);
	it->key = keep_text(a, row->key);
	it->id = keep_text(a, row->id);
	it->pkg_name = keep_text(a, row->pkg_name);
	it->purl = keep_text(a, row->purl);
	it->title = keep_text(a, row->title);
	it->url = keep_text(a, row->url);
	it->installed_version = keep_text(a, row->installed_version);
	it->fixed_version = keep_text(a, row->fixed_version);
	if (rows->n == rows->alloc)
		trim_rows(rows, t, d->max_rows);
}

/* The history's record of a finding: findings are sorted by (image, key). */
static const struct cvt_hist_finding *history_find(const struct cvt_history *h, const char *image,
						   const char *key)
{
	size_t lo = 0, hi = h->n_findings;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cvt_hist_finding *f = &h->findings[mid];
		int c = compare_text(image, f->image);
		if (!c)
			c = strcmp(key, f->key);
		if (!c)
			return f;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void cvt_dashboard_add(struct cvt_dashboard *d, const char *image, const struct cvt_report *r)
{
	/* A single report's image, for decisions scoped to one image, is its artifact. */
	const char *scope = image ? image : r->artifact_name;
	d->images++;
	if (image)
		d->many_images = 1;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct cvt_finding *f = &r->findings[i];
		d->findings++;
		if ((unsigned)f->severity < CVT_SEV_COUNT)
			d->open[f->severity]++;
		const struct cvt_decision *dec = cvt_ledger_match_in(d->ledger, f, scope);
		if (dec)
			d->decision_findings[dec - d->ledger->decisions]++;
		unsigned attention = cvt_policy_attention(f, dec, d->today);
		if (!attention)
			continue;
		struct cvt_dashboard_item row = {
			.image = image,
			.key = f->key,
			.id = f->id,
			.pkg_name = f->pkg_name,
			.purl = f->purl,
			.title = f->title,
			.url = f->url,
			.installed_version = f->installed_version,
			.fixed_version = f->fixed_version,
			.severity = f->severity,
			.decision = dec,
		};
		if (attention & CVT_ATTENTION_UNTRIAGED) {
			const struct cvt_hist_finding *seen =
				d->history ? history_find(d->history, image, f->key) : NULL;
			row.first_seen = seen ? seen->first_seen.date : NULL;
			keep_row(d, CVT_DASHBOARD_UNTRIAGED, &row);
		}
		if (attention & CVT_ATTENTION_EXPIRED)
			keep_row(d, CVT_DASHBOARD_EXPIRED, &row);
		if (attention & CVT_ATTENTION_RISEN)
			keep_row(d, CVT_DASHBOARD_RISEN, &row);
	}
}

static void esc(struct strbuf *out, const char *text)
{
	cvt_html_escape(out, text, 0);
}

static void cell(struct strbuf *out, const char *text)
{
	sb_addstr(out, "<td>");
	cvt_html_escape(out, text, TEXT_CHARS);
	sb_addstr(out, "</td>");
}

/* Dates and ids read best unbroken. */
static void cell_nowrap(struct strbuf *out, const char *text)
{
	sb_addstr(out, "<td class=\"nowrap\">");
	cvt_html_escape(out, text, TEXT_CHARS);
	sb_addstr(out, "</td>");
}

static void cell_number(struct strbuf *out, size_t n)
{
	sb_addf(out, "<td class=\"num\">%zu</td>", n);
}

static void severity_badge(struct strbuf *out, enum cvt_severity s)
{
	sb_addf(out, "<span class=\"sev sev-%s\">%s</span>", severity_class(s),
		cvt_severity_name(s));
}

static void severity_cell(struct strbuf *out, enum cvt_severity s)
{
	sb_addstr(out, "<td>");
	severity_badge(out, s);
	sb_addstr(out, "</td>");
}

/* A decision records its severity as text; anything unexpected is shown as written. */
static void decided_severity_cell(struct strbuf *out, const char *severity)
{
	if (!severity) {
		sb_addstr(out, "<td class=\"dim\">not recorded</td>");
		return;
	}
	enum cvt_severity s = cvt_severity_parse(severity);
	if (strcmp(cvt_severity_name(s), severity) == 0)
		severity_cell(out, s);
	else
		cell(out, severity);
}

static void package_cell(struct strbuf *out, const char *name, const char *purl)
{
	sb_addstr(out, "<td>");
	cvt_html_escape(out, name ? name : purl, TEXT_CHARS);
	if (name && purl) {
		sb_addstr(out, "<div class=\"purl\">");
		cvt_html_escape(out, purl, TEXT_CHARS);
		sb_addstr(out, "</div>");
	}
	sb_addstr(out, "</td>");
}

static void id_cell(struct strbuf *out, const char *id, const char *url)
{
	sb_addstr(out, "<td class=\"id\">");
	cvt_html_link(out, url, id);
	sb_addstr(out, "</td>");
}

static void table_head(struct strbuf *out, const char *const *columns)
{
	sb_addstr(out, "<div class=\"scroll\"><table>\n<thead><tr>");
	for (const char *const *c = columns; *c; c++)
		sb_addf(out, "<th scope=\"col\">%s</th>", *c);
	sb_addstr(out, "</tr></thead>\n<tbody>\n");
}

static void table_end(struct strbuf *out, size_t shown, size_t total)
{
	sb_addstr(out, "</tbody></table></div>\n");
	if (total > shown)
		sb_addf(out, "<p class=\"more\">… and %zu more (the first %zu are shown).</p>\n",
			total - shown, shown);
}

static void empty_note(struct strbuf *out, const char *text)
{
	sb_addf(out, "<p class=\"empty\">%s</p>\n", text);
}

static const char page_style[] =
	"body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
	"margin:0;color:#1f2328;background:#f6f8fa}"
	"header{background:#24292f;color:#fff;padding:16px 24px}"
	"header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#d0d7de}"
	"nav{padding:8px 24px;background:#eaeef2}nav a{margin-right:16px}"
	"main{padding:8px 24px 24px;max-width:1400px}"
	"section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 16px 16px;"
	"margin:16px 0}"
	"h2{font-size:18px;margin:8px 0}h3{font-size:15px;margin:16px 0 6px}"
	".scroll{overflow-x:auto}"
	"table{border-collapse:collapse;width:100%}"
	"th,td{border-bottom:1px solid #d8dee4;padding:4px 8px;text-align:left;vertical-align:top;"
	"overflow-wrap:break-word}"
	"th{background:#f6f8fa;font-weight:600;white-space:nowrap}"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
	"td.id,td.nowrap{white-space:nowrap}td.anywhere{overflow-wrap:anywhere}"
	".purl{color:#57606a;font-size:12px;font-family:ui-monospace,monospace}"
	".dim{color:#6e7781}.expired{color:#a40e26;font-weight:600}"
	".more,.empty,.note{color:#57606a}.note{background:#fff8c5;padding:8px;border-radius:4px}"
	".cards{display:flex;flex-wrap:wrap;gap:8px}"
	".card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;min-width:110px}"
	".card b{display:block;font-size:22px}"
	".sev{display:inline-block;padding:0 6px;border-radius:10px;font-size:12px;font-weight:600;"
	"color:#fff;white-space:nowrap}"
	".sev-critical{background:#7d1a1a}.sev-high{background:#cf4a0c}"
	".sev-medium{background:#b7791f}.sev-low{background:#2f6fb5}.sev-unknown{background:#6e7781}"
	"svg .area-critical{fill:#7d1a1a}svg .area-high{fill:#cf4a0c}svg .area-medium{fill:#e0a030}"
	"svg .area-low{fill:#5b8fd0}svg .area-unknown{fill:#a0a7b0}"
	"svg text{font-size:11px;fill:#1f2328}svg .grid{stroke:#d8dee4;stroke-width:1}"
	"svg .axis{stroke:#57606a;stroke-width:1}"
	"footer{padding:0 24px 24px;color:#57606a;font-size:12px}";

static void write_head(struct strbuf *out, const struct cvt_dashboard_page *page)
{
	sb_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		       "style-src 'unsafe-inline'; img-src data:\">\n"
		       "<meta name=\"referrer\" content=\"no-referrer\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<meta name=\"generator\" content=\"cvetrail\">\n"
		       /* Without an icon of its own a browser asks the server for /favicon.ico. */
		       "<link rel=\"icon\" href=\"data:,\">\n<title>cvetrail dashboard");
	if (page->title) {
		sb_addstr(out, ": ");
		cvt_html_escape(out, page->title, TEXT_CHARS);
	}
	sb_addf(out, "</title>\n<style>%s</style>\n</head>\n", page_style);
}

static size_t total_count(const size_t count[CVT_SEV_COUNT])
{
	size_t sum = 0;
	for (int s = 0; s < CVT_SEV_COUNT; s++)
		sum += count[s];
	return sum;
}

static void write_header(struct strbuf *out, const struct cvt_dashboard *d,
			 const struct cvt_dashboard_page *page)
{
	sb_addstr(out, "<body>\n<header>\n<h1>cvetrail dashboard");
	if (page->title) {
		sb_addstr(out, ": ");
		cvt_html_escape(out, page->title, TEXT_CHARS);
	}
	sb_addstr(out, "</h1>\n<p>As of ");
	esc(out, d->today);
	sb_addf(out, " · %zu open finding%s", d->findings, d->findings == 1 ? "" : "s");
	if (d->many_images)
		sb_addf(out, " in %zu image%s", d->images, d->images == 1 ? "" : "s");
	sb_addf(out, " · %zu decision%s", d->ledger->n_decisions,
		d->ledger->n_decisions == 1 ? "" : "s");
	if (d->history)
		sb_addf(out, " · %zu commit%s of history", d->history->commits,
			d->history->commits == 1 ? "" : "s");
	sb_addstr(out, "</p>\n</header>\n<nav><a href=\"#now\">Now</a><a href=\"#trend\">Over time"
		       "</a>");
	if (page->fleet)
		sb_addstr(out, "<a href=\"#fleet\">Fleet</a>");
	sb_addstr(out, "<a href=\"#attention\">Needs attention</a><a href=\"#decisions\">"
		       "Decisions</a><a href=\"#fixes\">Fixes</a></nav>\n<main>\n");
}

static void write_now(struct strbuf *out, const struct cvt_dashboard *d)
{
	sb_addstr(out, "<section id=\"now\">\n<h2>Open findings now</h2>\n<div class=\"cards\">");
	for (int i = 0; i < CVT_SEV_COUNT; i++) {
		enum cvt_severity s = severities[i];
		sb_addf(out, "<div class=\"card\"><b>%zu</b>", d->open[s]);
		severity_badge(out, s);
		sb_addstr(out, "</div>");
	}
	sb_addf(out,
		"<div class=\"card\"><b>%zu</b>total</div>"
		"<div class=\"card\"><b>%zu</b>untriaged</div>"
		"<div class=\"card\"><b>%zu</b>decisions expired</div>"
		"<div class=\"card\"><b>%zu</b>above the decided severity</div></div>\n</section>\n",
		d->findings, d->tables[CVT_DASHBOARD_UNTRIAGED].total,
		d->tables[CVT_DASHBOARD_EXPIRED].total, d->tables[CVT_DASHBOARD_RISEN].total);
}

struct chart_point {
	const char *date;
	const char *commit;
	long day; /* days since 1970-01-01 */
	size_t count[CVT_SEV_COUNT];
};

static long day_number(const char *date)
{
	return cvt_date_days_between("1970-01-01", date);
}

/*
 * One point per day (the day's last commit), sampled evenly down to MAX_CHART_POINTS (first
 * and last kept). Points with an unreadable date are skipped. Returns the count.
 */
static size_t chart_points(struct arena *a, const struct cvt_history *h,
			   struct chart_point **points_out)
{
	struct chart_point *points = arena_alloc_array(a, h->n_open_over_time + 1, sizeof *points);
	size_t n = 0;
	struct cvt_date parsed;
	for (size_t i = 0; i < h->n_open_over_time; i++) {
		const struct cvt_hist_open *o = &h->open_over_time[i];
		if (!o->date || cvt_date_parse(o->date, &parsed) != 0)
			continue;
		if (n == 0 || strcmp(points[n - 1].date, o->date) != 0)
			n++;
		struct chart_point *p = &points[n - 1];
		p->date = o->date;
		p->commit = o->commit;
		p->day = day_number(o->date);
		memcpy(p->count, o->count, sizeof p->count);
	}
	if (n > MAX_CHART_POINTS) {
		for (size_t i = 0; i < MAX_CHART_POINTS; i++)
			points[i] = points[i * (n - 1) / (MAX_CHART_POINTS - 1)];
		n = MAX_CHART_POINTS;
	}
	*points_out = points;
	return n;
}

/* 1, 2 or 5 times a power of ten, at least `raw`. */
static size_t nice_step(size_t raw)
{
	size_t power = 1;
	while (power * 10 <= raw)
		power *= 10;
	if (raw <= power)
		return power;
	if (raw <= 2 * power)
		return 2 * power;
	if (raw <= 5 * power)
		return 5 * power;
	return 10 * power;
}

struct chart_scale {
	long day0, span;
	size_t top;
};

static double chart_x(const struct chart_scale *sc, long day)
{
	return PLOT_LEFT + (double)(day - sc->day0) * PLOT_WIDTH / (double)sc->span;
}

static double chart_y(const struct chart_scale *sc, size_t value)
{
	return PLOT_TOP + PLOT_HEIGHT - (double)value * PLOT_HEIGHT / (double)sc->top;
}

/* Count of the layers below severity index `layer` (stacked from CRITICAL at the bottom). */
static size_t stacked_below(const struct chart_point *p, int layer)
{
	size_t sum = 0;
	for (int i = 0; i < layer; i++)
		sum += p->count[severities[i]];
	return sum;
}

/*
 * One severity's band as a step area: counts hold from one commit to the next, and the last
 * ones until the right edge (today).
 */
static void chart_area(struct strbuf *out, const struct chart_scale *sc,
		       const struct chart_point *points, size_t n, int layer, double x_end)
{
	enum cvt_severity s = severities[layer];
	size_t latest = points[n - 1].count[s];
	sb_addf(out, "<path class=\"area-%s\" d=\"M%.1f %.1f", severity_class(s),
		chart_x(sc, points[0].day), chart_y(sc, stacked_below(&points[0], layer + 1)));
	for (size_t i = 1; i < n; i++)
		sb_addf(out, "H%.1fV%.1f", chart_x(sc, points[i].day),
			chart_y(sc, stacked_below(&points[i], layer + 1)));
	sb_addf(out, "H%.1fV%.1fH%.1f", x_end, chart_y(sc, stacked_below(&points[n - 1], layer)),
		chart_x(sc, points[n - 1].day));
	for (size_t i = n - 1; i > 0; i--)
		sb_addf(out, "V%.1fH%.1f", chart_y(sc, stacked_below(&points[i - 1], layer)),
			chart_x(sc, points[i - 1].day));
	sb_addf(out, "Z\"><title>%s: %zu open now</title></path>\n", cvt_severity_name(s), latest);
}

static void write_chart(struct strbuf *out, const struct cvt_dashboard *d,
			const struct chart_point *points, size_t n)
{
	struct chart_scale sc = {.day0 = points[0].day};
	long day_end = points[n - 1].day;
	struct cvt_date parsed;
	if (d->today && cvt_date_parse(d->today, &parsed) == 0 && day_number(d->today) > day_end)
		day_end = day_number(d->today);
	sc.span = day_end > sc.day0 ? day_end - sc.day0 : 1;
	size_t highest = 0;
	for (size_t i = 0; i < n; i++)
		if (total_count(points[i].count) > highest)
			highest = total_count(points[i].count);
	size_t step = highest ? nice_step((highest + 3) / 4) : 1;
	sc.top = highest ? (highest + step - 1) / step * step : 4;

	sb_addf(out,
		"<svg role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 %d %d\" "
		"width=\"100%%\" style=\"max-width:%dpx\" xmlns=\"http://www.w3.org/2000/svg\">\n"
		"<title id=\"chart-title\">Open findings by severity over time, ",
		CHART_WIDTH, CHART_HEIGHT, CHART_WIDTH);
	esc(out, points[0].date);
	sb_addstr(out, " to ");
	esc(out, points[n - 1].date);
	sb_addstr(out, "</title>\n<g class=\"y-axis\">\n");
	for (size_t v = 0; v <= sc.top; v += step) {
		double y = chart_y(&sc, v);
		sb_addf(out,
			"<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%zu</text>\n",
			PLOT_LEFT, y, PLOT_LEFT + PLOT_WIDTH, y, PLOT_LEFT - 6, y + 4, v);
	}
	sb_addstr(out, "</g>\n<g class=\"series\">\n");
	double x_end = PLOT_LEFT + PLOT_WIDTH;
	for (int layer = 0; layer < CVT_SEV_COUNT; layer++)
		chart_area(out, &sc, points, n, layer, x_end);
	sb_addf(out,
		"</g>\n<g class=\"x-axis\">\n<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		"y2=\"%d\"/>\n",
		PLOT_LEFT, PLOT_TOP + PLOT_HEIGHT, PLOT_LEFT + PLOT_WIDTH, PLOT_TOP + PLOT_HEIGHT);
	long ticks = sc.span < 5 ? sc.span + 1 : 6;
	for (long i = 0; i < ticks; i++) {
		long day = sc.day0 + (ticks > 1 ? i * sc.span / (ticks - 1) : 0);
		struct cvt_date label;
		cvt_date_from_time(&label, (time_t)day * 86400);
		double x = chart_x(&sc, day);
		const char *anchor = i == 0 ? "start" : i == ticks - 1 ? "end" : "middle";
		sb_addf(out,
			"<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
			x, PLOT_TOP + PLOT_HEIGHT, x, PLOT_TOP + PLOT_HEIGHT + 5, x,
			PLOT_TOP + PLOT_HEIGHT + 18, anchor, label.text);
	}
	sb_addstr(out, "</g>\n<g class=\"legend\">\n");
	for (int i = 0; i < CVT_SEV_COUNT; i++) {
		enum cvt_severity s = severities[i];
		int x = PLOT_LEFT + i * 130;
		int y = PLOT_TOP + PLOT_HEIGHT + 34;
		sb_addf(out,
			"<rect class=\"area-%s\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\"/>"
			"<text x=\"%d\" y=\"%d\">%s (%zu)</text>\n",
			severity_class(s), x, y, x + 16, y + 10, cvt_severity_name(s),
			points[n - 1].count[s]);
	}
	sb_addstr(out, "</g>\n</svg>\n");
}

static void write_chart_table(struct strbuf *out, const struct chart_point *points, size_t n,
			      size_t commits)
{
	static const char *const columns[] = {"Date", "Commit",  "CRITICAL", "HIGH", "MEDIUM",
					      "LOW",  "UNKNOWN", "Total",    NULL};
	sb_addf(out,
		"<details id=\"trend-table\"><summary>The chart's numbers (%zu point%s; one per "
		"day, the day's last commit, from %zu commit%s that changed the report)</summary>\n",
		n, n == 1 ? "" : "s", commits, commits == 1 ? "" : "s");
	table_head(out, columns);
	for (size_t i = 0; i < n; i++) {
		const struct chart_point *p = &points[i];
		sb_addstr(out, "<tr>");
		cell_nowrap(out, p->date);
		char short_commit[13] = "";
		if (p->commit)
			memcpy(short_commit, p->commit,
			       strnlen(p->commit, sizeof short_commit - 1));
		sb_addstr(out, "<td class=\"purl\">");
		esc(out, short_commit);
		sb_addstr(out, "</td>");
		for (int s = 0; s < CVT_SEV_COUNT; s++)
			cell_number(out, p->count[severities[s]]);
		cell_number(out, total_count(p->count));
		sb_addstr(out, "</tr>\n");
	}
	table_end(out, n, n);
	sb_addstr(out, "</details>\n");
}

static void write_trend(struct strbuf *out, struct cvt_dashboard *d,
			const struct cvt_dashboard_page *page)
{
	sb_addstr(out, "<section id=\"trend\">\n<h2>Open findings over time</h2>\n");
	struct chart_point *points = NULL;
	size_t n = d->history ? chart_points(&d->arena, d->history, &points) : 0;
	if (n == 0) {
		sb_addstr(out, "<p class=\"note\" id=\"no-history\">No git history");
		if (page->history_note) {
			sb_addstr(out, ": ");
			cvt_html_escape(out, page->history_note, TEXT_CHARS);
		}
		sb_addstr(out, ". The page shows the current counts only; commit the report to see "
			       "it over time.</p>\n</section>\n");
		return;
	}
	write_chart(out, d, points, n);
	write_chart_table(out, points, n, d->history->n_open_over_time);
	sb_addstr(out, "</section>\n");
}

static void image_cell(struct strbuf *out, const struct cvt_dashboard *d, const char *image)
{
	if (d->many_images)
		cell(out, image);
}

static void decision_summary_cells(struct strbuf *out, const struct cvt_decision *dec)
{
	cell(out, dec->status);
	cell(out, dec->author);
	cell(out, dec->reason);
}

/* The head of a table of findings: "Image" first when the page covers several images. */
static void finding_table_head(struct strbuf *out, const struct cvt_dashboard *d,
			       const char *const *columns)
{
	const char *all[16];
	size_t c = 0;
	if (d->many_images)
		all[c++] = "Image";
	while (*columns && c < sizeof all / sizeof all[0] - 1)
		all[c++] = *columns++;
	all[c] = NULL;
	table_head(out, all);
}

static void write_untriaged(struct strbuf *out, const struct cvt_dashboard *d)
{
	const struct cvt_dashboard_rows *rows = &d->tables[CVT_DASHBOARD_UNTRIAGED];
	sb_addf(out,
		"<h3 id=\"untriaged\">Untriaged (%zu)</h3>\n<p>Findings no decision covers%s. "
		"Record one with <code>cvetrail ack</code>.</p>\n",
		rows->total, d->history ? ", newest first" : ", most severe first");
	if (!rows->n) {
		empty_note(out, "None: every finding has a decision.");
		return;
	}
	static const char *const columns[] = {"First seen", "Severity", "ID",    "Package",
					      "Installed",  "Fixed in", "Title", NULL};
	finding_table_head(out, d, d->history ? columns : columns + 1);
	for (size_t i = 0; i < rows->n; i++) {
		const struct cvt_dashboard_item *it = &rows->items[i];
		sb_addstr(out, "<tr>");
		image_cell(out, d, it->image);
		if (d->history)
			cell_nowrap(out, it->first_seen ? it->first_seen : "not committed yet");
		severity_cell(out, it->severity);
		id_cell(out, it->id, it->url);
		package_cell(out, it->pkg_name, it->purl);
		cell(out, it->installed_version);
		cell(out, it->fixed_version);
		cell(out, it->title);
		sb_addstr(out, "</tr>\n");
	}
	table_end(out, rows->n, rows->total);
}

static void write_expired(struct strbuf *out, const struct cvt_dashboard *d)
{
	const struct cvt_dashboard_rows *rows = &d->tables[CVT_DASHBOARD_EXPIRED];
	sb_addf(out,
		"<h3 id=\"expired\">Decisions expired (%zu)</h3>\n<p>The finding is still "
		"present and its decision's expiry date has passed: decide again.</p>\n",
		rows->total);
	if (!rows->n) {
		empty_note(out, "None.");
		return;
	}
	static const char *const columns[] = {"Severity", "ID",     "Package", "Expired on",
					      "Status",   "Author", "Reason",  NULL};
	finding_table_head(out, d, columns);
	for (size_t i = 0; i < rows->n; i++) {
		const struct cvt_dashboard_item *it = &rows->items[i];
		sb_addstr(out, "<tr>");
		image_cell(out, d, it->image);
		severity_cell(out, it->severity);
		id_cell(out, it->id, it->url);
		package_cell(out, it->pkg_name, it->purl);
		sb_addstr(out, "<td class=\"expired nowrap\">");
		esc(out, it->decision->expires);
		sb_addstr(out, "</td>");
		decision_summary_cells(out, it->decision);
		sb_addstr(out, "</tr>\n");
	}
	table_end(out, rows->n, rows->total);
}

static void write_risen(struct strbuf *out, const struct cvt_dashboard *d)
{
	const struct cvt_dashboard_rows *rows = &d->tables[CVT_DASHBOARD_RISEN];
	sb_addf(out,
		"<h3 id=\"risen\">Severity above the decided one (%zu)</h3>\n<p>The finding "
		"is now more severe than when its decision was recorded.</p>\n",
		rows->total);
	if (!rows->n) {
		empty_note(out, "None.");
		return;
	}
	static const char *const columns[] = {"Now",    "Decided at", "ID",     "Package",
					      "Status", "Author",     "Reason", NULL};
	finding_table_head(out, d, columns);
	for (size_t i = 0; i < rows->n; i++) {
		const struct cvt_dashboard_item *it = &rows->items[i];
		sb_addstr(out, "<tr>");
		image_cell(out, d, it->image);
		severity_cell(out, it->severity);
		decided_severity_cell(out, it->decision->severity);
		id_cell(out, it->id, it->url);
		package_cell(out, it->pkg_name, it->purl);
		decision_summary_cells(out, it->decision);
		sb_addstr(out, "</tr>\n");
	}
	table_end(out, rows->n, rows->total);
}

static void write_attention(struct strbuf *out, struct cvt_dashboard *d)
{
	for (int t = 0; t < CVT_DASHBOARD_TABLES; t++)
		trim_rows(&d->tables[t], (enum cvt_dashboard_table)t, d->max_rows);
	sb_addstr(out, "<section id=\"attention\">\n<h2>Needs attention</h2>\n");
	write_untriaged(out, d);
	write_expired(out, d);
	write_risen(out, d);
	sb_addstr(out, "</section>\n");
}

static int compare_decisions_newest(const void *pa, const void *pb)
{
	const struct cvt_decision *a = *(const struct cvt_decision *const *)pa;
	const struct cvt_decision *b = *(const struct cvt_decision *const *)pb;
	int c = compare_text(b->date, a->date);
	if (!c)
		c = strcmp(a->id, b->id);
	return c ? c : compare_text(a->package, b->package);
}

static void write_decisions(struct strbuf *out, const struct cvt_dashboard *d)
{
	const struct cvt_ledger *l = d->ledger;
	int scoped = 0;
	for (size_t i = 0; i < l->n_decisions; i++)
		scoped |= l->decisions[i].image != NULL;
	const char *columns[12];
	size_t c = 0;
	columns[c++] = "ID";
	columns[c++] = "Package";
	if (scoped)
		columns[c++] = "Image";
	columns[c++] = "Status";
	columns[c++] = "Justification";
	columns[c++] = "Reason";
	columns[c++] = "Author";
	columns[c++] = "Date";
	columns[c++] = "Expires";
	columns[c++] = "Decided at";
	columns[c++] = "Covers";
	columns[c] = NULL;
	sb_addf(out,
		"<section id=\"decisions\">\n<h2>Decisions (%zu)</h2>\n<p>The triage ledger, "
		"newest first. Covers: the present findings this decision is the one "
		"that applies to.</p>\n",
		l->n_decisions);
	if (!l->n_decisions) {
		empty_note(out, "No decision recorded yet.");
		sb_addstr(out, "</section>\n");
		return;
	}
	const struct cvt_decision **order = cvt_realloc_array(NULL, l->n_decisions, sizeof *order);
	for (size_t i = 0; i < l->n_decisions; i++)
		order[i] = &l->decisions[i];
	qsort(order, l->n_decisions, sizeof *order, compare_decisions_newest);
	size_t shown = l->n_decisions < d->max_rows ? l->n_decisions : d->max_rows;
	table_head(out, columns);
	for (size_t i = 0; i < shown; i++) {
		const struct cvt_decision *dec = order[i];
		sb_addstr(out, "<tr>");
		cell_nowrap(out, dec->id);
		sb_addstr(out, "<td class=\"purl\">");
		cvt_html_escape(out, dec->package ? dec->package : "every package", TEXT_CHARS);
		sb_addstr(out, "</td>");
		if (scoped)
			cell(out, dec->image ? dec->image : "every image");
		cell(out, dec->status);
		/* OpenVEX justifications are one long word: let them break anywhere. */
		sb_addstr(out, "<td class=\"anywhere\">");
		cvt_html_escape(out, dec->justification, TEXT_CHARS);
		sb_addstr(out, "</td>");
		cell(out, dec->reason);
		cell(out, dec->author);
		cell_nowrap(out, dec->date);
		if (!dec->expires) {
			sb_addstr(out, "<td class=\"dim\">never</td>");
		} else if (cvt_decision_expired(dec, d->today)) {
			sb_addstr(out, "<td class=\"expired nowrap\">");
			esc(out, dec->expires);
			sb_addstr(out, " (expired)</td>");
		} else {
			cell_nowrap(out, dec->expires);
		}
		decided_severity_cell(out, dec->severity);
		cell_number(out, d->decision_findings[dec - l->decisions]);
		sb_addstr(out, "</tr>\n");
	}
	table_end(out, shown, l->n_decisions);
	free(order);
	sb_addstr(out, "</section>\n");
}

static int compare_fixed_newest(const void *pa, const void *pb)
{
	const struct cvt_hist_finding *a = *(const struct cvt_hist_finding *const *)pa;
	const struct cvt_hist_finding *b = *(const struct cvt_hist_finding *const *)pb;
	int c = compare_text(b->fixed.date, a->fixed.date);
	if (!c)
		c = compare_text(a->image, b->image);
	return c ? c : strcmp(a->key, b->key);
}

static void write_recently_fixed(struct strbuf *out, const struct cvt_dashboard *d)
{
	const struct cvt_history *h = d->history;
	const struct cvt_hist_finding **fixed =
		cvt_realloc_array(NULL, h->n_findings ? h->n_findings : 1, sizeof *fixed);
	size_t n = 0;
	for (size_t i = 0; i < h->n_findings; i++)
		if (h->findings[i].fixed.commit && h->findings[i].fixed.date)
			fixed[n++] = &h->findings[i];
	qsort(fixed, n, sizeof *fixed, compare_fixed_newest);
	sb_addf(out, "<h3 id=\"fixed\">Recently fixed (%zu)</h3>\n", n);
	if (!n) {
		empty_note(out, "No finding fixed yet.");
		free(fixed);
		return;
	}
	static const char *const columns[] = {"Fixed",      "Severity",  "ID", "Package",
					      "First seen", "Days open", NULL};
	finding_table_head(out, d, columns);
	size_t shown = n < d->max_rows ? n : d->max_rows;
	struct cvt_date parsed;
	for (size_t i = 0; i < shown; i++) {
		const struct cvt_hist_finding *f = fixed[i];
		sb_addstr(out, "<tr>");
		image_cell(out, d, f->image);
		cell_nowrap(out, f->fixed.date);
		severity_cell(out, f->severity);
		sb_addstr(out, "<td class=\"id\">");
		esc(out, f->id);
		sb_addstr(out, "</td>");
		sb_addstr(out, "<td class=\"purl\">");
		cvt_html_escape(out, f->purl, TEXT_CHARS);
		sb_addstr(out, "</td>");
		cell_nowrap(out, f->first_seen.date);
		if (f->first_seen.date && cvt_date_parse(f->first_seen.date, &parsed) == 0 &&
		    cvt_date_parse(f->fixed.date, &parsed) == 0)
			sb_addf(out, "<td class=\"num\">%ld</td>",
				cvt_date_days_between(f->first_seen.date, f->fixed.date));
		else
			sb_addstr(out, "<td></td>");
		sb_addstr(out, "</tr>\n");
	}
	table_end(out, shown, n);
	free(fixed);
}

static void write_time_to_fix(struct strbuf *out, const struct cvt_history *h)
{
	static const char *const columns[] = {"Severity", "Fixed", "Median days",
					      "90th percentile days", NULL};
	sb_addstr(out, "<h3 id=\"time-to-fix\">Time to fix</h3>\n<p>Days from first seen to fixed, "
		       "over the findings fixed and not reopened since.</p>\n");
	table_head(out, columns);
	for (int i = 0; i < CVT_SEV_COUNT; i++) {
		const struct cvt_hist_time_to_fix *t = &h->time_to_fix[severities[i]];
		sb_addstr(out, "<tr>");
		severity_cell(out, severities[i]);
		cell_number(out, t->fixed);
		if (t->fixed)
			sb_addf(out, "<td class=\"num\">%.1f</td><td class=\"num\">%.1f</td>",
				t->median_days, t->p90_days);
		else
			sb_addstr(out, "<td class=\"num dim\">–</td><td class=\"num dim\">–</td>");
		sb_addstr(out, "</tr>\n");
	}
	table_end(out, CVT_SEV_COUNT, CVT_SEV_COUNT);
}

struct author_count {
	const char *author;
	size_t decisions;
};

static int compare_author_name(const void *pa, const void *pb)
{
	const struct author_count *a = pa, *b = pb;
	return compare_text(a->author, b->author);
}

static int compare_author_most(const void *pa, const void *pb)
{
	const struct author_count *a = pa, *b = pb;
	if (a->decisions != b->decisions)
		return a->decisions > b->decisions ? -1 : 1;
	return compare_text(a->author, b->author);
}

static void author_rows(struct strbuf *out, const struct author_count *authors, size_t n,
			size_t max_rows)
{
	static const char *const columns[] = {"Author", "Decisions", NULL};
	size_t shown = n < max_rows ? n : max_rows;
	table_head(out, columns);
	for (size_t i = 0; i < shown; i++) {
		sb_addstr(out, "<tr>");
		cell(out, authors[i].author);
		cell_number(out, authors[i].decisions);
		sb_addstr(out, "</tr>\n");
	}
	table_end(out, shown, n);
}

/* From the history when there is one (every decision ever recorded), else from the ledger. */
static void write_authors(struct strbuf *out, const struct cvt_dashboard *d)
{
	const struct cvt_history *h = d->history;
	size_t n = h ? h->n_authors : d->ledger->n_decisions;
	sb_addf(out, "<h3 id=\"authors\">Decisions by author</h3>\n<p>%s</p>\n",
		h ? "Decisions recorded or changed, over the ledger's history."
		  : "Decisions in the ledger now (no history).");
	if (!n) {
		empty_note(out, "No decision recorded yet.");
		return;
	}
	struct author_count *authors = cvt_realloc_array(NULL, n, sizeof *authors);
	size_t n_authors = 0;
	if (h) {
		for (size_t i = 0; i < n; i++)
			authors[n_authors++] = (struct author_count){h->authors[i].author,
								     h->authors[i].decisions};
	} else {
		for (size_t i = 0; i < n; i++)
			authors[i] = (struct author_count){d->ledger->decisions[i].author, 1};
		qsort(authors, n, sizeof *authors, compare_author_name);
		for (size_t i = 0; i < n; i++) {
			if (n_authors &&
			    compare_text(authors[n_authors - 1].author, authors[i].author) == 0)
				authors[n_authors - 1].decisions++;
			else
				authors[n_authors++] = authors[i];
		}
	}
	qsort(authors, n_authors, sizeof *authors, compare_author_most);
	author_rows(out, authors, n_authors, d->max_rows);
	free(authors);
}

static void write_fixes(struct strbuf *out, const struct cvt_dashboard *d)
{
	sb_addstr(out, "<section id=\"fixes\">\n<h2>Fixes</h2>\n");
	if (d->history) {
		write_recently_fixed(out, d);
		write_time_to_fix(out, d->history);
	} else {
		sb_addstr(out, "<p class=\"note\">Fix dates and time to fix come from the git "
			       "history, which is not available.</p>\n");
	}
	write_authors(out, d);
	sb_addstr(out, "</section>\n");
}

static int compare_images_worst(const void *pa, const void *pb)
{
	const struct cvt_fleet_image *a = *(const struct cvt_fleet_image *const *)pa;
	const struct cvt_fleet_image *b = *(const struct cvt_fleet_image *const *)pb;
	for (int i = 0; i < CVT_SEV_COUNT; i++) {
		enum cvt_severity s = severities[i];
		if (a->untriaged[s] != b->untriaged[s])
			return a->untriaged[s] > b->untriaged[s] ? -1 : 1;
	}
	for (int i = 0; i < CVT_SEV_COUNT; i++) {
		enum cvt_severity s = severities[i];
		if (a->open[s] != b->open[s])
			return a->open[s] > b->open[s] ? -1 : 1;
	}
	return compare_text(a->image, b->image);
}

static void write_fleet_images(struct strbuf *out, const struct cvt_fleet *f, size_t max_rows)
{
	static const char *const columns[] = {
		"Image",   "Findings",           "CRITICAL",  "HIGH",    "MEDIUM", "LOW",
		"UNKNOWN", "Untriaged CRITICAL", "Untriaged", "Expired", "Risen",  NULL,
	};
	sb_addf(out,
		"<h3 id=\"fleet-images\">Images (%zu)</h3>\n<p>Most untriaged critical findings "
		"first.</p>\n",
		f->n_images);
	if (!f->n_images) {
		empty_note(out, "No image.");
		return;
	}
	const struct cvt_fleet_image **order = cvt_realloc_array(NULL, f->n_images, sizeof *order);
	for (size_t i = 0; i < f->n_images; i++)
		order[i] = &f->images[i];
	qsort(order, f->n_images, sizeof *order, compare_images_worst);
	size_t shown = f->n_images < max_rows ? f->n_images : max_rows;
	table_head(out, columns);
	for (size_t i = 0; i < shown; i++) {
		const struct cvt_fleet_image *im = order[i];
		sb_addstr(out, "<tr>");
		cell(out, im->image);
		cell_number(out, im->findings);
		for (int s = 0; s < CVT_SEV_COUNT; s++)
			cell_number(out, im->open[severities[s]]);
		cell_number(out, im->untriaged[CVT_SEV_CRITICAL]);
		cell_number(out, total_count(im->untriaged));
		cell_number(out, im->expired);
		cell_number(out, im->risen);
		sb_addstr(out, "</tr>\n");
	}
	table_end(out, shown, f->n_images);
	free(order);
}

static void write_fleet_cves(struct strbuf *out, const struct cvt_fleet *f, size_t max_rows)
{
	static const char *const columns[] = {"ID", "Severity", "Images", "Untriaged in", NULL};
	sb_addf(out, "<h3 id=\"fleet-cves\">Vulnerabilities in the most images (%zu)</h3>\n",
		f->n_cves);
	if (!f->n_cves) {
		empty_note(out, "None.");
		return;
	}
	size_t shown = f->n_cves < max_rows ? f->n_cves : max_rows;
	table_head(out, columns);
	for (size_t i = 0; i < shown; i++) {
		const struct cvt_fleet_cve *c = &f->cves[i];
		sb_addstr(out, "<tr>");
		cell(out, c->id);
		severity_cell(out, c->severity);
		cell_number(out, c->images);
		cell_number(out, c->untriaged_images);
		sb_addstr(out, "</tr>\n");
	}
	table_end(out, shown, f->n_cves);
}

struct shared_decision {
	const struct cvt_decision *decision;
	size_t images;
};

static int compare_shared_most(const void *pa, const void *pb)
{
	const struct shared_decision *a = pa, *b = pb;
	if (a->images != b->images)
		return a->images > b->images ? -1 : 1;
	return compare_decisions_newest(&a->decision, &b->decision);
}

static void write_fleet_decisions(struct strbuf *out, const struct cvt_fleet *f, size_t max_rows)
{
	static const char *const columns[] = {"ID",     "Package", "Status", "Images",
					      "Author", "Reason",  NULL};
	const struct cvt_ledger *l = f->ledger;
	size_t n_decisions = l && f->decision_images ? l->n_decisions : 0;
	struct shared_decision *shared =
		cvt_realloc_array(NULL, n_decisions ? n_decisions : 1, sizeof *shared);
	size_t n = 0;
	for (size_t i = 0; i < n_decisions; i++)
		if (f->decision_images[i] > 1)
			shared[n++] =
				(struct shared_decision){&l->decisions[i], f->decision_images[i]};
	qsort(shared, n, sizeof *shared, compare_shared_most);
	sb_addf(out,
		"<h3 id=\"fleet-decisions\">Decisions shared across images (%zu)</h3>\n<p>"
		"Decisions that cover findings in more than one image.</p>\n",
		n);
	if (!n) {
		empty_note(out, "None.");
		free(shared);
		return;
	}
	size_t shown = n < max_rows ? n : max_rows;
	table_head(out, columns);
	for (size_t i = 0; i < shown; i++) {
		const struct cvt_decision *dec = shared[i].decision;
		sb_addstr(out, "<tr>");
		cell(out, dec->id);
		sb_addstr(out, "<td class=\"purl\">");
		cvt_html_escape(out, dec->package ? dec->package : "every package", TEXT_CHARS);
		sb_addstr(out, "</td>");
		cell(out, dec->status);
		cell_number(out, shared[i].images);
		cell(out, dec->author);
		cell(out, dec->reason);
		sb_addstr(out, "</tr>\n");
	}
	table_end(out, shown, n);
	free(shared);
}

static void write_fleet(struct strbuf *out, const struct cvt_fleet *f, size_t max_rows)
{
	sb_addf(out, "<section id=\"fleet\">\n<h2>Fleet: %zu image%s, %zu finding%s</h2>\n",
		f->n_images, f->n_images == 1 ? "" : "s", f->findings, f->findings == 1 ? "" : "s");
	write_fleet_images(out, f, max_rows);
	write_fleet_cves(out, f, max_rows);
	write_fleet_decisions(out, f, max_rows);
	sb_addstr(out, "</section>\n");
}

void cvt_dashboard_write(struct cvt_dashboard *d, const struct cvt_dashboard_page *page,
			 struct strbuf *out)
{
	write_head(out, page);
	write_header(out, d, page);
	write_now(out, d);
	write_trend(out, d, page);
	/* For many images, which images need work is the first question. */
	if (page->fleet)
		write_fleet(out, page->fleet, d->max_rows);
	write_attention(out, d);
	write_decisions(out, d);
	write_fixes(out, d);
	sb_addstr(out, "</main>\n<footer>Written by cvetrail. A static page: no script, nothing "
		       "loaded from elsewhere.</footer>\n</body>\n</html>\n");
}
