/*
 * Writes a `git fast-import` stream: a year of daily commits of a canonical
 * cvetrail report (cvetrail-report.json, formatted as cvetrail writes it)
 * and a triage ledger (.cvetrail/triage.json) changed about once a week,
 * for bench/history.sh.
 *
 *   gen_history [-n FINDINGS] [-d DAYS] [-s SEED] | git fast-import --quiet
 *
 * Day 0 holds FINDINGS findings over about 1,500 Debian packages. Each later
 * day a few findings are fixed (0-4), a few new ones appear (0-5), one in
 * three days a finding changes severity, and every seventh day one commit
 * records a decision in the ledger. The output depends on the arguments
 * only (a seeded PRNG, dates from 2026-01-01).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PACKAGES 1500
#define START_EPOCH 1767268800L /* 2026-01-01T12:00:00Z */

struct finding {
	char key[96];
	unsigned cve_year, cve_num;
	unsigned pkg;
	int severity;
	int alias; /* has a DSA alias */
	int n_locations;
};

static const char *const severities[] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static struct finding *findings;
static size_t n_findings, findings_alloc;
static unsigned next_cve = 10000;

static void make_finding(struct finding *f, unsigned year, unsigned num, unsigned pkg)
{
	memset(f, 0, sizeof *f);
	f->cve_year = year;
	f->cve_num = num;
	f->pkg = pkg;
	f->severity = (int)(rnd() % 5);
	f->alias = rnd() % 3 == 0;
	f->n_locations = 1 + (rnd() % 4 == 0);
	snprintf(f->key, sizeof f->key, "CVE-%u-%05u pkg:deb/debian/pkg%04u", year, num, pkg);
}

static int compare_findings(const void *a, const void *b)
{
	return strcmp(((const struct finding *)a)->key, ((const struct finding *)b)->key);
}

static void insert_sorted(const struct finding *f)
{
	size_t lo = 0, hi = n_findings;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(findings[mid].key, f->key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n_findings && !strcmp(findings[lo].key, f->key))
		return;
	if (n_findings == findings_alloc) {
		findings_alloc *= 2;
		findings = realloc(findings, findings_alloc * sizeof *findings);
		if (!findings)
			exit(1);
	}
	memmove(&findings[lo + 1], &findings[lo], (n_findings - lo) * sizeof *findings);
	findings[lo] = *f;
	n_findings++;
}

/* A growable output buffer for one blob. */
struct buf {
	char *data;
	size_t len, alloc;
};

static void add(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct buf *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->data + b->len, b->alloc - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			exit(1);
		if ((size_t)n < b->alloc - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->alloc = 2 * b->alloc + (size_t)n + 1;
		b->data = realloc(b->data, b->alloc);
		if (!b->data)
			exit(1);
	}
}

