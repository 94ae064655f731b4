/*
 * The pull-request summary under hostile input: titles, packages, versions and ids written by
 * whoever built the image must not become HTML, links, images, mentions or extra table cells.
 */
#include <string.h>

#include "diff.h"
#include "harness.h"
#include "markdown.h"
#include "policy.h"
#include "report.h"
#include "triage.h"

#define ZWSP "\xE2\x80\x8B"

static const char *const hostile[] = {
	"<script>alert(1)</script>",
	"[x](javascript:alert(1))",
	"a | b | c",
	"line one\nline two\r\n| --- | --- |",
	"`code` and ``` fences",
	"![img](http://evil)",
	"@mention and @octocat/team",
	"https://evil.example",
	"see www.evil.example or WWW.EVIL.EXAMPLE",
	"<https://evil.example>",
	"user@evil.example",
	"*bold* _em_ ~~strike~~ $x^2$ &lt; &#x3C;",
	"#123 GH-1 issue",
	"\x1b[31mred\x1b[0m \xE2\x80\xAEreversed\xE2\x80\xAC",
	"\\| escaped pipe \\",
	":smile: :+1:",
	"<img src=x onerror=alert(1)>",
};
#define N_HOSTILE (sizeof hostile / sizeof hostile[0])

/* A byte that Markdown would read as syntax, not preceded by a backslash. */
static int has_unescaped(const char *s, const char *chars)
{
	for (const char *p = s; *p; p++) {
		if (*p == '\\') {
			if (p[1])
				p++;
			continue;
		}
		if (strchr(chars, *p))
			return 1;
	}
	return 0;
}

/* What a GitHub autolink, mention, issue reference or emoji shortcode needs, contiguous. */
static int has_autolink_trigger(const char *s)
{
	static const char *const triggers[] = {"://", "www.", "WWW.", "@m",
					       "@o",  "@e",   "#1",   "mailto:"};
	for (size_t i = 0; i < sizeof triggers / sizeof triggers[0]; i++)
		if (strstr(s, triggers[i]))
			return 1;
	return 0;
}

static void test_escape_hostile(void)
{
	for (size_t i = 0; i < N_HOSTILE; i++) {
		struct strbuf out = STRBUF_INIT;
		cvt_md_escape(&out, hostile[i], 0);
		if (has_unescaped(out.buf, "<>[]()|`!*_~&$#") || has_autolink_trigger(out.buf) ||
		    strchr(out.buf, '\n') || strchr(out.buf, '\r') || strchr(out.buf, '\x1b') ||
		    strstr(out.buf, "\xE2\x80\xAE")) {
			fprintf(stderr, "unsafe: %s -> %s\n", hostile[i], out.buf);
			CHECK(0);
		}
		sb_release(&out);
	}
	struct strbuf out = STRBUF_INIT;
	cvt_md_escape(&out, "<script>", 0);
	CHECK_STR(out.buf, "\\<script\\>");
	sb_reset(&out);
	cvt_md_escape(&out, "https://x", 0);
	CHECK_STR(out.buf, "https:" ZWSP "//x");
	sb_reset(&out);
	cvt_md_escape(&out, "@octocat", 0);
	CHECK_STR(out.buf, "@" ZWSP "octocat");
	sb_reset(&out);
	cvt_md_escape(&out, "a\nb|c", 0);
	CHECK_STR(out.buf, "a b\\|c");
	sb_reset(&out);
	cvt_md_escape(&out, "7.88.1-10+deb12u5", 0); /* versions stay readable */
	CHECK_STR(out.buf, "7.88.1-10+deb12u5");
	sb_reset(&out);
	cvt_md_escape(&out, "h\xC3\xA9llo w\xC3\xB6rld", 5); /* counts characters, not bytes */
	CHECK_STR(out.buf, "h\xC3\xA9llo\xE2\x80\xA6");
	sb_reset(&out);
	cvt_md_escape(&out, "bad \xFF byte", 0);
	CHECK_STR(out.buf, "bad \xEF\xBF\xBD byte");
	sb_release(&out);
}

