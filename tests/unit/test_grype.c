#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ingest.h"
#include "json.h"
#include "report.h"

/*
 * The JSON documents below are written with single quotes, turned into double
 * quotes before parsing, so that they read as JSON. (No test string holds an
 * apostrophe.)
 */

/* Parses `json` (quotes as above) and ingests it as Grype output; the report
 * keeps the text. */
static int ingest(struct cvt_report *r, const char *json, struct cvt_error *err)
{
	size_t len = strlen(json);
	char *text = malloc(len + 1);
	struct json_doc doc;
	for (size_t i = 0; i <= len; i++)
		text[i] = json[i] == '\'' ? '"' : json[i];
	cvt_report_init(r);
	int rc = json_parse(&doc, text, len, err);
	if (rc < 0) {
		free(text);
		return rc;
	}
	rc = cvt_ingest_grype(r, doc.root, err);
	json_doc_release(&doc);
	r->input = text;
	return rc;
}

static const struct cvt_finding *find(const struct cvt_report *r, const char *key)
{
	const struct cvt_finding *f = cvt_report_find(r, key);
	if (!f)
		fprintf(stderr, "no finding %s\n", key);
	return f;
}

/* A one-match document: the vulnerability's and the artifact's members. */
static char *one_match(const char *vuln, const char *artifact, const char *rest)
{
	struct strbuf doc = STRBUF_INIT;
	sb_addf(&doc, "{'matches': [{'vulnerability': {%s}, 'artifact': {%s}}]%s}", vuln, artifact,
		rest ? rest : "");
	return sb_detach(&doc, NULL);
}

static const char image_doc[] =
	"{'matches': ["
	"  {'vulnerability': {'id': 'CVE-2023-38545', 'severity': 'Critical',"
	"     'dataSource': 'https://security-tracker.debian.org/tracker/CVE-2023-38545',"
	"     'fix': {'versions': ['7.88.1-10+deb12u4', '8.4.0'], 'state': 'fixed'},"
	"     'risk': 97.5, 'epss': [{'cve': 'CVE-2023-38545', 'epss': 0.3}]},"
	"   'artifact': {'name': 'curl', 'version': '7.88.1-10+deb12u1', 'type': 'deb',"
	"     'purl': 'pkg:deb/debian/curl@7.88.1-10+deb12u1?arch=amd64&distro=debian-12',"
	"     'locations': [{'path': '/var/lib/dpkg/status', 'layerID': 'sha256:aa'}]}},"
	"  {'vulnerability': {'id': 'GHSA-xxxx-yyyy-zzzz', 'severity': 'High',"
	"     'fix': {'versions': [], 'state': 'not-fixed'},"
	"     'cvss': [{'version': '3.1', 'metrics': {'baseScore': 7.5}},"
	"              {'version': '2.0', 'metrics': {'baseScore': 9.3}}]},"
	"   'relatedVulnerabilities': [{'id': 'CVE-2024-0001', 'description': 'Related text.',"
	"     'cvss': [{'version': '3.0', 'metrics': {'baseScore': 8.1}}]}],"
	"   'matchDetails': [{'matcher': 'python-matcher'}],"
	"   'artifact': {'name': 'Flask_Login', 'version': '0.6.0', 'type': 'python',"
	"     'locations': [{'path': '/app/requirements.txt'}]}}"
	"],"
	"'source': {'type': 'image', 'target': {'userInput': 'web:2.3', 'imageID': 'sha256:1111'}},"
	"'distro': {'name': 'debian', 'version': '12', 'idLike': []},"
	"'descriptor': {'name': 'grype', 'timestamp': '2026-01-01T00:00:00Z'}}";

