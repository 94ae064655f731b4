/* The diff by key and the review policy, on small reports built in C. */
#include <string.h>

#include "config.h"
#include "diff.h"
#include "harness.h"
#include "policy.h"
#include "report.h"
#include "triage.h"

#define TODAY "2026-06-01"

static struct cvt_finding *add(struct cvt_report *r, const char *id, const char *purl,
			       enum cvt_severity sev, const char *installed, const char *target)
{
	struct cvt_finding *f = cvt_report_add(r);
	const char *slash = strrchr(purl, '/');
	f->id = id;
	f->purl = purl;
	f->key = arena_sprintf(&r->arena, "%s %s", id, purl);
	f->pkg_name = slash ? slash + 1 : purl;
	f->severity = sev;
	f->status = "fixed";
	f->installed_version = installed;
	f->fixed_version = "9.9";
	f->title = arena_sprintf(&r->arena, "%s: a flaw", f->pkg_name);
	f->url = arena_sprintf(&r->arena, "https://avd.example/%s", id);
	cvt_finding_add_location(r, f, target, NULL, installed);
	return f;
}

static void report(struct cvt_report *r, const char *os)
{
	cvt_report_init(r);
	r->artifact_name = "registry.example.com/shop/api:1.4.1";
	r->os = os;
	r->scanner_name = "trivy";
	r->results = 1;
}

static void decide(struct cvt_ledger *l, const char *id, const char *package, const char *severity,
		   const char *expires)
{
	struct cvt_decision d = {0};
	d.id = id;
	d.package = package;
	d.status = "affected";
	d.reason = "accepted risk";
	d.author = "Jane Doe";
	d.date = "2026-01-01";
	d.severity = severity;
	d.expires = expires;
	cvt_ledger_put(l, &d);
}

/* Everything a test needs, released at once. */
struct run {
	struct cvt_report before, after;
	struct cvt_ledger ledger;
	struct cvt_policy policy;
	struct cvt_diff diff;
	struct cvt_review review;
};

static void run_init(struct run *t, const char *os_before, const char *os_after)
{
	report(&t->before, os_before);
	report(&t->after, os_after);
	cvt_ledger_init(&t->ledger);
	cvt_policy_init(&t->policy);
	cvt_diff_init(&t->diff);
	cvt_review_init(&t->review);
}

static void run_apply(struct run *t)
{
	cvt_report_finish(&t->before);
	cvt_report_finish(&t->after);
	cvt_diff_compute(&t->diff, &t->before, &t->after);
	cvt_policy_apply(&t->review, &t->diff, &t->ledger, &t->policy, TODAY);
}

static void run_release(struct run *t)
{
	cvt_review_release(&t->review);
	cvt_diff_release(&t->diff);
	cvt_ledger_release(&t->ledger);
	cvt_report_release(&t->before);
	cvt_report_release(&t->after);
}

static int has_label(const struct cvt_review *rv, const char *label)
{
	for (size_t i = 0; i < rv->n_labels; i++)
		if (!strcmp(rv->labels[i], label))
			return 1;
	return 0;
}

static void test_count_trap(void)
{
	struct run t;
	run_init(&t, "debian 12", "debian 12");
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0",
	    "img (debian 12)");
	add(&t.before, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_HIGH, "1.0",
	    "img (debian 12)");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0",
	    "img (debian 12)");
	add(&t.after, "CVE-2026-0003", "pkg:deb/debian/openssl", CVT_SEV_HIGH, "1.0",
	    "img (debian 12)");
	run_apply(&t);
	/* Same count, same severities: a count-based comparison would see nothing. */
	CHECK(t.diff.counts_before[CVT_SEV_HIGH] == 2 && t.diff.counts_after[CVT_SEV_HIGH] == 2);
	CHECK(t.diff.added.n == 1);
	CHECK(t.diff.removed.n == 1);
	CHECK(t.diff.changed.n == 0);
	CHECK_STR(t.diff.added.items[0].after->key, "CVE-2026-0003 pkg:deb/debian/openssl");
	CHECK_STR(t.diff.removed.items[0].before->key, "CVE-2026-0002 pkg:deb/debian/zlib1g");
	CHECK(t.review.reasons == CVT_REVIEW_BIT(CVT_REVIEW_NEW));
	CHECK(t.review.n_labels == 1);
	CHECK_STR(t.review.labels[0], "new CVE");
	CHECK(t.review.n_new == 1);
	run_release(&t);
}