static void test_link_destination(void)
{
	struct strbuf out = STRBUF_INIT;
	CHECK(cvt_md_link_destination(&out, "javascript:alert(1)") == -1);
	CHECK(cvt_md_link_destination(&out, "data:text/html,<script>") == -1);
	CHECK(cvt_md_link_destination(&out, " https://x") == -1);
	CHECK(cvt_md_link_destination(&out, "https://x/\n") == -1);
	CHECK(cvt_md_link_destination(&out, NULL) == -1);
	CHECK(out.len == 0);
	CHECK(cvt_md_link_destination(&out, "https://ok.example/a)b|c d<e>\"") == 0);
	CHECK_STR(out.buf, "https://ok.example/a%29b%7Cc%20d%3Ce%3E%22");
	sb_reset(&out);
	CHECK(cvt_md_link_destination(&out, "HTTP://ok.example/?q=1&r=2#frag") == 0);
	CHECK_STR(out.buf, "HTTP://ok.example/?q=1&r=2#frag");
	sb_release(&out);
}

static void test_shell_quote(void)
{
	struct strbuf out = STRBUF_INIT;
	CHECK(cvt_shell_quote(&out, "CVE-2026-0001") == 0);
	CHECK_STR(out.buf, "CVE-2026-0001");
	sb_reset(&out);
	CHECK(cvt_shell_quote(&out, "pkg:npm/%40scope/name") == 0);
	CHECK_STR(out.buf, "pkg:npm/%40scope/name");
	sb_reset(&out);
	CHECK(cvt_shell_quote(&out, "x'; rm -rf / #$(id)`id`") == 0);
	CHECK_STR(out.buf, "'x'\\''; rm -rf / #$(id)`id`'");
	sb_reset(&out);
	CHECK(cvt_shell_quote(&out, "") == 0);
	CHECK_STR(out.buf, "''");
	sb_reset(&out);
	CHECK(cvt_shell_quote(&out, "a\nb") == -1);
	CHECK(out.len == 0);
	sb_release(&out);
}

static struct cvt_finding *add(struct cvt_report *r, const char *id, const char *purl,
			       const char *name, const char *text)
{
	struct cvt_finding *f = cvt_report_add(r);
	f->id = id;
	f->purl = purl;
	f->key = arena_sprintf(&r->arena, "%s %s", id, purl);
	f->pkg_name = name;
	f->severity = CVT_SEV_HIGH;
	f->installed_version = text;
	f->fixed_version = text;
	f->title = text;
	f->url = "javascript:alert(1)";
	return f;
}

/* Counts the cells of a table row: unescaped '|' minus one. */
static int cells(const char *line, size_t len)
{
	int pipes = 0;
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '\\') {
			i++;
			continue;
		}
		pipes += line[i] == '|';
	}
	return pipes - 1;
}

/* Every table row has the header's cell count; no raw HTML or foreign link anywhere. */
static void check_body(const char *body)
{
	int columns = -1;
	int in_code = 0;
	for (const char *line = body; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len >= 3 && !strncmp(line, "```", 3))
			in_code = !in_code;
		else if (in_code)
			CHECK(!strncmp(line, "cvetrail ack ", 13));
		else if (len && line[0] == '|') {
			if (columns < 0)
				columns = cells(line, len);
			if (cells(line, len) != columns) {
				fprintf(stderr, "broken row: %.*s\n", (int)len, line);
				CHECK(0);
			}
		} else {
			columns = -1;
		}
		if (!in_code) {
			struct strbuf copy = STRBUF_INIT;
			sb_add(&copy, line, len);
			/* Links only to the advisory URLs we checked. */
			for (const char *p = copy.buf; (p = strstr(p, "](")); p++)
				CHECK(!strncmp(p + 2, "https://", 8) ||
				      !strncmp(p + 2, "http://", 7));
			CHECK(!has_unescaped(copy.buf, "<>"));
			sb_release(&copy);
		}
		line += len + (end ? 1 : 0);
	}
	CHECK(!in_code);
}