static void write_report(struct buf *b)
{
	size_t count[5] = {0};
	for (size_t i = 0; i < n_findings; i++)
		count[findings[i].severity]++;
	b->len = 0;
	add(b, "{\n  \"schema\": \"cvetrail/report/1\",\n  \"artifact\": {\n"
	       "    \"name\": \"registry.example.com/shop/api:1.4\",\n"
	       "    \"type\": \"container_image\",\n    \"os\": \"debian 12.5\"\n  },\n"
	       "  \"scanner\": {\n    \"name\": \"trivy\",\n    \"results\": 1\n  },\n"
	       "  \"summary\": {\n    \"CRITICAL\": %zu,\n    \"HIGH\": %zu,\n"
	       "    \"MEDIUM\": %zu,\n    \"LOW\": %zu,\n    \"UNKNOWN\": %zu\n  },\n"
	       "  \"findings\": [",
	    count[4], count[3], count[2], count[1], count[0]);
	for (size_t i = 0; i < n_findings; i++) {
		const struct finding *f = &findings[i];
		add(b, "%s\n    {\n      \"key\": \"%s\",\n      \"id\": \"CVE-%u-%05u\",\n", i ? "," : "",
		    f->key, f->cve_year, f->cve_num);
		if (f->alias)
			add(b, "      \"aliases\": [\n        \"DSA-%u-1\"\n      ],\n", f->cve_num / 2);
		add(b,
		    "      \"package\": {\n        \"name\": \"pkg%04u\",\n"
		    "        \"purl\": \"pkg:deb/debian/pkg%04u\"\n      },\n"
		    "      \"severity\": \"%s\",\n      \"status\": \"fixed\",\n"
		    "      \"installed_version\": \"%u.%u.%u-1\",\n"
		    "      \"fixed_version\": \"%u.%u.%u-2\",\n      \"cvss\": %u.%u,\n"
		    "      \"published\": \"%u-%02u-%02u\",\n"
		    "      \"title\": \"pkg%04u: issue %u in the parser allows a remote attacker to cause "
		    "a denial of service\",\n"
		    "      \"url\": \"https://avd.aquasec.com/nvd/cve-%u-%05u\",\n"
		    "      \"locations\": [",
		    f->pkg, f->pkg, severities[f->severity], f->pkg % 9, f->pkg % 13, f->cve_num % 7,
		    f->pkg % 9, f->pkg % 13, f->cve_num % 7 + 1, 2 + f->severity, f->cve_num % 10,
		    f->cve_year, 1 + f->cve_num % 12, 1 + f->cve_num % 28, f->pkg, f->cve_num,
		    f->cve_year, f->cve_num);
		for (int l = 0; l < f->n_locations; l++)
			add(b,
			    "%s\n        {\n          \"target\": \"registry.example.com/shop/api:1.4 "
			    "(debian 12.5)\",\n          \"path\": %s,\n          \"version\": "
			    "\"%u.%u.%u-1\"\n        }",
			    l ? "," : "", l ? "\"usr/lib/extra\"" : "null", f->pkg % 9, f->pkg % 13,
			    f->cve_num % 7);
		add(b, "\n      ]\n    }");
	}
	add(b, "\n  ]\n}\n");
}

struct decision {
	char id[24];
	char package[48];
	int severity;
	int day;
};

static struct decision decisions[128];
static size_t n_decisions;

static int compare_decisions(const void *a, const void *b)
{
	const struct decision *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : strcmp(x->package, y->package);
}

static void write_ledger(struct buf *b)
{
	static const char *const authors[] = {"Jane Doe", "Ravi Patel", "Mei Chen"};
	b->len = 0;
	add(b, "{\n  \"schema\": \"cvetrail/triage/1\",\n  \"decisions\": [");
	for (size_t i = 0; i < n_decisions; i++) {
		const struct decision *d = &decisions[i];
		long t = START_EPOCH + 86400L * d->day;
		time_t tt = (time_t)t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		add(b,
		    "%s\n    {\n      \"id\": \"%s\",\n      \"package\": \"%s\",\n"
		    "      \"status\": \"not_affected\",\n"
		    "      \"justification\": \"vulnerable_code_not_in_execute_path\",\n"
		    "      \"reason\": \"the parser is never fed untrusted input (review %zu)\",\n"
		    "      \"author\": \"%s\",\n      \"date\": \"%04d-%02d-%02d\",\n"
		    "      \"severity\": \"%s\"\n    }",
		    i ? "," : "", d->id, d->package, i, authors[d->day % 3], tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, severities[d->severity]);
	}
	add(b, "\n  ]\n}\n");
}

static void emit_blob(const struct buf *b, unsigned mark)
{
	printf("blob\nmark :%u\ndata %zu\n", mark, b->len);
	fwrite(b->data, 1, b->len, stdout);
	putchar('\n');
}

