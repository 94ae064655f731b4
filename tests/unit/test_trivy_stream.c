/*
 * A Trivy report read as a stream, on one thread or two (the worker of
 * json_stream_consumer.fork), gives byte for byte the canonical report of
 * the same text parsed whole; a report the whole parse refuses is refused.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ingest.h"
#include "ingest/shape.h"
#include "json.h"
#include "report.h"
#include "strbuf.h"

static unsigned next_random(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/* One vulnerability as Trivy writes it (VulnerabilityID first), with text
 * that looks like the start of another one inside its strings. */
static void add_vulnerability(struct strbuf *t, size_t result, size_t i, unsigned *seed,
			      const char *indent)
{
	static const char *const severities[] = {"LOW", "MEDIUM", "HIGH", "CRITICAL", "UNKNOWN"};
	unsigned pkg = next_random(seed) % 300, cve = next_random(seed) % 2000;
	sb_addf(t, "{%s\"VulnerabilityID\": \"CVE-2024-%u\",%s", indent, cve, indent);
	sb_addf(t, "\"PkgName\": \"pkg_%u\",%s", pkg, indent);
	if (i % 3)
		sb_addf(t, "\"PkgIdentifier\": {\"PURL\": \"pkg:pypi/pkg-%u@1.%u\"},%s", pkg, pkg % 7,
			indent);
	sb_addf(t, "\"InstalledVersion\": \"1.%u\",%s", pkg % 7, indent);
	if (i % 4)
		sb_addf(t, "\"FixedVersion\": \"1.%u.1\",%s\"Status\": \"fixed\",%s", pkg % 7 + 1,
			indent, indent);
	sb_addf(t, "\"Severity\": \"%s\",%s", severities[next_random(seed) % 5], indent);
	sb_addf(t, "\"VendorIDs\": [\"GHSA-%04u\"],%s", cve, indent);
	sb_addf(t, "\"Title\": \"pkg_%u: flaw %zu-%zu, see [{\\\"VulnerabilityID\\\": \\\"X\\\"}]\",%s",
		pkg, result, i, indent);
	sb_addf(t, "\"Description\": \"A long text \\u00e9\\n\\t with \\\"quotes\\\" %u\",%s",
		next_random(seed), indent);
	if (i % 7 == 2)
		sb_addf(t, "\"Related\": [{\"VulnerabilityID\": \"CVE-1-1\", \"PkgName\": \"no\"}],%s",
			indent);
	sb_addf(t, "\"PrimaryURL\": \"https://avd.aquasec.com/nvd/cve-2024-%u\",%s", cve, indent);
	sb_addf(t, "\"PublishedDate\": \"2024-0%u-11T15:15:00Z\",%s", 1 + cve % 9, indent);
	sb_addf(t, "\"CVSS\": {\"nvd\": {\"V3Score\": %u.%u}}%s}", cve % 10, cve % 9, indent);
}

/* A Trivy report of about `n` vulnerabilities in several results, one of
 * them a secret result (its list is not findings). */
static void add_report(struct strbuf *t, size_t n, unsigned seed, int compact)
{
	const char *nl = compact ? "" : "\n        ";
	sb_addstr(t, "{\"SchemaVersion\": 2, \"ArtifactName\": \"img:1\", \"ArtifactType\": "
		     "\"container_image\", \"Metadata\": {\"OS\": {\"Family\": \"debian\", \"Name\": "
		     "\"12.9\"}}, \"Results\": [");
	static const char *const classes[] = {"os-pkgs", "lang-pkgs", "secret", "lang-pkgs"};
	for (size_t r = 0; r < 4; r++) {
		sb_addf(t, "%s{\"Target\": \"t%zu\", \"Class\": \"%s\", \"Type\": \"%s\", "
			   "\"Vulnerabilities\": [",
			r ? ", " : "", r, classes[r], r == 0 ? "debian" : "pip");
		size_t count = r == 0 ? n / 2 : n / 6;
		for (size_t i = 0; i < count; i++) {
			if (i)
				sb_addstr(t, compact ? "," : ",\n      ");
			add_vulnerability(t, r, i, &seed, nl);
		}
		sb_addstr(t, "]}");
	}
	sb_addstr(t, "]}\n");
}

/* The canonical text of `text` read whole (`out` empty when refused), and
 * read as a stream with parallel_min 0 and 1: they must all agree. */
