#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "harness.h"
#include "json.h"
#include "report.h"
#include "triage.h"

static char tmpdir[] = "/tmp/cvetrail-test-triage-XXXXXX";
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

/* A path in a scratch folder made on first use and removed at exit. */
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

static struct cvt_decision decision(const char *id, const char *package, const char *status,
				    const char *justification)
{
	struct cvt_decision d = {
		.id = id,
		.package = package,
		.status = status,
		.justification = justification,
		.reason = "a reason",
		.author = "Jane Doe",
		.date = "2026-05-01",
	};
	return d;
}

/* Loads `text` as a ledger file; returns the rc and leaves the message in err. */
static int load_text(struct cvt_ledger *l, const char *text, struct cvt_error *err)
{
	struct strbuf path = STRBUF_INIT;
	tmp_path(&path, "ledger.json");
	write_text(path.buf, text);
	cvt_ledger_init(l);
	cvt_error_clear(err);
	int rc = cvt_ledger_load(l, path.buf, err);
	sb_release(&path);
	return rc;
}

static int message_has(const struct cvt_error *err, const char *needle)
{
	struct strbuf line = STRBUF_INIT;
	cvt_error_format(err, &line);
	int found = strstr(line.buf, needle) != NULL;
	if (!found)
		fprintf(stderr, "  message \"%s\" lacks \"%s\"\n", line.buf, needle);
	sb_release(&line);
	return found;
}

static const char written_ledger[] =
	"{\n"
	"  \"schema\": \"cvetrail/triage/1\",\n"
	"  \"decisions\": [\n"
	"    {\n"
	"      \"id\": \"CVE-2023-1\",\n"
	"      \"status\": \"affected\",\n"
	"      \"reason\": \"accepted\",\n"
	"      \"author\": \"Jane Doe\",\n"
	"      \"date\": \"2026-05-01\"\n"
	"    },\n"
	"    {\n"
	"      \"id\": \"CVE-2023-1\",\n"
	"      \"package\": \"pkg:deb/debian/curl\",\n"
	"      \"status\": \"not_affected\",\n"
	"      \"justification\": \"vulnerable_code_not_in_execute_path\",\n"
	"      \"reason\": \"we never call curl with SOCKS5\",\n"
	"      \"author\": \"Jane Doe\",\n"
	"      \"date\": \"2026-05-01\",\n"
	"      \"expires\": \"2027-02-28\",\n"
	"      \"severity\": \"HIGH\"\n"
	"    },\n"
	"    {\n"
	"      \"id\": \"CVE-2023-2\",\n"
	"      \"package\": \"pkg:pypi/flask\",\n"
	"      \"status\": \"fixed\",\n"
	"      \"reason\": \"patched\",\n"
	"      \"author\": \"Bob\",\n"
	"      \"date\": \"2026-05-02\"\n"
	"    }\n"
	"  ]\n"
	"}\n";

static void test_write_sorted_and_stable(void)
{
	struct cvt_ledger l;
	struct strbuf out = STRBUF_INIT;
	cvt_ledger_init(&l);
	struct cvt_decision a = decision("CVE-2023-2", "pkg:pypi/flask", "fixed", NULL);
	a.reason = "patched";
	a.author = "Bob";
	a.date = "2026-05-02";
	struct cvt_decision b = decision("CVE-2023-1", "pkg:deb/debian/curl", "not_affected",
					 "vulnerable_code_not_in_execute_path");
	b.reason = "we never call curl with SOCKS5";
	b.expires = "2027-02-28";
	b.severity = "HIGH";
	struct cvt_decision c = decision("CVE-2023-1", NULL, "affected", NULL);
	c.reason = "accepted";
	cvt_ledger_put(&l, &a);
	cvt_ledger_put(&l, &b);
	cvt_ledger_put(&l, &c);
	CHECK(l.n_decisions == 3);
	cvt_ledger_write(&l, &out);
	CHECK_STR(out.buf, written_ledger);
	cvt_ledger_release(&l);

	/* load + write of a written ledger gives the same bytes */
	struct cvt_error err = CVT_ERROR_INIT;
	CHECK(load_text(&l, out.buf, &err) == 0);
	CHECK(l.n_decisions == 3);
	struct strbuf again = STRBUF_INIT;
	cvt_ledger_write(&l, &again);
	CHECK_STR(again.buf, out.buf);
	cvt_ledger_release(&l);

	/* an empty ledger */
	cvt_ledger_init(&l);
	sb_reset(&again);
	cvt_ledger_write(&l, &again);
	CHECK(again.len > 0 && again.buf[again.len - 1] == '\n');
	CHECK(load_text(&l, again.buf, &err) == 0);
	CHECK(l.n_decisions == 0);
	cvt_ledger_release(&l);
	sb_release(&again);
	sb_release(&out);
	cvt_error_release(&err);
}

