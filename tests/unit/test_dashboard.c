/*
 * The HTML dashboard on models built in C: hostile text from reports and the ledger stays
 * text, the chart is drawn from the history, tables are bounded, and a page without history
 * or fleet still says what it can.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "fleet.h"
#include "harness.h"
#include "history.h"
#include "html.h"
#include "report.h"
#include "triage.h"

#define TODAY "2026-06-01"

static const char *const hostile_title = "<script>alert(1)</script> <img src=x onerror=alert(2)> "
					 "a | b | c \x1b[31mred\x1b[0m \xE2\x80\xAE" "desrever";
static const char *const hostile_package = "\"><svg onload=alert(3)>";
static const char *const hostile_url = "javascript:alert(4)";
static const char *const hostile_image = "<img src=x onerror=alert(5)>'\"&";
static const char *const hostile_reason = "it's fine & <b>safe</b>\n<iframe src=//evil>";

static struct cvt_finding *add(struct cvt_report *r, const char *id, const char *name,
			       enum cvt_severity sev)
{
	struct cvt_finding *f = cvt_report_add(r);
	f->id = arena_strdup(&r->arena, id);
	f->pkg_name = arena_strdup(&r->arena, name);
	f->purl = arena_sprintf(&r->arena, "pkg:deb/debian/%s", name);
	f->key = arena_sprintf(&r->arena, "%s %s", f->id, f->purl);
	f->severity = sev;
	f->installed_version = "1.0";
	f->fixed_version = "1.1";
	f->title = arena_sprintf(&r->arena, "%s: a flaw", name);
	f->url = arena_sprintf(&r->arena, "https://avd.example/%s", id);
	cvt_finding_add_location(r, f, "debian 12", NULL, "1.0");
	return f;
}

static void decide(struct cvt_ledger *l, const char *id, const char *package, const char *severity,
		   const char *expires, const char *reason)
{
	struct cvt_decision d = {0};
	d.id = id;
	d.package = package;
	d.status = "affected";
	d.reason = reason;
	d.author = "Jane Doe";
	d.date = "2026-01-01";
	d.severity = severity;
	d.expires = expires;
	cvt_ledger_put(l, &d);
}

static size_t count(const char *haystack, const char *needle)
{
	size_t n = 0, len = strlen(needle);
	for (const char *p = strstr(haystack, needle); p; p = strstr(p + len, needle))
		n++;
	return n;
}

/*
 * Every tag in the page is one the renderer writes, and no attribute is an event handler or
 * a script URL: hostile text cannot have opened an element of its own.
 */
static int only_known_markup(const char *html)
{
	static const char *const tags[] = {
		"!DOCTYPE", "html", "head", "meta", "link", "title", "style", "body", "header",
		"h1", "h2", "h3", "p", "nav", "a", "main", "section", "div", "b", "span", "table",
		"thead", "tbody", "tr", "th", "td", "details", "summary", "svg", "g", "line", "text",
		"path", "rect", "code", "footer", NULL,
	};
	for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
		const char *name = p[1] == '/' ? p + 2 : p + 1;
		size_t len = strspn(name, "!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
		int known = 0;
		for (const char *const *t = tags; *t; t++)
			known |= strlen(*t) == len && strncmp(*t, name, len) == 0;
		const char *end = strchr(p, '>');
		if (!known || !end) {
			fprintf(stderr, "unexpected markup: %.40s\n", p);
			return 0;
		}
		for (const char *q = p; q < end; q++) {
			if (isspace((unsigned char)q[0]) && tolower((unsigned char)q[1]) == 'o' &&
			    tolower((unsigned char)q[2]) == 'n') {
				fprintf(stderr, "event handler attribute: %.60s\n", p);
				return 0;
			}
		}
		if (strncmp(p, "<a ", 3) == 0 && strncmp(p, "<a href=\"http", 13) != 0 &&
		    strncmp(p, "<a href=\"#", 10) != 0) {
			fprintf(stderr, "link to something else than http(s) or the page: %.60s\n", p);
			return 0;
		}
	}
	return 1;
}

static void render(struct cvt_dashboard *d, const struct cvt_dashboard_page *page,
		   struct strbuf *out)
{
	cvt_dashboard_write(d, page, out);
}