static void test_base_image_update(void)
{
	struct run t;
	run_init(&t, "debian 12.5", "debian 12.6");
	t.after.artifact_name = "registry.example.com/shop/api:1.4.2";
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "7.88.1-10",
	    "registry.example.com/shop/api:1.4.1 (debian 12.5)");
	add(&t.before, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_LOW, "1.2.13",
	    "registry.example.com/shop/api:1.4.1 (debian 12.5)");
	add(&t.after, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_LOW, "1.2.13",
	    "registry.example.com/shop/api:1.4.2 (debian 12.6)");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "7.88.1-10+deb12u5",
	    "registry.example.com/shop/api:1.4.2 (debian 12.6)");
	run_apply(&t);
	CHECK(t.diff.added.n == 0);
	CHECK(t.diff.removed.n == 0);
	/* The new installed version is listed, the new target is not compared at all. */
	CHECK(t.diff.changed.n == 1);
	CHECK(t.diff.changed.n == 1 &&
	      t.diff.changed.items[0].fields == CVT_FIELD_INSTALLED_VERSION);
	CHECK(t.review.reasons == 0);
	CHECK(t.review.n_labels == 0);
	CHECK(t.review.incomplete == CVT_INCOMPLETE_NONE);
	run_release(&t);
}

static void test_severity_up_and_down(void)
{
	struct run t;
	run_init(&t, "debian 12", "debian 12");
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_LOW, "1.0", "t");
	add(&t.before, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_HIGH, "1.0", "t");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	add(&t.after, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_LOW, "1.0", "t");
	run_apply(&t);
	CHECK(t.diff.changed.n == 2);
	CHECK(t.diff.changed.items[0].fields == CVT_FIELD_SEVERITY);
	CHECK(t.diff.changed.items[0].review == CVT_REVIEW_BIT(CVT_REVIEW_SEVERITY));
	CHECK(t.diff.changed.items[1].fields == CVT_FIELD_SEVERITY);
	CHECK(t.diff.changed.items[1].review == 0); /* lower severity merges by itself */
	CHECK(t.review.n_labels == 1 && has_label(&t.review, "severity changed"));
	CHECK(t.review.n_risen == 1);
	run_release(&t);

	run_init(&t, "debian 12", "debian 12");
	add(&t.before, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_HIGH, "1.0", "t");
	add(&t.after, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_LOW, "1.0", "t");
	run_apply(&t);
	CHECK(t.review.reasons == 0);
	run_release(&t);
}

static void test_triaged_added_not_labelled(void)
{
	struct run t;
	run_init(&t, "debian 12", "debian 12");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	struct cvt_finding *g =
		add(&t.after, "GHSA-aaaa-bbbb-cccc", "pkg:pypi/flask", CVT_SEV_HIGH, "2.0", "t");
	cvt_finding_add_alias(&t.after, g, "CVE-2026-0009");
	add(&t.after, "CVE-2026-0005", "pkg:deb/debian/bash", CVT_SEV_LOW, "5.2", "t");
	decide(&t.ledger, "CVE-2026-0001", "pkg:deb/debian/curl", "HIGH", NULL);
	decide(&t.ledger, "CVE-2026-0009", NULL, NULL, NULL); /* by alias, every package */
	run_apply(&t);
	CHECK(t.diff.added.n == 3);
	CHECK(t.review.n_triaged == 2);
	CHECK(t.review.n_new == 1);
	for (size_t i = 0; i < t.diff.added.n; i++) {
		const struct cvt_diff_item *it = &t.diff.added.items[i];
		int untriaged = !strcmp(it->after->id, "CVE-2026-0005");
		CHECK(untriaged == (it->decision == NULL));
		CHECK(it->review == (untriaged ? CVT_REVIEW_BIT(CVT_REVIEW_NEW) : 0u));
	}
	CHECK(t.review.n_labels == 1 && has_label(&t.review, "new CVE"));
	run_release(&t);

	/* All of them triaged: nothing to review. */
	run_init(&t, "debian 12", "debian 12");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	decide(&t.ledger, "CVE-2026-0001", "pkg:deb/debian/curl", "HIGH", NULL);
	run_apply(&t);
	CHECK(t.review.reasons == 0);
	CHECK(t.diff.added.n == 1 && t.diff.added.items[0].decision != NULL);
	run_release(&t);
}