static void test_load_sorts_hand_edited_order(void)
{
	struct cvt_ledger l;
	struct cvt_error err = CVT_ERROR_INIT;
	const char *text =
		"{\"decisions\": [\n"
		" {\"severity\": \"LOW\", \"id\": \"B\", \"package\": \"pkg:npm/b\", \"status\": \"fixed\","
		"  \"reason\": \"r\", \"author\": \"a\", \"date\": \"2026-01-01\"},\n"
		" {\"id\": \"B\", \"status\": \"fixed\", \"reason\": \"r\", \"author\": \"a\","
		"  \"date\": \"2026-01-01\", \"expires\": null},\n"
		" {\"id\": \"A\", \"package\": \"pkg:npm/z\", \"status\": \"fixed\", \"reason\": \"r\","
		"  \"author\": \"a\", \"date\": \"2026-01-01\"}\n"
		"], \"schema\": \"cvetrail/triage/1\"}";
	CHECK(load_text(&l, text, &err) == 0);
	CHECK(l.n_decisions == 3);
	if (l.n_decisions == 3) {
		CHECK_STR(l.decisions[0].id, "A");
		CHECK_STR(l.decisions[1].id, "B");
		CHECK(l.decisions[1].package == NULL);
		CHECK(l.decisions[1].expires == NULL);
		CHECK_STR(l.decisions[2].package, "pkg:npm/b");
		CHECK_STR(l.decisions[2].severity, "LOW");
	}
	/* after load the error carries no stale file name */
	CHECK(err.file.len == 0);
	cvt_ledger_release(&l);
	cvt_error_release(&err);
}

static void test_missing_file_is_empty(void)
{
	struct cvt_ledger l;
	struct cvt_error err = CVT_ERROR_INIT;
	struct strbuf path = STRBUF_INIT;
	cvt_ledger_init(&l);
	CHECK(cvt_ledger_load(&l, tmp_path(&path, "no/such/triage.json"), &err) == 0);
	CHECK(l.n_decisions == 0);
	cvt_ledger_release(&l);
	sb_release(&path);
	cvt_error_release(&err);
}

static void test_put_replaces_and_remove(void)
{
	struct cvt_ledger l;
	cvt_ledger_init(&l);
	struct cvt_decision d = decision("CVE-1", "pkg:deb/debian/curl", "affected", NULL);
	cvt_ledger_put(&l, &d);
	d.reason = "second thoughts";
	d.status = "under_investigation";
	cvt_ledger_put(&l, &d);
	CHECK(l.n_decisions == 1);
	CHECK_STR(l.decisions[0].reason, "second thoughts");
	CHECK_STR(l.decisions[0].status, "under_investigation");
	/* the copy does not borrow the caller's strings */
	CHECK(l.decisions[0].reason != d.reason);

	struct cvt_decision wide = decision("CVE-1", NULL, "affected", NULL);
	cvt_ledger_put(&l, &wide);
	CHECK(l.n_decisions == 2);
	CHECK(l.decisions[0].package == NULL);
	CHECK(cvt_ledger_find(&l, "CVE-1", NULL) == 0);
	CHECK(cvt_ledger_find(&l, "CVE-1", "pkg:deb/debian/curl") == 1);
	CHECK(cvt_ledger_find(&l, "CVE-1", "pkg:deb/debian/zlib") == (size_t)-1);

	CHECK(cvt_ledger_remove(&l, "CVE-1", "pkg:deb/debian/zlib") == 0);
	CHECK(cvt_ledger_remove(&l, "CVE-2", NULL) == 0);
	CHECK(cvt_ledger_remove(&l, "CVE-1", NULL) == 1);
	CHECK(l.n_decisions == 1);
	CHECK_STR(l.decisions[0].package, "pkg:deb/debian/curl");
	CHECK(cvt_ledger_remove(&l, "CVE-1", NULL) == 0);
	CHECK(cvt_ledger_remove(&l, "CVE-1", "pkg:deb/debian/curl") == 1);
	CHECK(l.n_decisions == 0);
	cvt_ledger_release(&l);
}