static void test_summary_hostile(void)
{
	struct cvt_report before, after;
	struct cvt_ledger ledger;
	struct cvt_policy policy;
	struct cvt_diff diff;
	struct cvt_review review;
	cvt_report_init(&before);
	cvt_report_init(&after);
	cvt_ledger_init(&ledger);
	cvt_policy_init(&policy);
	cvt_diff_init(&diff);
	cvt_review_init(&review);
	before.os = "debian 12";
	after.os = "debian 12";
	after.results = 1;
	after.artifact_name = "<b>img</b> @everyone";
	for (size_t i = 0; i < N_HOSTILE; i++) {
		const char *id = arena_sprintf(&after.arena, "CVE-2026-%04zu", i);
		add(&after, id, "pkg:deb/debian/x", hostile[i], hostile[i]);
		add(&before, arena_sprintf(&before.arena, "OLD-%04zu", i), "pkg:deb/debian/y",
		    hostile[i], hostile[i]);
	}
	struct cvt_finding *f =
		add(&after, "CVE-x'; touch /tmp/pwned; '", "pkg:deb/debian/z'$(id)", "z", "ok");
	f->url = "https://security.example/advisory?id=1)](javascript:alert(1)";
	add(&after, "CVE-line\nbreak", "pkg:deb/debian/w", "w", "ok");
	struct cvt_decision d = {0};
	d.id = "CVE-2026-0000";
	d.status = "not_affected";
	d.justification = "component_not_present";
	d.reason = "<img src=x onerror=alert(1)> | [click](javascript:x) @team";
	d.author = "Mallory <m@evil.example>";
	d.date = "2026-01-01";
	d.expires = "2026-02-01";
	cvt_ledger_put(&ledger, &d);
	cvt_report_finish(&before);
	cvt_report_finish(&after);
	cvt_diff_compute(&diff, &before, &after);
	cvt_policy_apply(&review, &diff, &ledger, &policy, "2026-06-01");

	struct strbuf body = STRBUF_INIT;
	cvt_markdown_summary(&body, &diff, &review, &policy, NULL);
	check_body(body.buf);
	CHECK(strstr(body.buf, "\\<script\\>alert\\(1\\)\\</script\\>") != NULL);
	CHECK(strstr(body.buf, "](javascript") == NULL);
	CHECK(strstr(body.buf, "javascript:alert(") == NULL);
	CHECK(strstr(body.buf, "@everyone") == NULL);
	CHECK(strstr(body.buf, "### New findings (") != NULL);
	CHECK(strstr(body.buf, "### Triage expired (1)") != NULL);
	CHECK(strstr(body.buf, "### Fixed (") != NULL);
	/* The id with quotes is offered quoted; the one with a newline is not offered. */
	CHECK(strstr(body.buf, "cvetrail ack 'CVE-x'\\''; touch /tmp/pwned; '\\''' --package "
			       "'pkg:deb/debian/z'\\''$(id)' --reason '...'\n") != NULL);
	CHECK(strstr(body.buf, "1 finding has an id or package with control characters") != NULL);
	/* The advisory link is kept, its ')' and ']' percent-encoded. */
	CHECK(strstr(body.buf,
		     "(https://security.example/advisory?id=1%29%5D%28javascript:alert%281%29)") !=
	      NULL);
	if (harness_current_failed)
		fprintf(stderr, "%s\n", body.buf);
	sb_release(&body);

	cvt_review_release(&review);
	cvt_diff_release(&diff);
	cvt_ledger_release(&ledger);
	cvt_report_release(&before);
	cvt_report_release(&after);
}

static size_t count_lines_starting(const char *s, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);
	for (const char *line = s; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		n += strncmp(line, prefix, len) == 0;
	return n;
}