static void test_severity_above_decided(void)
{
	struct run t;
	/* Decided at MEDIUM; LOW -> HIGH is above it. */
	run_init(&t, "debian 12", "debian 12");
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_LOW, "1.0", "t");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	decide(&t.ledger, "CVE-2026-0001", "pkg:deb/debian/curl", "MEDIUM", NULL);
	run_apply(&t);
	CHECK(t.review.reasons == CVT_REVIEW_BIT(CVT_REVIEW_SEVERITY));
	CHECK(t.diff.changed.n == 1 && t.diff.changed.items[0].decision != NULL);
	run_release(&t);

	/* Decided at HIGH; LOW -> HIGH is not above what was accepted. */
	run_init(&t, "debian 12", "debian 12");
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_LOW, "1.0", "t");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	decide(&t.ledger, "CVE-2026-0001", "pkg:deb/debian/curl", "HIGH", NULL);
	run_apply(&t);
	CHECK(t.review.reasons == 0);
	CHECK(t.diff.changed.n == 1 && t.diff.changed.items[0].review == 0);
	run_release(&t);

	/* A decision that recorded no severity: any rise counts. */
	run_init(&t, "debian 12", "debian 12");
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_LOW, "1.0", "t");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_MEDIUM, "1.0", "t");
	decide(&t.ledger, "CVE-2026-0001", NULL, NULL, NULL);
	run_apply(&t);
	CHECK(t.review.reasons == CVT_REVIEW_BIT(CVT_REVIEW_SEVERITY));
	run_release(&t);

	/* An added finding covered by a decision taken at a lower severity. */
	run_init(&t, "debian 12", "debian 12");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/libcurl4", CVT_SEV_CRITICAL, "1.0", "t");
	decide(&t.ledger, "CVE-2026-0001", NULL, "LOW", NULL);
	run_apply(&t);
	CHECK(t.review.reasons == CVT_REVIEW_BIT(CVT_REVIEW_SEVERITY));
	CHECK(t.review.n_new == 0 && t.review.n_risen == 1);
	run_release(&t);
}

static void test_expired_decision(void)
{
	struct run t;
	/* Expired, finding still present. */
	run_init(&t, "debian 12", "debian 12");
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	decide(&t.ledger, "CVE-2026-0001", "pkg:deb/debian/curl", "HIGH", "2026-05-01");
	run_apply(&t);
	CHECK(t.review.reasons == CVT_REVIEW_BIT(CVT_REVIEW_EXPIRED));
	CHECK(t.review.n_labels == 1 && has_label(&t.review, "triage expired"));
	CHECK(t.review.expired.n == 1 && t.review.expired.items[0].days_left == -31);
	run_release(&t);

	/* Expired, but the finding is gone: nothing to look at. */
	run_init(&t, "debian 12", "debian 12");
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	add(&t.after, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_LOW, "1.0", "t");
	decide(&t.ledger, "CVE-2026-0001", "pkg:deb/debian/curl", "HIGH", "2026-05-01");
	decide(&t.ledger, "CVE-2026-0002", "pkg:deb/debian/zlib1g", "LOW", NULL);
	run_apply(&t);
	CHECK(t.review.reasons == 0);
	CHECK(t.review.expired.n == 0);
	run_release(&t);

	/* Expiring today is still valid, and listed as expiring soon. */
	run_init(&t, "debian 12", "debian 12");
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	decide(&t.ledger, "CVE-2026-0001", "pkg:deb/debian/curl", "HIGH", TODAY);
	run_apply(&t);
	CHECK(t.review.reasons == 0);
	CHECK(t.review.expiring.n == 1 && t.review.expiring.items[0].days_left == 0);
	run_release(&t);
}

static void test_scan_incomplete(void)
{
	struct run t;
	/* The OS disappeared (Trivy family "none"): every finding looks fixed. */
	run_init(&t, "debian 12", NULL);
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	run_apply(&t);
	CHECK(t.diff.removed.n == 1);
	CHECK(t.review.incomplete == CVT_INCOMPLETE_NO_OS);
	CHECK(t.review.n_labels == 1 && has_label(&t.review, "scan incomplete"));
	run_release(&t);

	/* No results at all while the old report had findings. */
	run_init(&t, NULL, NULL);
	t.after.results = 0;
	add(&t.before, "GHSA-aaaa-bbbb-cccc", "pkg:npm/left-pad", CVT_SEV_LOW, "1.0",
	    "package-lock.json");
	run_apply(&t);
	CHECK(t.review.incomplete == CVT_INCOMPLETE_NO_RESULTS);
	CHECK(t.review.reasons == CVT_REVIEW_BIT(CVT_REVIEW_INCOMPLETE));
	run_release(&t);

	/* The other way round: a scan that sees more, or everything really fixed. */
	run_init(&t, NULL, "debian 12");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	run_apply(&t);
	CHECK(t.review.incomplete == CVT_INCOMPLETE_NONE);
	CHECK(t.review.reasons == CVT_REVIEW_BIT(CVT_REVIEW_NEW));
	run_release(&t);

	run_init(&t, "debian 12", "debian 12");
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	run_apply(&t); /* after: one result, no findings: the fix worked */
	CHECK(t.review.incomplete == CVT_INCOMPLETE_NONE);
	CHECK(t.review.reasons == 0);
	run_release(&t);

	/* First run: nothing before, an empty scan. */
	run_init(&t, NULL, NULL);
	t.after.results = 0;
	run_apply(&t);
	CHECK(t.review.reasons == 0);
	run_release(&t);
}