static void test_many_puts_stay_sorted(void)
{
	struct cvt_ledger l;
	cvt_ledger_init(&l);
	char id[32];
	for (int i = 0; i < 500; i++) {
		snprintf(id, sizeof id, "CVE-%04d", (i * 7919) % 500);
		struct cvt_decision d = decision(id, i % 2 ? "pkg:npm/x" : NULL, "affected", NULL);
		cvt_ledger_put(&l, &d);
	}
	CHECK(l.n_decisions == 500);
	for (size_t i = 1; i < l.n_decisions; i++)
		CHECK(strcmp(l.decisions[i - 1].id, l.decisions[i].id) < 0);
	cvt_ledger_release(&l);
}

static void check_invalid(struct cvt_decision d, const char *needle1, const char *needle2)
{
	struct cvt_error err = CVT_ERROR_INIT;
	CHECK(cvt_decision_validate(&d, &err) == CVT_EINVAL);
	CHECK(message_has(&err, needle1));
	if (needle2)
		CHECK(message_has(&err, needle2));
	cvt_error_release(&err);
}

static void test_validation(void)
{
	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_decision ok =
		decision("CVE-1", "pkg:deb/debian/curl", "not_affected", "component_not_present");
	CHECK(cvt_decision_validate(&ok, &err) == 0);
	for (const char *const *s = cvt_vex_statuses; *s; s++) {
		struct cvt_decision d = decision("CVE-1", NULL, *s, NULL);
		if (!strcmp(*s, "not_affected"))
			d.justification = "inline_mitigations_already_exist";
		CHECK(cvt_decision_validate(&d, &err) == 0);
	}
	for (const char *const *j = cvt_vex_justifications; *j; j++) {
		struct cvt_decision d = decision("CVE-1", NULL, "not_affected", *j);
		CHECK(cvt_decision_validate(&d, &err) == 0);
	}
	struct cvt_decision d;

	d = ok, d.status = "ignored";
	check_invalid(d,
		      "status: expected one of not_affected, affected, fixed, under_investigation",
		      "\"ignored\"");
	d = ok, d.status = NULL;
	check_invalid(d, "status: expected one of", "required");
	d = ok, d.justification = "because";
	check_invalid(d,
		      "justification: expected one of component_not_present, "
		      "vulnerable_code_not_present, vulnerable_code_not_in_execute_path, "
		      "vulnerable_code_cannot_be_controlled_by_adversary, "
		      "inline_mitigations_already_exist",
		      "\"because\"");
	d = ok, d.justification = NULL;
	check_invalid(d, "justification: required with status not_affected",
		      "component_not_present");
	d = ok, d.status = "affected";
	check_invalid(d, "justification: only allowed with status not_affected", "affected");
	d = ok, d.reason = "";
	check_invalid(d, "reason: required", NULL);
	d = ok, d.reason = "  \n";
	check_invalid(d, "reason: required", NULL);
	d = ok, d.reason = NULL;
	check_invalid(d, "reason: required", NULL);
	d = ok, d.author = NULL;
	check_invalid(d, "author: required", NULL);
	d = ok, d.date = "2026-02-30";
	check_invalid(d, "date: expected a calendar date YYYY-MM-DD", "2026-02-30");
	d = ok, d.date = NULL;
	check_invalid(d, "date: expected a calendar date", NULL);
	d = ok, d.expires = "2027-13-01";
	check_invalid(d, "expires: expected a calendar date YYYY-MM-DD", "2027-13-01");
	d = ok, d.expires = "28.02.2027";
	check_invalid(d, "expires: expected a calendar date", NULL);
	d = ok, d.severity = "high";
	check_invalid(d, "severity: expected one of CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN",
		      "\"high\"");
	d = ok, d.id = "";
	check_invalid(d, "id: expected a vulnerability id", NULL);
	d = ok, d.id = "CVE 1";
	check_invalid(d, "id: expected a vulnerability id", "\"CVE 1\"");
	d = ok, d.id = "CVE-1\x1b[31m";
	check_invalid(d, "id: expected a vulnerability id", NULL);
	d = ok, d.package = "curl";
	check_invalid(d, "package: expected a package URL", "\"curl\"");
	d = ok, d.package = "pkg:deb/debian/curl@7.88";
	check_invalid(d, "package: expected the versionless canonical form \"pkg:deb/debian/curl\"",
		      NULL);
	d = ok, d.expires = "2027-02-28", d.severity = "UNKNOWN";
	CHECK(cvt_decision_validate(&d, &err) == 0);
	cvt_error_release(&err);
}

