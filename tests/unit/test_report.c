#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"
#include "report.h"

static struct cvt_finding *add(struct cvt_report *r, const char *id, const char *purl,
			       enum cvt_severity sev, const char *target, const char *version,
			       const char *fixed)
{
	struct cvt_finding *f = cvt_report_add(r);
	f->id = id;
	f->purl = purl;
	f->key = arena_sprintf(&r->arena, "%s %s", id, purl);
	f->severity = sev;
	f->installed_version = version;
	f->fixed_version = fixed;
	cvt_finding_add_location(r, f, target, NULL, version);
	return f;
}

static void build(struct cvt_report *r, int reversed)
{
	cvt_report_init(r);
	r->scanner_name = "trivy";
	struct {
		const char *id, *purl, *target, *version, *fixed;
		enum cvt_severity sev;
	} rows[] = {
		{"CVE-2", "pkg:deb/debian/b", "img (debian 12)", "1", NULL, CVT_SEV_LOW},
		{"CVE-1", "pkg:deb/debian/a", "img (debian 12)", "2", "3", CVT_SEV_MEDIUM},
		{"CVE-1", "pkg:deb/debian/a", "other", "1", NULL, CVT_SEV_HIGH},
		{"CVE-1", "pkg:deb/debian/a", "img (debian 12)", "2", "3", CVT_SEV_MEDIUM},
	};
	size_t n = sizeof rows / sizeof rows[0];
	for (size_t k = 0; k < n; k++) {
		size_t i = reversed ? n - 1 - k : k;
		add(r, rows[i].id, rows[i].purl, rows[i].sev, rows[i].target, rows[i].version, rows[i].fixed);
	}
	cvt_report_finish(r);
}

static void test_merge_by_key(void)
{
	struct cvt_report r;
	build(&r, 0);
	CHECK(r.n_findings == 2);
	CHECK_STR(r.findings[0].key, "CVE-1 pkg:deb/debian/a");
	CHECK(r.findings[0].severity == CVT_SEV_HIGH);
	CHECK(r.findings[0].n_locations == 2);
	CHECK_STR(r.findings[0].locations[0].target, "img (debian 12)");
	CHECK_STR(r.findings[0].locations[1].target, "other");
	/* Fields come from the first location in sorted order. */
	CHECK_STR(r.findings[0].installed_version, "2");
	CHECK_STR(r.findings[0].fixed_version, "3");
	CHECK(cvt_report_find(&r, "CVE-2 pkg:deb/debian/b") == &r.findings[1]);
	CHECK(cvt_report_find(&r, "CVE-3 pkg:deb/debian/b") == NULL);
	cvt_report_release(&r);
}

static void test_order_independent_output(void)
{
	struct cvt_report a, b;
	struct strbuf sa = STRBUF_INIT, sb = STRBUF_INIT;
	build(&a, 0);
	build(&b, 1);
	cvt_report_write(&a, &sa);
	cvt_report_write(&b, &sb);
	CHECK(sa.len == sb.len && memcmp(sa.buf, sb.buf, sa.len) == 0);
	CHECK(strstr(sa.buf, "\"schema\": \"cvetrail/report/1\"") != NULL);
	CHECK(sa.buf[sa.len - 1] == '\n');
	sb_release(&sa);
	sb_release(&sb);
	cvt_report_release(&a);
	cvt_report_release(&b);
}

static void test_aliases_sorted_unique(void)
{
	struct cvt_report r;
	cvt_report_init(&r);
	struct cvt_finding *f = add(&r, "CVE-9", "pkg:npm/x", CVT_SEV_LOW, "t", "1", NULL);
	cvt_finding_add_alias(&r, f, "GHSA-b");
	cvt_finding_add_alias(&r, f, "CVE-9"); /* its own id is not an alias */
	cvt_finding_add_alias(&r, f, "GHSA-a");
	cvt_finding_add_alias(&r, f, "GHSA-b");
	cvt_report_finish(&r);
	CHECK(r.findings[0].n_aliases == 2);
	CHECK_STR(r.findings[0].aliases[0], "GHSA-a");
	CHECK_STR(r.findings[0].aliases[1], "GHSA-b");
	cvt_report_release(&r);
}

static void test_severity_names(void)
{
	CHECK(cvt_severity_parse("critical") == CVT_SEV_CRITICAL);
	CHECK(cvt_severity_parse("High") == CVT_SEV_HIGH);
	CHECK(cvt_severity_parse("Negligible") == CVT_SEV_LOW);
	CHECK(cvt_severity_parse("bogus") == CVT_SEV_UNKNOWN);
	CHECK(cvt_severity_parse(NULL) == CVT_SEV_UNKNOWN);
	CHECK_STR(cvt_severity_name(CVT_SEV_MEDIUM), "MEDIUM");
}

TEST_MAIN("report", TEST(test_merge_by_key), TEST(test_order_independent_output),
	  TEST(test_aliases_sorted_unique), TEST(test_severity_names))