static void test_min_severity(void)
{
	struct run t;
	run_init(&t, "debian 12", "debian 12");
	t.policy.min_severity = CVT_SEV_HIGH;
	add(&t.before, "CVE-2026-0004", "pkg:deb/debian/tar", CVT_SEV_LOW, "1.0", "t");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_LOW, "1.0", "t");
	add(&t.after, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_UNKNOWN, "1.0", "t");
	add(&t.after, "CVE-2026-0004", "pkg:deb/debian/tar", CVT_SEV_MEDIUM, "1.0", "t");
	run_apply(&t);
	CHECK(t.diff.added.n == 2);
	CHECK(t.review.reasons == 0);
	cvt_review_release(&t.review);
	cvt_diff_release(&t.diff);
	add(&t.after, "CVE-2026-0003", "pkg:deb/debian/openssl", CVT_SEV_HIGH, "1.0", "t");
	run_apply(&t);
	CHECK(t.review.reasons == CVT_REVIEW_BIT(CVT_REVIEW_NEW));
	CHECK(t.review.n_new == 1);
	run_release(&t);
}

static void test_labels_order_and_config(void)
{
	struct cvt_config c;
	struct cvt_error err = CVT_ERROR_INIT;
	static const char text[] = "# team settings\n"
				   "[label]\n"
				   "  new = \"needs triage\"   ; quoted\n"
				   "severity = needs triage # same text: listed once\n"
				   "\n"
				   "label.expired = decision expired\n"
				   "[review]\n"
				   "min-severity = low\n"
				   "incomplete = false\n";
	cvt_config_init(&c);
	CHECK(cvt_config_parse(&c, text, sizeof text - 1, &err) == 0);
	CHECK_STR(c.policy.labels[CVT_REVIEW_NEW], "needs triage");
	CHECK_STR(c.policy.labels[CVT_REVIEW_SEVERITY], "needs triage");
	CHECK_STR(c.policy.labels[CVT_REVIEW_EXPIRED], "decision expired");
	CHECK_STR(c.policy.labels[CVT_REVIEW_INCOMPLETE], "scan incomplete");
	CHECK(c.policy.min_severity == CVT_SEV_LOW);

	struct run t;
	run_init(&t, "debian 12", NULL);
	t.policy = c.policy;
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_LOW, "1.0", "t");
	add(&t.before, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_LOW, "1.0", "t");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	add(&t.after, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_LOW, "1.0", "t");
	add(&t.after, "CVE-2026-0003", "pkg:deb/debian/openssl", CVT_SEV_UNKNOWN, "1.0", "t");
	add(&t.after, "CVE-2026-0007", "pkg:deb/debian/perl", CVT_SEV_MEDIUM, "1.0", "t");
	decide(&t.ledger, "CVE-2026-0002", NULL, NULL, "2026-01-31");
	run_apply(&t);
	/* UNKNOWN is below LOW; the disabled incomplete rule labels nothing. */
	CHECK(t.review.n_new == 1);
	CHECK(t.review.incomplete == CVT_INCOMPLETE_NO_OS);
	CHECK(t.review.n_labels == 2);
	CHECK_STR(t.review.labels[0], "needs triage");
	CHECK(t.review.n_labels == 2 && !strcmp(t.review.labels[1], "decision expired"));
	run_release(&t);

	/* The default labels, in DESIGN's order. */
	run_init(&t, "debian 12", NULL);
	add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_LOW, "1.0", "t");
	add(&t.before, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_LOW, "1.0", "t");
	add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "t");
	add(&t.after, "CVE-2026-0002", "pkg:deb/debian/zlib1g", CVT_SEV_LOW, "1.0", "t");
	add(&t.after, "CVE-2026-0003", "pkg:deb/debian/openssl", CVT_SEV_LOW, "1.0", "t");
	decide(&t.ledger, "CVE-2026-0002", NULL, NULL, "2026-01-31");
	run_apply(&t);
	CHECK(t.review.n_labels == 4);
	if (t.review.n_labels == 4) {
		CHECK_STR(t.review.labels[0], "new CVE");
		CHECK_STR(t.review.labels[1], "severity changed");
		CHECK_STR(t.review.labels[2], "triage expired");
		CHECK_STR(t.review.labels[3], "scan incomplete");
	}
	run_release(&t);
	cvt_config_release(&c);
	cvt_error_release(&err);
}