static void emit_commit(unsigned mark, unsigned parent, long when, const char *author,
			const char *message, unsigned report_mark, unsigned ledger_mark)
{
	printf("commit refs/heads/main\nmark :%u\n", mark);
	printf("author %s <dev@example.com> %ld +0000\n", author, when);
	printf("committer CI <ci@example.com> %ld +0000\n", when);
	printf("data %zu\n%s\n", strlen(message), message);
	if (parent)
		printf("from :%u\n", parent);
	if (report_mark)
		printf("M 100644 :%u cvetrail-report.json\n", report_mark);
	if (ledger_mark)
		printf("M 100644 :%u .cvetrail/triage.json\n", ledger_mark);
	putchar('\n');
}

int main(int argc, char **argv)
{
	unsigned n = 3000, days = 365, seed = 1;
	int opt;
	while ((opt = getopt(argc, argv, "n:d:s:")) != -1) {
		switch (opt) {
		case 'n':
			n = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'd':
			days = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 's':
			seed = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: gen_history [-n FINDINGS] [-d DAYS] [-s SEED]\n");
			return 2;
		}
	}
	rng_state = 0x9e3779b97f4a7c15ull ^ seed;
	findings_alloc = n + 64;
	findings = malloc(findings_alloc * sizeof *findings);
	if (!findings)
		return 1;
	for (unsigned i = 0; i < n; i++)
		make_finding(&findings[n_findings++], 2019 + rnd() % 7, 1000 + i * 3 + rnd() % 3,
			     rnd() % PACKAGES);
	qsort(findings, n_findings, sizeof *findings, compare_findings);

	struct buf report = {NULL, 0, 0}, ledger = {NULL, 0, 0};
	unsigned mark = 1, parent = 0;
	char message[64];
	for (unsigned day = 0; day < days; day++) {
		long when = START_EPOCH + 86400L * day;
		if (day > 0) {
			unsigned fixes = rnd() % 5, news = rnd() % 6;
			for (unsigned i = 0; i < fixes && n_findings > 1; i++) {
				size_t at = rnd() % n_findings;
				memmove(&findings[at], &findings[at + 1],
					(n_findings - at - 1) * sizeof *findings);
				n_findings--;
			}
			for (unsigned i = 0; i < news; i++) {
				struct finding f;
				make_finding(&f, 2026, next_cve++, rnd() % PACKAGES);
				insert_sorted(&f);
			}
			if (rnd() % 3 == 0) {
				struct finding *f = &findings[rnd() % n_findings];
				f->severity = (f->severity + 1 + (int)(rnd() % 4)) % 5;
			}
		}
		write_report(&report);
		unsigned report_mark = mark++;
		emit_blob(&report, report_mark);
		snprintf(message, sizeof message, "scan: day %u", day);
		unsigned commit_mark = mark++;
		emit_commit(commit_mark, parent, when, "CI", message, report_mark, 0);
		parent = commit_mark;
		if (day % 7 == 6 && n_decisions < sizeof decisions / sizeof decisions[0]) {
			const struct finding *f = &findings[rnd() % n_findings];
			struct decision *d = &decisions[n_decisions];
			snprintf(d->id, sizeof d->id, "CVE-%u-%05u", f->cve_year, f->cve_num);
			snprintf(d->package, sizeof d->package, "pkg:deb/debian/pkg%04u", f->pkg);
			for (size_t i = 0; i < n_decisions; i++)
				if (!compare_decisions(&decisions[i], d))
					d = NULL; /* decided already: record a new one next week */
			if (!d)
				continue;
			n_decisions++;
			d->severity = f->severity;
			d->day = (int)day;
			qsort(decisions, n_decisions, sizeof *decisions, compare_decisions);
			write_ledger(&ledger);
			unsigned ledger_mark = mark++;
			emit_blob(&ledger, ledger_mark);
			snprintf(message, sizeof message, "triage: week %u", day / 7);
			commit_mark = mark++;
			emit_commit(commit_mark, parent, when + 3600, "Jane Doe", message, 0,
				    ledger_mark);
			parent = commit_mark;
		}
	}
	free(report.data);
	free(ledger.data);
	free(findings);
	return fflush(stdout) == 0 ? 0 : 1;
}