static void test_package_canonicalization(void)
{
	struct strbuf out = STRBUF_INIT;
	struct cvt_error err = CVT_ERROR_INIT;
	CHECK(cvt_decision_package("pkg:deb/debian/curl@7.88?arch=amd64", "--package", &out,
				   &err) == 0);
	CHECK_STR(out.buf, "pkg:deb/debian/curl");
	sb_reset(&out);
	CHECK(cvt_decision_package("curl", "--package", &out, &err) == CVT_EINVAL);
	CHECK(message_has(&err, "--package: expected a package URL such as pkg:deb/debian/curl"));
	CHECK(out.len == 0);
	CHECK(cvt_vuln_id_validate("GHSA-aaaa-bbbb-cccc", &err) == 0);
	CHECK(cvt_vuln_id_validate("CVE-1\t", &err) == CVT_EINVAL);
	sb_release(&out);
	cvt_error_release(&err);
}

static const char entry_tail[] =
	"\"reason\": \"r\", \"author\": \"a\", \"date\": \"2026-01-01\"}]}";

static void check_load_error(const char *entries, const char *needle1, const char *needle2)
{
	struct cvt_ledger l;
	struct cvt_error err = CVT_ERROR_INIT;
	struct strbuf text = STRBUF_INIT;
	sb_addf(&text, "{\"schema\": \"cvetrail/triage/1\", \"decisions\": [%s", entries);
	CHECK(load_text(&l, text.buf, &err) == CVT_EINVAL);
	CHECK(message_has(&err, "ledger.json: "));
	CHECK(message_has(&err, needle1));
	if (needle2)
		CHECK(message_has(&err, needle2));
	CHECK(l.n_decisions == 0);
	cvt_ledger_release(&l);
	sb_release(&text);
	cvt_error_release(&err);
}

