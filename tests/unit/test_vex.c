#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"
#include "report.h"
#include "sarif.h"
#include "sha256.h"
#include "triage.h"
#include "vex.h"
#include "vex_import.h"

/* The small world every export test starts from: one image, five findings, five decisions. */

#define IMAGE "ghcr.io/acme/web:1.4.2"
#define TODAY "2026-11-29"

static struct cvt_finding *add_finding(struct cvt_report *r, const char *key, const char *id,
				       const char *purl, const char *name, enum cvt_severity sev)
{
	struct cvt_finding *f = cvt_report_add(r);
	f->key = key;
	f->id = id;
	f->purl = purl;
	f->pkg_name = name;
	f->severity = sev;
	return f;
}

static void build_report(struct cvt_report *r)
{
	cvt_report_init(r);
	r->artifact_name = IMAGE;
	r->artifact_type = "container_image";
	r->os = "debian 12";
	r->scanner_name = "trivy";
	struct cvt_finding *f;
	f = add_finding(r, "CVE-2023-38545 pkg:deb/debian/curl", "CVE-2023-38545",
			"pkg:deb/debian/curl", "curl", CVT_SEV_HIGH);
	f->installed_version = "7.88.1-10+deb12u1";
	f->fixed_version = "7.88.1-10+deb12u4";
	f->title = "curl: heap buffer overflow in the SOCKS5 proxy handshake";
	f->url = "https://avd.aquasec.com/nvd/cve-2023-38545";
	cvt_finding_add_location(r, f, IMAGE " (debian 12.4)", NULL, "7.88.1-10+deb12u1");
	f = add_finding(r, "CVE-2023-38545 pkg:deb/debian/libcurl4", "CVE-2023-38545",
			"pkg:deb/debian/libcurl4", "libcurl4", CVT_SEV_HIGH);
	f->installed_version = "7.88.1-10+deb12u1";
	f->fixed_version = "7.88.1-10+deb12u4";
	cvt_finding_add_location(r, f, IMAGE " (debian 12.4)", NULL, "7.88.1-10+deb12u1");
	f = add_finding(r, "CVE-2024-0001 pkg:pypi/flask", "CVE-2024-0001", "pkg:pypi/flask",
			"Flask", CVT_SEV_MEDIUM);
	f->installed_version = "2.0.0";
	cvt_finding_add_location(r, f, "Python",
				 "usr/lib/python3/site-packages/Flask-2.0.0.dist-info/METADATA",
				 "2.0.0");
	f = add_finding(r, "GHSA-aaaa-bbbb-cccc pkg:npm/lodash", "GHSA-aaaa-bbbb-cccc",
			"pkg:npm/lodash", "lodash", CVT_SEV_LOW);
	f->installed_version = "4.17.20";
	f->fixed_version = "4.17.21";
	cvt_finding_add_alias(r, f, "CVE-2024-0002");
	cvt_finding_add_location(r, f, "Node.js", "app/package-lock.json", "4.17.20");
	f = add_finding(r, "CVE-2024-0003 pkg:deb/debian/zlib1g", "CVE-2024-0003",
			"pkg:deb/debian/zlib1g", "zlib1g", CVT_SEV_CRITICAL);
	f->installed_version = "1:1.2.13.dfsg-1";
	cvt_finding_add_location(r, f, IMAGE " (debian 12.4)", NULL, "1:1.2.13.dfsg-1");
	cvt_report_finish(r);
}

static struct cvt_decision decision(const char *id, const char *package, const char *status,
				    const char *justification, const char *reason,
				    const char *author, const char *date)
{
	struct cvt_decision d = {
		.id = id,
		.package = package,
		.status = status,
		.justification = justification,
		.reason = reason,
		.author = author,
		.date = date,
	};
	return d;
}

static void build_ledger(struct cvt_ledger *l)
{
	cvt_ledger_init(l);
	struct cvt_decision d;
	d = decision("CVE-2023-38545", "pkg:deb/debian/curl", "not_affected",
		     "vulnerable_code_not_in_execute_path", "we never call curl with SOCKS5",
		     "Jane Doe", "2026-11-20");
	d.expires = "2027-02-28";
	d.severity = "HIGH";
	cvt_ledger_put(l, &d);
	d = decision("CVE-2023-38545", "pkg:deb/debian/libcurl4", "affected", NULL,
		     "upgrade scheduled for sprint 12", "Jane Doe", "2026-11-21");
	d.severity = "HIGH";
	cvt_ledger_put(l, &d);
	d = decision("CVE-2024-0001", NULL, "fixed", NULL, "patched in our fork", "Bob",
		     "2026-11-22");
	d.severity = "MEDIUM";
	cvt_ledger_put(l, &d);
	d = decision("CVE-2024-0002", NULL, "under_investigation", NULL, "looking at lodash usage",
		     "Bob", "2026-11-23");
	cvt_ledger_put(l, &d);
	d = decision("CVE-2020-9999", "pkg:deb/debian/oldpkg", "not_affected",
		     "component_not_present", "removed from the image", "Alice", "2025-01-01");
	d.expires = "2025-06-30";
	cvt_ledger_put(l, &d);
}

static char *export(enum cvt_vex_format format, const struct cvt_ledger *l,
		    const struct cvt_report *r, const char *product, struct strbuf *warnings)
{
	struct strbuf out = STRBUF_INIT;
	struct cvt_vex_options o = {.today = TODAY, .product = product};
	const struct cvt_report *reports[1] = {r};
	cvt_vex_write(format, l, r ? reports : NULL, r ? 1 : 0, &o, &out, warnings);
	return sb_detach(&out, NULL);
}

static int equal_decision(const struct cvt_decision *a, const struct cvt_decision *b,
			  int compare_provenance, int compare_severity)
{
#define SAME(field) \
	((!a->field && !b->field) || (a->field && b->field && !strcmp(a->field, b->field)))
	int ok = SAME(id) && SAME(package) && SAME(status) && SAME(justification) && SAME(reason) &&
		 SAME(expires);
	if (compare_provenance)
		ok = ok && SAME(author) && SAME(date);
	if (compare_severity)
		ok = ok && SAME(severity);
	if (!ok)
		fprintf(stderr, "  decision %s %s differs\n", a->id, a->package ? a->package : "-");
	return ok;
#undef SAME
}

static int equal_ledgers(const struct cvt_ledger *a, const struct cvt_ledger *b,
			 int compare_provenance, int compare_severity)
{
	if (a->n_decisions != b->n_decisions) {
		fprintf(stderr, "  %zu decisions, expected %zu\n", b->n_decisions, a->n_decisions);
		return 0;
	}
	for (size_t i = 0; i < a->n_decisions; i++)
		if (!equal_decision(&a->decisions[i], &b->decisions[i], compare_provenance,
				    compare_severity))
			return 0;
	return 1;
}

/* Parses JSON text (a copy) and returns 0 when valid. */
static int json_valid(const char *text)
{
	size_t len = strlen(text);
	char *copy = malloc(len + 1);
	memcpy(copy, text, len + 1);
	struct json_doc doc;
	struct cvt_error err = CVT_ERROR_INIT;
	int rc = json_parse(&doc, copy, len, &err);
	if (rc == 0)
		json_doc_release(&doc);
	else
		fprintf(stderr, "  invalid JSON: %s\n", err.message.buf);
	cvt_error_release(&err);
	free(copy);
	return rc;
}

static int import_text(struct cvt_ledger *l, const char *name, const char *text,
		       struct cvt_error *err)
{
	cvt_error_clear(err);
	return cvt_vex_import_buffer(l, name, text, strlen(text), "Importer", TODAY, err);
}

