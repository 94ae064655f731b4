/*
 * A Trivy report read as a stream, on one thread or two (the worker of
 * json_stream_consumer.fork), gives byte for byte the canonical report of
 * the same text parsed whole; a report the whole parse refuses is refused.
 */
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

TEST_MAIN("trivy_stream", TEST(test_two_threads_same_report), TEST(test_two_threads_errors))