static void test_keys_and_fields(void)
{
	struct cvt_report r;
	struct cvt_error err = CVT_ERROR_INIT;
	CHECK(ingest(&r, image_doc, &err) == 0);
	CHECK(r.n_findings == 2);
	CHECK_STR(r.scanner_name, "grype");
	CHECK_STR(r.artifact_name, "web:2.3");
	CHECK_STR(r.artifact_type, "container_image");
	CHECK_STR(r.os, "debian 12");
	CHECK(r.results == 1);

	const struct cvt_finding *f = find(&r, "CVE-2023-38545 pkg:deb/debian/curl");
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->pkg_name, "curl");
		CHECK(f->severity == CVT_SEV_CRITICAL);
		CHECK_STR(f->status, "fixed");
		/* The first of the fix versions. */
		CHECK_STR(f->fixed_version, "7.88.1-10+deb12u4");
		CHECK_STR(f->installed_version, "7.88.1-10+deb12u1");
		CHECK_STR(f->url, "https://security-tracker.debian.org/tracker/CVE-2023-38545");
		CHECK(f->title == NULL);
		CHECK(f->cvss == NULL);
		CHECK(f->n_locations == 1);
		CHECK_STR(f->locations[0].target, "web:2.3");
		CHECK_STR(f->locations[0].path, "/var/lib/dpkg/status");
		CHECK_STR(f->locations[0].version, "7.88.1-10+deb12u1");
	}
	/* No purl: built from the artifact type (python -> pypi, name canonical). */
	f = find(&r, "GHSA-xxxx-yyyy-zzzz pkg:pypi/flask-login");
	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->status, "affected");
		CHECK(f->fixed_version == NULL);
		CHECK(f->severity == CVT_SEV_HIGH);
		/* Highest v3 score over the match and its related records; v2 ignored. */
		CHECK_STR(f->cvss, "8.1");
		/* Related ids are aliases: a ledger decision on the CVE covers the GHSA. */
		CHECK(f->n_aliases == 1);
		if (f->n_aliases == 1)
			CHECK_STR(f->aliases[0], "CVE-2024-0001");
		CHECK_STR(f->title, "Related text.");
	}
	cvt_report_release(&r);
	cvt_error_release(&err);
}

/* "status|fixed_version" of a match with the given extra vulnerability members. */
static const char *status_of(const char *fix)
{
	static char buf[64];
	struct strbuf vuln = STRBUF_INIT;
	struct cvt_report r;
	struct cvt_error err = CVT_ERROR_INIT;
	sb_addf(&vuln, "'id': 'CVE-1'%s%s", fix ? ", " : "", fix ? fix : "");
	char *doc = one_match(vuln.buf, "'name': 'x'", NULL);
	if (ingest(&r, doc, &err) == 0 && r.n_findings == 1) {
		const struct cvt_finding *f = &r.findings[0];
		snprintf(buf, sizeof buf, "%s|%s", f->status ? f->status : "(null)",
			 f->fixed_version ? f->fixed_version : "(null)");
	} else {
		snprintf(buf, sizeof buf, "error: %s", err.message.buf);
	}
	cvt_report_release(&r);
	cvt_error_release(&err);
	sb_release(&vuln);
	free(doc);
	return buf;
}

static void test_fix_states(void)
{
	CHECK_STR(status_of("'fix': {'versions': ['1.2'], 'state': 'fixed'}"), "fixed|1.2");
	CHECK_STR(status_of("'fix': {'versions': [], 'state': 'not-fixed'}"), "affected|(null)");
	CHECK_STR(status_of("'fix': {'versions': [], 'state': 'wont-fix'}"), "will_not_fix|(null)");
	CHECK_STR(status_of("'fix': {'versions': [], 'state': 'unknown'}"), "unknown|(null)");
	/* Grype writes '' when its database says nothing; versions still tell a fix. */
	CHECK_STR(status_of("'fix': {'versions': [], 'state': ''}"), "unknown|(null)");
	CHECK_STR(status_of("'fix': {'versions': ['2.0'], 'state': ''}"), "fixed|2.0");
	CHECK_STR(status_of("'fix': {'versions': ['3'], 'state': 'Fix-Deferred'}"),
		  "fix_deferred|3");
	CHECK_STR(status_of(NULL), "unknown|(null)");
	/* The 2020 schema (grype 0.7): fixedInVersion. */
	CHECK_STR(status_of("'fixedInVersion': '1.0.1'"), "fixed|1.0.1");
	CHECK_STR(status_of("'fixedInVersion': null"), "unknown|(null)");
}