static void test_summary_limits(void)
{
	struct cvt_report before, after;
	struct cvt_policy policy;
	struct cvt_diff diff;
	struct cvt_review review;
	cvt_report_init(&before);
	cvt_report_init(&after);
	cvt_policy_init(&policy);
	cvt_diff_init(&diff);
	cvt_review_init(&review);
	after.results = 1;
	struct strbuf long_title = STRBUF_INIT;
	for (int i = 0; i < 2000; i++)
		sb_addstr(&long_title, "<|:@");
	for (int i = 0; i < 3000; i++) {
		struct cvt_finding *f = add(&after, arena_sprintf(&after.arena, "CVE-2026-%05d", i),
					    "pkg:deb/debian/x", "x", long_title.buf);
		f->url = arena_sprintf(&after.arena, "https://avd.example/%d", i);
		add(&before, arena_sprintf(&before.arena, "OLD-2026-%05d", i), "pkg:deb/debian/x",
		    "x", long_title.buf);
	}
	cvt_report_finish(&before);
	cvt_report_finish(&after);
	cvt_diff_compute(&diff, &before, &after);
	cvt_policy_apply(&review, &diff, NULL, &policy, "2026-06-01");

	struct strbuf body = STRBUF_INIT;
	cvt_markdown_summary(&body, &diff, &review, &policy, NULL);
	CHECK(count_lines_starting(body.buf, "| [CVE-2026-") == 50);
	CHECK(count_lines_starting(body.buf, "cvetrail ack ") == 50);
	CHECK(strstr(body.buf, "\xE2\x80\xA6 and 2950 more.") != NULL);
	CHECK(body.len < 65536);
	check_body(body.buf);

	/* All rows wanted: the size limit cuts the tables, and says so. */
	struct cvt_md_options o = {0};
	o.max_rows = 100000;
	sb_reset(&body);
	cvt_markdown_summary(&body, &diff, &review, &policy, &o);
	CHECK(body.len < 60000);
	CHECK(strstr(body.buf, "left out to keep the summary within the size limit") != NULL);
	CHECK(strstr(body.buf, "### Fixed (3000)") != NULL);
	check_body(body.buf);
	sb_release(&body);
	sb_release(&long_title);

	cvt_review_release(&review);
	cvt_diff_release(&diff);
	cvt_report_release(&before);
	cvt_report_release(&after);
}

static void test_summary_clean(void)
{
	struct cvt_report before, after;
	struct cvt_policy policy;
	struct cvt_diff diff;
	struct cvt_review review;
	cvt_report_init(&before);
	cvt_report_init(&after);
	cvt_policy_init(&policy);
	cvt_diff_init(&diff);
	cvt_review_init(&review);
	before.os = after.os = "debian 12";
	after.results = 1;
	after.artifact_name = "registry.example.com/shop/api:1.4.2";
	add(&before, "CVE-2026-0001", "pkg:deb/debian/curl", "curl", "7.88.1");
	struct cvt_finding *f =
		add(&before, "CVE-2026-0002", "pkg:deb/debian/zlib1g", "zlib1g", "1.2");
	f->severity = CVT_SEV_LOW;
	f = add(&after, "CVE-2026-0002", "pkg:deb/debian/zlib1g", "zlib1g", "1.3");
	f->severity = CVT_SEV_LOW;
	cvt_report_finish(&before);
	cvt_report_finish(&after);
	cvt_diff_compute(&diff, &before, &after);
	cvt_policy_apply(&review, &diff, NULL, &policy, "2026-06-01");
	struct strbuf body = STRBUF_INIT;
	cvt_markdown_summary(&body, &diff, &review, &policy, NULL);
	CHECK(!strncmp(
		body.buf,
		"## cvetrail: registry.example.com/shop/api:1.4.2\n\n**Nothing needs review.**",
		75));
	CHECK(strstr(body.buf, "| 0 | 1 \xE2\x86\x92 0 | 0 | 1 | 0 | 2 \xE2\x86\x92 1 |") != NULL);
	CHECK(strstr(body.buf, "### Fixed (1)") != NULL);
	CHECK(strstr(body.buf, "### New findings") == NULL);
	check_body(body.buf);
	sb_release(&body);
	cvt_review_release(&review);
	cvt_diff_release(&diff);
	cvt_report_release(&before);
	cvt_report_release(&after);
}

TEST_MAIN("markdown", TEST(test_escape_hostile), TEST(test_link_destination),
	  TEST(test_shell_quote), TEST(test_summary_hostile), TEST(test_summary_limits),
	  TEST(test_summary_clean))
