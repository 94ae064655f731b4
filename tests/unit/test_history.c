#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "history.h"
#include "ingest.h"
#include "json.h"
#include "triage.h"

static void quantile_of_one_value(void)
{
	const double v[] = {5};
	CHECK(cvt_history_quantile(v, 1, 0.5) == 5);
	CHECK(cvt_history_quantile(v, 1, 0.9) == 5);
	CHECK(cvt_history_quantile(v, 1, 0) == 5);
	CHECK(cvt_history_quantile(v, 1, 1) == 5);
}

static void quantile_interpolates_between_ranks(void)
{
	const double even[] = {1, 2, 3, 4};
	CHECK(cvt_history_quantile(even, 4, 0.5) == 2.5);
	/* rank 0.9 * 3 = 2.7: 3 + 0.7 * (4 - 3) */
	double p90 = cvt_history_quantile(even, 4, 0.9);
	CHECK(p90 > 3.699999 && p90 < 3.700001);
	const double odd[] = {0, 7, 30};
	CHECK(cvt_history_quantile(odd, 3, 0.5) == 7);
	double p = cvt_history_quantile(odd, 3, 0.9);
	CHECK(p > 25.399999 && p < 25.400001); /* rank 1.8: 7 + 0.8 * 23 */
	CHECK(cvt_history_quantile(odd, 3, 0) == 0);
	CHECK(cvt_history_quantile(odd, 3, 1) == 30);
}

static void quantile_of_equal_values(void)
{
	const double v[] = {4, 4, 4, 4, 4};
	CHECK(cvt_history_quantile(v, 5, 0.5) == 4);
	CHECK(cvt_history_quantile(v, 5, 0.9) == 4);
}

/* A history built by hand: what the dashboard gets must survive a JSON round trip. */
static void json_shape(void)
{
	struct cvt_history h;
	cvt_history_init(&h);
	struct cvt_hist_finding f;
	memset(&f, 0, sizeof f);
	f.key = "CVE-1 pkg:deb/debian/curl";
	f.id = "CVE-1";
	f.purl = "pkg:deb/debian/curl";
	f.title = "a \"quoted\"\ntitle";
	f.severity = CVT_SEV_HIGH;
	f.first_seen = (struct cvt_hist_point){"aaaa", "2026-01-01", 0};
	struct cvt_hist_severity_change change = {"bbbb", "2026-01-02", CVT_SEV_LOW, CVT_SEV_HIGH, 1};
	f.severity_changes = &change;
	f.n_severity_changes = 1;
	h.findings = &f;
	h.n_findings = 1;
	h.time_to_fix[CVT_SEV_LOW] = (struct cvt_hist_time_to_fix){2, 8, 11.2};
	struct cvt_hist_author author = {"Jane", 3};
	h.authors = &author;
	h.n_authors = 1;

	struct strbuf out = STRBUF_INIT;
	cvt_history_write_json(&h, &out);
	struct json_doc doc;
	struct cvt_error err = CVT_ERROR_INIT;
	CHECK(json_parse(&doc, out.buf, out.len, &err) == 0);
	const struct json_value *findings = json_get(doc.root, "findings");
	CHECK(json_is(findings, JSON_ARRAY) && findings->len == 1);
	if (json_is(findings, JSON_ARRAY) && findings->len == 1) {
		const struct json_value *one = &findings->u.items[0];
		CHECK_STR(json_get_str(one, "title"), "a \"quoted\"\ntitle");
		CHECK(json_is(json_get(one, "fixed"), JSON_NULL));
		CHECK(json_get(one, "image") == NULL);
		const struct json_value *changes = json_get(one, "severity_changes");
		CHECK(json_is(changes, JSON_ARRAY) && changes->len == 1);
		if (json_is(changes, JSON_ARRAY) && changes->len == 1) {
			CHECK_STR(json_get_str(&changes->u.items[0], "from"), "LOW");
			CHECK_STR(json_get_str(&changes->u.items[0], "to"), "HIGH");
		}
	}
	const struct json_value *ttf = json_get(doc.root, "time_to_fix");
	CHECK(json_number(json_get(json_get(ttf, "LOW"), "p90_days")) == 11.2);
	CHECK(json_is(json_get(json_get(ttf, "HIGH"), "median_days"), JSON_NULL));
	const struct json_value *authors = json_get(doc.root, "authors");
	CHECK(json_is(authors, JSON_ARRAY) && authors->len == 1);
	json_doc_release(&doc);
	sb_release(&out);
	cvt_error_release(&err);
	h.findings = NULL;
	h.authors = NULL;
	cvt_history_release(&h);
}

/* The buffer loaders name the blob, never a file left over from an earlier success. */
static void buffer_loaders_name_the_text(void)
{
	static const char good[] = "{\"schema\": \"cvetrail/report/1\", \"findings\": [{\"id\": "
				   "\"CVE-1\", \"package\": {\"purl\": \"pkg:deb/debian/curl\"}, "
				   "\"severity\": \"HIGH\"}]}";
	static const char bad[] = "{\"schema\": \"cvetrail/report/1\", \"findings\": [,]}";
	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_report r;
	cvt_report_init(&r);
	CHECK(cvt_load_report_buffer(&r, good, strlen(good), "c1:report.json", &err) == 0);
	CHECK(r.n_findings == 1);
	if (r.n_findings == 1) {
		CHECK_STR(r.findings[0].key, "CVE-1 pkg:deb/debian/curl");
		CHECK(r.findings[0].severity == CVT_SEV_HIGH);
	}
	cvt_report_release(&r);
	cvt_report_init(&r);
	CHECK(cvt_load_report_buffer(&r, bad, strlen(bad), "c2:report.json", &err) == CVT_EINVAL);
	CHECK_STR(err.file.buf, "c2:report.json");
	CHECK(err.has_position && err.offset == strlen(bad) - 3);
	cvt_report_release(&r);

	struct cvt_ledger l;
	cvt_error_clear(&err);
	cvt_ledger_init(&l);
	CHECK(cvt_ledger_load_buffer(&l, "", 0, "c3:triage.json", &err) == CVT_EINVAL);
	CHECK_STR(err.file.buf, "c3:triage.json");
	cvt_ledger_release(&l);
	cvt_error_release(&err);
}

TEST_MAIN("history", TEST(quantile_of_one_value), TEST(quantile_interpolates_between_ranks),
	  TEST(quantile_of_equal_values), TEST(json_shape), TEST(buffer_loaders_name_the_text))