static enum cvt_severity severity_of(const char *severity)
{
	struct strbuf vuln = STRBUF_INIT;
	struct cvt_report r;
	struct cvt_error err = CVT_ERROR_INIT;
	enum cvt_severity s = (enum cvt_severity) - 1;
	sb_addf(&vuln, "'id': 'CVE-1', 'severity': '%s'", severity);
	char *doc = one_match(vuln.buf, "'name': 'x'", NULL);
	if (ingest(&r, doc, &err) == 0 && r.n_findings == 1)
		s = r.findings[0].severity;
	cvt_report_release(&r);
	cvt_error_release(&err);
	sb_release(&vuln);
	free(doc);
	return s;
}

static void test_severity(void)
{
	CHECK(severity_of("Critical") == CVT_SEV_CRITICAL);
	CHECK(severity_of("High") == CVT_SEV_HIGH);
	CHECK(severity_of("Medium") == CVT_SEV_MEDIUM);
	CHECK(severity_of("Low") == CVT_SEV_LOW);
	CHECK(severity_of("Negligible") == CVT_SEV_LOW);
	CHECK(severity_of("Unknown") == CVT_SEV_UNKNOWN);
	CHECK(severity_of("") == CVT_SEV_UNKNOWN);
}

/* The purl of a one-match document with these artifact members and distro object. */
static const char *purl_of(const char *artifact, const char *distro)
{
	static char buf[256];
	struct strbuf rest = STRBUF_INIT;
	struct cvt_report r;
	struct cvt_error err = CVT_ERROR_INIT;
	if (distro)
		sb_addf(&rest, ", 'distro': %s", distro);
	char *doc = one_match("'id': 'CVE-1'", artifact, rest.buf);
	if (ingest(&r, doc, &err) == 0 && r.n_findings == 1)
		snprintf(buf, sizeof buf, "%s", r.findings[0].purl);
	else
		snprintf(buf, sizeof buf, "error: %s", err.message.buf);
	cvt_report_release(&r);
	cvt_error_release(&err);
	sb_release(&rest);
	free(doc);
	return buf;
}