static void test_sha256_vectors(void)
{
	char hex[CVT_SHA256_HEX_LEN + 1];
	cvt_sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	cvt_sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	cvt_sha256_hex(two_blocks, strlen(two_blocks), hex);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* Padding edges: 55 bytes fit one block, 56 need two; 63 and 64 around a full block. */
	static const struct {
		size_t n;
		const char *hex;
	} as[] = {
		{55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
		{56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
		{63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
		{64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
	};
	char a[64];
	memset(a, 'a', sizeof a);
	for (size_t i = 0; i < sizeof as / sizeof as[0]; i++) {
		cvt_sha256_hex(a, as[i].n, hex);
		CHECK_STR(hex, as[i].hex);
	}
	/* A million 'a' fed in uneven pieces. */
	struct cvt_sha256 ctx;
	unsigned char digest[CVT_SHA256_LEN];
	char chunk[997];
	memset(chunk, 'a', sizeof chunk);
	cvt_sha256_init(&ctx);
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof chunk ? left : sizeof chunk;
		cvt_sha256_update(&ctx, chunk, n);
		left -= n;
	}
	cvt_sha256_final(&ctx, digest);
	static const unsigned char million[CVT_SHA256_LEN] = {
		0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1, 0xc7,
		0xe2, 0x84, 0xd7, 0x3e, 0x67, 0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97,
		0x20, 0x0e, 0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0};
	CHECK(memcmp(digest, million, sizeof million) == 0);
}

static void test_oci_purl(void)
{
	static const struct {
		const char *ref, *purl;
	} cases[] = {
		{"alpine", "pkg:oci/alpine?repository_url=index.docker.io%2Flibrary%2Falpine"},
		{"alpine:3.19", "pkg:oci/alpine?repository_url=index.docker.io%2Flibrary%2Falpine"},
		{"docker.io/library/debian:12",
		 "pkg:oci/debian?repository_url=index.docker.io%2Flibrary%2Fdebian"},
		{"bitnami/redis:7",
		 "pkg:oci/redis?repository_url=index.docker.io%2Fbitnami%2Fredis"},
		{"ghcr.io/acme/web:1.4.2", "pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb"},
		{"ghcr.io/acme/web@sha256:0123abcd",
		 "pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb"},
		{"localhost:5000/team/app:dev",
		 "pkg:oci/app?repository_url=localhost%3A5000%2Fteam%2Fapp"},
		{"localhost/app", "pkg:oci/app?repository_url=localhost%2Fapp"},
		{"gcr.io/distroless/static-debian12:nonroot",
		 "pkg:oci/static-debian12?repository_url=gcr.io%2Fdistroless%2Fstatic-debian12"},
		{"registry.example.com:443/a/b/c__d.e-f:v1.0",
		 "pkg:oci/c__d.e-f?repository_url=registry.example.com%3A443%2Fa%2Fb%2Fc__d.e-f"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct strbuf sb = STRBUF_INIT;
		CHECK(cvt_oci_purl(cases[i].ref, &sb) == 0);
		CHECK_STR(sb.buf, cases[i].purl);
		sb_release(&sb);
	}
	static const char *const not_images[] = {
		"",
		"testdata/fixtures/images/alpine-310.tar.gz",
		"image.tar",
		"Alpine:3",
		"/abs/path",
		"./rel",
		"a b",
		"app:",
		"app@sha256",
		"app:-bad",
		"a..b",
		"a___b",
		"-app",
		"app-",
		"https://github.com/knqyf263/trivy-ci-test",
	};
	for (size_t i = 0; i < sizeof not_images / sizeof not_images[0]; i++) {
		struct strbuf sb = STRBUF_INIT;
		int rc = cvt_oci_purl(not_images[i], &sb);
		if (rc == 0)
			fprintf(stderr, "  '%s' taken as an image: %s\n", not_images[i], sb.buf);
		CHECK(rc == -1);
		CHECK(sb.len == 0);
		sb_release(&sb);
	}
}

static void test_vocabulary_maps(void)
{
	CHECK_STR(cvt_vex_cdx_state("not_affected"), "not_affected");
	CHECK_STR(cvt_vex_cdx_state("affected"), "exploitable");
	CHECK_STR(cvt_vex_cdx_state("fixed"), "resolved");
	CHECK_STR(cvt_vex_cdx_state("under_investigation"), "in_triage");
	CHECK(cvt_vex_cdx_state("bogus") == NULL);
	CHECK(cvt_vex_cdx_state(NULL) == NULL);
	/* Every status maps back to itself. */
	for (const char *const *s = cvt_vex_statuses; *s; s++)
		CHECK_STR(cvt_vex_status_from_cdx(cvt_vex_cdx_state(*s)), *s);
	CHECK_STR(cvt_vex_status_from_cdx("resolved_with_pedigree"), "fixed");
	CHECK_STR(cvt_vex_status_from_cdx("false_positive"), "not_affected");
	CHECK(cvt_vex_status_from_cdx("not_a_state") == NULL);

	CHECK_STR(cvt_vex_cdx_justification("component_not_present"), "code_not_present");
	CHECK_STR(cvt_vex_cdx_justification("vulnerable_code_not_present"), "code_not_present");
	CHECK_STR(cvt_vex_cdx_justification("vulnerable_code_not_in_execute_path"),
		  "code_not_reachable");
	CHECK_STR(cvt_vex_cdx_justification("vulnerable_code_cannot_be_controlled_by_adversary"),
		  "requires_environment");
	CHECK_STR(cvt_vex_cdx_justification("inline_mitigations_already_exist"),
		  "protected_by_mitigating_control");
	/* Every OpenVEX justification has a CycloneDX one, and every CycloneDX one a way back
	 * that lands in the OpenVEX vocabulary. */
	for (const char *const *j = cvt_vex_justifications; *j; j++)
		CHECK(cvt_vex_cdx_justification(*j) != NULL);
	static const char *const cdx[] = {
		"code_not_present",     "code_not_reachable",     "requires_configuration",
		"requires_dependency",  "requires_environment",   "protected_by_compiler",
		"protected_at_runtime", "protected_at_perimeter", "protected_by_mitigating_control",
	};
	for (size_t i = 0; i < sizeof cdx / sizeof cdx[0]; i++) {
		const char *back = cvt_vex_justification_from_cdx(cdx[i]);
		int known = 0;
		for (const char *const *j = cvt_vex_justifications; back && *j; j++)
			known |= !strcmp(*j, back);
		CHECK(known);
	}
	/* Where the map is one to one, it round-trips. */
	CHECK_STR(cvt_vex_justification_from_cdx(
			  cvt_vex_cdx_justification("vulnerable_code_not_in_execute_path")),
		  "vulnerable_code_not_in_execute_path");
	CHECK_STR(cvt_vex_justification_from_cdx("protected_by_mitigating_control"),
		  "inline_mitigations_already_exist");
	CHECK(cvt_vex_status_suppresses("not_affected") && cvt_vex_status_suppresses("fixed"));
	CHECK(!cvt_vex_status_suppresses("affected") &&
	      !cvt_vex_status_suppresses("under_investigation") &&
	      !cvt_vex_status_suppresses(NULL));

	enum cvt_vex_format f;
	CHECK(cvt_vex_format_parse("openvex", &f) == 0 && f == CVT_VEX_OPENVEX);
	CHECK(cvt_vex_format_parse("cyclonedx", &f) == 0 && f == CVT_VEX_CYCLONEDX);
	CHECK(cvt_vex_format_parse("trivyignore", &f) == 0 && f == CVT_VEX_TRIVYIGNORE);
	CHECK(cvt_vex_format_parse("trivyignore-yaml", &f) == 0 && f == CVT_VEX_TRIVYIGNORE_YAML);
	CHECK(cvt_vex_format_parse("sarif", &f) == -1);
}

/* Expected outputs of the small world above, one line per string (C limits literals to 4095
 * bytes); reviewed, and regenerated only on purpose. */

static const char *const expected_openvex[] = {
	"{\n",
	"  \"@context\": \"https://openvex.dev/ns/v0.2.0\",\n",
	"  \"@id\": \"urn:cvetrail:vex:e3a3f23e28465a76ed44605c38f200dddd2b2dc192bd187ad97d2d93ff12d58e\",\n",
	"  \"author\": \"cvetrail\",\n",
	"  \"timestamp\": \"2026-11-23T00:00:00Z\",\n",
	"  \"version\": 1,\n",
	"  \"tooling\": \"cvetrail\",\n",
	"  \"statements\": [\n",
	"    {\n",
	"      \"@id\": \"urn:cvetrail:triage:CVE-2023-38545:pkg:deb/debian/curl\",\n",
	"      \"vulnerability\": {\n",
	"        \"name\": \"CVE-2023-38545\"\n",
	"      },\n",
	"      \"timestamp\": \"2026-11-20T00:00:00Z\",\n",
	"      \"products\": [\n",
	"        {\n",
	"          \"@id\": \"pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb\",\n",
	"          \"subcomponents\": [\n",
	"            {\n",
	"              \"@id\": \"pkg:deb/debian/curl\"\n",
	"            }\n",
	"          ]\n",
	"        }\n",
	"      ],\n",
	"      \"status\": \"not_affected\",\n",
	"      \"justification\": \"vulnerable_code_not_in_execute_path\",\n",
	"      \"impact_statement\": \"we never call curl with SOCKS5\",\n",
	"      \"status_notes\": \"expires 2027-02-28\"\n",
	"    },\n",
	"    {\n",
	"      \"@id\": \"urn:cvetrail:triage:CVE-2023-38545:pkg:deb/debian/libcurl4\",\n",
	"      \"vulnerability\": {\n",
	"        \"name\": \"CVE-2023-38545\"\n",
	"      },\n",
	"      \"timestamp\": \"2026-11-21T00:00:00Z\",\n",
	"      \"products\": [\n",
	"        {\n",
	"          \"@id\": \"pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb\",\n",
	"          \"subcomponents\": [\n",
	"            {\n",
	"              \"@id\": \"pkg:deb/debian/libcurl4\"\n",
	"            }\n",
	"          ]\n",
	"        }\n",
	"      ],\n",
	"      \"status\": \"affected\",\n",
	"      \"action_statement\": \"upgrade scheduled for sprint 12\"\n",
	"    },\n",
	"    {\n",
	"      \"@id\": \"urn:cvetrail:triage:CVE-2024-0001\",\n",
	"      \"vulnerability\": {\n",
	"        \"name\": \"CVE-2024-0001\"\n",
	"      },\n",
	"      \"timestamp\": \"2026-11-22T00:00:00Z\",\n",
	"      \"products\": [\n",
	"        {\n",
	"          \"@id\": \"pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb\",\n",
	"          \"subcomponents\": [\n",
	"            {\n",
	"              \"@id\": \"pkg:pypi/flask\"\n",
	"            }\n",
	"          ]\n",
	"        }\n",
	"      ],\n",
	"      \"status\": \"fixed\",\n",
	"      \"status_notes\": \"patched in our fork\"\n",
	"    },\n",
	"    {\n",
	"      \"@id\": \"urn:cvetrail:triage:CVE-2024-0002\",\n",
	"      \"vulnerability\": {\n",
	"        \"name\": \"CVE-2024-0002\",\n",
	"        \"aliases\": [\n",
	"          \"GHSA-aaaa-bbbb-cccc\"\n",
	"        ]\n",
	"      },\n",
	"      \"timestamp\": \"2026-11-23T00:00:00Z\",\n",
	"      \"products\": [\n",
	"        {\n",
	"          \"@id\": \"pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb\",\n",
	"          \"subcomponents\": [\n",
	"            {\n",
	"              \"@id\": \"pkg:npm/lodash\"\n",
	"            }\n",
	"          ]\n",
	"        }\n",
	"      ],\n",
	"      \"status\": \"under_investigation\",\n",
	"      \"status_notes\": \"looking at lodash usage\"\n",
	"    }\n",
	"  ]\n",
	"}\n",
	NULL,
};

static const char *const expected_openvex_no_report[] = {
	"{\n",
	"  \"@context\": \"https://openvex.dev/ns/v0.2.0\",\n",
	"  \"@id\": \"urn:cvetrail:vex:9579cd17ede68dcec4ff095642be64b1abdcf1f5423bb219aa04957110abc573\",\n",
	"  \"author\": \"cvetrail\",\n",
	"  \"timestamp\": \"2026-11-23T00:00:00Z\",\n",
	"  \"version\": 1,\n",
	"  \"tooling\": \"cvetrail\",\n",
	"  \"statements\": [\n",
	"    {\n",
	"      \"@id\": \"urn:cvetrail:triage:CVE-2023-38545:pkg:deb/debian/curl\",\n",
	"      \"vulnerability\": {\n",
	"        \"name\": \"CVE-2023-38545\"\n",
	"      },\n",
	"      \"timestamp\": \"2026-11-20T00:00:00Z\",\n",
	"      \"products\": [\n",
	"        {\n",
	"          \"@id\": \"pkg:deb/debian/curl\"\n",
	"        }\n",
	"      ],\n",
	"      \"status\": \"not_affected\",\n",
	"      \"justification\": \"vulnerable_code_not_in_execute_path\",\n",
	"      \"impact_statement\": \"we never call curl with SOCKS5\",\n",
	"      \"status_notes\": \"expires 2027-02-28\"\n",
	"    },\n",
	"    {\n",
	"      \"@id\": \"urn:cvetrail:triage:CVE-2023-38545:pkg:deb/debian/libcurl4\",\n",
	"      \"vulnerability\": {\n",
	"        \"name\": \"CVE-2023-38545\"\n",
	"      },\n",
	"      \"timestamp\": \"2026-11-21T00:00:00Z\",\n",
	"      \"products\": [\n",
	"        {\n",
	"          \"@id\": \"pkg:deb/debian/libcurl4\"\n",
	"        }\n",
	"      ],\n",
	"      \"status\": \"affected\",\n",
	"      \"action_statement\": \"upgrade scheduled for sprint 12\"\n",
	"    },\n",
	"    {\n",
	"      \"@id\": \"urn:cvetrail:triage:CVE-2024-0001\",\n",
	"      \"vulnerability\": {\n",
	"        \"name\": \"CVE-2024-0001\"\n",
	"      },\n",
	"      \"timestamp\": \"2026-11-22T00:00:00Z\",\n",
	"      \"status\": \"fixed\",\n",
	"      \"status_notes\": \"patched in our fork\"\n",
	"    },\n",
	"    {\n",
	"      \"@id\": \"urn:cvetrail:triage:CVE-2024-0002\",\n",
	"      \"vulnerability\": {\n",
	"        \"name\": \"CVE-2024-0002\"\n",
	"      },\n",
	"      \"timestamp\": \"2026-11-23T00:00:00Z\",\n",
	"      \"status\": \"under_investigation\",\n",
	"      \"status_notes\": \"looking at lodash usage\"\n",
	"    }\n",
	"  ]\n",
	"}\n",
	NULL,
};

static const char *const expected_cyclonedx[] = {
	"{\n",
	"  \"bomFormat\": \"CycloneDX\",\n",
	"  \"specVersion\": \"1.6\",\n",
	"  \"serialNumber\": \"urn:uuid:f81172f4-94b2-8873-9b9d-38ccce6f5477\",\n",
	"  \"version\": 1,\n",
	"  \"metadata\": {\n",
	"    \"timestamp\": \"2026-11-23T00:00:00Z\",\n",
	"    \"tools\": {\n",
	"      \"components\": [\n",
	"        {\n",
	"          \"type\": \"application\",\n",
	"          \"name\": \"cvetrail\"\n",
	"        }\n",
	"      ]\n",
	"    },\n",
	"    \"authors\": [\n",
	"      {\n",
	"        \"name\": \"cvetrail\"\n",
	"      }\n",
	"    ],\n",
	"    \"component\": {\n",
	"      \"type\": \"container\",\n",
	"      \"bom-ref\": \"pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb\",\n",
	"      \"name\": \"web\",\n",
	"      \"purl\": \"pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb\"\n",
	"    }\n",
	"  },\n",
	"  \"components\": [\n",
	"    {\n",
	"      \"type\": \"library\",\n",
	"      \"bom-ref\": \"pkg:deb/debian/curl\",\n",
	"      \"name\": \"curl\",\n",
	"      \"purl\": \"pkg:deb/debian/curl\"\n",
	"    },\n",
	"    {\n",
	"      \"type\": \"library\",\n",
	"      \"bom-ref\": \"pkg:deb/debian/libcurl4\",\n",
	"      \"name\": \"libcurl4\",\n",
	"      \"purl\": \"pkg:deb/debian/libcurl4\"\n",
	"    }\n",
	"  ],\n",
	"  \"vulnerabilities\": [\n",
	"    {\n",
	"      \"id\": \"CVE-2023-38545\",\n",
	"      \"analysis\": {\n",
	"        \"state\": \"not_affected\",\n",
	"        \"justification\": \"code_not_reachable\",\n",
	"        \"detail\": \"we never call curl with SOCKS5\",\n",
	"        \"firstIssued\": \"2026-11-20T00:00:00Z\"\n",
	"      },\n",
	"      \"affects\": [\n",
	"        {\n",
	"          \"ref\": \"pkg:deb/debian/curl\"\n",
	"        }\n",
	"      ],\n",
	"      \"properties\": [\n",
	"        {\n",
	"          \"name\": \"cvetrail:author\",\n",
	"          \"value\": \"Jane Doe\"\n",
	"        },\n",
	"        {\n",
	"          \"name\": \"cvetrail:expires\",\n",
	"          \"value\": \"2027-02-28\"\n",
	"        },\n",
	"        {\n",
	"          \"name\": \"cvetrail:justification\",\n",
	"          \"value\": \"vulnerable_code_not_in_execute_path\"\n",
	"        },\n",
	"        {\n",
	"          \"name\": \"cvetrail:severity\",\n",
	"          \"value\": \"HIGH\"\n",
	"        }\n",
	"      ]\n",
	"    },\n",
	"    {\n",
	"      \"id\": \"CVE-2023-38545\",\n",
	"      \"analysis\": {\n",
	"        \"state\": \"exploitable\",\n",
	"        \"detail\": \"upgrade scheduled for sprint 12\",\n",
	"        \"firstIssued\": \"2026-11-21T00:00:00Z\"\n",
	"      },\n",
	"      \"affects\": [\n",
	"        {\n",
	"          \"ref\": \"pkg:deb/debian/libcurl4\"\n",
	"        }\n",
	"      ],\n",
	"      \"properties\": [\n",
	"        {\n",
	"          \"name\": \"cvetrail:author\",\n",
	"          \"value\": \"Jane Doe\"\n",
	"        },\n",
	"        {\n",
	"          \"name\": \"cvetrail:severity\",\n",
	"          \"value\": \"HIGH\"\n",
	"        }\n",
	"      ]\n",
	"    },\n",
	"    {\n",
	"      \"id\": \"CVE-2024-0001\",\n",
	"      \"analysis\": {\n",
	"        \"state\": \"resolved\",\n",
	"        \"response\": [\n",
	"          \"update\"\n",
	"        ],\n",
	"        \"detail\": \"patched in our fork\",\n",
	"        \"firstIssued\": \"2026-11-22T00:00:00Z\"\n",
	"      },\n",
	"      \"affects\": [\n",
	"        {\n",
	"          \"ref\": \"pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb\"\n",
	"        }\n",
	"      ],\n",
	"      \"properties\": [\n",
	"        {\n",
	"          \"name\": \"cvetrail:author\",\n",
	"          \"value\": \"Bob\"\n",
	"        },\n",
	"        {\n",
	"          \"name\": \"cvetrail:severity\",\n",
	"          \"value\": \"MEDIUM\"\n",
	"        }\n",
	"      ]\n",
	"    },\n",
	"    {\n",
	"      \"id\": \"CVE-2024-0002\",\n",
	"      \"references\": [\n",
	"        {\n",
	"          \"id\": \"GHSA-aaaa-bbbb-cccc\",\n",
	"          \"source\": {}\n",
	"        }\n",
	"      ],\n",
	"      \"analysis\": {\n",
	"        \"state\": \"in_triage\",\n",
	"        \"detail\": \"looking at lodash usage\",\n",
	"        \"firstIssued\": \"2026-11-23T00:00:00Z\"\n",
	"      },\n",
	"      \"affects\": [\n",
	"        {\n",
	"          \"ref\": \"pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb\"\n",
	"        }\n",
	"      ],\n",
	"      \"properties\": [\n",
	"        {\n",
	"          \"name\": \"cvetrail:author\",\n",
	"          \"value\": \"Bob\"\n",
	"        }\n",
	"      ]\n",
	"    }\n",
	"  ]\n",
	"}\n",
	NULL,
};

static const char *const expected_trivyignore[] = {
	"# .trivyignore written by cvetrail from its triage ledger: record decisions with\n",
	"# 'cvetrail ack' and export again instead of editing this file. Lists the\n",
	"# not_affected and fixed decisions; affected and under_investigation stay reported.\n",
	"\n",
	"# CVE-2020-9999 not listed: the decisions name packages, and a line would hide it in every package (give the report, or use --format trivyignore-yaml)\n",
	"\n",
	"# CVE-2023-38545 not listed: a decision keeps it visible in one package, and a line would hide it in every package (pkg:deb/debian/libcurl4 affected)\n",
	"\n",
	"# fixed: patched in our fork (Bob, 2026-11-22)\n",
	"CVE-2024-0001\n",
	NULL,
};

static const char *const expected_trivyignore_warnings[] = {
	"CVE-2020-9999 not listed: the decisions name packages, and a line would hide it in every package (give the report, or use --format trivyignore-yaml)\n",
	"CVE-2023-38545 not listed: a decision keeps it visible in one package, and a line would hide it in every package (pkg:deb/debian/libcurl4 affected)\n",
	NULL,
};

static const char *const expected_trivyignore_yaml[] = {
	"# .trivyignore.yaml written by cvetrail from its triage ledger: record decisions\n",
	"# with 'cvetrail ack' and export again instead of editing this file. Lists the\n",
	"# not_affected and fixed decisions; affected and under_investigation stay reported.\n",
	"vulnerabilities:\n",
	"  - id: \"CVE-2020-9999\"\n",
	"    purls:\n",
	"      - \"pkg:deb/debian/oldpkg\"\n",
	"    statement: \"not_affected (component_not_present): removed from the image (Alice, 2025-01-01)\"\n",
	"    expired_at: 2025-06-30\n",
	"  - id: \"CVE-2023-38545\"\n",
	"    purls:\n",
	"      - \"pkg:deb/debian/curl\"\n",
	"    statement: \"not_affected (vulnerable_code_not_in_execute_path): we never call curl with SOCKS5 (Jane Doe, 2026-11-20)\"\n",
	"    expired_at: 2027-02-28\n",
	"  - id: \"CVE-2024-0001\"\n",
	"    statement: \"fixed: patched in our fork (Bob, 2026-11-22)\"\n",
	NULL,
};

static const char *const expected_sarif[] = {
	"{\n",
	"  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n",
	"  \"version\": \"2.1.0\",\n",
	"  \"runs\": [\n",
	"    {\n",
	"      \"tool\": {\n",
	"        \"driver\": {\n",
	"          \"name\": \"cvetrail\",\n",
	"          \"rules\": [\n",
	"            {\n",
	"              \"id\": \"CVE-2023-38545\",\n",
	"              \"shortDescription\": {\n",
	"                \"text\": \"curl: heap buffer overflow in the SOCKS5 proxy handshake\"\n",
	"              },\n",
	"              \"helpUri\": \"https://avd.aquasec.com/nvd/cve-2023-38545\",\n",
	"              \"help\": {\n",
	"                \"text\": \"Vulnerability CVE-2023-38545\\nSeverity: HIGH\\ncurl: heap buffer overflow in the SOCKS5 proxy handshake\\nhttps://avd.aquasec.com/nvd/cve-2023-38545\"\n",
	"              },\n",
	"              \"defaultConfiguration\": {\n",
	"                \"level\": \"error\"\n",
	"              },\n",
	"              \"properties\": {\n",
	"                \"security-severity\": \"8.0\",\n",
	"                \"tags\": [\n",
	"                  \"vulnerability\",\n",
	"                  \"security\",\n",
	"                  \"HIGH\"\n",
	"                ]\n",
	"              }\n",
	"            },\n",
	"            {\n",
	"              \"id\": \"CVE-2024-0001\",\n",
	"              \"shortDescription\": {\n",
	"                \"text\": \"CVE-2024-0001\"\n",
	"              },\n",
	"              \"help\": {\n",
	"                \"text\": \"Vulnerability CVE-2024-0001\\nSeverity: MEDIUM\"\n",
	"              },\n",
	"              \"defaultConfiguration\": {\n",
	"                \"level\": \"warning\"\n",
	"              },\n",
	"              \"properties\": {\n",
	"                \"security-severity\": \"5.5\",\n",
	"                \"tags\": [\n",
	"                  \"vulnerability\",\n",
	"                  \"security\",\n",
	"                  \"MEDIUM\"\n",
	"                ]\n",
	"              }\n",
	"            },\n",
	"            {\n",
	"              \"id\": \"CVE-2024-0003\",\n",
	"              \"shortDescription\": {\n",
	"                \"text\": \"CVE-2024-0003\"\n",
	"              },\n",
	"              \"help\": {\n",
	"                \"text\": \"Vulnerability CVE-2024-0003\\nSeverity: CRITICAL\"\n",
	"              },\n",
	"              \"defaultConfiguration\": {\n",
	"                \"level\": \"error\"\n",
	"              },\n",
	"              \"properties\": {\n",
	"                \"security-severity\": \"9.5\",\n",
	"                \"tags\": [\n",
	"                  \"vulnerability\",\n",
	"                  \"security\",\n",
	"                  \"CRITICAL\"\n",
	"                ]\n",
	"              }\n",
	"            },\n",
	"            {\n",
	"              \"id\": \"GHSA-aaaa-bbbb-cccc\",\n",
	"              \"shortDescription\": {\n",
	"                \"text\": \"GHSA-aaaa-bbbb-cccc\"\n",
	"              },\n",
	"              \"help\": {\n",
	"                \"text\": \"Vulnerability GHSA-aaaa-bbbb-cccc\\nSeverity: LOW\"\n",
	"              },\n",
	"              \"defaultConfiguration\": {\n",
	"                \"level\": \"note\"\n",
	"              },\n",
	"              \"properties\": {\n",
	"                \"security-severity\": \"2.0\",\n",
	"                \"tags\": [\n",
	"                  \"vulnerability\",\n",
	"                  \"security\",\n",
	"                  \"LOW\"\n",
	"                ]\n",
	"              }\n",
	"            }\n",
	"          ]\n",
	"        }\n",
	"      },\n",
	"      \"automationDetails\": {\n",
	"        \"id\": \"cvetrail/ghcr.io/acme/web/\"\n",
	"      },\n",
	"      \"results\": [\n",
	"        {\n",
	"          \"ruleId\": \"CVE-2023-38545\",\n",
	"          \"ruleIndex\": 0,\n",
	"          \"level\": \"error\",\n",
	"          \"message\": {\n",
	"            \"text\": \"curl 7.88.1-10+deb12u1 has CVE-2023-38545 (HIGH); fixed in 7.88.1-10+deb12u4.\"\n",
	"          },\n",
	"          \"locations\": [\n",
	"            {\n",
	"              \"physicalLocation\": {\n",
	"                \"artifactLocation\": {\n",
	"                  \"uri\": \"acme/web\"\n",
	"                },\n",
	"                \"region\": {\n",
	"                  \"startLine\": 1\n",
	"                }\n",
	"              },\n",
	"              \"message\": {\n",
	"                \"text\": \"ghcr.io/acme/web:1.4.2 (debian 12.4): curl 7.88.1-10+deb12u1\"\n",
	"              }\n",
	"            }\n",
	"          ],\n",
	"          \"partialFingerprints\": {\n",
	"            \"cvetrailFindingKey/v1\": \"311d6fea650735f488c29b00995f60c077c4ab885d3a93d00721f84b7337a932\"\n",
	"          },\n",
	"          \"suppressions\": [\n",
	"            {\n",
	"              \"kind\": \"external\",\n",
	"              \"status\": \"accepted\",\n",
	"              \"justification\": \"not_affected (vulnerable_code_not_in_execute_path): we never call curl with SOCKS5 (Jane Doe, 2026-11-20)\"\n",
	"            }\n",
	"          ],\n",
	"          \"properties\": {\n",
	"            \"key\": \"CVE-2023-38545 pkg:deb/debian/curl\",\n",
	"            \"purl\": \"pkg:deb/debian/curl\",\n",
	"            \"severity\": \"HIGH\",\n",
	"            \"installedVersion\": \"7.88.1-10+deb12u1\",\n",
	"            \"fixedVersion\": \"7.88.1-10+deb12u4\",\n",
	"            \"triage\": {\n",
	"              \"id\": \"CVE-2023-38545\",\n",
	"              \"package\": \"pkg:deb/debian/curl\",\n",
	"              \"status\": \"not_affected\",\n",
	"              \"justification\": \"vulnerable_code_not_in_execute_path\",\n",
	"              \"reason\": \"we never call curl with SOCKS5\",\n",
	"              \"author\": \"Jane Doe\",\n",
	"              \"date\": \"2026-11-20\",\n",
	"              \"expires\": \"2027-02-28\",\n",
	"              \"expired\": false\n",
	"            }\n",
	"          }\n",
	"        },\n",
	"        {\n",
	"          \"ruleId\": \"CVE-2023-38545\",\n",
	"          \"ruleIndex\": 0,\n",
	"          \"level\": \"error\",\n",
	"          \"message\": {\n",
	"            \"text\": \"libcurl4 7.88.1-10+deb12u1 has CVE-2023-38545 (HIGH); fixed in 7.88.1-10+deb12u4.\"\n",
	"          },\n",
	"          \"locations\": [\n",
	"            {\n",
	"              \"physicalLocation\": {\n",
	"                \"artifactLocation\": {\n",
	"                  \"uri\": \"acme/web\"\n",
	"                },\n",
	"                \"region\": {\n",
	"                  \"startLine\": 1\n",
	"                }\n",
	"              },\n",
	"              \"message\": {\n",
	"                \"text\": \"ghcr.io/acme/web:1.4.2 (debian 12.4): libcurl4 7.88.1-10+deb12u1\"\n",
	"              }\n",
	"            }\n",
	"          ],\n",
	"          \"partialFingerprints\": {\n",
	"            \"cvetrailFindingKey/v1\": \"d4fe7f88e15a83ca761c6072885feba306878a72249c992eca0744538533de84\"\n",
	"          },\n",
	"          \"properties\": {\n",
	"            \"key\": \"CVE-2023-38545 pkg:deb/debian/libcurl4\",\n",
	"            \"purl\": \"pkg:deb/debian/libcurl4\",\n",
	"            \"severity\": \"HIGH\",\n",
	"            \"installedVersion\": \"7.88.1-10+deb12u1\",\n",
	"            \"fixedVersion\": \"7.88.1-10+deb12u4\",\n",
	"            \"triage\": {\n",
	"              \"id\": \"CVE-2023-38545\",\n",
	"              \"package\": \"pkg:deb/debian/libcurl4\",\n",
	"              \"status\": \"affected\",\n",
	"              \"reason\": \"upgrade scheduled for sprint 12\",\n",
	"              \"author\": \"Jane Doe\",\n",
	"              \"date\": \"2026-11-21\",\n",
	"              \"expired\": false\n",
	"            }\n",
	"          }\n",
	"        },\n",
	"        {\n",
	"          \"ruleId\": \"CVE-2024-0001\",\n",
	"          \"ruleIndex\": 1,\n",
	"          \"level\": \"warning\",\n",
	"          \"message\": {\n",
	"            \"text\": \"Flask 2.0.0 has CVE-2024-0001 (MEDIUM); no fixed version yet.\"\n",
	"          },\n",
	"          \"locations\": [\n",
	"            {\n",
	"              \"physicalLocation\": {\n",
	"                \"artifactLocation\": {\n",
	"                  \"uri\": \"usr/lib/python3/site-packages/Flask-2.0.0.dist-info/METADATA\"\n",
	"                },\n",
	"                \"region\": {\n",
	"                  \"startLine\": 1\n",
	"                }\n",
	"              },\n",
	"              \"message\": {\n",
	"                \"text\": \"Python: usr/lib/python3/site-packages/Flask-2.0.0.dist-info/METADATA: Flask 2.0.0\"\n",
	"              }\n",
	"            }\n",
	"          ],\n",
	"          \"partialFingerprints\": {\n",
	"            \"cvetrailFindingKey/v1\": \"4fd928dcc18cf7b1aa6f1f9d8f12384e7602cdebbef617800ca590fa3ed1b059\"\n",
	"          },\n",
	"          \"suppressions\": [\n",
	"            {\n",
	"              \"kind\": \"external\",\n",
	"              \"status\": \"accepted\",\n",
	"              \"justification\": \"fixed: patched in our fork (Bob, 2026-11-22)\"\n",
	"            }\n",
	"          ],\n",
	"          \"properties\": {\n",
	"            \"key\": \"CVE-2024-0001 pkg:pypi/flask\",\n",
	"            \"purl\": \"pkg:pypi/flask\",\n",
	"            \"severity\": \"MEDIUM\",\n",
	"            \"installedVersion\": \"2.0.0\",\n",
	"            \"triage\": {\n",
	"              \"id\": \"CVE-2024-0001\",\n",
	"              \"status\": \"fixed\",\n",
	"              \"reason\": \"patched in our fork\",\n",
	"              \"author\": \"Bob\",\n",
	"              \"date\": \"2026-11-22\",\n",
	"              \"expired\": false\n",
	"            }\n",
	"          }\n",
	"        },\n",
	"        {\n",
	"          \"ruleId\": \"CVE-2024-0003\",\n",
	"          \"ruleIndex\": 2,\n",
	"          \"level\": \"error\",\n",
	"          \"message\": {\n",
	"            \"text\": \"zlib1g 1:1.2.13.dfsg-1 has CVE-2024-0003 (CRITICAL); no fixed version yet.\"\n",
	"          },\n",
	"          \"locations\": [\n",
	"            {\n",
	"              \"physicalLocation\": {\n",
	"                \"artifactLocation\": {\n",
	"                  \"uri\": \"acme/web\"\n",
	"                },\n",
	"                \"region\": {\n",
	"                  \"startLine\": 1\n",
	"                }\n",
	"              },\n",
	"              \"message\": {\n",
	"                \"text\": \"ghcr.io/acme/web:1.4.2 (debian 12.4): zlib1g 1:1.2.13.dfsg-1\"\n",
	"              }\n",
	"            }\n",
	"          ],\n",
	"          \"partialFingerprints\": {\n",
	"            \"cvetrailFindingKey/v1\": \"e47a0b42c54247ef2286a35020dc8ac55497c4a6b0728a8f7baea956256a1106\"\n",
	"          },\n",
	"          \"properties\": {\n",
	"            \"key\": \"CVE-2024-0003 pkg:deb/debian/zlib1g\",\n",
	"            \"purl\": \"pkg:deb/debian/zlib1g\",\n",
	"            \"severity\": \"CRITICAL\",\n",
	"            \"installedVersion\": \"1:1.2.13.dfsg-1\"\n",
	"          }\n",
	"        },\n",
	"        {\n",
	"          \"ruleId\": \"GHSA-aaaa-bbbb-cccc\",\n",
	"          \"ruleIndex\": 3,\n",
	"          \"level\": \"note\",\n",
	"          \"message\": {\n",
	"            \"text\": \"lodash 4.17.20 has GHSA-aaaa-bbbb-cccc (LOW); fixed in 4.17.21.\"\n",
	"          },\n",
	"          \"locations\": [\n",
	"            {\n",
	"              \"physicalLocation\": {\n",
	"                \"artifactLocation\": {\n",
	"                  \"uri\": \"app/package-lock.json\"\n",
	"                },\n",
	"                \"region\": {\n",
	"                  \"startLine\": 1\n",
	"                }\n",
	"              },\n",
	"              \"message\": {\n",
	"                \"text\": \"Node.js: app/package-lock.json: lodash 4.17.20\"\n",
	"              }\n",
	"            }\n",
	"          ],\n",
	"          \"partialFingerprints\": {\n",
	"            \"cvetrailFindingKey/v1\": \"87c7d84990500be275c357aa49db183779b131cedbd3890c0d2bd23d77f33ed5\"\n",
	"          },\n",
	"          \"suppressions\": [\n",
	"            {\n",
	"              \"kind\": \"external\",\n",
	"              \"status\": \"underReview\",\n",
	"              \"justification\": \"under_investigation: looking at lodash usage (Bob, 2026-11-23)\"\n",
	"            }\n",
	"          ],\n",
	"          \"properties\": {\n",
	"            \"key\": \"GHSA-aaaa-bbbb-cccc pkg:npm/lodash\",\n",
	"            \"purl\": \"pkg:npm/lodash\",\n",
	"            \"severity\": \"LOW\",\n",
	"            \"installedVersion\": \"4.17.20\",\n",
	"            \"fixedVersion\": \"4.17.21\",\n",
	"            \"triage\": {\n",
	"              \"id\": \"CVE-2024-0002\",\n",
	"              \"status\": \"under_investigation\",\n",
	"              \"reason\": \"looking at lodash usage\",\n",
	"              \"author\": \"Bob\",\n",
	"              \"date\": \"2026-11-23\",\n",
	"              \"expired\": false\n",
	"            }\n",
	"          }\n",
	"        }\n",
	"      ]\n",
	"    }\n",
	"  ]\n",
	"}\n",
	NULL,
};

/* The lines of an expected output joined (malloc()ed). */
static char *joined(const char *const *lines)
{
	struct strbuf sb = STRBUF_INIT;
	for (; *lines; lines++)
		sb_addstr(&sb, *lines);
	return sb_detach(&sb, NULL);
}

#define CHECK_LINES(actual, lines)           \
	do {                                 \
		char *want_ = joined(lines); \
		CHECK_STR(actual, want_);    \
		free(want_);                 \
	} while (0)

static void test_openvex_exact(void)
{
	struct cvt_report r;
	struct cvt_ledger l;
	build_report(&r);
	build_ledger(&l);
	struct strbuf warnings = STRBUF_INIT;
	char *out = export(CVT_VEX_OPENVEX, &l, &r, NULL, &warnings);
	CHECK_LINES(out, expected_openvex);
	CHECK(json_valid(out) == 0);
	CHECK_STR(warnings.buf, "");
	free(out);
	/* Without a report the package is the product, and a decision for every package has none. */
	sb_reset(&warnings);
	out = export(CVT_VEX_OPENVEX, &l, NULL, NULL, &warnings);
	CHECK_LINES(out, expected_openvex_no_report);
	CHECK(strstr(warnings.buf, "CVE-2024-0001: a decision for every package needs a product") !=
	      NULL);
	free(out);
	/* --product names it. */
	sb_reset(&warnings);
	out = export(CVT_VEX_OPENVEX, &l, NULL, "pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb",
		     &warnings);
	CHECK(strstr(out, "\"@id\": \"pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb\",\n"
			  "          \"subcomponents\": [\n"
			  "            {\n"
			  "              \"@id\": \"pkg:deb/debian/curl\"") != NULL);
	CHECK_STR(warnings.buf, "");
	free(out);
	sb_release(&warnings);
	cvt_ledger_release(&l);
	cvt_report_release(&r);
}

static void test_cyclonedx_exact(void)
{
	struct cvt_report r;
	struct cvt_ledger l;
	build_report(&r);
	build_ledger(&l);
	char *out = export(CVT_VEX_CYCLONEDX, &l, &r, NULL, NULL);
	CHECK_LINES(out, expected_cyclonedx);
	CHECK(json_valid(out) == 0);
	free(out);
	cvt_ledger_release(&l);
	cvt_report_release(&r);
}

static void test_trivyignore_exact(void)
{
	struct cvt_report r;
	struct cvt_ledger l;
	build_report(&r);
	build_ledger(&l);
	struct strbuf warnings = STRBUF_INIT;
	char *out = export(CVT_VEX_TRIVYIGNORE, &l, &r, NULL, &warnings);
	CHECK_LINES(out, expected_trivyignore);
	CHECK_LINES(warnings.buf, expected_trivyignore_warnings);
	free(out);
	sb_reset(&warnings);
	out = export(CVT_VEX_TRIVYIGNORE_YAML, &l, &r, NULL, &warnings);
	CHECK_LINES(out, expected_trivyignore_yaml);
	CHECK_STR(warnings.buf, "");
	free(out);
	sb_release(&warnings);
	cvt_ledger_release(&l);
	cvt_report_release(&r);
}

/* A decision for every package that another package's decision keeps visible. */
static void test_trivyignore_conflicts(void)
{
	struct cvt_ledger l;
	cvt_ledger_init(&l);
	struct cvt_decision d =
		decision("CVE-2023-38545", NULL, "not_affected", "vulnerable_code_not_present",
			 "not built in", "Jane Doe", "2026-11-20");
	cvt_ledger_put(&l, &d);
	d = decision("CVE-2023-38545", "pkg:deb/debian/libcurl4", "affected", NULL,
		     "libcurl is used", "Jane Doe", "2026-11-21");
	cvt_ledger_put(&l, &d);
	struct strbuf warnings = STRBUF_INIT;
	char *out = export(CVT_VEX_TRIVYIGNORE, &l, NULL, NULL, &warnings);
	CHECK(strstr(out, "\nCVE-2023-38545") == NULL);
	CHECK(strstr(out, "# CVE-2023-38545 not listed: a decision keeps it visible in one "
			  "package") != NULL);
	CHECK(strstr(warnings.buf, "CVE-2023-38545 not listed") != NULL);
	free(out);
	/* The YAML form narrows the decision to the packages the report shows it covering. */
	struct cvt_report r;
	build_report(&r);
	sb_reset(&warnings);
	out = export(CVT_VEX_TRIVYIGNORE_YAML, &l, &r, NULL, &warnings);
	CHECK(strstr(out,
		     "  - id: \"CVE-2023-38545\"\n    purls:\n      - \"pkg:deb/debian/curl\"\n"
		     "    statement:") != NULL);
	CHECK(strstr(out, "libcurl4") == NULL);
	CHECK_STR(warnings.buf, "");
	free(out);
	/* Without the report it cannot, and says so. */
	sb_reset(&warnings);
	out = export(CVT_VEX_TRIVYIGNORE_YAML, &l, NULL, NULL, &warnings);
	CHECK(strstr(out, "vulnerabilities: []\n") != NULL);
	CHECK(strstr(out, "  # CVE-2023-38545 not listed") != NULL);
	CHECK(strstr(warnings.buf, "CVE-2023-38545 not listed") != NULL);
	free(out);
	sb_release(&warnings);
	cvt_report_release(&r);
	cvt_ledger_release(&l);
}

static const char hostile[] = "say \"no\"\nto </script><script>alert(1)</script>\r\n"
			      "\tand \\ back\xc2\x85slash\xe2\x80\xa8 done #not-a-comment: x";

static void test_hostile_reason(void)
{
	struct cvt_ledger l;
	cvt_ledger_init(&l);
	struct cvt_decision d = decision("CVE-2023-38545", "pkg:deb/debian/curl", "not_affected",
					 "vulnerable_code_not_present", hostile,
					 "Mallory \"(x)\"\nEvil", "2026-11-20");
	cvt_ledger_put(&l, &d);
	d = decision("CVE-2023-1111", NULL, "fixed", NULL, hostile, "Mallory", "2026-11-20");
	cvt_ledger_put(&l, &d);
	struct cvt_report r;
	build_report(&r);

	/* JSON formats: valid, and the reason comes back byte for byte. */
	for (int f = CVT_VEX_OPENVEX; f <= CVT_VEX_CYCLONEDX; f++) {
		char *out = export((enum cvt_vex_format)f, &l, &r, NULL, NULL);
		CHECK(json_valid(out) == 0);
		CHECK(strstr(out, "\\\"no\\\"\\nto </script>") != NULL);
		struct cvt_ledger back;
		struct cvt_error err = CVT_ERROR_INIT;
		cvt_ledger_init(&back);
		CHECK(import_text(&back, "hostile.json", out, &err) == 2);
		if (err.message.len)
			fprintf(stderr, "  %s\n", err.message.buf);
		CHECK(back.n_decisions == 2 && !strcmp(back.decisions[1].reason, hostile));
		cvt_ledger_release(&back);
		cvt_error_release(&err);
		free(out);
	}

	/* .trivyignore: every comment is one line, no line but comments and ids. */
	char *out = export(CVT_VEX_TRIVYIGNORE, &l, &r, NULL, NULL);
	for (const char *line = out; *line;) {
		const char *end = strchr(line, '\n');
		CHECK(end != NULL);
		if (!end)
			break;
		CHECK(end == line || *line == '#' || !strncmp(line, "CVE-", 4));
		for (const char *p = line; p < end; p++)
			CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
		line = end + 1;
	}
	CHECK(strstr(out,
		     "\n# fixed: say \"no\" to </script><script>alert(1)</script>   and \\ back "
		     "slash  done #not-a-comment: x (Mallory, 2026-11-20)\nCVE-2023-1111\n") !=
	      NULL);
	free(out);

	/* .trivyignore.yaml: double-quoted with escapes; our reader gives back the text. */
	out = export(CVT_VEX_TRIVYIGNORE_YAML, &l, &r, NULL, NULL);
	CHECK(strstr(out,
		     "statement: \"not_affected (vulnerable_code_not_present): say \\\"no\\\" to "
		     "</script>") != NULL);
	CHECK(strchr(out, '\r') == NULL);
	struct cvt_ledger back;
	struct cvt_error err = CVT_ERROR_INIT;
	cvt_ledger_init(&back);
	CHECK(import_text(&back, ".trivyignore.yaml", out, &err) == 2);
	if (err.message.len)
		fprintf(stderr, "  %s\n", err.message.buf);
	CHECK(back.n_decisions == 2);
	if (back.n_decisions == 2) {
		CHECK_STR(back.decisions[1].reason,
			  "say \"no\" to </script><script>alert(1)</script>   and \\ back slash  "
			  "done #not-a-comment: x");
		CHECK_STR(back.decisions[1].author, "Mallory \"(x)\" Evil");
	}
	cvt_ledger_release(&back);
	cvt_error_release(&err);
	free(out);

	/* SARIF: valid JSON, the justification on one line. */
	struct strbuf sarif = STRBUF_INIT;
	cvt_sarif_write(&r, &l, TODAY, &sarif);
	CHECK(json_valid(sarif.buf) == 0);
	CHECK(strstr(sarif.buf,
		     "\"justification\": \"not_affected (vulnerable_code_not_present): say "
		     "\\\"no\\\" to </script>") != NULL);
	sb_release(&sarif);
	cvt_report_release(&r);
	cvt_ledger_release(&l);
}

static void test_determinism(void)
{
	struct cvt_report r;
	struct cvt_ledger l, l2;
	build_report(&r);
	build_ledger(&l);
	build_ledger(&l2);
	for (int f = CVT_VEX_OPENVEX; f <= CVT_VEX_TRIVYIGNORE_YAML; f++) {
		char *a = export((enum cvt_vex_format)f, &l, &r, NULL, NULL);
		char *b = export((enum cvt_vex_format)f, &l2, &r, NULL, NULL);
		CHECK_STR(a, b);
		free(a);
		free(b);
	}
	/* A changed reason changes the document id and the serial number. */
	char *before_vex = export(CVT_VEX_OPENVEX, &l, &r, NULL, NULL);
	char *before_cdx = export(CVT_VEX_CYCLONEDX, &l, &r, NULL, NULL);
	struct cvt_decision d = l2.decisions[1]; /* the curl decision ([0] has expired) */
	d.reason = "another reason";
	cvt_ledger_put(&l2, &d);
	char *after_vex = export(CVT_VEX_OPENVEX, &l2, &r, NULL, NULL);
	char *after_cdx = export(CVT_VEX_CYCLONEDX, &l2, &r, NULL, NULL);
	CHECK(strncmp(strstr(before_vex, "urn:cvetrail:vex:"),
		      strstr(after_vex, "urn:cvetrail:vex:"), 81) != 0);
	CHECK(strncmp(strstr(before_cdx, "urn:uuid:"), strstr(after_cdx, "urn:uuid:"), 45) != 0);
	/* The serial number is an RFC 9562 version 8 UUID. */
	const char *uuid = strstr(after_cdx, "urn:uuid:") + 9;
	CHECK(uuid[14] == '8' && strchr("89ab", uuid[19]) != NULL);
	free(before_vex);
	free(before_cdx);
	free(after_vex);
	free(after_cdx);

	/* The document time: the option, else the latest decision date. */
	struct strbuf out = STRBUF_INIT;
	struct cvt_vex_options o = {.today = TODAY, .timestamp = "2026-12-01T10:11:12Z"};
	const struct cvt_report *reports[1] = {&r};
	cvt_vex_write(CVT_VEX_OPENVEX, &l, reports, 1, &o, &out, NULL);
	CHECK(strstr(out.buf, "\"timestamp\": \"2026-12-01T10:11:12Z\",\n  \"version\"") != NULL);
	sb_reset(&out);
	o.timestamp = NULL;
	cvt_vex_write(CVT_VEX_OPENVEX, &l, reports, 1, &o, &out, NULL);
	CHECK(strstr(out.buf, "\"timestamp\": \"2026-11-23T00:00:00Z\",\n  \"version\"") != NULL);
	sb_release(&out);

	char ts[21];
	cvt_vex_timestamp_from_time(ts, 1780000000);
	CHECK_STR(ts, "2026-05-28T20:26:40Z");
	cvt_ledger_release(&l);
	cvt_ledger_release(&l2);
	cvt_report_release(&r);
}

static void test_empty_ledger(void)
{
	struct cvt_ledger l;
	cvt_ledger_init(&l);
	struct strbuf warnings = STRBUF_INIT;
	char *out = export(CVT_VEX_OPENVEX, &l, NULL, NULL, &warnings);
	CHECK(strstr(out, "\"statements\": []") != NULL);
	CHECK(strstr(out, "\"timestamp\": \"" TODAY "T00:00:00Z\"") != NULL);
	CHECK(strstr(warnings.buf, "no decision to export") != NULL);
	free(out);
	out = export(CVT_VEX_CYCLONEDX, &l, NULL, NULL, NULL);
	CHECK(strstr(out, "\"vulnerabilities\": []") != NULL);
	CHECK(json_valid(out) == 0);
	free(out);
	out = export(CVT_VEX_TRIVYIGNORE_YAML, &l, NULL, NULL, NULL);
	CHECK(strstr(out, "\nvulnerabilities: []\n") != NULL);
	free(out);
	out = export(CVT_VEX_TRIVYIGNORE, &l, NULL, NULL, NULL);
	CHECK(strstr(out, "\nCVE") == NULL);
	free(out);
	sb_release(&warnings);
	cvt_ledger_release(&l);
}

/* ledger -> export -> import gives the ledger back. */
static void round_trip(enum cvt_vex_format format, const struct cvt_report *r, int provenance,
		       int severity)
{
	struct cvt_ledger l, back, want;
	build_ledger(&l);
	/* Expired decisions are not exported by the VEX formats. */
	build_ledger(&want);
	if (format == CVT_VEX_OPENVEX || format == CVT_VEX_CYCLONEDX)
		cvt_ledger_remove(&want, "CVE-2020-9999", "pkg:deb/debian/oldpkg");
	/* The Trivy formats carry only the decisions that suppress. */
	if (format == CVT_VEX_TRIVYIGNORE || format == CVT_VEX_TRIVYIGNORE_YAML) {
		cvt_ledger_remove(&want, "CVE-2023-38545", "pkg:deb/debian/libcurl4");
		cvt_ledger_remove(&want, "CVE-2024-0002", NULL);
	}
	char *out = export(format, &l, r, NULL, NULL);
	struct cvt_error err = CVT_ERROR_INIT;
	cvt_ledger_init(&back);
	int rc = import_text(&back, "export", out, &err);
	if (rc < 0)
		fprintf(stderr, "  import of %s: %s\n", cvt_vex_format_name(format),
			err.message.buf);
	if (rc != (int)want.n_decisions || !equal_ledgers(&want, &back, provenance, severity)) {
		fprintf(stderr, "  round trip through %s (%s report) differs:\n%s\n",
			cvt_vex_format_name(format), r ? "with" : "without", out);
		CHECK(0);
	}
	free(out);
	cvt_error_release(&err);
	cvt_ledger_release(&l);
	cvt_ledger_release(&back);
	cvt_ledger_release(&want);
}

static void test_round_trips(void)
{
	struct cvt_report r;
	build_report(&r);
	/* OpenVEX has no per-statement author and no severity: the date comes back, the author
	 * is the document's. */
	round_trip(CVT_VEX_OPENVEX, &r, 0, 0);
	round_trip(CVT_VEX_OPENVEX, NULL, 0, 0);
	/* CycloneDX keeps everything, through its analysis and our properties. */
	round_trip(CVT_VEX_CYCLONEDX, &r, 1, 1);
	round_trip(CVT_VEX_CYCLONEDX, NULL, 1, 1);
	/* The YAML form keeps status, justification, package, reason, author, date, expiry. */
	round_trip(CVT_VEX_TRIVYIGNORE_YAML, &r, 1, 0);
	round_trip(CVT_VEX_TRIVYIGNORE_YAML, NULL, 1, 0);
	cvt_report_release(&r);

	/* OpenVEX: the document author stands for every decision. */
	struct cvt_ledger l, back;
	build_ledger(&l);
	struct strbuf out = STRBUF_INIT;
	struct cvt_vex_options o = {.today = TODAY, .author = "Security Team <sec@example.com>"};
	cvt_vex_write(CVT_VEX_OPENVEX, &l, NULL, 0, &o, &out, NULL);
	struct cvt_error err = CVT_ERROR_INIT;
	cvt_ledger_init(&back);
	CHECK(import_text(&back, "x", out.buf, &err) == 4);
	CHECK_STR(back.decisions[0].author, "Security Team <sec@example.com>");
	CHECK_STR(back.decisions[0].date, "2026-11-20");
	cvt_ledger_release(&back);
	cvt_ledger_release(&l);
	cvt_error_release(&err);
	sb_release(&out);
}

static const char openvex_doc[] =
	"{\n"
	"  \"@context\": \"https://openvex.dev/ns/v0.2.0\",\n"
	"  \"@id\": \"https://openvex.dev/docs/public/vex-1\",\n"
	"  \"author\": \"Example Org\",\n"
	"  \"timestamp\": \"2026-07-29T22:30:00-05:00\",\n"
	"  \"version\": 1,\n"
	"  \"statements\": [\n"
	"    {\"vulnerability\": {\"name\": \"CVE-2024-1\", \"aliases\": [\"GHSA-x\"]},\n"
	"     \"products\": [{\"@id\": \"pkg:oci/alpine@sha256%3Aabc?repository_url=index.docker.io%2Flibrary%2Falpine\",\n"
	"       \"subcomponents\": [{\"@id\": \"pkg:apk/alpine/libssl3@3.0.8-r3?arch=x86_64\"},\n"
	"                           {\"identifiers\": {\"purl\": \"pkg:apk/alpine/libcrypto3@3.0.8-r3\"}},\n"
	"                           {\"@id\": \"pkg:apk/alpine/libssl3@3.0.9-r0\"}]}],\n"
	"     \"status\": \"not_affected\", \"justification\": \"vulnerable_code_not_present\",\n"
	"     \"impact_statement\": \"removed before packaging\"},\n"
	"    {\"vulnerability\": {\"name\": \"CVE-2024-2\"},\n"
	"     \"products\": [{\"@id\": \"pkg:oci/alpine@sha256%3Aabc\"}],\n"
	"     \"status\": \"affected\", \"action_statement\": \"upgrade\",\n"
	"     \"timestamp\": \"2026-08-01T00:00:00Z\"},\n"
	"    {\"vulnerability\": {\"@id\": \"CVE-2024-3\"},\n"
	"     \"products\": [{\"@id\": \"pkg:golang/github.com/foo/bar@v1.2.3\"}],\n"
	"     \"status\": \"fixed\"},\n"
	"    {\"vulnerability\": \"CVE-2024-4\", \"products\": [\"pkg:deb/debian/bash@5.2\"],\n"
	"     \"status\": \"under_investigation\", \"status_notes\": \"checking\",\n"
	"     \"timestamp\": \"2026-01-01T00:00:00Z\"},\n"
	"    {\"vulnerability\": \"CVE-2024-4\", \"products\": [\"pkg:deb/debian/bash@5.2\"],\n"
	"     \"status\": \"fixed\", \"status_notes\": \"fixed in 5.2-1\",\n"
	"     \"timestamp\": \"2026-02-01T00:00:00Z\"}\n"
	"  ]\n"
	"}\n";

static void test_import_openvex(void)
{
	struct cvt_ledger l;
	struct cvt_error err = CVT_ERROR_INIT;
	cvt_ledger_init(&l);
	CHECK(cvt_vex_detect(openvex_doc, strlen(openvex_doc)) == CVT_VEX_INPUT_OPENVEX);
	int rc = import_text(&l, "doc.openvex.json", openvex_doc, &err);
	if (rc < 0)
		fprintf(stderr, "  %s\n", err.message.buf);
	/* 2 packages (libssl3 twice is one) + 1 whole image + 1 golang + bash twice (one kept). */
	CHECK(rc == 6);
	CHECK(l.n_decisions == 5);
	if (l.n_decisions == 5) {
		const struct cvt_decision *d = &l.decisions[0];
		CHECK_STR(d->id, "CVE-2024-1");
		CHECK_STR(d->package, "pkg:apk/alpine/libcrypto3");
		CHECK_STR(d->status, "not_affected");
		CHECK_STR(d->justification, "vulnerable_code_not_present");
		CHECK_STR(d->reason, "removed before packaging");
		CHECK_STR(d->author, "Example Org");
		/* 22:30 at -05:00 is the next day in UTC. */
		CHECK_STR(d->date, "2026-07-30");
		CHECK_STR(l.decisions[1].package, "pkg:apk/alpine/libssl3");
		d = &l.decisions[2];
		CHECK_STR(d->id, "CVE-2024-2");
		CHECK(d->package == NULL);
		CHECK_STR(d->status, "affected");
		CHECK_STR(d->reason, "upgrade");
		CHECK_STR(d->date, "2026-08-01");
		d = &l.decisions[3];
		CHECK_STR(d->id, "CVE-2024-3");
		CHECK_STR(d->package, "pkg:golang/github.com/foo/bar");
		CHECK_STR(d->reason, "imported from doc.openvex.json");
		d = &l.decisions[4];
		CHECK_STR(d->id, "CVE-2024-4");
		CHECK_STR(d->status, "fixed");
		CHECK_STR(d->reason, "fixed in 5.2-1");
		CHECK_STR(d->date, "2026-02-01");
	}
	cvt_ledger_release(&l);

	/* Refusals leave the ledger as it was. */
	static const struct {
		const char *doc, *message;
	} bad[] = {
		{"{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\": "
		 "{\"name\": \"CVE-1\"}, \"products\": [{\"@id\": \"pkg:deb/debian/a\"}], \"status\": "
		 "\"not_affected\", \"impact_statement\": \"no\"}]}",
		 "statements[0]: CVE-1 is not_affected without a justification"},
		{"{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\": "
		 "{\"name\": \"CVE-1\"}, \"status\": \"maybe\"}]}",
		 "statements[0]: status"},
		{"{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\": "
		 "{\"name\": \"CVE-1\"}, \"products\": [{\"@id\": \"x\", \"subcomponents\": [{\"@id\": "
		 "\"not-a-purl\"}]}], \"status\": \"fixed\"}]}",
		 "statements[0].products[0].subcomponents[0]: 'not-a-purl' is not a package URL"},
		{"{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{\"vulnerability\": "
		 "{\"name\": \"CVE-1\"}, \"status\": \"fixed\", \"timestamp\": \"yesterday\"}]}",
		 "statements[0]: timestamp 'yesterday' is not an RFC 3339 date-time"},
		{"{\"@context\": \"https://openvex.dev/ns/v0.2.0\"}",
		 "statements: expected an array"},
		{"[\"not\", \"a\", \"document\"]", "not an OpenVEX document, a CycloneDX BOM"},
		{"{\"hello\": 1}", "not an OpenVEX document, a CycloneDX BOM"},
		{"{\"statements\": [", "doc.json:"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cvt_ledger_init(&l);
		struct cvt_decision keep =
			decision("CVE-0", NULL, "fixed", NULL, "kept", "A", TODAY);
		cvt_ledger_put(&l, &keep);
		CHECK(import_text(&l, "doc.json", bad[i].doc, &err) < 0);
		struct strbuf line = STRBUF_INIT;
		cvt_error_format(&err, &line);
		if (!strstr(line.buf, bad[i].message))
			fprintf(stderr, "  got: %s\n  want: %s\n", line.buf, bad[i].message);
		CHECK(strstr(line.buf, bad[i].message) != NULL);
		CHECK(l.n_decisions == 1);
		sb_release(&line);
		cvt_ledger_release(&l);
	}
	/* A document with no statement imports nothing. */
	cvt_ledger_init(&l);
	CHECK(import_text(&l, "x",
			  "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": []}",
			  &err) == 0);
	CHECK(l.n_decisions == 0);
	cvt_ledger_release(&l);
	cvt_error_release(&err);
}

static const char cyclonedx_doc[] =
	"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"version\": 1,\n"
	" \"metadata\": {\"timestamp\": \"2026-03-04T05:06:07Z\", \"authors\": [{\"name\": \"ACME PSIRT\"}],\n"
	"   \"component\": {\"type\": \"application\", \"name\": \"product\", \"bom-ref\": \"product-1\"}},\n"
	" \"components\": [{\"type\": \"library\", \"name\": \"jackson\", \"bom-ref\": \"jackson-ref\",\n"
	"   \"purl\": \"pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar\",\n"
	"   \"components\": [{\"type\": \"library\", \"name\": \"inner\", \"bom-ref\": \"inner\", \"purl\": \"pkg:npm/inner@1\"}]}],\n"
	" \"vulnerabilities\": [\n"
	"  {\"id\": \"CVE-2020-25649\", \"analysis\": {\"state\": \"not_affected\", \"justification\": \"code_not_reachable\",\n"
	"    \"response\": [\"will_not_fix\"], \"detail\": \"not reachable\"},\n"
	"   \"affects\": [{\"ref\": \"jackson-ref\"}, {\"ref\": \"inner\"}]},\n"
	"  {\"id\": \"CVE-2021-44228\", \"analysis\": {\"state\": \"exploitable\", \"justification\": \"requires_environment\",\n"
	"    \"lastUpdated\": \"2026-05-06T23:00:00-02:00\"},\n"
	"   \"affects\": [{\"ref\": \"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\"}]},\n"
	"  {\"id\": \"CVE-2022-1\", \"analysis\": {\"state\": \"in_triage\"}, \"affects\": [{\"ref\": \"product-1\"}]},\n"
	"  {\"id\": \"CVE-2022-2\", \"analysis\": {\"state\": \"false_positive\"}},\n"
	"  {\"id\": \"CVE-2022-3\", \"ratings\": [{\"severity\": \"high\"}]},\n"
	"  {\"id\": \"CVE-2022-4\", \"analysis\": {\"state\": \"resolved_with_pedigree\", \"detail\": \"patched\"},\n"
	"   \"affects\": [{\"ref\": \"pkg:oci/app?repository_url=ghcr.io%2Fa%2Fapp\"}]}\n"
	" ]}\n";

static void test_import_cyclonedx(void)
{
	struct cvt_ledger l;
	struct cvt_error err = CVT_ERROR_INIT;
	cvt_ledger_init(&l);
	CHECK(cvt_vex_detect(cyclonedx_doc, strlen(cyclonedx_doc)) == CVT_VEX_INPUT_CYCLONEDX);
	int rc = import_text(&l, "bom.json", cyclonedx_doc, &err);
	if (rc < 0)
		fprintf(stderr, "  %s\n", err.message.buf);
	CHECK(rc == 6);
	CHECK(l.n_decisions == 6);
	if (l.n_decisions == 6) {
		const struct cvt_decision *d = &l.decisions[0];
		CHECK_STR(d->id, "CVE-2020-25649");
		CHECK_STR(d->package, "pkg:maven/com.fasterxml.jackson.core/jackson-databind");
		CHECK_STR(d->status, "not_affected");
		CHECK_STR(d->justification, "vulnerable_code_not_in_execute_path");
		CHECK_STR(d->reason, "not reachable");
		CHECK_STR(d->author, "ACME PSIRT");
		CHECK_STR(d->date, "2026-03-04");
		CHECK_STR(l.decisions[1].package, "pkg:npm/inner");
		d = &l.decisions[2];
		CHECK_STR(d->id, "CVE-2021-44228");
		CHECK_STR(d->package, "pkg:maven/org.apache.logging.log4j/log4j-core");
		CHECK_STR(d->status, "affected");
		CHECK(d->justification == NULL); /* only not_affected keeps one */
		CHECK_STR(d->date, "2026-05-07");
		CHECK_STR(d->reason, "imported from bom.json");
		d = &l.decisions[3];
		CHECK_STR(d->id, "CVE-2022-1");
		CHECK(d->package == NULL);
		CHECK_STR(d->status, "under_investigation");
		d = &l.decisions[4];
		CHECK_STR(d->id, "CVE-2022-2");
		CHECK(d->package == NULL);
		CHECK_STR(d->status, "not_affected");
		CHECK_STR(d->justification, "vulnerable_code_not_present");
		d = &l.decisions[5];
		CHECK_STR(d->id, "CVE-2022-4");
		CHECK(d->package == NULL);
		CHECK_STR(d->status, "fixed");
	}
	cvt_ledger_release(&l);

	static const struct {
		const char *doc, *message;
	} bad[] = {
		{"{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-1\", \"analysis\": "
		 "{\"state\": \"not_affected\"}}]}",
		 "vulnerabilities[0]: CVE-1 is not_affected without a justification"},
		{"{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-1\", \"analysis\": "
		 "{\"state\": \"sort_of\"}}]}",
		 "vulnerabilities[0].analysis.state: 'sort_of' is not a CycloneDX state"},
		{"{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-1\", \"analysis\": "
		 "{\"state\": \"resolved\"}, \"affects\": [{\"ref\": \"nowhere\"}]}]}",
		 "vulnerabilities[0].affects[0].ref: 'nowhere' names no package URL"},
		{"{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"CVE-1\"}]}",
		 "none has an analysis: this is a scan result (VDR), not a VEX"},
		{"{\"bomFormat\": \"CycloneDX\", \"components\": []}",
		 "without vulnerabilities is not a VEX"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cvt_ledger_init(&l);
		CHECK(import_text(&l, "bom.json", bad[i].doc, &err) < 0);
		if (!strstr(err.message.buf, bad[i].message))
			fprintf(stderr, "  got: %s\n  want: %s\n", err.message.buf, bad[i].message);
		CHECK(strstr(err.message.buf, bad[i].message) != NULL);
		CHECK(l.n_decisions == 0);
		cvt_ledger_release(&l);
	}
	cvt_error_release(&err);
}

static void test_import_trivyignore(void)
{
	static const char text[] =
		"# header, not attached\n"
		"\n"
		"# vulnerabilities\n"
		"CVE-2019-0001\n"
		"CVE-2019-0002\n"
		"CVE-2019-0004 exp:2020-01-01\n"
		"# accepted until the rebuild (Jane Doe, 2026-01-02)\r\n"
		"CVE-2019-0005 exp:9999-01-01 key2:value2\n"
		"# pkg:deb/debian/curl: not_affected (vulnerable_code_not_present): gone (Jane, 2026-03-04)\n"
		"# fixed: in the base image (Bob, 2026-03-05)\n"
		"CVE-2019-0006\n"
		"   \n"
		"ID300\n";
	struct cvt_ledger l;
	struct cvt_error err = CVT_ERROR_INIT;
	cvt_ledger_init(&l);
	CHECK(cvt_vex_detect(text, strlen(text)) == CVT_VEX_INPUT_TRIVYIGNORE);
	int rc = import_text(&l, ".trivyignore", text, &err);
	if (rc < 0)
		fprintf(stderr, "  %s\n", err.message.buf);
	CHECK(rc == 7);
	CHECK(l.n_decisions == 7);
	if (l.n_decisions == 7) {
		const struct cvt_decision *d = &l.decisions[0];
		CHECK_STR(d->id, "CVE-2019-0001");
		CHECK_STR(d->status, "affected");
		CHECK_STR(d->reason, "vulnerabilities");
		CHECK_STR(d->author, "Importer");
		CHECK_STR(d->date, TODAY);
		CHECK_STR(l.decisions[1].reason, "imported from .trivyignore");
		CHECK_STR(l.decisions[2].expires, "2020-01-01");
		d = &l.decisions[3];
		CHECK_STR(d->id, "CVE-2019-0005");
		CHECK_STR(d->reason, "accepted until the rebuild");
		CHECK_STR(d->author, "Jane Doe");
		CHECK_STR(d->date, "2026-01-02");
		CHECK_STR(d->expires, "9999-01-01");
		d = &l.decisions[4];
		CHECK_STR(d->id, "CVE-2019-0006");
		CHECK(d->package == NULL);
		CHECK_STR(d->status, "fixed");
		CHECK_STR(d->reason, "in the base image");
		d = &l.decisions[5];
		CHECK_STR(d->package, "pkg:deb/debian/curl");
		CHECK_STR(d->status, "not_affected");
		CHECK_STR(d->justification, "vulnerable_code_not_present");
		CHECK_STR(d->author, "Jane");
		CHECK_STR(l.decisions[6].id, "ID300");
	}
	cvt_ledger_release(&l);

	cvt_ledger_init(&l);
	CHECK(import_text(&l, ".trivyignore", "CVE-1\nCVE-2 exp:2026-02-30\n", &err) < 0);
	struct strbuf line = STRBUF_INIT;
	cvt_error_format(&err, &line);
	CHECK_STR(line.buf,
		  ".trivyignore:2:7: CVE-2: exp:2026-02-30 is not a YYYY-MM-DD date (byte 12)");
	CHECK(l.n_decisions == 0);
	sb_release(&line);
	cvt_ledger_release(&l);
	cvt_error_release(&err);
}

static void test_import_trivyignore_yaml(void)
{
	static const char text[] =
		"---\n"
		"# comment\n"
		"vulnerabilities:\n"
		"- id: CVE-2019-0003\n"
		"  expired_at: 2023-01-01\n"
		"  statement: 'it''s fine' # trailing comment\n"
		"- id: \"CVE-2019-0007\"\n"
		"  purls:\n"
		"    - \"pkg:golang/github.com/aquasecurity/aaa@9.9.9\"\n"
		"    - pkg:golang/github.com/aquasecurity/bar # Match\n"
		"  paths:\n"
		"  - \"ignored/when/purls/are/given\"\n"
		"  statement: \"fixed (x): \\u00e9t\\u00e9 \\\"quoted\\\"\"\n"
		"-\n"
		"  id: CVE-2019-0008\n"
		"  purls: [\"pkg:npm/%40scope/pkg@1.0.0\", pkg:npm/other]\n"
		"  statement: \"not_affected (inline_mitigations_already_exist): waf (Sec, 2026-04-05)\"\n"
		"misconfigurations:\n"
		"  - id: ID100\n"
		"  - id: AVD-ID400 # alias\n"
		"secrets:\n"
		"licenses:\n"
		"  - id: GPL-3.0\n"
		"    paths:\n"
		"      - \"usr/share/gcc/python/libstdcxx/v6/__init__.py\"\n";
	struct cvt_ledger l;
	struct cvt_error err = CVT_ERROR_INIT;
	cvt_ledger_init(&l);
	CHECK(cvt_vex_detect(text, strlen(text)) == CVT_VEX_INPUT_TRIVYIGNORE_YAML);
	int rc = import_text(&l, ".trivyignore.yaml", text, &err);
	if (rc < 0) {
		struct strbuf line = STRBUF_INIT;
		cvt_error_format(&err, &line);
		fprintf(stderr, "  %s\n", line.buf);
		sb_release(&line);
	}
	CHECK(rc == 5);
	CHECK(l.n_decisions == 5);
	if (l.n_decisions == 5) {
		const struct cvt_decision *d = &l.decisions[0];
		CHECK_STR(d->id, "CVE-2019-0003");
		CHECK(d->package == NULL);
		CHECK_STR(d->status, "affected");
		CHECK_STR(d->reason, "it's fine");
		CHECK_STR(d->expires, "2023-01-01");
		d = &l.decisions[1];
		CHECK_STR(d->package, "pkg:golang/github.com/aquasecurity/aaa");
		/* "fixed (x)" is not our prefix (x is no justification): all of it is the reason. */
		CHECK_STR(d->status, "affected");
		CHECK_STR(d->reason, "fixed (x): \xc3\xa9t\xc3\xa9 \"quoted\"");
		CHECK_STR(l.decisions[2].package, "pkg:golang/github.com/aquasecurity/bar");
		d = &l.decisions[3];
		CHECK_STR(d->id, "CVE-2019-0008");
		CHECK_STR(d->package, "pkg:npm/%40scope/pkg");
		CHECK_STR(d->status, "not_affected");
		CHECK_STR(d->justification, "inline_mitigations_already_exist");
		CHECK_STR(d->reason, "waf");
		CHECK_STR(d->author, "Sec");
		CHECK_STR(d->date, "2026-04-05");
		CHECK_STR(l.decisions[4].package, "pkg:npm/other");
	}
	cvt_ledger_release(&l);

	/* Anything outside the subset is refused with its line. */
	static const struct {
		const char *doc, *message;
	} bad[] = {
		{"vulnerabilities:\n  - id: CVE-1\n    paths:\n      - \"a/b\"\n",
		 "x.yaml:3:5: vulnerabilities[0] (CVE-1): ignored by paths only"},
		{"vulnerabilities:\n  - id: &anchor CVE-1\n",
		 "x.yaml:2:9: '&' starts a YAML feature"},
		{"vulnerabilities:\n  - id: CVE-1\n    statement: |\n      text\n",
		 "x.yaml:3:16: '|' starts a YAML feature"},
		{"vulnerabilities:\n  - id: CVE-1\n    statement: \"open\n",
		 "x.yaml:3:16: unterminated quoted string"},
		{"vulnerabilities:\n  - id: CVE-1\n\tpurls: []\n",
		 "x.yaml:3:1: a tab in the indentation"},
		{"vulnerabilities:\n  - id: CVE-1\n    owner: me\n",
		 "x.yaml:3:5: vulnerabilities[0]: unknown key 'owner'"},
		{"vulnerabilities:\n  - id: CVE-1\n      purls: []\n",
		 "x.yaml:3:7: unexpected indentation"},
		{"vulnerabilities:\n  - id: CVE-1\n    id: CVE-2\n",
		 "x.yaml:3:5: duplicate key 'id'"},
		{"vulnerabilities: {id: x}\n", "x.yaml:1:18: '{' starts a YAML feature"},
		{"ignores:\n  - id: CVE-1\n", "x.yaml:1:1: unknown key 'ignores'"},
		{"vulnerabilities:\n  - id: CVE-1\n---\nvulnerabilities:\n",
		 "x.yaml:3:1: several YAML documents in one file"},
		{"vulnerabilities:\n  - id: a: b\n", "x.yaml:2:10: ': ' inside a plain value"},
		{"vulnerabilities:\n  - id: \"\\q\"\n", "x.yaml:2:10: unknown escape"},
		{"vulnerabilities:\n  - id: CVE-1\n    purls: [\"not a purl\"]\n",
		 "x.yaml:3:13: vulnerabilities[0].purls[0]: 'not a purl' is not a package URL"},
		{"vulnerabilities:\n  - id: CVE-1\n    expired_at: soon\n",
		 "x.yaml:3:17: vulnerabilities[0].expired_at: expected a YYYY-MM-DD date"},
		{"vulnerabilities:\n  - - CVE-1\n", "x.yaml:2:5: nested lists"},
		{"vulnerabilities:\n  - CVE-1\n",
		 "x.yaml:2:5: vulnerabilities[0]: expected 'id: ...'"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cvt_ledger_init(&l);
		CHECK(import_text(&l, "x.yaml", bad[i].doc, &err) < 0);
		struct strbuf line = STRBUF_INIT;
		cvt_error_format(&err, &line);
		if (!strstr(line.buf, bad[i].message))
			fprintf(stderr, "  got: %s\n  want: %s\n", line.buf, bad[i].message);
		CHECK(strstr(line.buf, bad[i].message) != NULL);
		CHECK(l.n_decisions == 0);
		sb_release(&line);
		cvt_ledger_release(&l);
	}
	/* CRLF, a byte order mark, quoted keys, comments anywhere, a date-time expiry (in UTC). */
	static const char crlf[] = "\xef\xbb\xbf# c\r\n"
				   "vulnerabilities:\r\n"
				   "  # inside\r\n"
				   "  - \"id\": \"CVE-1\"\r\n"
				   "    purls: [\"pkg:npm/a,b@1\", pkg:npm/c ]\r\n"
				   "      # deeper comment\r\n"
				   "    statement: plain text # a comment\r\n"
				   "\r\n"
				   "  -   id: CVE-2\r\n"
				   "      expired_at: 2026-01-02T01:00:00+05:00\r\n";
	cvt_ledger_init(&l);
	CHECK(import_text(&l, "x.yaml", crlf, &err) == 3);
	if (l.n_decisions == 3) {
		CHECK_STR(l.decisions[0].package, "pkg:npm/a%2Cb");
		CHECK_STR(l.decisions[0].reason, "plain text");
		CHECK_STR(l.decisions[1].package, "pkg:npm/c");
		CHECK_STR(l.decisions[2].expires, "2026-01-01");
	}
	cvt_ledger_release(&l);
	/* Empty lists and an empty file are fine. */
	cvt_ledger_init(&l);
	CHECK(import_text(&l, "x.yaml", "vulnerabilities: []\nsecrets:\n", &err) == 0);
	CHECK(import_text(&l, "x.yaml", "vulnerabilities:\n", &err) == 0);
	CHECK(l.n_decisions == 0);
	cvt_ledger_release(&l);
	cvt_error_release(&err);
}

static void test_sarif_exact(void)
{
	struct cvt_report r;
	struct cvt_ledger l;
	build_report(&r);
	build_ledger(&l);
	struct strbuf out = STRBUF_INIT;
	cvt_sarif_write(&r, &l, TODAY, &out);
	CHECK_LINES(out.buf, expected_sarif);
	CHECK(json_valid(out.buf) == 0);
	sb_release(&out);

	/* Without a ledger: no suppression; with the curl decision expired: none for it either. */
	cvt_sarif_write(&r, NULL, TODAY, &out);
	CHECK(strstr(out.buf, "suppressions") == NULL);
	CHECK(strstr(out.buf, "\"triage\"") == NULL);
	sb_reset(&out);
	cvt_sarif_write(&r, &l, "2027-03-01", &out);
	CHECK(strstr(out.buf, "\"status\": \"accepted\"") != NULL); /* CVE-2024-0001, no expiry */
	CHECK(strstr(out.buf, "we never call curl with SOCKS5 (Jane Doe, 2026-11-20)\"\n") == NULL);
	CHECK(strstr(out.buf, "\"expired\": true") != NULL);
	sb_release(&out);

	/* The fingerprint is the key's: a new version and place of the package keep it. */
	struct cvt_report moved;
	cvt_report_init(&moved);
	moved.artifact_name = "ghcr.io/acme/web:1.5.0";
	struct cvt_finding *f =
		add_finding(&moved, "CVE-2023-38545 pkg:deb/debian/curl", "CVE-2023-38545",
			    "pkg:deb/debian/curl", "curl", CVT_SEV_HIGH);
	f->installed_version = "7.88.1-10+deb12u2";
	cvt_finding_add_location(&moved, f, "ghcr.io/acme/web:1.5.0 (debian 12.5)", NULL,
				 "7.88.1-10+deb12u2");
	cvt_report_finish(&moved);
	cvt_sarif_write(&moved, NULL, TODAY, &out);
	CHECK(strstr(out.buf,
		     "\"cvetrailFindingKey/v1\": "
		     "\"311d6fea650735f488c29b00995f60c077c4ab885d3a93d00721f84b7337a932\"") !=
	      NULL);
	CHECK(strstr(out.buf, "\"uri\": \"acme/web\"") != NULL);
	sb_release(&out);
	cvt_report_release(&moved);

	/* Locations are relative URIs, whatever the scanner wrote. */
	cvt_report_init(&moved);
	f = add_finding(&moved, "CVE-1 pkg:npm/a", "CVE-1", "pkg:npm/a", "a", CVT_SEV_UNKNOWN);
	cvt_finding_add_location(&moved, f, "Node.js", "/../app/../node_modules/a b/package.json",
				 NULL);
	cvt_finding_add_location(&moved, f, "C:thing", NULL, NULL);
	cvt_finding_add_location(&moved, f, "img.tar (alpine 3.19.1)", NULL, NULL);
	f = add_finding(&moved, "CVE-2 pkg:npm/b", "CVE-2", "pkg:npm/b", "b", CVT_SEV_LOW);
	cvt_report_finish(&moved);
	cvt_sarif_write(&moved, NULL, NULL, &out);
	CHECK(strstr(out.buf, "\"uri\": \"app/node_modules/a%20b/package.json\"") != NULL);
	CHECK(strstr(out.buf, "\"uri\": \"C%3Athing\"") != NULL);
	CHECK(strstr(out.buf, "\"uri\": \"img.tar\"") != NULL);
	CHECK(strstr(out.buf, "\"uri\": \"image\"") != NULL); /* no location, no artifact */
	CHECK(strstr(out.buf, "\"level\": \"note\"") != NULL);
	CHECK(strstr(out.buf, "automationDetails") == NULL);
	CHECK(json_valid(out.buf) == 0);
	sb_release(&out);
	cvt_report_release(&moved);
	cvt_ledger_release(&l);
	cvt_report_release(&r);
}

/* The locations SARIF lists for result `k` of its only run: their URIs, in
 * order, each followed by '\n' in `uris`; the result's message in `message`. */
static size_t sarif_result_locations(const char *sarif, size_t k, struct strbuf *uris,
				     struct strbuf *message)
{
	size_t len = strlen(sarif), n = 0;
	char *copy = malloc(len + 1);
	memcpy(copy, sarif, len + 1);
	struct json_doc doc;
	struct cvt_error err = CVT_ERROR_INIT;
	sb_reset(uris);
	sb_reset(message);
	if (json_parse(&doc, copy, len, &err) == 0) {
		const struct json_value *runs = json_get(doc.root, "runs");
		const struct json_value *results = runs ? json_get(&runs->u.items[0], "results") : NULL;
		if (results && k < results->len) {
			const struct json_value *res = &results->u.items[k];
			sb_addstr(message, json_get_str(json_get(res, "message"), "text"));
			const struct json_value *locs = json_get(res, "locations");
			for (n = 0; locs && n < locs->len; n++) {
				const struct json_value *phys =
					json_get(&locs->u.items[n], "physicalLocation");
				sb_addstr(uris, json_get_str(json_get(phys, "artifactLocation"), "uri"));
				sb_addch(uris, '\n');
			}
		}
		json_doc_release(&doc);
	}
	cvt_error_release(&err);
	free(copy);
	return n;
}

/* GitHub code scanning rejects a whole file with a result of more than 1,000
 * locations: SARIF lists the first 1,000 distinct ones and says how many
 * there are; a finding found again and again in one place is one location. */
static void test_sarif_location_limit(void)
{
	struct cvt_report r;
	cvt_report_init(&r);
	r.artifact_name = IMAGE;
	struct cvt_finding *many = add_finding(&r, "CVE-1 pkg:maven/a/b", "CVE-1",
					       "pkg:maven/a/b", "a:b", CVT_SEV_HIGH);
	struct cvt_finding *limit = add_finding(&r, "CVE-2 pkg:maven/a/b", "CVE-2",
						"pkg:maven/a/b", "a:b", CVT_SEV_HIGH);
	struct cvt_finding *same = add_finding(&r, "CVE-3 pkg:deb/debian/zlib", "CVE-3",
					       "pkg:deb/debian/zlib", "zlib", CVT_SEV_LOW);
	char path[64];
	for (int i = 0; i < 1500; i++) {
		snprintf(path, sizeof path, "/opt/app%04d/lib/b.jar", i);
		cvt_finding_add_location(&r, many, "Java", arena_strdup(&r.arena, path), "1.0");
		if (i < CVT_SARIF_MAX_LOCATIONS)
			cvt_finding_add_location(&r, limit, "Java", arena_strdup(&r.arena, path), "1.0");
	}
	/* One image, many versions of the package: the URI is the image's each time. */
	for (int i = 0; i < 1200; i++) {
		snprintf(path, sizeof path, "1.2.%d", i);
		cvt_finding_add_location(&r, same, IMAGE " (debian 12.4)", NULL,
					 arena_strdup(&r.arena, path));
	}
	cvt_report_finish(&r);

	struct strbuf out = STRBUF_INIT, uris = STRBUF_INIT, message = STRBUF_INIT;
	cvt_sarif_write(&r, NULL, TODAY, &out);
	CHECK(json_valid(out.buf) == 0);

	CHECK(sarif_result_locations(out.buf, 0, &uris, &message) == CVT_SARIF_MAX_LOCATIONS);
	CHECK(strncmp(uris.buf, "opt/app0000/lib/b.jar\nopt/app0001/lib/b.jar\n", 44) == 0);
	CHECK(strstr(uris.buf, "opt/app0999/lib/b.jar\n") != NULL);
	CHECK(strstr(uris.buf, "opt/app1000/lib/b.jar\n") == NULL);
	CHECK(strstr(message.buf, " Found in 1500 places; the first 1000 are listed") != NULL);

	CHECK(sarif_result_locations(out.buf, 1, &uris, &message) == CVT_SARIF_MAX_LOCATIONS);
	CHECK(strstr(message.buf, "Found in") == NULL);
	CHECK(strstr(uris.buf, "opt/app0999/lib/b.jar\n") != NULL);

	CHECK(sarif_result_locations(out.buf, 2, &uris, &message) == 1);
	CHECK_STR(uris.buf, "acme/web\n");
	CHECK(strstr(message.buf, "Found in") == NULL);

	sb_release(&out);
	sb_release(&uris);
	sb_release(&message);
	cvt_report_release(&r);
}

TEST_MAIN("vex", TEST(test_sha256_vectors), TEST(test_oci_purl), TEST(test_vocabulary_maps),
	  TEST(test_openvex_exact), TEST(test_cyclonedx_exact), TEST(test_trivyignore_exact),
	  TEST(test_trivyignore_conflicts), TEST(test_hostile_reason), TEST(test_determinism),
	  TEST(test_empty_ledger), TEST(test_round_trips), TEST(test_import_openvex),
	  TEST(test_import_cyclonedx), TEST(test_import_trivyignore),
	  TEST(test_import_trivyignore_yaml), TEST(test_sarif_exact),
	  TEST(test_sarif_location_limit))