static void test_load_errors(void)
{
	struct cvt_ledger l;
	struct cvt_error err = CVT_ERROR_INIT;
	struct strbuf entry = STRBUF_INIT;

	/* JSON syntax: file, line:column and byte offset */
	CHECK(load_text(&l, "{\"schema\": \"cvetrail/triage/1\",\n \"decisions\": [}", &err) ==
	      CVT_EINVAL);
	CHECK(message_has(&err, "ledger.json:2:"));
	CHECK(message_has(&err, "(byte "));
	cvt_ledger_release(&l);
	CHECK(load_text(&l, "", &err) == CVT_EINVAL);
	CHECK(message_has(&err, "empty file"));
	cvt_ledger_release(&l);
	CHECK(load_text(&l, "[]", &err) == CVT_EINVAL);
	CHECK(message_has(&err, "expected a triage ledger object"));
	cvt_ledger_release(&l);
	CHECK(load_text(&l, "{\"schema\": \"cvetrail/report/1\", \"findings\": []}", &err) ==
	      CVT_EINVAL);
	CHECK(message_has(&err, "schema: expected a triage ledger"));
	cvt_ledger_release(&l);
	CHECK(load_text(&l, "{\"schema\": \"cvetrail/triage/1\", \"decisions\": {}}", &err) ==
	      CVT_EINVAL);
	CHECK(message_has(&err, "decisions: expected an array, got an object"));
	cvt_ledger_release(&l);
	CHECK(load_text(&l, "{\"schema\": \"cvetrail/triage/1\", \"decision\": []}", &err) ==
	      CVT_EINVAL);
	CHECK(message_has(&err, "unknown top-level field \"decision\""));
	cvt_ledger_release(&l);

	check_load_error("42]}", "decisions[0]: expected a decision object, got a number", NULL);
	sb_addf(&entry, "{\"id\": \"A\", \"status\": \"fixed\", %s", entry_tail);
	/* the second entry is the bad one: the index says so */
	struct strbuf two = STRBUF_INIT;
	sb_addf(&two,
		"{\"id\": \"B\", \"status\": \"fixed\", \"reason\": \"r\", \"author\": \"a\", "
		"\"date\": \"2026-01-01\"}, {\"id\": \"A\", \"status\": \"wontfix\", %s",
		entry_tail);
	check_load_error(two.buf,
			 "decisions[1].status: expected one of not_affected, affected, "
			 "fixed, under_investigation",
			 "\"wontfix\"");
	sb_reset(&two);
	sb_addf(&two, "{\"id\": \"A\", \"status\": \"fixed\", \"expiry\": \"2027-01-01\", %s",
		entry_tail);
	check_load_error(two.buf, "decisions[0]: unknown field \"expiry\"", "expires");
	sb_reset(&two);
	sb_addf(&two, "{\"id\": \"A\", \"status\": \"fixed\", \"severity\": 3, %s", entry_tail);
	check_load_error(two.buf, "decisions[0].severity: expected a string, got a number", NULL);
	sb_reset(&two);
	sb_addf(&two, "{\"id\": \"A\", \"status\": \"fixed\", \"status\": \"fixed\", %s",
		entry_tail);
	check_load_error(two.buf, "decisions[0].status: field given twice", NULL);
	sb_reset(&two);
	sb_addf(&two, "{\"id\": \"A\", \"status\": \"fixed\", \"expires\": \"2027-02-29\", %s",
		entry_tail);
	check_load_error(two.buf, "decisions[0].expires: expected a calendar date", "2027-02-29");
	sb_reset(&two);
	sb_addf(&two, "{\"status\": \"fixed\", %s", entry_tail);
	check_load_error(two.buf, "decisions[0].id: expected a vulnerability id", NULL);
	sb_reset(&two);
	sb_addf(&two, "{\"id\": \"A\", \"status\": \"not_affected\", %s", entry_tail);
	check_load_error(two.buf, "decisions[0].justification: required with status not_affected",
			 NULL);
	sb_reset(&two);
	sb_addf(&two,
		"{\"id\": \"A\", \"package\": \"pkg:npm/x\", \"status\": \"fixed\", "
		"\"reason\": \"r\", \"author\": \"a\", \"date\": \"2026-01-01\"}, "
		"{\"id\": \"B\", \"status\": \"fixed\", \"reason\": \"r\", \"author\": \"a\", "
		"\"date\": \"2026-01-01\"}, "
		"{\"id\": \"A\", \"package\": \"pkg:npm/x\", \"status\": \"affected\", %s",
		entry_tail);
	check_load_error(two.buf, "decisions[2]: same id and package as decisions[0]", NULL);
	sb_reset(&two);
	sb_addf(&two, "{\"id\": \"A\", \"status\": \"fixed\", \"reason\": \"a\\u0000b\", "
		      "\"author\": \"a\", \"date\": \"2026-01-01\"}]}");
	check_load_error(two.buf, "decisions[0].reason: contains a NUL character", NULL);
	sb_release(&two);
	sb_release(&entry);
	cvt_error_release(&err);
}