static void test_purls(void)
{
	const char *debian = "{'name': 'debian', 'version': '12'}";
	const char *rhel = "{'name': 'rhel', 'version': '9.3'}";
	/* Given purls lose version, qualifiers and subpath. */
	CHECK_STR(purl_of("'name': 'libc6', 'type': 'deb', "
			  "'purl': 'pkg:deb/debian/libc6@2.28-10?arch=amd64#x'",
			  debian),
		  "pkg:deb/debian/libc6");
	/* An empty or invalid purl falls back to type and name. */
	CHECK_STR(purl_of("'name': 'libc6', 'type': 'deb', 'purl': ''", debian),
		  "pkg:deb/debian/libc6");
	CHECK_STR(purl_of("'name': 'libc6', 'type': 'deb', 'purl': 'not a purl'", debian),
		  "pkg:deb/debian/libc6");
	CHECK_STR(purl_of("'name': 'musl', 'type': 'apk'", "{'name': 'alpine'}"),
		  "pkg:apk/alpine/musl");
	/* Grype's distro names fold into Trivy's OS families, in built and given purls. */
	CHECK_STR(purl_of("'name': 'openssl-libs', 'type': 'rpm'", rhel),
		  "pkg:rpm/redhat/openssl-libs");
	CHECK_STR(purl_of("'name': 'openssl-libs', 'type': 'rpm', "
			  "'purl': 'pkg:rpm/rhel/openssl-libs@3.0.7-24.el9?arch=x86_64'",
			  rhel),
		  "pkg:rpm/redhat/openssl-libs");
	CHECK_STR(purl_of("'name': 'bash', 'type': 'rpm'", "{'name': 'amazonlinux'}"),
		  "pkg:rpm/amazon/bash");
	/* A distribution purl.c does not know still gives its namespace. */
	CHECK_STR(purl_of("'name': 'bash', 'type': 'deb'", "{'name': 'raspbian'}"),
		  "pkg:deb/raspbian/bash");
	/* An OS package with no distro: generic. */
	CHECK_STR(purl_of("'name': 'bash', 'type': 'deb'", NULL), "pkg:generic/bash");
	CHECK_STR(purl_of("'name': 'bash', 'type': 'deb'", "{'name': ''}"), "pkg:generic/bash");
	CHECK_STR(purl_of("'name': '@babel/core', 'type': 'npm'", NULL), "pkg:npm/%40babel/core");
	CHECK_STR(purl_of("'name': 'golang.org/x/net', 'type': 'go-module'", NULL),
		  "pkg:golang/golang.org/x/net");
	CHECK_STR(purl_of("'name': 'log4j-core', 'type': 'java-archive'", NULL),
		  "pkg:maven/log4j-core");
	CHECK_STR(purl_of("'name': 'rails', 'type': 'gem'", NULL), "pkg:gem/rails");
	CHECK_STR(purl_of("'name': 'serde', 'type': 'rust-crate'", NULL), "pkg:cargo/serde");
	CHECK_STR(purl_of("'name': 'Newtonsoft.Json', 'type': 'dotnet'", NULL),
		  "pkg:nuget/Newtonsoft.Json");
	CHECK_STR(purl_of("'name': 'guzzlehttp/guzzle', 'type': 'php-composer'", NULL),
		  "pkg:composer/guzzlehttp/guzzle");
	CHECK_STR(purl_of("'name': 'actions/checkout', 'type': 'github-action'", NULL),
		  "pkg:github/actions/checkout");
	CHECK_STR(purl_of("'name': 'busybox', 'type': 'binary'", NULL), "pkg:generic/busybox");
	CHECK_STR(purl_of("'name': 'a b/c', 'type': 'unheard-of'", NULL), "pkg:generic/a%20b%2Fc");
}

/* Ingests `doc`: an error whose message contains `want`. */
static void expect_error(const char *doc, const char *want)
{
	struct cvt_report r;
	struct cvt_error err = CVT_ERROR_INIT;
	int rc = ingest(&r, doc, &err);
	CHECK(rc == CVT_EINVAL);
	if (!strstr(err.message.buf, want)) {
		fprintf(stderr, "expected an error with \"%s\", got \"%s\"\n", want,
			err.message.buf);
		CHECK(0);
	}
	cvt_report_release(&r);
	cvt_error_release(&err);
}

static void expect_match_error(const char *vuln, const char *artifact, const char *want)
{
	char *doc = one_match(vuln, artifact, NULL);
	expect_error(doc, want);
	free(doc);
}