static void test_config_errors(void)
{
	static const char *const bad[] = {
		"label.new = a, b\n",
		"label.new =\n",
		"label.nwe = x\n",
		"review.min-severity = SEVERE\n",
		"[label\n",
		"review.new = maybe\n",
		"label.new = \"unterminated\n",
		"summary.max-rows = 0\n",
		"just words\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cvt_config c;
		struct cvt_error err = CVT_ERROR_INIT;
		cvt_config_init(&c);
		int rc = cvt_config_parse(&c, bad[i], strlen(bad[i]), &err);
		if (rc == 0)
			fprintf(stderr, "accepted: %s", bad[i]);
		CHECK(rc == CVT_EINVAL);
		CHECK(err.has_position && err.line == 1);
		cvt_config_release(&c);
		cvt_error_release(&err);
	}
	/* A label with a newline cannot come from a file line, but can from the API. */
	struct cvt_config c;
	struct cvt_error err = CVT_ERROR_INIT;
	cvt_config_init(&c);
	CHECK(cvt_config_set(&c, "label.new", "new\nCVE", &err) == CVT_EINVAL);
	CHECK(cvt_config_set(&c, "label.new", "ok label", &err) == 0);
	CHECK(cvt_config_parse(&c, "\n\nlabel.nope = 1\n", 16, &err) == CVT_EINVAL);
	CHECK(err.line == 3);
	cvt_config_release(&c);
	cvt_error_release(&err);
}

static void test_changed_fields(void)
{
	struct run t;
	run_init(&t, "debian 12", "debian 12");
	struct cvt_finding *b =
		add(&t.before, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "a");
	struct cvt_finding *a =
		add(&t.after, "CVE-2026-0001", "pkg:deb/debian/curl", CVT_SEV_HIGH, "1.0", "b");
	b->cvss = "7.5";
	a->cvss = "7.50";
	a->fixed_version = NULL;
	a->status = "affected";
	a->title = "curl: a flaw, now explained";
	cvt_finding_add_alias(&t.after, a, "DSA-5000-1");
	CHECK(cvt_diff_fields(b, a) ==
	      (CVT_FIELD_FIXED_VERSION | CVT_FIELD_STATUS | CVT_FIELD_TITLE | CVT_FIELD_ALIASES));
	run_apply(&t);
	CHECK(t.review.reasons == 0); /* new details merge by themselves */
	CHECK_STR(cvt_diff_field_name(CVT_FIELD_FIXED_VERSION), "fixed_version");
	CHECK(cvt_diff_field_name(3) == NULL);

	struct strbuf out = STRBUF_INIT;
	cvt_diff_write_json(&t.diff, &t.review, &out);
	CHECK(strstr(out.buf, "\"fields\": [\n        \"fixed_version\",\n        \"status\"") !=
	      NULL);
	CHECK(strstr(out.buf, "\"review\": false,\n  \"labels\": []") != NULL);
	sb_release(&out);
	run_release(&t);
}

/* Many findings, mostly shared: the merge must be linear (this would crawl if quadratic). */
static void test_large_merge(void)
{
	struct run t;
	run_init(&t, "debian 12", "debian 12");
	for (int i = 0; i < 200000; i++) {
		const char *id = arena_sprintf(&t.before.arena, "CVE-2026-%06d", i);
		if (i % 10 != 3)
			add(&t.before, id, "pkg:deb/debian/libx", CVT_SEV_MEDIUM, "1.0", "t");
		if (i % 10 != 7)
			add(&t.after, arena_strdup(&t.after.arena, id), "pkg:deb/debian/libx",
			    i % 100 == 0 ? CVT_SEV_HIGH : CVT_SEV_MEDIUM, "1.0", "t");
	}
	run_apply(&t);
	CHECK(t.diff.added.n == 20000);
	CHECK(t.diff.removed.n == 20000);
	CHECK(t.diff.changed.n == 2000);
	CHECK(t.review.n_new == 20000 && t.review.n_risen == 2000);
	run_release(&t);
}

TEST_MAIN("diff", TEST(test_count_trap), TEST(test_base_image_update),
	  TEST(test_severity_up_and_down), TEST(test_triaged_added_not_labelled),
	  TEST(test_severity_above_decided), TEST(test_expired_decision),
	  TEST(test_scan_incomplete), TEST(test_min_severity), TEST(test_labels_order_and_config),
	  TEST(test_config_errors), TEST(test_changed_fields), TEST(test_large_merge))
