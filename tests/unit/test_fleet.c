#include <ftw.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet.h"
#include "harness.h"
#include "report.h"
#include "strbuf.h"
#include "triage.h"

static char tmpdir[] = "/tmp/cvetrail-test-fleet-XXXXXX";
static int tmpdir_made;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_tmpdir(void)
{
	nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *tmp_path(struct strbuf *sb, const char *name)
{
	if (!tmpdir_made) {
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(2);
		}
		tmpdir_made = 1;
		atexit(remove_tmpdir);
	}
	sb_reset(sb);
	sb_addf(sb, "%s/%s", tmpdir, name);
	return sb->buf;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

/* ---- file names ---- */

static int name_is_safe(const char *name)
{
	regex_t re;
	regcomp(&re, "^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$", REG_EXTENDED | REG_NOSUB);
	int ok = regexec(&re, name, 0, NULL, 0) == 0;
	regfree(&re);
	return ok && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && !strstr(name, "..");
}

static char *file_name(const char *ref)
{
	struct strbuf sb = STRBUF_INIT;
	cvt_image_file_name(ref, &sb);
	return sb_detach(&sb, NULL);
}

static void test_names_identity(void)
{
	char *a = file_name("nginx");
	char *b = file_name("web-1.2_3");
	CHECK_STR(a, "nginx");
	CHECK_STR(b, "web-1.2_3");
	free(a);
	free(b);
}

static void test_names_hostile(void)
{
	char long_name[1001];
	memset(long_name, 'a', 1000);
	long_name[1000] = 0;
	char long_other[1001];
	memcpy(long_other, long_name, 1001);
	long_other[999] = 'b';
	const char *refs[] = {
		"../../etc/passwd", "-rf", "a/b", "a_b", "a:b",
		"registry:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		long_name, long_other, "ctl\n\t\x1b[31mred", "caf\xc3\xa9", "caf\xc3\xa8", ".", "..", "",
		".hidden", "App", "app", "con", "x.", "a b", "a*b", "$(id)", "nginx:1.25",
	};
	size_t n = sizeof refs / sizeof refs[0];
	char *names[sizeof refs / sizeof refs[0]];
	for (size_t i = 0; i < n; i++) {
		names[i] = file_name(refs[i]);
		if (!name_is_safe(names[i]))
			fprintf(stderr, "unsafe name for ref %zu: %s\n", i, names[i]);
		CHECK(name_is_safe(names[i]));
		char *again = file_name(refs[i]);
		CHECK_STR(again, names[i]); /* deterministic */
		free(again);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			if (!strcmp(names[i], names[j]))
				fprintf(stderr, "collision: %zu and %zu: %s\n", i, j, names[i]);
			CHECK(strcmp(names[i], names[j]) != 0);
		}
	/* Anything changed carries a hash of the whole reference. */
	CHECK(!strncmp(names[0], "x.__.__etc_passwd-", 18) && strlen(names[0]) == 18 + 16);
	CHECK_STR(names[3], "a_b");
	CHECK(!strncmp(names[2], "a_b-", 4) && strlen(names[2]) == 4 + 16);
	CHECK(names[1][0] != '-');
	CHECK(strlen(names[6]) <= 151);
	free(names[0]);
	for (size_t i = 1; i < n; i++)
		free(names[i]);
}

static void test_names_hash_lookalike(void)
{
	/* A reference that already looks like a hashed name must not keep it as is. */
	char *hashed = file_name("a/b");
	char *lookalike = file_name(hashed);
	CHECK(strcmp(hashed, lookalike) != 0);
	free(hashed);
	free(lookalike);
}

/* ---- aggregate ---- */

static void add(struct cvt_report *r, const char *id, const char *purl, enum cvt_severity sev)
{
	struct cvt_finding *f = cvt_report_add(r);
	f->id = arena_strdup(&r->arena, id);
	f->purl = arena_strdup(&r->arena, purl);
	f->severity = sev;
	f->key = arena_sprintf(&r->arena, "%s %s", id, purl);
}

static void decide(struct cvt_ledger *l, const char *id, const char *package, const char *image,
		   const char *expires, const char *severity)
{
	struct cvt_decision d = {.id = id,
				 .package = package,
				 .image = image,
				 .status = "affected",
				 .reason = "tested",
				 .author = "unit",
				 .date = "2026-01-01",
				 .expires = expires,
				 .severity = severity};
	cvt_ledger_put(l, &d);
}

static void test_aggregate(void)
{
	struct cvt_ledger l;
	cvt_ledger_init(&l);
	decide(&l, "CVE-1", "pkg:deb/debian/a", NULL, NULL, NULL);    /* fleet-wide */
	decide(&l, "CVE-2", NULL, "web", "2026-02-01", "LOW");        /* web only, expired */
	decide(&l, "CVE-9", NULL, NULL, NULL, NULL);                  /* covers nothing */

	struct cvt_report web, db, api;
	cvt_report_init(&web);
	cvt_report_init(&db);
	cvt_report_init(&api);
	add(&web, "CVE-1", "pkg:deb/debian/a", CVT_SEV_HIGH);
	add(&web, "CVE-2", "pkg:deb/debian/b", CVT_SEV_CRITICAL);
	add(&web, "CVE-2", "pkg:deb/debian/c", CVT_SEV_CRITICAL);
	add(&db, "CVE-1", "pkg:deb/debian/a", CVT_SEV_CRITICAL);
	add(&db, "CVE-2", "pkg:deb/debian/b", CVT_SEV_MEDIUM);
	add(&db, "CVE-3", "pkg:deb/debian/d", CVT_SEV_LOW);
	add(&api, "CVE-1", "pkg:deb/debian/z", CVT_SEV_LOW); /* other package: not covered */
	cvt_report_finish(&web);
	cvt_report_finish(&db);
	cvt_report_finish(&api);

	struct cvt_fleet f;
	cvt_fleet_init(&f, &l, "2026-03-01");
	cvt_fleet_add(&f, "web", &web);
	cvt_fleet_add(&f, "db", &db);
	cvt_fleet_add(&f, "api", &api);
	cvt_fleet_finish(&f);

	CHECK(f.n_images == 3);
	CHECK(f.findings == 7);
	CHECK_STR(f.images[0].image, "web");
	CHECK(f.images[0].findings == 3);
	CHECK(f.images[0].open[CVT_SEV_CRITICAL] == 2);
	CHECK(f.images[0].untriaged[CVT_SEV_CRITICAL] == 0); /* the scoped decision covers both */
	CHECK(f.images[0].expired == 2);
	CHECK(f.images[0].risen == 2); /* decided LOW, now CRITICAL */
	CHECK(f.images[1].untriaged[CVT_SEV_MEDIUM] == 1); /* CVE-2 in db: out of scope */
	CHECK(f.images[1].untriaged[CVT_SEV_CRITICAL] == 0);
	CHECK(f.images[1].expired == 0);
	CHECK(f.images[2].untriaged[CVT_SEV_LOW] == 1);

	CHECK(f.n_cves == 3);
	/* Most images first, then severity, then id. */
	CHECK_STR(f.cves[0].id, "CVE-1");
	CHECK(f.cves[0].images == 3);
	CHECK(f.cves[0].untriaged_images == 1);
	CHECK(f.cves[0].severity == CVT_SEV_CRITICAL);
	CHECK_STR(f.cves[1].id, "CVE-2");
	CHECK(f.cves[1].images == 2); /* two packages in web count one image */
	CHECK(f.cves[1].untriaged_images == 1);
	CHECK(f.cves[1].severity == CVT_SEV_CRITICAL);
	CHECK_STR(f.cves[2].id, "CVE-3");
	CHECK(cvt_fleet_find_cve(&f, "CVE-2") == &f.cves[1]);
	CHECK(cvt_fleet_find_cve(&f, "CVE-404") == NULL);

	size_t i1 = cvt_ledger_find(&l, "CVE-1", "pkg:deb/debian/a");
	size_t i2 = cvt_ledger_find_in(&l, "CVE-2", NULL, "web");
	size_t i9 = cvt_ledger_find(&l, "CVE-9", NULL);
	CHECK(f.decision_images[i1] == 2);
	CHECK(f.decision_images[i2] == 1);
	CHECK(f.decision_images[i9] == 0);

	cvt_fleet_release(&f);
	cvt_report_release(&web);
	cvt_report_release(&db);
	cvt_report_release(&api);
	cvt_ledger_release(&l);
}

static void test_aggregate_many_ids(void)
{
	/* Enough distinct ids to grow the index several times. */
	struct cvt_fleet f;
	cvt_fleet_init(&f, NULL, NULL);
	for (int img = 0; img < 4; img++) {
		struct cvt_report r;
		cvt_report_init(&r);
		for (int i = 0; i < 5000; i++) {
			char id[32];
			snprintf(id, sizeof id, "CVE-2026-%d", i * (img + 1) % 9000);
			add(&r, id, "pkg:generic/x", (enum cvt_severity)(i % CVT_SEV_COUNT));
		}
		cvt_report_finish(&r);
		char name[8];
		snprintf(name, sizeof name, "i%d", img);
		cvt_fleet_add(&f, name, &r);
		cvt_report_release(&r);
	}
	cvt_fleet_finish(&f);
	size_t total = 0;
	for (size_t k = 0; k < f.n_cves; k++) {
		total += f.cves[k].images;
		CHECK(f.cves[k].images == f.cves[k].untriaged_images);
		CHECK(cvt_fleet_find_cve(&f, f.cves[k].id) == &f.cves[k]);
		if (k)
			CHECK(f.cves[k - 1].images >= f.cves[k].images);
	}
	CHECK(total == f.findings);
	CHECK(f.n_images == 4);
	cvt_fleet_release(&f);
}

/* ---- reader ---- */

static const char *canonical(const char *artifact, const char *id)
{
	static char text[1024];
	snprintf(text, sizeof text,
		 "{\"schema\": \"cvetrail/report/1\", \"artifact\": {\"name\": \"%s\", \"type\": "
		 "\"container_image\"}, \"scanner\": {\"name\": \"trivy\"}, \"results\": 1, "
		 "\"findings\": [{\"key\": \"%s pkg:deb/debian/a\", \"id\": \"%s\", \"package\": "
		 "{\"name\": \"a\", \"purl\": \"pkg:deb/debian/a\"}, \"severity\": \"HIGH\", "
		 "\"status\": \"affected\", \"locations\": [{\"target\": \"t\"}]}]}\n",
		 artifact, id, id);
	return text;
}

static void test_reader_folder(void)
{
	struct strbuf path = STRBUF_INIT, dir = STRBUF_INIT;
	struct cvt_error err = CVT_ERROR_INIT;
	sb_addstr(&dir, tmp_path(&path, "fleet"));
	mkdir(dir.buf, 0777);
	write_text(tmp_path(&path, "fleet/web.json"), canonical("web:1", "CVE-1"));
	write_text(tmp_path(&path, "fleet/api.json"), canonical("api:2", "CVE-2"));
	write_text(tmp_path(&path, "fleet/.hidden.json"), "not json");
	write_text(tmp_path(&path, "fleet/notes.txt"), "not a report");
	CHECK(cvt_fleet_is_fleet(dir.buf));

	struct cvt_fleet_reader *rd;
	CHECK(cvt_fleet_open(&rd, dir.buf, &err) == 0);
	if (rd) {
		struct cvt_report r;
		const char *image;
		cvt_report_init(&r);
		CHECK(cvt_fleet_size(rd) == 2);
		CHECK(cvt_fleet_next(rd, &r, &image, &err) == 1);
		CHECK_STR(image, "api");
		CHECK(r.n_findings == 1);
		CHECK_STR(r.findings[0].id, "CVE-2");
		CHECK(cvt_fleet_next(rd, &r, &image, &err) == 1);
		CHECK_STR(image, "web");
		CHECK_STR(r.artifact_name, "web:1");
		CHECK(cvt_fleet_next(rd, &r, &image, &err) == 0);
		cvt_report_release(&r);
		cvt_fleet_close(rd);
	}

	/* A broken report is an error naming its file. */
	write_text(tmp_path(&path, "fleet/bad.json"), "{\"schema\": ");
	CHECK(cvt_fleet_open(&rd, dir.buf, &err) == 0);
	if (rd) {
		struct cvt_report r;
		const char *image;
		cvt_report_init(&r);
		CHECK(cvt_fleet_next(rd, &r, &image, &err) == 1);
		CHECK(cvt_fleet_next(rd, &r, &image, &err) < 0);
		CHECK(strstr(err.file.buf, "bad.json") != NULL);
		cvt_report_release(&r);
		cvt_fleet_close(rd);
	}

	/* An empty folder is refused. */
	sb_reset(&dir);
	sb_addstr(&dir, tmp_path(&path, "empty"));
	mkdir(dir.buf, 0777);
	cvt_error_clear(&err);
	CHECK(cvt_fleet_open(&rd, dir.buf, &err) < 0);
	CHECK(rd == NULL);

	/* A single report is not a fleet. */
	CHECK(!cvt_fleet_is_fleet(tmp_path(&path, "fleet/web.json")));
	sb_release(&path);
	sb_release(&dir);
	cvt_error_release(&err);
}

/* pairs/img-<i>.json: the report of image img:<i>, with the one finding CVE-<i>. */
static void write_image(struct strbuf *path, int i)
{
	char id[16], artifact[16], name[32];
	snprintf(id, sizeof id, "CVE-%d", i);
	snprintf(artifact, sizeof artifact, "img:%d", i);
	snprintf(name, sizeof name, "pairs/img-%d.json", i);
	write_text(tmp_path(path, name), canonical(artifact, id));
}

/* A folder's reports read two at a time come out as read in turn: in name
 * order, each whole; a broken one fails where it stands, whichever thread
 * read it; rewinding or closing with a report read ahead loses nothing. */
static void test_reader_folder_pairs(void)
{
	struct strbuf path = STRBUF_INIT, dir = STRBUF_INIT, name = STRBUF_INIT;
	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_fleet_reader *rd;
	struct cvt_report r;
	const char *image;
	char id[16];
	sb_addstr(&dir, tmp_path(&path, "pairs"));
	mkdir(dir.buf, 0777);
	for (int i = 0; i < 7; i++)
		write_image(&path, i);
	cvt_report_init(&r);
	CHECK(cvt_fleet_open(&rd, dir.buf, &err) == 0);
	for (int pass = 0; rd && pass < 2; pass++) {
		/* The second pass starts over after 3 images: the 4th is read ahead. */
		int until = pass ? 7 : 3;
		for (int i = 0; i < until; i++) {
			CHECK(cvt_fleet_next(rd, &r, &image, &err) == 1);
			snprintf(id, sizeof id, "CVE-%d", i);
			sb_reset(&name);
			sb_addf(&name, "img-%d", i);
			CHECK_STR(image, name.buf);
			CHECK(r.n_findings == 1 && !strcmp(r.findings[0].id, id));
		}
		if (pass)
			CHECK(cvt_fleet_next(rd, &r, &image, &err) == 0);
		else
			cvt_fleet_rewind(rd);
	}
	cvt_fleet_close(rd);
	/* Closed with the second image read ahead (ASan sees a leak). */
	CHECK(cvt_fleet_open(&rd, dir.buf, &err) == 0);
	CHECK(rd && cvt_fleet_next(rd, &r, &image, &err) == 1);
	cvt_fleet_close(rd);
	/* Broken: img-2 is read by the caller's thread, img-5 ahead. */
	for (int bad = 2; bad <= 5; bad += 3) {
		sb_reset(&name);
		sb_addf(&name, "pairs/img-%d.json", bad);
		write_text(tmp_path(&path, name.buf), "{\"schema\": ");
		CHECK(cvt_fleet_open(&rd, dir.buf, &err) == 0);
		int got = 0, rc = 0;
		while (rd && (rc = cvt_fleet_next(rd, &r, &image, &err)) == 1)
			got++;
		CHECK(got == bad && rc < 0);
		sb_reset(&name);
		sb_addf(&name, "img-%d.json", bad);
		CHECK(strstr(err.file.buf, name.buf) != NULL);
		CHECK(err.has_position && err.offset == 11);
		cvt_fleet_close(rd);
		write_image(&path, bad);
	}
	cvt_report_release(&r);
	sb_release(&path);
	sb_release(&dir);
	sb_release(&name);
	cvt_error_release(&err);
}

static void test_reader_cluster(void)
{
	struct strbuf path = STRBUF_INIT;
	struct cvt_error err = CVT_ERROR_INIT;
	const char *cluster =
		"{\"ClusterName\": \"c1\", \"Resources\": ["
		"{\"Namespace\": \"prod\", \"Kind\": \"Deployment\", \"Name\": \"web\", \"Results\": ["
		"{\"Target\": \"nginx:1.25 (debian 12.1)\", \"Class\": \"os-pkgs\", \"Type\": "
		"\"debian\", \"Vulnerabilities\": [{\"VulnerabilityID\": \"CVE-1\", \"PkgName\": "
		"\"curl\", \"InstalledVersion\": \"1\", \"Severity\": \"HIGH\"}]}]},"
		"{\"Namespace\": \"dev\", \"Kind\": \"Pod\", \"Name\": \"web2\", \"Results\": ["
		"{\"Target\": \"nginx:1.25 (debian 12.1)\", \"Class\": \"os-pkgs\", \"Type\": "
		"\"debian\", \"Vulnerabilities\": [{\"VulnerabilityID\": \"CVE-1\", \"PkgName\": "
		"\"curl\", \"InstalledVersion\": \"1\", \"Severity\": \"HIGH\"}]}]},"
		"{\"Namespace\": \"prod\", \"Kind\": \"Deployment\", \"Name\": \"cache\", \"Results\": ["
		"{\"Target\": \"alpine:3 (alpine 3.19.0)\", \"Class\": \"os-pkgs\", \"Type\": "
		"\"alpine\", \"Vulnerabilities\": []},"
		"{\"Target\": \"Deployment/cache\", \"Class\": \"config\"}]}]}";
	const char *file = tmp_path(&path, "cluster.json");
	write_text(file, cluster);
	CHECK(cvt_fleet_is_fleet(file));
	struct cvt_fleet_reader *rd;
	CHECK(cvt_fleet_open(&rd, file, &err) == 0);
	if (rd) {
		struct cvt_report r;
		const char *image;
		cvt_report_init(&r);
		CHECK(cvt_fleet_size(rd) == 2);
		CHECK(cvt_fleet_next(rd, &r, &image, &err) == 1);
		CHECK_STR(image, "alpine:3");
		CHECK(r.n_findings == 0);
		CHECK(cvt_fleet_next(rd, &r, &image, &err) == 1);
		CHECK_STR(image, "nginx:1.25");
		CHECK_STR(r.artifact_name, "nginx:1.25");
		CHECK(r.n_findings == 1);
		if (r.n_findings == 1) {
			CHECK_STR(r.findings[0].key, "CVE-1 pkg:deb/debian/curl");
			CHECK(r.findings[0].n_locations == 2);
			CHECK_STR(r.findings[0].locations[0].target,
				  "dev/Pod/web2: nginx:1.25 (debian 12.1)");
			CHECK_STR(r.findings[0].locations[1].target,
				  "prod/Deployment/web: nginx:1.25 (debian 12.1)");
		}
		CHECK(cvt_fleet_next(rd, &r, &image, &err) == 0);
		cvt_report_release(&r);
		cvt_fleet_close(rd);
	}
	sb_release(&path);
	cvt_error_release(&err);
}

static void test_scope_matching(void)
{
	CHECK(cvt_image_in_scope("web", "web"));
	CHECK(cvt_image_in_scope("reg:5000/team/app:1.2@sha256:ab", "reg:5000/team/app"));
	CHECK(cvt_image_in_scope("reg:5000/team/app:1.2@sha256:ab", "reg:5000/team/app:1.2"));
	CHECK(!cvt_image_in_scope("reg:5000/team/app:1.2", "reg"));
	CHECK(!cvt_image_in_scope("web2", "web"));
	CHECK(!cvt_image_in_scope(NULL, "web"));
	CHECK(cvt_image_in_scope(NULL, NULL));
}

TEST_MAIN("fleet", TEST(test_names_identity), TEST(test_reader_folder_pairs), TEST(test_names_hostile),
	  TEST(test_names_hash_lookalike), TEST(test_aggregate), TEST(test_aggregate_many_ids),
	  TEST(test_reader_folder), TEST(test_reader_cluster), TEST(test_scope_matching))