static void check_agree(const struct strbuf *text)
{
	char path[] = "/tmp/test_trivy_stream.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, text->buf, text->len) == (ssize_t)text->len);
	close(fd);

	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_report whole;
	struct strbuf expect = STRBUF_INIT;
	cvt_report_init(&whole);
	int whole_rc = cvt_load_report_buffer(&whole, text->buf, text->len, "memory", &err);
	if (whole_rc == 0)
		cvt_report_write(&whole, &expect);
	for (int parallel = 0; parallel < 2; parallel++) {
		struct cvt_report r;
		struct strbuf got = STRBUF_INIT;
		cvt_report_init(&r);
		int rc = shape_load_streamed(&r, path, parallel ? 1 : 0);
		if (whole_rc == 0) {
			CHECK(rc == 0);
			if (rc == 0) {
				cvt_report_write(&r, &got);
				CHECK(got.len == expect.len && memcmp(got.buf, expect.buf, got.len) == 0);
			}
		} else {
			/* Refused: the stream gives up, and the whole read says why. */
			CHECK(rc == 1);
		}
		sb_release(&got);
		cvt_report_release(&r);
	}
	unlink(path);
	sb_release(&expect);
	cvt_report_release(&whole);
	cvt_error_release(&err);
}

static void test_two_threads_same_report(void)
{
	for (int compact = 0; compact < 2; compact++) {
		for (size_t n = 1; n < 6000; n = n * 5 + 3) {
			struct strbuf text = STRBUF_INIT;
			add_report(&text, n, (unsigned)(n + compact), compact);
			check_agree(&text);
			sb_release(&text);
		}
	}
}

/* Errors in the second half, where the worker reads. */
static void test_two_threads_errors(void)
{
	struct strbuf text = STRBUF_INIT;
	add_report(&text, 3000, 9, 0);
	static const char *const breaks[][2] = {
		{"\"PkgName\": \"pkg_", "\"PkgName\": 5, \"x\": \"pkg_"}, /* a vulnerability Trivy never writes */
		{"\"Severity\": \"", "\"Severity\": [\""},                    /* invalid JSON */
		{"\"CVSS\": {", "\"CVSS\": {{"},
		{"\"VulnerabilityID\": \"", "\"VulnerabilityID\": \"\x01"},
	};
	for (size_t b = 0; b < sizeof breaks / sizeof breaks[0]; b++) {
		for (size_t where = 2; where <= 6; where += 2) {
			/* The first match after where/8 of the text. */
			const char *at = strstr(text.buf + text.len * where / 8, breaks[b][0]);
			CHECK(at != NULL);
			if (!at)
				continue;
			struct strbuf bad = STRBUF_INIT;
			sb_add(&bad, text.buf, (size_t)(at - text.buf));
			sb_addstr(&bad, breaks[b][1]);
			sb_addstr(&bad, at + strlen(breaks[b][0]));
			check_agree(&bad);
			sb_release(&bad);
		}
	}
	/* Cut short in the second half. */
	for (size_t cut = 1; cut < text.len / 2; cut = cut * 3 + 1) {
		struct strbuf bad = STRBUF_INIT;
		sb_add(&bad, text.buf, text.len - cut);
		check_agree(&bad);
		sb_release(&bad);
	}
	sb_release(&text);
}

/* `text` in a temporary file; its path in `path` (at least 32 bytes). */
static void temp_file(char *path, const char *text, size_t len)
{
	strcpy(path, "/tmp/test_trivy_stream.XXXXXX");
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, text, len) == (ssize_t)len);
	close(fd);
}

/* cvt_load_report of `path`: its canonical text, or its error's message. */
static void load_alone(const char *path, struct strbuf *out)
{
	struct cvt_report r;
	struct cvt_error err = CVT_ERROR_INIT;
	cvt_report_init(&r);
	if (cvt_load_report(&r, path, &err) == 0)
		cvt_report_write(&r, out);
	else
		cvt_error_format(&err, out);
	cvt_report_release(&r);
	cvt_error_release(&err);
}

/* Two reports read at once are each the report read alone; of two errors,
 * the first file's is the one given, as when they are read in turn. */
static void test_load_pair(void)
{
	struct strbuf big = STRBUF_INIT, small = STRBUF_INIT;
	/* Above SHAPE_TRIVY_PARALLEL_MIN: three threads read at once. */
	for (unsigned seed = 1; big.len < 9u << 20; seed++) {
		struct strbuf part = STRBUF_INIT;
		add_report(&part, 3000, seed, 0);
		if (!big.len) {
			sb_add(&big, part.buf, part.len);
		} else {
			/* One report: the next part's results join the first's. */
			const char *results = strstr(part.buf, "\"Results\": [") + strlen("\"Results\": [");
			big.len -= strlen("]}\n");
			sb_addstr(&big, ", ");
			sb_addstr(&big, results);
		}
		sb_release(&part);
	}
	add_report(&small, 40, 7, 1);
	char paths[4][32];
	temp_file(paths[0], big.buf, big.len);
	temp_file(paths[1], small.buf, small.len);
	temp_file(paths[2], "{\"SchemaVersion\": 2, \"Results\": [", 31); /* cut short */
	temp_file(paths[3], "[1, 2]", 6);                               /* not a report */
	struct strbuf alone[4];
	for (int i = 0; i < 4; i++) {
		sb_init(&alone[i], 0);
		load_alone(paths[i], &alone[i]);
	}
	CHECK(alone[0].len > 1000 && alone[1].len > 1000);
	static const int pairs[][3] = {
		/* first, second, the one whose text or error is expected */
		{0, 1, -1}, {1, 0, -1}, {2, 1, 2}, {1, 2, 2}, {0, 3, 3}, {3, 0, 3}, {2, 3, 2}, {3, 2, 3},
	};
	for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
		struct cvt_report first, second;
		struct cvt_error err = CVT_ERROR_INIT;
		cvt_report_init(&first);
		cvt_report_init(&second);
		int rc = cvt_load_report_pair(&first, paths[pairs[k][0]], &second, paths[pairs[k][1]], &err);
		if (pairs[k][2] < 0) {
			struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
			CHECK(rc == 0);
			cvt_report_write(&first, &a);
			cvt_report_write(&second, &b);
			CHECK_STR(a.buf, alone[pairs[k][0]].buf);
			CHECK_STR(b.buf, alone[pairs[k][1]].buf);
			sb_release(&a);
			sb_release(&b);
		} else {
			struct strbuf message = STRBUF_INIT;
			CHECK(rc == CVT_EINVAL);
			cvt_error_format(&err, &message);
			CHECK_STR(message.buf, alone[pairs[k][2]].buf);
			sb_release(&message);
		}
		cvt_report_release(&first);
		cvt_report_release(&second);
		cvt_error_release(&err);
	}
	for (int i = 0; i < 4; i++) {
		unlink(paths[i]);
		sb_release(&alone[i]);
	}
	sb_release(&big);
	sb_release(&small);
}