static struct cvt_finding finding(const char *id, const char *purl, const char **aliases,
				  size_t n_aliases)
{
	struct cvt_finding f;
	memset(&f, 0, sizeof f);
	f.id = id;
	f.purl = purl;
	f.aliases = aliases;
	f.n_aliases = n_aliases;
	f.severity = CVT_SEV_HIGH;
	return f;
}

static void test_match(void)
{
	struct cvt_ledger l;
	cvt_ledger_init(&l);
	struct cvt_decision exact = decision("CVE-1", "pkg:deb/debian/curl", "affected", NULL);
	exact.reason = "exact";
	struct cvt_decision wide = decision("CVE-1", NULL, "affected", NULL);
	wide.reason = "wide";
	struct cvt_decision ghsa = decision("GHSA-xxxx-yyyy-zzzz", NULL, "affected", NULL);
	ghsa.reason = "ghsa";
	struct cvt_decision cve2 = decision("CVE-2", "pkg:pypi/flask", "affected", NULL);
	cve2.reason = "cve2 flask";
	cvt_ledger_put(&l, &exact);
	cvt_ledger_put(&l, &wide);
	cvt_ledger_put(&l, &ghsa);
	cvt_ledger_put(&l, &cve2);
	const struct cvt_decision *d;

	struct cvt_finding f = finding("CVE-1", "pkg:deb/debian/curl", NULL, 0);
	d = cvt_ledger_match(&l, &f);
	CHECK(d && !strcmp(d->reason, "exact"));
	f = finding("CVE-1", "pkg:deb/debian/zlib1g", NULL, 0);
	d = cvt_ledger_match(&l, &f);
	CHECK(d && !strcmp(d->reason, "wide"));
	/* a CVE-keyed finding that lists the GHSA as alias: decision on the GHSA covers it */
	const char *alias_ghsa[] = {"GHSA-xxxx-yyyy-zzzz"};
	f = finding("CVE-9", "pkg:npm/x", alias_ghsa, 1);
	d = cvt_ledger_match(&l, &f);
	CHECK(d && !strcmp(d->reason, "ghsa"));
	/* a GHSA-keyed finding that lists the CVE: the decision on the CVE covers it */
	const char *alias_cve2[] = {"CVE-2"};
	f = finding("GHSA-1111-2222-3333", "pkg:pypi/flask", alias_cve2, 1);
	d = cvt_ledger_match(&l, &f);
	CHECK(d && !strcmp(d->reason, "cve2 flask"));
	/* ... but a package decision stays with its package */
	f = finding("GHSA-1111-2222-3333", "pkg:pypi/django", alias_cve2, 1);
	CHECK(cvt_ledger_match(&l, &f) == NULL);
	/* the finding's own id wins over an alias */
	const char *alias_cve1[] = {"CVE-1"};
	f = finding("GHSA-xxxx-yyyy-zzzz", "pkg:deb/debian/curl", alias_cve1, 1);
	d = cvt_ledger_match(&l, &f);
	CHECK(d && !strcmp(d->reason, "ghsa"));
	f = finding("CVE-3", "pkg:deb/debian/curl", NULL, 0);
	CHECK(cvt_ledger_match(&l, &f) == NULL);
	/* a prefix of an id is not the id */
	f = finding("CVE-", "pkg:deb/debian/curl", NULL, 0);
	CHECK(cvt_ledger_match(&l, &f) == NULL);

	/* on its own, each decision covers what it says */
	f = finding("CVE-1", "pkg:deb/debian/curl", NULL, 0);
	CHECK(cvt_decision_matches(&exact, &f));
	CHECK(cvt_decision_matches(&wide, &f));
	CHECK(!cvt_decision_matches(&ghsa, &f));
	f = finding("CVE-9", "pkg:npm/x", alias_ghsa, 1);
	CHECK(cvt_decision_matches(&ghsa, &f));

	/* stale detection marks each decision that covers something */
	unsigned char used[4] = {0};
	f = finding("CVE-1", "pkg:deb/debian/curl", NULL, 0);
	cvt_ledger_mark_matches(&l, &f, used);
	CHECK(used[cvt_ledger_find(&l, "CVE-1", NULL)] == 1);
	CHECK(used[cvt_ledger_find(&l, "CVE-1", "pkg:deb/debian/curl")] == 1);
	CHECK(used[cvt_ledger_find(&l, "GHSA-xxxx-yyyy-zzzz", NULL)] == 0);
	CHECK(used[cvt_ledger_find(&l, "CVE-2", "pkg:pypi/flask")] == 0);
	f = finding("GHSA-1111-2222-3333", "pkg:pypi/flask", alias_cve2, 1);
	cvt_ledger_mark_matches(&l, &f, used);
	CHECK(used[cvt_ledger_find(&l, "CVE-2", "pkg:pypi/flask")] == 1);

	cvt_ledger_release(&l);

	/* an empty ledger matches nothing */
	cvt_ledger_init(&l);
	CHECK(cvt_ledger_match(&l, &f) == NULL);
	cvt_ledger_release(&l);
}