static void test_wrong_types(void)
{
	expect_error("{'source': {}}", "not a Grype report");
	expect_error("{'matches': null}", "not a Grype report");
	expect_error("[]", "expected a Grype report");
	expect_error("{'matches': {}}", "matches: expected an array, got an object");
	expect_error("{'matches': [3]}", "matches[0]: expected a match object, got a number");
	expect_error("{'matches': [{'vulnerability': {'id': 'CVE-1'}, 'artifact': {'name': 'x'}},"
		     "             {'vulnerability': {'id': 7}, 'artifact': {'name': 'x'}}]}",
		     "matches[1].vulnerability.id: expected a string, got a number");
	expect_error("{'matches': [{'vulnerability': {'id': 'CVE-1'}}]}",
		     "matches[0].artifact: expected an object, got nothing");
	expect_match_error("'id': 'CVE-1'", "'name': ''",
			   "matches[0].artifact.name: expected a non-empty string");
	expect_match_error("'id': 'CVE-1', 'severity': 3", "'name': 'x'",
			   "matches[0].vulnerability.severity: expected a string, got a number");
	expect_match_error(
		"'id': 'CVE-1', 'fix': {'versions': [1]}", "'name': 'x'",
		"matches[0].vulnerability.fix.versions[0]: expected a string, got a number");
	expect_match_error("'id': 'CVE-1', 'fix': []", "'name': 'x'",
			   "matches[0].vulnerability.fix: expected an object, got an array");
	expect_match_error(
		"'id': 'CVE-1'", "'name': 'x', 'locations': ['/a']",
		"matches[0].artifact.locations[0]: expected a location object, got a string");
	expect_match_error(
		"'id': 'CVE-1', 'cvss': [{'version': '3.1', 'metrics': {'baseScore': '9'}}]",
		"'name': 'x'",
		"matches[0].vulnerability.cvss[0].metrics.baseScore: expected a number, got a string");
	expect_error("{'matches': [{'vulnerability': {'id': 'CVE-1'}, 'artifact': {'name': 'x'},"
		     "              'relatedVulnerabilities': [{'id': false}]}]}",
		     "matches[0].relatedVulnerabilities[0].id: expected a string, got a boolean");
	expect_error("{'matches': [], 'source': {'target': 5}}",
		     "source.target: expected an object or a string, got a number");
	expect_error("{'matches': [], 'distro': {'name': ['debian']}}",
		     "distro.name: expected a string, got an array");
}

/* Matches in two orders: byte-identical canonical reports. */
static void test_order_independent(void)
{
	static const char *const matches[] = {
		"{'vulnerability': {'id': 'CVE-1', 'severity': 'Low',"
		"                   'fix': {'versions': ['2'], 'state': 'fixed'}},"
		" 'artifact': {'name': 'libc6', 'version': '1', 'type': 'deb',"
		"              'locations': [{'path': '/b'}]}}",
		"{'vulnerability': {'id': 'CVE-1', 'severity': 'High', 'fix': {'state': 'not-fixed'}},"
		" 'artifact': {'name': 'libc6', 'version': '1', 'type': 'deb',"
		"              'locations': [{'path': '/a'}, {'path': '/c'}]}}",
		"{'vulnerability': {'id': 'CVE-2'}, 'artifact': {'name': 'zlib1g', 'type': 'deb'}}",
		"{'vulnerability': {'id': 'GHSA-1', 'severity': 'Medium'},"
		" 'artifact': {'name': 'requests', 'type': 'python'}}",
	};
	size_t n = sizeof matches / sizeof matches[0];
	struct strbuf out[2] = {STRBUF_INIT, STRBUF_INIT};
	for (int pass = 0; pass < 2; pass++) {
		struct strbuf doc = STRBUF_INIT;
		struct cvt_report r;
		struct cvt_error err = CVT_ERROR_INIT;
		sb_addstr(&doc, "{'matches': [");
		for (size_t k = 0; k < n; k++) {
			size_t i = pass ? n - 1 - k : k;
			sb_addstr(&doc, k ? ", " : "");
			sb_addstr(&doc, matches[i]);
		}
		sb_addstr(&doc, "], 'distro': {'name': 'debian', 'version': '12'},"
				" 'source': {'type': 'image', 'target': {'userInput': 'i'}}}");
		CHECK(ingest(&r, doc.buf, &err) == 0);
		cvt_report_write(&r, &out[pass]);
		if (pass == 0) {
			CHECK(r.n_findings == 3);
			const struct cvt_finding *f = find(&r, "CVE-1 pkg:deb/debian/libc6");
			CHECK(f && f->n_locations == 3 && f->severity == CVT_SEV_HIGH);
			/* Fields of the first location in sorted order (path /a). */
			CHECK(f && f->status && !strcmp(f->status, "affected"));
		}
		cvt_report_release(&r);
		cvt_error_release(&err);
		sb_release(&doc);
	}
	CHECK_STR(out[0].buf, out[1].buf);
	sb_release(&out[0]);
	sb_release(&out[1]);
}