static void hostile_text_stays_text(void)
{
	struct cvt_report r;
	struct cvt_ledger l;
	struct strbuf out = STRBUF_INIT;
	cvt_report_init(&r);
	cvt_ledger_init(&l);
	struct cvt_finding *f = add(&r, "CVE-2026-0001", "curl", CVT_SEV_HIGH);
	f->title = hostile_title;
	f->url = hostile_url;
	f->pkg_name = hostile_package;
	f = add(&r, "CVE-2026-0002", "zlib", CVT_SEV_CRITICAL);
	cvt_report_finish(&r);
	decide(&l, "CVE-2026-0002", NULL, "LOW", "2026-01-31", hostile_reason);

	struct cvt_dashboard d;
	cvt_dashboard_init(&d, &l, TODAY, NULL, 0);
	cvt_dashboard_add(&d, hostile_image, &r);
	struct cvt_dashboard_page page = {.title = hostile_image, .history_note = hostile_title};
	render(&d, &page, &out);

	CHECK(only_known_markup(out.buf));
	CHECK(!strstr(out.buf, "<script"));
	CHECK(!strstr(out.buf, "<img"));
	CHECK(!strstr(out.buf, "<svg onload"));
	CHECK(!strstr(out.buf, "<iframe"));
	CHECK(!strstr(out.buf, "<b>safe"));
	CHECK(!strstr(out.buf, "href=\"javascript"));
	CHECK(!strchr(out.buf, '\x1b'));
	CHECK(!strstr(out.buf, "\xE2\x80\xAE"));
	CHECK(strstr(out.buf, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	CHECK(strstr(out.buf, "&quot;&gt;&lt;svg onload=alert(3)&gt;") != NULL);
	CHECK(strstr(out.buf, "it&#39;s fine &amp; &lt;b&gt;safe&lt;/b&gt; &lt;iframe") != NULL);
	CHECK(strstr(out.buf, "&lt;img src=x onerror=alert(5)&gt;&#39;&quot;&amp;") != NULL);
	/* The javascript: URL is not linked; the id still shows. */
	CHECK(strstr(out.buf, "<td class=\"id\">CVE-2026-0001</td>") != NULL);
	/* The expired and risen decision shows in both tables, with its finding. */
	CHECK(strstr(out.buf, "<h3 id=\"expired\">Decisions expired (1)</h3>") != NULL);
	CHECK(strstr(out.buf, "<h3 id=\"risen\">Severity above the decided one (1)</h3>") != NULL);
	CHECK(strstr(out.buf, "<h3 id=\"untriaged\">Untriaged (1)</h3>") != NULL);
	CHECK(strstr(out.buf, "<a href=\"https://avd.example/CVE-2026-0002\" rel=\"noopener "
			      "noreferrer\">CVE-2026-0002</a>") != NULL);
	CHECK(strstr(out.buf, "Content-Security-Policy\" content=\"default-src 'none'; "
			      "style-src 'unsafe-inline'; img-src data:\"") != NULL);

	cvt_dashboard_release(&d);
	sb_release(&out);
	cvt_ledger_release(&l);
	cvt_report_release(&r);
}

static void no_history_shows_current_counts(void)
{
	struct cvt_report r;
	struct cvt_ledger l;
	struct strbuf out = STRBUF_INIT;
	cvt_report_init(&r);
	cvt_ledger_init(&l);
	add(&r, "CVE-2026-0001", "curl", CVT_SEV_HIGH);
	add(&r, "CVE-2026-0002", "curl", CVT_SEV_HIGH);
	add(&r, "CVE-2026-0003", "zlib", CVT_SEV_LOW);
	cvt_report_finish(&r);

	struct cvt_dashboard d;
	cvt_dashboard_init(&d, &l, TODAY, NULL, 0);
	cvt_dashboard_add(&d, NULL, &r);
	struct cvt_dashboard_page page = {.title = "shop/api:1.4",
					  .history_note = "not inside a git repository"};
	render(&d, &page, &out);

	CHECK(only_known_markup(out.buf));
	CHECK(strstr(out.buf, "id=\"no-history\">No git history: not inside a git repository.") !=
	      NULL);
	CHECK(!strstr(out.buf, "<svg"));
	CHECK(strstr(out.buf, "<div class=\"card\"><b>2</b><span class=\"sev sev-high\">HIGH") !=
	      NULL);
	CHECK(strstr(out.buf, "<div class=\"card\"><b>1</b><span class=\"sev sev-low\">LOW") !=
	      NULL);
	CHECK(strstr(out.buf, "<div class=\"card\"><b>3</b>total</div>") != NULL);
	CHECK(strstr(out.buf, "<h3 id=\"untriaged\">Untriaged (3)</h3>") != NULL);
	CHECK(!strstr(out.buf, "Image</th>"));
	CHECK(!strstr(out.buf, "First seen</th>"));
	CHECK(!strstr(out.buf, "id=\"fleet\""));
	CHECK(strstr(out.buf, "</html>\n") != NULL);

	cvt_dashboard_release(&d);
	sb_release(&out);
	cvt_ledger_release(&l);
	cvt_report_release(&r);
}

/* A hand-made history: three commits over ten days, one finding fixed. */
static void fill_history(struct cvt_history *h, struct cvt_hist_finding *findings, size_t n,
			 struct cvt_hist_open *open)
{
	cvt_history_init(h);
	h->findings = findings;
	h->n_findings = n;
	h->open_over_time = open;
	h->n_open_over_time = 3;
	h->commits = 4;
	open[0] = (struct cvt_hist_open){.commit = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					 .date = "2026-05-01"};
	open[0].count[CVT_SEV_HIGH] = 1;
	open[0].count[CVT_SEV_LOW] = 2;
	open[1] = (struct cvt_hist_open){.commit = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
					 .date = "2026-05-05"};
	open[1].count[CVT_SEV_CRITICAL] = 1;
	open[1].count[CVT_SEV_HIGH] = 2;
	open[1].count[CVT_SEV_LOW] = 2;
	open[2] = (struct cvt_hist_open){.commit = "cccccccccccccccccccccccccccccccccccccccc",
					 .date = "2026-05-11"};
	open[2].count[CVT_SEV_HIGH] = 2;
	open[2].count[CVT_SEV_LOW] = 1;
	static struct cvt_hist_author authors[2] = {{"<img src=x onerror=alert(9)>", 3},
						      {"Jane Doe", 1}};
	h->authors = authors;
	h->n_authors = 2;
	h->time_to_fix[CVT_SEV_CRITICAL] =
		(struct cvt_hist_time_to_fix){.fixed = 1, .median_days = 6, .p90_days = 6};
}

static void chart_from_history(void)
{
	struct cvt_report r;
	struct cvt_ledger l;
	struct strbuf out = STRBUF_INIT;
	cvt_report_init(&r);
	cvt_ledger_init(&l);
	add(&r, "CVE-2026-0001", "curl", CVT_SEV_HIGH);
	add(&r, "CVE-2026-0002", "curl", CVT_SEV_HIGH);
	add(&r, "CVE-2026-0003", "zlib", CVT_SEV_LOW);
	cvt_report_finish(&r);

	struct cvt_hist_finding findings[4] = {
		{.key = "CVE-2026-0001 pkg:deb/debian/curl", .id = "CVE-2026-0001",
		 .purl = "pkg:deb/debian/curl", .severity = CVT_SEV_HIGH,
		 .first_seen = {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "2026-05-01"}},
		{.key = "CVE-2026-0002 pkg:deb/debian/curl", .id = "CVE-2026-0002",
		 .purl = "pkg:deb/debian/curl", .severity = CVT_SEV_HIGH,
		 .first_seen = {"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "2026-05-05"}},
		{.key = "CVE-2026-0003 pkg:deb/debian/zlib", .id = "CVE-2026-0003",
		 .purl = "pkg:deb/debian/zlib", .severity = CVT_SEV_LOW,
		 .first_seen = {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "2026-05-01"}},
		{.key = "CVE-2026-0009 pkg:deb/debian/<b>openssl", .id = "CVE-2026-0009",
		 .purl = "pkg:deb/debian/<b>openssl", .severity = CVT_SEV_CRITICAL,
		 .first_seen = {"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "2026-05-05"},
		 .fixed = {"cccccccccccccccccccccccccccccccccccccccc", "2026-05-11"}},
	};
	struct cvt_hist_open open[3];
	struct cvt_history h;
	fill_history(&h, findings, 4, open);

	struct cvt_dashboard d;
	cvt_dashboard_init(&d, &l, TODAY, &h, 0);
	cvt_dashboard_add(&d, NULL, &r);
	struct cvt_dashboard_page page = {.title = "shop/api:1.4"};
	render(&d, &page, &out);

	CHECK(only_known_markup(out.buf));
	CHECK(count(out.buf, "<svg") == 1);
	CHECK(count(out.buf, "<path class=\"area-") == 5);
	CHECK(strstr(out.buf, "<path class=\"area-critical\" d=\"M56.0 272.0H") != NULL);
	CHECK(strstr(out.buf, "<title>HIGH: 2 open now</title></path>") != NULL);
	CHECK(strstr(out.buf, "<title>LOW: 1 open now</title></path>") != NULL);
	CHECK(strstr(out.buf, "<title id=\"chart-title\">Open findings by severity over time, "
			      "2026-05-01 to 2026-05-11</title>") != NULL);
	/* The axis runs from the first commit to today. */
	CHECK(strstr(out.buf, "text-anchor=\"start\">2026-05-01</text>") != NULL);
	CHECK(strstr(out.buf, "text-anchor=\"end\">2026-06-01</text>") != NULL);
	CHECK(strstr(out.buf, ">CRITICAL (0)</text>") != NULL);
	/* The fallback table holds the same numbers. */
	CHECK(strstr(out.buf, "<tr><td class=\"nowrap\">2026-05-05</td>"
			      "<td class=\"purl\">bbbbbbbbbbbb</td><td class=\"num\">1</td>"
			      "<td class=\"num\">2</td><td class=\"num\">0</td><td class=\"num\">2</td>"
			      "<td class=\"num\">0</td><td class=\"num\">5</td></tr>") != NULL);
	/* Untriaged, newest first, with the first-seen date. */
#define FIRST_SEEN_HIGH(date) "<td class=\"nowrap\">" date "</td><td><span class=\"sev sev-high\">"
	const char *newest = strstr(out.buf, FIRST_SEEN_HIGH("2026-05-05"));
	const char *older = strstr(out.buf, FIRST_SEEN_HIGH("2026-05-01"));
	CHECK(newest && older && newest < older);
	/* Recently fixed, with its days open, the hostile purl escaped. */
	CHECK(strstr(out.buf, "<h3 id=\"fixed\">Recently fixed (1)</h3>") != NULL);
	CHECK(strstr(out.buf, "pkg:deb/debian/&lt;b&gt;openssl</td><td class=\"nowrap\">2026-05-05</td>"
			      "<td class=\"num\">6</td>") != NULL);
	CHECK(strstr(out.buf, "<td class=\"num\">1</td><td class=\"num\">6.0</td>"
			      "<td class=\"num\">6.0</td>") != NULL);
	CHECK(!strstr(out.buf, "no-history"));
	CHECK(strstr(out.buf, "<tr><td>&lt;img src=x onerror=alert(9)&gt;</td><td class=\"num\">3"
			      "</td></tr>") != NULL);

	cvt_dashboard_release(&d);
	sb_release(&out);
	cvt_ledger_release(&l);
	cvt_report_release(&r);
}

static void tables_are_bounded(void)
{
	struct cvt_report r;
	struct cvt_ledger l;
	struct strbuf out = STRBUF_INIT;
	cvt_ledger_init(&l);
	struct cvt_dashboard d;
	cvt_dashboard_init(&d, &l, TODAY, NULL, 10);
	/* 50 images of 40 findings: one CRITICAL in image 37, the rest MEDIUM. */
	for (int image = 0; image < 50; image++) {
		cvt_report_init(&r);
		for (int i = 0; i < 40; i++) {
			char id[32];
			snprintf(id, sizeof id, "CVE-2026-%04d", i);
			add(&r, id, "libx", image == 37 && i == 21 ? CVT_SEV_CRITICAL : CVT_SEV_MEDIUM);
		}
		cvt_report_finish(&r);
		char name[32];
		snprintf(name, sizeof name, "image-%02d", image);
		cvt_dashboard_add(&d, name, &r);
		cvt_report_release(&r);
	}
	CHECK(d.tables[CVT_DASHBOARD_UNTRIAGED].n <= 20);
	struct cvt_dashboard_page page = {.title = "fleet"};
	render(&d, &page, &out);

	CHECK(only_known_markup(out.buf));
	CHECK(strstr(out.buf, "<h3 id=\"untriaged\">Untriaged (2000)</h3>") != NULL);
	CHECK(strstr(out.buf, "… and 1990 more (the first 10 are shown).") != NULL);
	const char *table = strstr(out.buf, "<h3 id=\"untriaged\">");
	const char *end = table ? strstr(table, "</table>") : NULL;
	size_t rows = 0;
	for (const char *p = table; p && p < end; p = strstr(p + 1, "<tr><td>"))
		rows += p != table;
	CHECK(rows == 10);
	/* The one CRITICAL made the cut and comes first, whatever the reading order. */
	CHECK(strstr(out.buf, "<tr><td>image-37</td><td><span class=\"sev sev-critical\">") != NULL);
	CHECK(table && strstr(table, "image-37") < strstr(table, "image-00"));

	cvt_dashboard_release(&d);
	sb_release(&out);
	cvt_ledger_release(&l);
}

static void fleet_tables(void)
{
	struct cvt_ledger l;
	struct strbuf out = STRBUF_INIT;
	cvt_ledger_init(&l);
	decide(&l, "CVE-2026-0001", NULL, NULL, NULL, "shared <decision>");
	decide(&l, "CVE-2026-0002", NULL, NULL, NULL, "one image");

	struct cvt_fleet f;
	memset(&f, 0, sizeof f);
	arena_init(&f.arena);
	f.ledger = &l;
	f.today = TODAY;
	f.n_images = 250;
	f.images = arena_alloc_array(&f.arena, f.n_images, sizeof *f.images);
	memset(f.images, 0, f.n_images * sizeof *f.images);
	for (size_t i = 0; i < f.n_images; i++) {
		f.images[i].image = arena_sprintf(&f.arena, "registry.example/app-%03zu", i);
		f.images[i].findings = 3;
		f.images[i].open[CVT_SEV_HIGH] = 3;
		f.images[i].untriaged[CVT_SEV_HIGH] = 1;
	}
	f.images[200].image = "<img src=x onerror=alert(6)>";
	f.images[200].open[CVT_SEV_CRITICAL] = 2;
	f.images[200].untriaged[CVT_SEV_CRITICAL] = 2;
	f.findings = 750;
	size_t decision_images[2] = {250, 1};
	f.decision_images = decision_images;
	struct cvt_fleet_cve cves[1] = {{"CVE-2026-0001", CVT_SEV_HIGH, 250, 0}};
	f.cves = cves;
	f.n_cves = 1;

	struct cvt_dashboard d;
	cvt_dashboard_init(&d, &l, TODAY, NULL, 100);
	struct cvt_dashboard_page page = {.title = "fleet", .fleet = &f};
	render(&d, &page, &out);

	CHECK(only_known_markup(out.buf));
	CHECK(strstr(out.buf, "<h2>Fleet: 250 images, 750 findings</h2>") != NULL);
	CHECK(strstr(out.buf, "<h3 id=\"fleet-images\">Images (250)</h3>") != NULL);
	CHECK(strstr(out.buf, "… and 150 more (the first 100 are shown).") != NULL);
	/* Worst image first. */
	CHECK(strstr(out.buf, "<tbody>\n<tr><td>&lt;img src=x onerror=alert(6)&gt;</td>") != NULL);
	CHECK(strstr(out.buf, "<tr><td>CVE-2026-0001</td><td><span class=\"sev sev-high\">HIGH"
			      "</span></td><td class=\"num\">250</td><td class=\"num\">0</td></tr>") !=
	      NULL);
	CHECK(strstr(out.buf, "Decisions shared across images (1)") != NULL);
	CHECK(strstr(out.buf, "shared &lt;decision&gt;") != NULL);

	cvt_dashboard_release(&d);
	arena_release(&f.arena);
	sb_release(&out);
	cvt_ledger_release(&l);
}

static void links_only_http(void)
{
	CHECK(cvt_url_is_linkable("https://avd.aquasec.com/nvd/cve-2023-38545"));
	CHECK(cvt_url_is_linkable("HTTP://example.com/"));
	CHECK(!cvt_url_is_linkable("javascript:alert(1)"));
	CHECK(!cvt_url_is_linkable(" https://example.com/"));
	CHECK(!cvt_url_is_linkable("https://example.com/\nx"));
	CHECK(!cvt_url_is_linkable("data:text/html,<script>"));
	CHECK(!cvt_url_is_linkable("//evil.example/"));
	CHECK(!cvt_url_is_linkable(NULL));
	CHECK(!cvt_url_is_linkable("https://example.com/\x7f"));
	/* A space is encoded by each output, not a reason to drop the link. */
	CHECK(cvt_url_is_linkable("https://example.com/a b"));
	struct strbuf out = STRBUF_INIT;
	cvt_html_link(&out, "https://x.example/?a=1&b=\"2\"", "<id>");
	CHECK_STR(out.buf, "<a href=\"https://x.example/?a=1&amp;b=&quot;2&quot;\" "
			   "rel=\"noopener noreferrer\">&lt;id&gt;</a>");
	sb_reset(&out);
	cvt_html_link(&out, "javascript:alert(1)", "CVE-1");
	CHECK_STR(out.buf, "CVE-1");
	sb_reset(&out);
	cvt_html_escape(&out, "héllo wörld", 5);
	CHECK_STR(out.buf, "héllo…");
	sb_reset(&out);
	/* Zero-width space, right-to-left override, byte order mark: each one replacement. */
	cvt_html_escape(&out, "a\xE2\x80\x8B" "b\xE2\x80\xAE" "c\xEF\xBB\xBF" "d", 0);
	CHECK_STR(out.buf, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d");
	sb_release(&out);
}

TEST_MAIN("dashboard", TEST(hostile_text_stays_text), TEST(no_history_shows_current_counts),
	  TEST(chart_from_history), TEST(tables_are_bounded), TEST(fleet_tables),
	  TEST(links_only_http))