static void test_match_many(void)
{
	/* 5000 decisions x 200000 findings must take well under a second (O(n log m)) */
	struct cvt_ledger l;
	cvt_ledger_init(&l);
	char id[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "CVE-2026-%05d", i * 2);
		struct cvt_decision d = decision(id, i % 3 ? NULL : "pkg:npm/x", "affected", NULL);
		cvt_ledger_put(&l, &d);
	}
	size_t matched = 0;
	for (int i = 0; i < 200000; i++) {
		snprintf(id, sizeof id, "CVE-2026-%05d", i % 20000);
		struct cvt_finding f = finding(id, "pkg:npm/x", NULL, 0);
		if (cvt_ledger_match(&l, &f))
			matched++;
	}
	CHECK(matched == 50000);
	cvt_ledger_release(&l);
}

static void test_expiry_boundary(void)
{
	struct cvt_decision d = decision("CVE-1", NULL, "affected", NULL);
	CHECK(!cvt_decision_expired(&d, "2026-05-28"));
	d.expires = "2026-05-28";
	CHECK(!cvt_decision_expired(&d, "2026-05-28")); /* expires today: still valid */
	CHECK(cvt_decision_expired(&d, "2026-05-29"));  /* expired yesterday */
	CHECK(!cvt_decision_expired(&d, "2026-05-27"));
	d.expires = "2025-12-31";
	CHECK(cvt_decision_expired(&d, "2026-01-01"));
}

static void test_save_atomic(void)
{
	struct cvt_ledger l;
	struct cvt_error err = CVT_ERROR_INIT;
	struct strbuf path = STRBUF_INIT;
	cvt_ledger_init(&l);
	struct cvt_decision d = decision("CVE-1", NULL, "affected", NULL);
	cvt_ledger_put(&l, &d);
	CHECK(cvt_ledger_save(&l, tmp_path(&path, "sub/dir/triage.json"), &err) == 0);
	cvt_ledger_release(&l);
	cvt_ledger_init(&l);
	CHECK(cvt_ledger_load(&l, path.buf, &err) == 0);
	CHECK(l.n_decisions == 1);
	cvt_ledger_release(&l);
	sb_release(&path);
	cvt_error_release(&err);
}