/* The title made of a description (JSON-escaped here, quotes and all). */
static const char *title_of(const char *description)
{
	static char buf[256];
	struct strbuf vuln = STRBUF_INIT, escaped = STRBUF_INIT;
	struct cvt_report r;
	struct cvt_error err = CVT_ERROR_INIT;
	json_escape(&escaped, description, strlen(description));
	sb_addf(&vuln, "'id': 'CVE-1', 'description': '%s'", escaped.buf);
	char *doc = one_match(vuln.buf, "'name': 'x'", NULL);
	if (ingest(&r, doc, &err) == 0 && r.n_findings == 1)
		snprintf(buf, sizeof buf, "%s",
			 r.findings[0].title ? r.findings[0].title : "(null)");
	else
		snprintf(buf, sizeof buf, "error: %s", err.message.buf);
	cvt_report_release(&r);
	cvt_error_release(&err);
	sb_release(&vuln);
	sb_release(&escaped);
	free(doc);
	return buf;
}

static void test_title(void)
{
	CHECK_STR(title_of("HTTP/2 rapid reset can cause excessive work in net/http"),
		  "HTTP/2 rapid reset can cause excessive work in net/http");
	CHECK_STR(title_of("  curl: heap overflow in SOCKS5.\nA second sentence."),
		  "curl: heap overflow in SOCKS5.");
	CHECK_STR(title_of("Parsing e.g. long headers in v1.2.3 crashes. More."),
		  "Parsing e.g. long headers in v1.2.3 crashes.");
	CHECK_STR(title_of("Is it bad?  Yes."), "Is it bad?");
	CHECK_STR(title_of("   "), "(null)");
	const char *longer =
		"The krb5-send-pr script in the kerberos5 (krb5) package in Trustix Secure Linux 1.5 "
		"through 2.1, and possibly other operating systems, allows local users to overwrite "
		"files via a symlink attack on temporary files.";
	const char *t = title_of(longer);
	CHECK(strlen(t) <= 120);
	CHECK(!strncmp(t, "The krb5-send-pr script in the kerberos5 (krb5) package in Trustix",
		       66));
	CHECK(strlen(t) > 3 && !strcmp(t + strlen(t) - 3, "..."));
	CHECK(t[strlen(t) - 4] != ' ');
	/* A cut never splits a UTF-8 character. */
	char utf8[400] = "";
	for (int i = 0; i < 100; i++)
		strcat(utf8, "\xc3\xa9");
	t = title_of(utf8);
	CHECK(strlen(t) <= 120);
	CHECK((strlen(t) - 3) % 2 == 0);
}

static void test_sources(void)
{
	struct cvt_report r;
	struct cvt_error err = CVT_ERROR_INIT;
	/* No source (grype on an SBOM piped in): the location's path is the target. */
	char *doc =
		one_match("'id': 'GHSA-1'",
			  "'name': 'golang.org/x/net', 'type': 'go-module', 'version': 'v0.9.0',"
			  " 'locations': [{'path': '/samples/go.mod'}]",
			  NULL);
	CHECK(ingest(&r, doc, &err) == 0);
	free(doc);
	CHECK(r.results == 0);
	CHECK(r.artifact_name == NULL && r.artifact_type == NULL && r.os == NULL);
	CHECK(r.n_findings == 1 && r.findings[0].n_locations == 1);
	if (r.n_findings == 1 && r.findings[0].n_locations == 1) {
		CHECK_STR(r.findings[0].locations[0].target, "/samples/go.mod");
		CHECK(r.findings[0].locations[0].path == NULL);
	}
	cvt_report_release(&r);

	/* Directory source: target a string. An empty distro name is no OS. */
	CHECK(ingest(&r,
		     "{'matches': [], 'source': {'type': 'directory', 'target': '/src'},"
		     " 'distro': {'name': '', 'version': '', 'idLike': null}}",
		     &err) == 0);
	CHECK(r.results == 1);
	CHECK_STR(r.artifact_name, "/src");
	CHECK_STR(r.artifact_type, "filesystem");
	CHECK(r.os == NULL);
	cvt_report_release(&r);

	/* Grype's "unknown" source names nothing. */
	CHECK(ingest(&r,
		     "{'matches':[],'source':{'type':'unknown','target':'unknown'},"
		     "'distro':{'name':'centos','version':'8.0','idLike':['rhel']}}",
		     &err) == 0);
	CHECK(r.artifact_name == NULL && r.artifact_type == NULL);
	CHECK_STR(r.os, "centos 8.0");
	cvt_report_release(&r);
	cvt_error_release(&err);
}