/* Distinct pointers among the strings `field` of the findings. */
static size_t distinct_pointers(const struct cvt_report *r, size_t field)
{
	size_t n = 0;
	const char **seen = calloc(r->n_findings, sizeof *seen);
	for (size_t i = 0; i < r->n_findings; i++) {
		const char *s = *(const char *const *)((const char *)&r->findings[i] + field);
		size_t j = 0;
		while (j < n && seen[j] != s)
			j++;
		if (j == n)
			seen[n++] = s;
	}
	free(seen);
	return n;
}

/* A canonical report read back is the same report, and the strings its
 * findings share (a vulnerability's id, title and URL; a package's purl
 * and versions; a status) are kept about once, not once per finding. */
static void test_canonical_shares_strings(void)
{
	static const char *const statuses[] = {"fixed", "affected", "will_not_fix"};
	struct cvt_report r, back;
	struct strbuf canonical = STRBUF_INIT, again = STRBUF_INIT;
	struct cvt_error err = CVT_ERROR_INIT;
	cvt_report_init(&r);
	r.scanner_name = "trivy";
	for (size_t i = 0; i < 2000; i++) {
		struct cvt_finding *f = cvt_report_add(&r);
		size_t pkg = (i * 7) % 50;
		f->id = arena_sprintf(&r.arena, "CVE-2024-%zu", 1000 + i / 4); /* 4 packages each */
		f->purl = arena_sprintf(&r.arena, "pkg:deb/debian/p%zu", pkg);
		f->pkg_name = arena_sprintf(&r.arena, "p%zu", pkg);
		f->installed_version = arena_sprintf(&r.arena, "1.%zu", pkg);
		f->title = arena_sprintf(&r.arena, "a flaw in %zu", i / 4);
		f->url = arena_sprintf(&r.arena, "https://example.com/%zu", i / 4);
		f->status = statuses[i % 3];
		f->severity = CVT_SEV_HIGH;
		shape_set_key(&r, f);
		cvt_finding_add_location(&r, f, "img (debian 12)", NULL, f->installed_version);
	}
	cvt_report_finish(&r);
	cvt_report_write(&r, &canonical);
	char path[32];
	temp_file(path, canonical.buf, canonical.len);
	cvt_report_init(&back);
	CHECK(cvt_load_report(&back, path, &err) == 0);
	cvt_report_write(&back, &again);
	CHECK_STR(again.buf, canonical.buf);
	CHECK(back.n_findings == 2000);
	/* 500 vulnerabilities, 50 packages, 3 statuses: a string copied per
	 * finding would make 2,000 of each. */
	CHECK(distinct_pointers(&back, offsetof(struct cvt_finding, id)) == 500);
	CHECK(distinct_pointers(&back, offsetof(struct cvt_finding, title)) == 500);
	CHECK(distinct_pointers(&back, offsetof(struct cvt_finding, url)) == 500);
	CHECK(distinct_pointers(&back, offsetof(struct cvt_finding, purl)) <= 2 * 50);
	CHECK(distinct_pointers(&back, offsetof(struct cvt_finding, installed_version)) <= 2 * 50);
	CHECK(distinct_pointers(&back, offsetof(struct cvt_finding, status)) <= 2 * 3);
	unlink(path);
	cvt_report_release(&r);
	cvt_report_release(&back);
	cvt_error_release(&err);
	sb_release(&canonical);
	sb_release(&again);
}

TEST_MAIN("trivy_stream", TEST(test_two_threads_same_report), TEST(test_two_threads_errors),
	  TEST(test_load_pair), TEST(test_canonical_shares_strings))