/* Image scope: key (id, package, image), file order, precedence, matching by image name. */
static void test_image_scope(void)
{
	struct cvt_ledger l;
	cvt_ledger_init(&l);
	struct cvt_decision wide = decision("CVE-1", NULL, "affected", NULL);
	wide.reason = "wide";
	struct cvt_decision web = decision("CVE-1", NULL, "affected", NULL);
	web.reason = "web";
	web.image = "registry.example/web";
	struct cvt_decision api = decision("CVE-1", NULL, "affected", NULL);
	api.reason = "api";
	api.image = "api:2";
	cvt_ledger_put(&l, &web);
	cvt_ledger_put(&l, &api);
	cvt_ledger_put(&l, &wide);
	CHECK(l.n_decisions == 3);
	/* Sorted: unscoped first, then by image. */
	CHECK(l.decisions[0].image == NULL);
	CHECK_STR(l.decisions[1].image, "api:2");
	CHECK_STR(l.decisions[2].image, "registry.example/web");

	struct cvt_finding f = finding("CVE-1", "pkg:deb/debian/curl", NULL, 0);
	const struct cvt_decision *d = cvt_ledger_match(&l, &f);
	CHECK(d && !strcmp(d->reason, "wide")); /* no image known: unscoped only */
	d = cvt_ledger_match_in(&l, &f, "registry.example/web:1.4@sha256:abcd");
	CHECK(d && !strcmp(d->reason, "web"));
	d = cvt_ledger_match_in(&l, &f, "api:2");
	CHECK(d && !strcmp(d->reason, "api"));
	d = cvt_ledger_match_in(&l, &f, "api:3"); /* the tag is part of this scope */
	CHECK(d && !strcmp(d->reason, "wide"));
	CHECK(cvt_decision_matches_in(&l.decisions[2], &f, "registry.example/web"));
	CHECK(!cvt_decision_matches_in(&l.decisions[2], &f, "registry.example/web2"));
	CHECK(!cvt_decision_matches(&l.decisions[2], &f));

	unsigned char used[3] = {0};
	cvt_ledger_mark_matches_in(&l, &f, "api:2", used);
	CHECK(used[0] == 1 && used[1] == 1 && used[2] == 0);

	/* Written with "image" after "package", read back identical. */
	struct strbuf text = STRBUF_INIT, again = STRBUF_INIT;
	cvt_ledger_write(&l, &text);
	CHECK(strstr(text.buf, "\"image\": \"api:2\",\n      \"status\"") != NULL);
	struct cvt_ledger read;
	struct cvt_error err = CVT_ERROR_INIT;
	CHECK(load_text(&read, text.buf, &err) == 0);
	cvt_ledger_write(&read, &again);
	CHECK_STR(again.buf, text.buf);
	cvt_ledger_release(&read);

	/* Removing a scoped decision leaves the others. */
	CHECK(cvt_ledger_remove_in(&l, "CVE-1", NULL, "api:2") == 1);
	CHECK(cvt_ledger_remove_in(&l, "CVE-1", NULL, "api:2") == 0);
	CHECK(l.n_decisions == 2);
	CHECK(cvt_ledger_find(&l, "CVE-1", NULL) == 0);
	CHECK(cvt_ledger_find_in(&l, "CVE-1", NULL, "registry.example/web") == 1);

	/* Two entries with the same id, package and image are refused; an empty scope too. */
	check_load_error("{\"id\": \"CVE-1\", \"image\": \"a\", \"status\": \"affected\", "
			 "\"reason\": \"r\", \"author\": \"x\", \"date\": \"2026-01-01\"},"
			 "{\"id\": \"CVE-1\", \"image\": \"a\", \"status\": \"fixed\", "
			 "\"reason\": \"r\", \"author\": \"x\", \"date\": \"2026-01-01\"}]}",
			 "same id, package and image", NULL);
	check_load_error("{\"id\": \"CVE-1\", \"image\": \"a\\u0007\", \"status\": \"affected\", "
			 "\"reason\": \"r\", \"author\": \"x\", \"date\": \"2026-01-01\"}]}",
			 "decisions[0].image: contains a control character", NULL);
	sb_release(&text);
	sb_release(&again);
	cvt_error_release(&err);
	cvt_ledger_release(&l);
}

TEST_MAIN("triage", TEST(test_write_sorted_and_stable), TEST(test_load_sorts_hand_edited_order),
	  TEST(test_missing_file_is_empty), TEST(test_put_replaces_and_remove),
	  TEST(test_many_puts_stay_sorted), TEST(test_validation),
	  TEST(test_package_canonicalization), TEST(test_load_errors), TEST(test_match),
	  TEST(test_match_many), TEST(test_expiry_boundary), TEST(test_save_atomic),
	  TEST(test_image_scope))