static void test_locations(void)
{
	struct cvt_report r;
	struct cvt_error err = CVT_ERROR_INIT;
	/* Evidence marked: only the primary places are locations. */
	char *doc = one_match(
		"'id': 'CVE-1'",
		"'name': 'libc6', 'version': '2.36', 'type': 'deb', 'locations': ["
		" {'path': '/usr/share/doc/libc6/copyright', 'annotations': {'evidence': 'supporting'}},"
		" {'path': '/var/lib/dpkg/status', 'annotations': {'evidence': 'primary'}}]",
		", 'source': {'type': 'image', 'target': {'userInput': 'img'}},"
		" 'distro': {'name': 'debian', 'version': '12'}");
	CHECK(ingest(&r, doc, &err) == 0);
	free(doc);
	CHECK(r.n_findings == 1 && r.findings[0].n_locations == 1);
	if (r.n_findings == 1 && r.findings[0].n_locations == 1) {
		CHECK_STR(r.findings[0].locations[0].target, "img");
		CHECK_STR(r.findings[0].locations[0].path, "/var/lib/dpkg/status");
		CHECK_STR(r.findings[0].locations[0].version, "2.36");
	}
	cvt_report_release(&r);

	/* The 2020 schema: links, cvssV3, description. */
	doc = one_match("'id': 'CVE-1', 'severity': 'Medium', 'links': ['https://example/CVE-1'],"
			" 'cvssV2': {'baseScore': 9.9},"
			" 'cvssV3': {'baseScore': 5.90, 'vector': 'CVSS:3.0/AV:N'},"
			" 'description': 'Old style.'",
			"'name': 'x'", NULL);
	CHECK(ingest(&r, doc, &err) == 0);
	free(doc);
	CHECK(r.n_findings == 1);
	if (r.n_findings == 1) {
		CHECK_STR(r.findings[0].url, "https://example/CVE-1");
		CHECK_STR(r.findings[0].cvss, "5.90");
		CHECK_STR(r.findings[0].title, "Old style.");
		CHECK(r.findings[0].n_locations == 1);
	}
	cvt_report_release(&r);
	cvt_error_release(&err);
}

/* The format is detected from "matches". */
static void test_detect(void)
{
	char text[] = "{\"matches\": [], \"source\": null}";
	struct json_doc doc;
	struct cvt_error err = CVT_ERROR_INIT;
	CHECK(json_parse(&doc, text, strlen(text), &err) == 0);
	CHECK(cvt_detect_format(doc.root) == CVT_FORMAT_GRYPE);
	json_doc_release(&doc);
	cvt_error_release(&err);
}

TEST_MAIN("grype", TEST(test_keys_and_fields), TEST(test_fix_states), TEST(test_severity),
	  TEST(test_purls), TEST(test_wrong_types), TEST(test_order_independent), TEST(test_title),
	  TEST(test_sources), TEST(test_locations), TEST(test_detect))
