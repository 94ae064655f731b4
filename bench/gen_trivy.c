/*
 * Writes a synthetic Trivy report (SchemaVersion 2, pretty-printed with two
 * spaces as `trivy image --format json` does) for the benchmarks.
 *
 *   gen_trivy [-n VULNS] [-d DAY] [-s SEED] > report.json
 *
 * The output is a function of its arguments only (a seeded PRNG, no clock).
 * Day 0 holds exactly VULNS vulnerability entries over about 3,000 packages:
 * one Debian os-pkgs result and Java, Node.js, Python and Go lang-pkgs
 * results. Debian binaries of one source package share their CVEs, a few
 * CVEs appear in several unrelated packages and some language packages sit
 * at several paths, as in real scans. Texts are long (descriptions of
 * 0.15-2 KB with non-ASCII UTF-8, \" \n and Go's \u003c escapes, about seven
 * references) and indented, so the file is about 2.8 KB per vulnerability.
 *
 * Day 1 is the same image one day later: about 2.5 % of the findings gone,
 * 3 % new, 1.5 % with another severity, 1 % newly fixed, every layer digest,
 * modification date, report id and creation time changed, and results and
 * vulnerabilities in another order. A diff of day 0 and day 1 must show those
 * changes and none of the volatile ones.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum ecosystem { ECO_DEB, ECO_JAR, ECO_NPM, ECO_PY, ECO_GO, ECO_COUNT };

/* Packages per ecosystem: about 3,000 in all. */
static const int eco_packages[ECO_COUNT] = {2400, 80, 260, 230, 30};

#define NEW_CVE_BASE 2000000u

struct package {
	char name[160];
	char version[48];
	char fixed[48];
	int eco;
	int group;
	int layer;
	int n_paths;
	uint64_t hash;
	uint32_t rank; /* position in name order */
};

struct group {
	int eco;
	int first_pkg;
	int n_pkgs;
	int n_paths; /* entries per CVE and package: PkgPaths of a language package */
	uint32_t n_cves;
	uint32_t first_cve;
	uint32_t n_new; /* day 1: CVEs published since day 0 */
	uint32_t first_new;
	char base[64];
};

struct entry {
	uint32_t pkg;
	uint32_t cve;
	uint16_t path;
	uint16_t pad;
};

static struct package *pkgs;
static int n_pkgs;
static struct group *groups;
static int n_groups;

static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t hash3(uint64_t a, uint64_t b, uint64_t c)
{
	return mix64(mix64(mix64(a) ^ b) ^ c);
}

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

/* Uniform in [0, n). */
static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)((next(r) >> 32) * n >> 32) : 0;
}

static uint32_t between(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + below(r, hi - lo + 1);
}

static double unit(struct rng *r)
{
	return (double)(next(r) >> 11) / 9007199254740992.0;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		fputs("gen_trivy: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

static FILE *out;

/* ---- a two-space pretty printer shaped like Go's json.MarshalIndent ---- */

static int depth;
static int first_at[64];
static const char spaces[] = "                                                                ";

static void newline(void)
{
	putc('\n', out);
	fwrite(spaces, 1, (size_t)depth * 2, out);
}

static void before_value(const char *key)
{
	if (depth > 0) {
		if (!first_at[depth])
			putc(',', out);
		first_at[depth] = 0;
		newline();
	}
	if (key)
		fprintf(out, "\"%s\": ", key);
}

static void open_container(const char *key, int ch)
{
	before_value(key);
	putc(ch, out);
	first_at[++depth] = 1;
}

static void close_container(int ch)
{
	int empty = first_at[depth--];
	if (!empty)
		newline();
	putc(ch, out);
}

static void begin_object(const char *key)
{
	open_container(key, '{');
}
static void end_object(void)
{
	close_container('}');
}
static void begin_array(const char *key)
{
	open_container(key, '[');
}
static void end_array(void)
{
	close_container(']');
}

/* `s` is written as it is: callers pass text that is already valid JSON string content. */
static void str(const char *key, const char *s)
{
	before_value(key);
	putc('"', out);
	fputs(s, out);
	putc('"', out);
}

static void strf(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void strf(const char *key, const char *fmt, ...)
{
	va_list ap;
	before_value(key);
	putc('"', out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	putc('"', out);
}

static void num(const char *key, long long v)
{
	before_value(key);
	fprintf(out, "%lld", v);
}

/* A CVSS score as Go prints a float64: 7.5, but 5 rather than 5.0. */
static void score(const char *key, int tenths)
{
	before_value(key);
	if (tenths % 10 == 0)
		fprintf(out, "%d", tenths / 10);
	else
		fprintf(out, "%d.%d", tenths / 10, tenths % 10);
}

static void boolean(const char *key, int v)
{
	before_value(key);
	fputs(v ? "true" : "false", out);
}

/* ---- names and texts ---- */

static const char *const syllables[] = {
	"ab", "ac", "al", "an", "ar", "ba", "be", "bi", "bo", "ca", "ce", "co", "da", "de", "di",
	"do", "el", "en", "er", "ex", "fa", "fi", "fo", "ga", "ge", "gi", "go", "ha", "he", "hi",
	"in", "io", "ja", "ka", "ke", "ki", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo",
	"na", "ne", "ni", "no", "nu", "op", "or", "pa", "pe", "pi", "po", "qu", "ra", "re", "ri",
	"ro", "ru", "sa", "se", "si", "so", "ta", "te", "ti", "to", "tu", "ur", "va", "ve", "vi",
	"xa", "xe", "yo", "za", "ze", "zi", "zo", "x",  "z",  "k",  "p",  "t",  "s",  "n",  "m",
};
#define N_SYLLABLES (sizeof syllables / sizeof syllables[0])

static void word_name(struct rng *r, char *buf, size_t size, int min_syl, int max_syl)
{
	int n = (int)between(r, (uint32_t)min_syl, (uint32_t)max_syl);
	buf[0] = 0;
	for (int i = 0; i < n; i++)
		strncat(buf, syllables[below(r, N_SYLLABLES)], size - strlen(buf) - 1);
}

static const char *const words[] = {
	"a",
	"an",
	"the",
	"in",
	"of",
	"to",
	"and",
	"or",
	"via",
	"with",
	"when",
	"before",
	"after",
	"which",
	"could",
	"allows",
	"remote",
	"local",
	"attackers",
	"attacker",
	"unauthenticated",
	"authenticated",
	"users",
	"to",
	"cause",
	"denial",
	"of",
	"service",
	"memory",
	"corruption",
	"heap-based",
	"stack-based",
	"buffer",
	"overflow",
	"over-read",
	"underflow",
	"integer",
	"use-after-free",
	"double",
	"free",
	"NULL",
	"pointer",
	"dereference",
	"out-of-bounds",
	"read",
	"write",
	"crafted",
	"file",
	"request",
	"packet",
	"certificate",
	"header",
	"URL",
	"input",
	"string",
	"archive",
	"image",
	"font",
	"response",
	"function",
	"parser",
	"handler",
	"component",
	"module",
	"library",
	"decoder",
	"encoder",
	"connection",
	"session",
	"cookie",
	"token",
	"signature",
	"validation",
	"check",
	"length",
	"size",
	"loop",
	"recursion",
	"infinite",
	"excessive",
	"consumption",
	"CPU",
	"disk",
	"arbitrary",
	"code",
	"execution",
	"command",
	"injection",
	"SQL",
	"cross-site",
	"scripting",
	"XSS",
	"request",
	"forgery",
	"information",
	"disclosure",
	"sensitive",
	"data",
	"exposure",
	"privilege",
	"escalation",
	"bypass",
	"restriction",
	"access",
	"control",
	"race",
	"condition",
	"time-of-check",
	"time-of-use",
	"symlink",
	"attack",
	"path",
	"traversal",
	"directory",
	"temporary",
	"predictable",
	"random",
	"numbers",
	"weak",
	"cryptographic",
	"algorithm",
	"timing",
	"side-channel",
	"padding",
	"oracle",
	"downgrade",
	"TLS",
	"handshake",
	"renegotiation",
	"affected",
	"versions",
	"prior",
	"is",
	"was",
	"are",
	"fixed",
	"patched",
	"upstream",
	"vulnerability",
	"issue",
	"flaw",
	"discovered",
	"found",
	"reported",
	"exists",
	"does",
	"not",
	"properly",
	"correctly",
	"sanitize",
	"validate",
	"handle",
	"limit",
	"restrict",
	"escape",
	"neutralize",
	"special",
	"elements",
	"used",
	"during",
	"processing",
	"parsing",
	"decoding",
	"rendering",
	"loading",
	"configuration",
	"default",
	"setting",
	"option",
	"specially",
	"malicious",
	"untrusted",
	"network",
	"adjacent",
	"physical",
	"context",
	"process",
	"kernel",
	"daemon",
	"client",
	"server",
	"proxy",
	"browser",
	"application",
};
#define N_WORDS (sizeof words / sizeof words[0])

/* Real advisories carry names, product marks and quotes in many scripts. */
static const char *const non_ascii[] = {
	"naïve",
	"façade",
	"Größe",
	"über",
	"résumé",
	"Ångström",
	"—",
	"“quoted”",
	"‘single’",
	"…",
	"→",
	"≤",
	"±",
	"µs",
	"©",
	"™",
	"日本語の説明",
	"中文描述",
	"Ελληνικά",
	"русский",
	"한국어",
	"עברית",
	"🙂",
	"🔒",
	"Zürich",
	"Kraków",
	"São Paulo",
	"Ærøskøbing",
};
#define N_NON_ASCII (sizeof non_ascii / sizeof non_ascii[0])

struct text {
	char *buf;
	size_t len, alloc;
};

static void text_add(struct text *t, const char *s)
{
	size_t n = strlen(s);
	if (t->len + n + 1 > t->alloc) {
		t->alloc = (t->len + n + 1) * 2;
		t->buf = realloc(t->buf, t->alloc);
		if (!t->buf) {
			fputs("gen_trivy: out of memory\n", stderr);
			exit(2);
		}
	}
	memcpy(t->buf + t->len, s, n + 1);
	t->len += n;
}

static void text_addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_addf(struct text *t, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	text_add(t, tmp);
}

/* About 4 % of language advisories have no CVE and are known by their GHSA id. */
static int is_ghsa(uint32_t k)
{
	return k < NEW_CVE_BASE && mix64(k * 0x51ull) % 100 < 4;
}

static void vuln_id(uint32_t k, int eco, char *buf, size_t size)
{
	if (is_ghsa(k) && eco != ECO_DEB) {
		static const char alphabet[] = "23456789cfghjmpqrvwx";
		char id[13];
		uint32_t v = k;
		for (int i = 0; i < 12; i++) {
			id[i] = alphabet[v % 20];
			v = v / 20 + (uint32_t)(mix64(k + (uint64_t)i) % 7);
		}
		/* Unique: the first six characters spell k in base 20. */
		v = k;
		for (int i = 0; i < 6; i++) {
			id[i] = alphabet[v % 20];
			v /= 20;
		}
		snprintf(buf, size, "GHSA-%.4s-%.4s-%.4s", id, id + 4, id + 8);
		return;
	}
	if (k >= NEW_CVE_BASE)
		snprintf(buf, size, "CVE-2025-%u", 20000 + (k - NEW_CVE_BASE));
	else
		snprintf(buf, size, "CVE-%u-%u", 2008 + k % 17, 1000 + k / 17);
}

static int cve_year(uint32_t k)
{
	return k >= NEW_CVE_BASE ? 2025 : (int)(2008 + k % 17);
}

static void hex(struct rng *r, char *buf, int n)
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < n; i++)
		buf[i] = digits[below(r, 16)];
	buf[n] = 0;
}

static void sentence(struct rng *r, struct text *t, const char *cve)
{
	uint32_t n = between(r, 8, 26);
	for (uint32_t i = 0; i < n; i++) {
		const char *w = words[below(r, N_WORDS)];
		if (i == 0) {
			char cap[64];
			snprintf(cap, sizeof cap, "%s", w);
			if (cap[0] >= 'a' && cap[0] <= 'z')
				cap[0] = (char)(cap[0] - 32);
			text_add(t, cap);
		} else {
			text_add(t, " ");
			text_add(t, w);
		}
		uint32_t x = below(r, 1000);
		if (x < 12) {
			text_add(t, " ");
			text_add(t, non_ascii[below(r, N_NON_ASCII)]);
		} else if (x < 22) {
			text_addf(t, " \\\"%s %s\\\"", words[below(r, N_WORDS)],
				  words[below(r, N_WORDS)]);
		} else if (x < 27) {
			text_addf(t, " (versions \\u003c %u.%u.%u)", between(r, 0, 9),
				  between(r, 0, 30), between(r, 0, 20));
		} else if (x < 30) {
			text_addf(t, " (%s)", cve);
		} else if (x < 32) {
			text_add(t, " \\u0026");
		}
	}
	text_add(t, ". ");
}

static void description(struct rng *r, struct text *t, const char *cve)
{
	/* Most advisories say a few sentences; one in five is long. */
	size_t want = below(r, 100) < 20 ? between(r, 1000, 2000) : between(r, 150, 500);
	t->len = 0;
	text_add(t, "");
	while (t->len < want) {
		sentence(r, t, cve);
		if (below(r, 100) < 8)
			text_add(t, "\\n\\n");
	}
	while (t->len && t->buf[t->len - 1] == ' ')
		t->buf[--t->len] = 0;
}

static const char *const vendors[] = {
	"alma",        "amazon", "cbl-mariner", "debian", "ghsa",   "nvd",
	"oracle-oval", "photon", "redhat",      "rocky",  "ubuntu",
};
#define N_VENDORS (sizeof vendors / sizeof vendors[0])

static const char *const severity_names[] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

static int severity_of(uint32_t k)
{
	uint32_t x = (uint32_t)(mix64(k ^ 0x5e5e5e5eull) % 100);
	return x < 3 ? 0 : x < 33 ? 1 : x < 68 ? 2 : x < 93 ? 3 : 4;
}

static int score_for(struct rng *r, int sev)
{
	switch (sev) {
	case 4:
		return (int)between(r, 90, 100);
	case 3:
		return (int)between(r, 70, 89);
	case 2:
		return (int)between(r, 40, 69);
	default:
		return (int)between(r, 10, 39);
	}
}

static void cvss_vector(struct rng *r, char *buf, size_t size)
{
	static const char *const av = "NALP", *const lh = "LH", *const nlh = "NLH",
				 *const nr = "NR", *const uc = "UC";
	snprintf(buf, size, "CVSS:3.1/AV:%c/AC:%c/PR:%c/UI:%c/S:%c/C:%c/I:%c/A:%c", av[below(r, 4)],
		 lh[below(r, 2)], nlh[below(r, 3)], nr[below(r, 2)], uc[below(r, 2)],
		 nlh[below(r, 3)], nlh[below(r, 3)], nlh[below(r, 3)]);
}

static void v2_vector(struct rng *r, char *buf, size_t size)
{
	static const char *const av = "NAL", *const lmh = "LMH", *const nsm = "NSM",
				 *const npc = "NPC";
	snprintf(buf, size, "AV:%c/AC:%c/Au:%c/C:%c/I:%c/A:%c", av[below(r, 3)], lmh[below(r, 3)],
		 nsm[below(r, 3)], npc[below(r, 3)], npc[below(r, 3)], npc[below(r, 3)]);
}

static void digest(uint64_t a, uint64_t b, char *buf)
{
	struct rng r = {hash3(a, b, 0xd16e57)};
	memcpy(buf, "sha256:", 7);
	hex(&r, buf + 7, 64);
}

/* ---- the model ---- */

static unsigned long seed = 1;
static int day;

static int name_taken(const char *name)
{
	/* A linear probe table over the names made so far. */
	static uint64_t *table;
	static size_t size;
	if (!table) {
		size = 1 << 14;
		table = xcalloc(size, sizeof *table);
	}
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h |= 1;
	for (size_t i = h & (size - 1);; i = (i + 1) & (size - 1)) {
		if (table[i] == h)
			return 1;
		if (!table[i]) {
			table[i] = h;
			return 0;
		}
	}
}

static void make_packages(void)
{
	struct rng r = {hash3(seed, 0x9acca6e, 0)};
	int total = 0;
	for (int e = 0; e < ECO_COUNT; e++)
		total += eco_packages[e];
	pkgs = xcalloc((size_t)total + 8, sizeof *pkgs);
	groups = xcalloc((size_t)total, sizeof *groups);
	static const char *const deb_suffix[] = {"", "-common", "-dev", "-bin", "-data", "-utils"};
	for (int e = 0; e < ECO_COUNT; e++) {
		int made = 0;
		while (made < eco_packages[e]) {
			struct group *g = &groups[n_groups];
			g->eco = e;
			g->first_pkg = n_pkgs;
			g->n_paths = 1;
			int n = 1;
			if (e == ECO_DEB) {
				uint32_t x = below(&r, 100);
				n = x < 50 ? 1 : x < 70 ? 2 : x < 85 ? 3 : x < 95 ? 4 : 6;
			} else {
				uint32_t x = below(&r, 100);
				g->n_paths = x < 88 ? 1 : x < 97 ? 2 : 3;
			}
			if (n > eco_packages[e] - made)
				n = eco_packages[e] - made;
			do
				word_name(&r, g->base, sizeof g->base, 2, 4);
			while (name_taken(g->base));
			for (int i = 0; i < n; i++) {
				struct package *p = &pkgs[n_pkgs++];
				p->eco = e;
				p->group = n_groups;
				p->n_paths = g->n_paths;
				p->hash = hash3(seed, (uint64_t)n_pkgs, 0x9acc);
				unsigned major = between(&r, 0, 12), minor = between(&r, 0, 40),
					 patch = between(&r, 0, 30);
				char scope[32];
				switch (e) {
				case ECO_DEB:
					if (i == 1 && n > 2 && below(&r, 2))
						snprintf(p->name, sizeof p->name, "lib%s%u",
							 g->base, between(&r, 0, 9));
					else
						snprintf(p->name, sizeof p->name, "%s%s", g->base,
							 deb_suffix[i % 6]);
					snprintf(p->version, sizeof p->version,
						 "%u.%u.%u-%u+deb12u%u", major, minor, patch,
						 between(&r, 1, 5), between(&r, 1, 3));
					snprintf(p->fixed, sizeof p->fixed, "%u.%u.%u-%u+deb12u%u",
						 major, minor, patch, between(&r, 1, 5),
						 between(&r, 4, 9));
					p->layer = below(&r, 10) < 7 ? 0 : (int)between(&r, 1, 2);
					break;
				case ECO_JAR:
					word_name(&r, scope, sizeof scope, 2, 3);
					snprintf(p->name, sizeof p->name, "org.%s:%s-core", scope,
						 g->base);
					goto semver;
				case ECO_NPM:
					if (below(&r, 5) == 0) {
						word_name(&r, scope, sizeof scope, 2, 3);
						snprintf(p->name, sizeof p->name, "@%s/%s", scope,
							 g->base);
					} else {
						snprintf(p->name, sizeof p->name, "%s", g->base);
					}
					goto semver;
				case ECO_PY:
					snprintf(p->name, sizeof p->name, "%s", g->base);
					goto semver;
				case ECO_GO:
					word_name(&r, scope, sizeof scope, 2, 3);
					snprintf(p->name, sizeof p->name, "github.com/%s/%s", scope,
						 g->base);
semver:
					snprintf(p->version, sizeof p->version, "%s%u.%u.%u",
						 e == ECO_GO ? "v" : "", major, minor, patch);
					snprintf(p->fixed, sizeof p->fixed, "%s%u.%u.%u",
						 e == ECO_GO ? "v" : "", major, minor + 1, 0u);
					p->layer = 3 + e;
					break;
				}
			}
			g->n_pkgs = n;
			made += n;
			n_groups++;
		}
	}
}

static int cmp_pkg_name(const void *a, const void *b)
{
	const struct package *x = *(const struct package *const *)a;
	const struct package *y = *(const struct package *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x > y) - (x < y);
}

static void rank_packages(void)
{
	struct package **order = xcalloc((size_t)n_pkgs, sizeof *order);
	for (int i = 0; i < n_pkgs; i++)
		order[i] = &pkgs[i];
	qsort(order, (size_t)n_pkgs, sizeof *order, cmp_pkg_name);
	for (int i = 0; i < n_pkgs; i++)
		order[i]->rank = (uint32_t)i;
	free(order);
}

/* Entries a CVE of this group makes: one per binary package and path. */
static long units(const struct group *g)
{
	return (long)g->n_pkgs * g->n_paths;
}

/* Spreads `total` entries over the groups with a long tail, as in real images
 * (a kernel or a libc with hundreds of CVEs, most packages with a handful). */
static void assign_cves(long total)
{
	struct rng r = {hash3(seed, 0xc0e5, 0)};
	double *w = xcalloc((size_t)n_groups, sizeof *w);
	double sum = 0;
	for (int i = 0; i < n_groups; i++) {
		double u = unit(&r) + 1e-3;
		w[i] = 1.0 / (u * u > 0.0004 ? u : 0.02);
		if (groups[i].eco != ECO_DEB)
			w[i] *= 0.3;
		sum += w[i] * (double)units(&groups[i]);
	}
	/* Every package has a CVE, unless there are too few to go round. */
	long least = total >= 4L * n_pkgs ? 1 : 0;
	long have = 0;
	for (int i = 0; i < n_groups; i++) {
		long n = (long)((double)total * w[i] / sum + 0.5);
		groups[i].n_cves = (uint32_t)(n < least ? least : n);
		have += (long)groups[i].n_cves * units(&groups[i]);
	}
	free(w);
	/* Exact count: adjust groups that make one entry per CVE. */
	for (long tries = 0; have != total && tries < 100000000L; tries++) {
		struct group *g = &groups[below(&r, (uint32_t)n_groups)];
		if (have > total && (long)g->n_cves > least && units(g) <= have - total) {
			g->n_cves--;
			have -= units(g);
		} else if (have < total && units(g) == 1) {
			g->n_cves++;
			have++;
		}
	}
	if (have != total)
		fprintf(stderr, "gen_trivy: %ld vulnerabilities instead of %ld\n", have, total);
	uint32_t next_cve = 0, next_new = NEW_CVE_BASE;
	for (int i = 0; i < n_groups; i++) {
		groups[i].first_cve = next_cve;
		next_cve += groups[i].n_cves;
	}
	/* Day 1: about 3 % new entries, spread like the old ones. */
	long added = 0;
	while (added < total * 3 / 100) {
		struct group *g = &groups[below(&r, (uint32_t)n_groups)];
		if (below(&r, 1000) >= 1000 * g->n_cves / (g->n_cves + 20))
			continue;
		g->n_new++;
		added += units(g);
	}
	for (int i = 0; i < n_groups; i++) {
		groups[i].first_new = next_new;
		next_new += groups[i].n_new;
	}
}

/* The j-th CVE of a group; a few are another group's CVE, so some CVEs sit in
 * unrelated packages (a bundled library, a language package and its OS package). */
static uint32_t group_cve(int gi, uint32_t j)
{
	const struct group *g = &groups[gi];
	if (j >= g->n_cves)
		return g->first_new + (j - g->n_cves);
	uint64_t h = hash3(seed, (uint64_t)gi, j);
	if (h % 100 < 4) {
		const struct group *other = &groups[(h >> 8) % (uint64_t)n_groups];
		if (other != g && j < other->n_cves)
			return other->first_cve + j;
	}
	return g->first_cve + j;
}

static uint64_t entry_hash(const struct entry *e, uint64_t salt)
{
	return hash3(pkgs[e->pkg].hash, e->cve, hash3(seed, e->path, salt));
}

static int removed_on_day1(const struct entry *e)
{
	return e->cve < NEW_CVE_BASE && entry_hash(e, 0x5e) % 1000 < 25;
}

/* ---- output ---- */

static const char *artifact = "registry.example.com/shop/checkout";

static const char *const result_target[ECO_COUNT] = {
	NULL, "Java", "Node.js", "Python", "usr/local/bin/checkout-agent",
};
static const char *const result_type[ECO_COUNT] = {
	"debian", "jar", "node-pkg", "python-pkg", "gobinary",
};

static void layer_digests(int layer, char *dig, char *diff)
{
	digest(hash3(seed, (uint64_t)day, 0x1a7e), (uint64_t)layer, dig);
	digest(hash3(seed, (uint64_t)day, 0xd1ff), (uint64_t)layer, diff);
}

static void write_metadata(void)
{
	char d[80], d2[80];
	struct rng r = {hash3(seed, (uint64_t)day, 0x3e7a)};
	num("SchemaVersion", 2);
	begin_object("Trivy");
	str("Version", "0.58.1");
	end_object();
	strf("ReportID", "0193a5%02x-%04x-7%03x-%04x-%012llx", day, below(&r, 65536),
	     below(&r, 4096), below(&r, 65536), (unsigned long long)(next(&r) >> 16));
	strf("CreatedAt", "2025-03-%02dT04:1%d:%02d.%09uZ", 10 + day, day, below(&r, 60),
	     below(&r, 1000000000));
	digest(seed, 0x1a6e + (uint64_t)day, d);
	str("ArtifactID", d);
	strf("ArtifactName", "%s:1.%d", artifact, 42 + day);
	str("ArtifactType", "container_image");
	begin_object("Metadata");
	num("Size", 412345344 + day * 4096);
	begin_object("OS");
	str("Family", "debian");
	str("Name", "12.9");
	end_object();
	str("ImageID", d);
	begin_array("DiffIDs");
	for (int i = 0; i < 8; i++) {
		layer_digests(i, d, d2);
		str(NULL, d2);
	}
	end_array();
	begin_array("RepoTags");
	strf(NULL, "%s:1.%d", artifact, 42 + day);
	strf(NULL, "%s:latest", artifact);
	end_array();
	begin_array("RepoDigests");
	digest(seed, 0x4e90 + (uint64_t)day, d);
	strf(NULL, "%s@%s", artifact, d);
	end_array();
	begin_object("ImageConfig");
	str("architecture", "amd64");
	strf("created", "2025-03-%02dT03:58:12.123456789Z", 10 + day);
	begin_array("history");
	static const char *const steps[] = {
		"/bin/sh -c #(nop) ADD file:4b03b5f551e3fbdf47ec609712007327828f7530cc3455c43bbcdcaf449a75a9 in / ",
		"/bin/sh -c #(nop)  CMD [\\\"bash\\\"]",
		"RUN /bin/sh -c apt-get update \\u0026\\u0026 apt-get install -y --no-install-recommends ca-certificates curl libssl3 \\u0026\\u0026 rm -rf /var/lib/apt/lists/* # buildkit",
		"RUN /bin/sh -c apt-get update \\u0026\\u0026 apt-get install -y python3 python3-pip nodejs npm openjdk-17-jre-headless # buildkit",
		"COPY app/lib /app/lib # buildkit",
		"COPY app/node_modules /app/node_modules # buildkit",
		"RUN /bin/sh -c pip install --no-cache-dir -r /app/requirements.txt # buildkit",
		"COPY checkout-agent /usr/local/bin/checkout-agent # buildkit",
		"ENTRYPOINT [\\\"/usr/local/bin/checkout-agent\\\"]",
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		begin_object(NULL);
		strf("created", "2025-03-%02dT03:5%zu:00Z", 10 + day, i);
		str("created_by", steps[i]);
		if (i == 1 || i == 8) {
			str("comment", "buildkit.dockerfile.v0");
			boolean("empty_layer", 1);
		}
		end_object();
	}
	end_array();
	str("os", "linux");
	begin_object("rootfs");
	str("type", "layers");
	begin_array("diff_ids");
	for (int i = 0; i < 8; i++) {
		layer_digests(i, d, d2);
		str(NULL, d2);
	}
	end_array();
	end_object();
	begin_object("config");
	begin_array("Entrypoint");
	str(NULL, "/usr/local/bin/checkout-agent");
	end_array();
	begin_array("Env");
	str(NULL, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	str(NULL, "LANG=C.UTF-8");
	end_array();
	str("WorkingDir", "/app");
	end_object();
	end_object();
	begin_array("Layers");
	for (int i = 0; i < 8; i++) {
		layer_digests(i, d, d2);
		begin_object(NULL);
		num("Size", 1000000 * (i + 3) + i * 777);
		str("Digest", d);
		str("DiffID", d2);
		end_object();
	}
	end_array();
	end_object();
}

static void purl_of(const struct package *p, char *buf, size_t size)
{
	switch (p->eco) {
	case ECO_DEB:
		snprintf(buf, size, "pkg:deb/debian/%s@%s?arch=amd64\\u0026distro=debian-12.9",
			 p->name, p->version);
		break;
	case ECO_JAR: {
		const char *colon = strchr(p->name, ':');
		snprintf(buf, size, "pkg:maven/%.*s/%s@%s", (int)(colon - p->name), p->name,
			 colon + 1, p->version);
		break;
	}
	case ECO_NPM:
		if (p->name[0] == '@')
			snprintf(buf, size, "pkg:npm/%%40%s@%s", p->name + 1, p->version);
		else
			snprintf(buf, size, "pkg:npm/%s@%s", p->name, p->version);
		break;
	case ECO_PY:
		snprintf(buf, size, "pkg:pypi/%s@%s", p->name, p->version);
		break;
	default:
		snprintf(buf, size, "pkg:golang/%s@%s", p->name, p->version);
		break;
	}
}

static void pkg_path(const struct package *p, int path, char *buf, size_t size)
{
	static const char *const roots[] = {"app", "opt/tools", "usr/share/java"};
	switch (p->eco) {
	case ECO_JAR:
		snprintf(buf, size, "%s/lib/%s-%s.jar", roots[path], strchr(p->name, ':') + 1,
			 p->version);
		break;
	case ECO_NPM:
		snprintf(buf, size, "%s/node_modules/%s/package.json", roots[path], p->name);
		break;
	case ECO_PY:
		snprintf(buf, size, "usr/%s/lib/python3.11/site-packages/%s-%s.dist-info/METADATA",
			 path ? "local" : "", p->name, p->version);
		if (!path)
			memmove(buf + 4, buf + 5, strlen(buf + 5) + 1);
		break;
	default:
		buf[0] = 0;
	}
}

static void write_vulnerability(const struct entry *e, struct text *desc)
{
	const struct package *p = &pkgs[e->pkg];
	const struct group *g = &groups[p->group];
	char id[48], buf[512], buf2[128];
	vuln_id(e->cve, p->eco, id, sizeof id);

	/* What belongs to the vulnerability is the same in every package... */
	struct rng vr = {hash3(seed, e->cve, 0xc7e)};
	/* ...what belongs to this finding depends on the package too. */
	struct rng fr = {entry_hash(e, 0xf1d)};

	int sev = severity_of(e->cve);
	if (day == 1 && entry_hash(e, 0x5e7) % 1000 < 15)
		sev = sev == 4 ? 3 : sev + 1;
	uint32_t st = below(&fr, 100);
	const char *status;
	if (p->eco == ECO_DEB)
		status = st < 45   ? "fixed"
			 : st < 80 ? "affected"
			 : st < 90 ? "will_not_fix"
			 : st < 97 ? "fix_deferred"
				   : "end_of_life";
	else
		status = st < 90 ? "fixed" : "affected";
	if (day == 1 && !strcmp(status, "affected") && entry_hash(e, 0xf1c5) % 100 < 3)
		status = "fixed";

	begin_object(NULL);
	str("VulnerabilityID", id);
	if (p->eco == ECO_DEB && below(&vr, 100) < 20) {
		begin_array("VendorIDs");
		strf(NULL, "D%cA-%u-1", below(&vr, 2) ? 'S' : 'L', between(&vr, 1000, 5999));
		end_array();
	}
	if (p->eco == ECO_JAR) {
		const char *colon = strchr(p->name, ':');
		strf("PkgID", "%.*s:%s:%s", (int)(colon - p->name), p->name, colon + 1, p->version);
	} else {
		strf("PkgID", "%s@%s", p->name, p->version);
	}
	str("PkgName", p->name);
	pkg_path(p, e->path, buf, sizeof buf);
	if (buf[0])
		str("PkgPath", buf);
	begin_object("PkgIdentifier");
	purl_of(p, buf, sizeof buf);
	str("PURL", buf);
	strf("UID", "%016llx", (unsigned long long)hash3(p->hash, e->path, 0x11d));
	end_object();
	str("InstalledVersion", p->version);
	if (!strcmp(status, "fixed"))
		str("FixedVersion", p->fixed);
	str("Status", status);
	begin_object("Layer");
	layer_digests(p->layer, buf, buf2);
	str("Digest", buf);
	str("DiffID", buf2);
	end_object();
	static const char *const source_id[ECO_COUNT] = {"debian", "ghsa", "ghsa", "ghsa",
							 "govulndb"};
	static const char *const source_name[ECO_COUNT] = {
		"Debian Security Tracker",       "GitHub Security Advisory Maven",
		"GitHub Security Advisory npm",  "GitHub Security Advisory pip",
		"The Go Vulnerability Database",
	};
	static const char *const source_url[ECO_COUNT] = {
		"https://salsa.debian.org/security-tracker-team/security-tracker",
		"https://github.com/advisories?query=type%3Areviewed+ecosystem%3Amaven",
		"https://github.com/advisories?query=type%3Areviewed+ecosystem%3Anpm",
		"https://github.com/advisories?query=type%3Areviewed+ecosystem%3Apip",
		"https://pkg.go.dev/vuln/",
	};
	str("SeveritySource", below(&vr, 10) < 8 ? source_id[p->eco] : "nvd");
	char lower[48];
	for (size_t i = 0; i < sizeof lower; i++) {
		char c = id[i];
		lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		if (!c)
			break;
	}
	strf("PrimaryURL", "https://avd.aquasec.com/nvd/%s", lower);
	begin_object("DataSource");
	str("ID", source_id[p->eco]);
	str("Name", source_name[p->eco]);
	str("URL", source_url[p->eco]);
	end_object();
	hex(&fr, buf, 64);
	strf("Fingerprint", "sha256:%s", buf);

	struct text title = {0};
	text_addf(&title, "%s: ", g->base);
	uint32_t tw = between(&vr, 4, 12);
	for (uint32_t i = 0; i < tw; i++) {
		if (i)
			text_add(&title, " ");
		text_add(&title, words[below(&vr, N_WORDS)]);
	}
	if (below(&vr, 100) < 5) {
		text_add(&title, " ");
		text_add(&title, non_ascii[below(&vr, N_NON_ASCII)]);
	}
	str("Title", title.buf);
	free(title.buf);
	description(&vr, desc, id);
	str("Description", desc->buf);
	str("Severity", severity_names[sev]);

	if (below(&vr, 100) < 75) {
		static const int cwes[] = {20,  22,  78,  79,  89,  119, 125, 190, 200, 287, 352,
					   400, 416, 476, 502, 611, 770, 787, 835, 918, 1321};
		begin_array("CweIDs");
		uint32_t n = below(&vr, 100) < 80 ? 1 : 2;
		for (uint32_t i = 0; i < n; i++)
			strf(NULL, "CWE-%d", cwes[(below(&vr, 21) + i * 7) % 21]);
		end_array();
	}
	begin_object("VendorSeverity");
	for (size_t i = 0; i < N_VENDORS; i++) {
		if (!strcmp(vendors[i], source_id[p->eco])) {
			num(vendors[i], sev);
		} else if (below(&vr, 100) < 45) {
			int s = sev + (int)below(&vr, 3) - 1;
			num(vendors[i], s < 1 ? 1 : s > 4 ? 4 : s);
		}
	}
	end_object();

	int year = cve_year(e->cve);
	begin_object("CVSS");
	if (p->eco != ECO_DEB && below(&vr, 100) < 70) {
		begin_object("ghsa");
		cvss_vector(&vr, buf, sizeof buf);
		str("V3Vector", buf);
		score("V3Score", score_for(&vr, sev));
		end_object();
	}
	begin_object("nvd");
	if (year < 2017) {
		v2_vector(&vr, buf, sizeof buf);
		str("V2Vector", buf);
	}
	cvss_vector(&vr, buf, sizeof buf);
	str("V3Vector", buf);
	if (year < 2017)
		score("V2Score", score_for(&vr, sev));
	score("V3Score", score_for(&vr, sev));
	end_object();
	if (below(&vr, 100) < 45) {
		begin_object("redhat");
		cvss_vector(&vr, buf, sizeof buf);
		str("V3Vector", buf);
		score("V3Score", score_for(&vr, sev > 1 ? sev - 1 : sev));
		end_object();
	}
	end_object();

	begin_array("References");
	uint32_t nref = between(&vr, 3, 11);
	for (uint32_t i = 0; i < nref; i++) {
		switch (i < 3 ? i : between(&vr, 3, 11)) {
		case 0:
			strf(NULL, "https://access.redhat.com/security/cve/%s", id);
			break;
		case 1:
			strf(NULL, "https://nvd.nist.gov/vuln/detail/%s", id);
			break;
		case 2:
			strf(NULL, "https://www.cve.org/CVERecord?id=%s", id);
			break;
		case 3:
			strf(NULL, "https://security-tracker.debian.org/tracker/%s", id);
			break;
		case 4:
			hex(&vr, buf2, 40);
			strf(NULL, "https://github.com/%s/%s/commit/%s", g->base, g->base, buf2);
			break;
		case 5:
			strf(NULL,
			     "https://lists.debian.org/debian-lts-announce/%d/%02u/msg%05u.html",
			     year + 1, between(&vr, 1, 12), between(&vr, 0, 40));
			break;
		case 6:
			strf(NULL, "https://ubuntu.com/security/notices/USN-%u-%u",
			     between(&vr, 3000, 7200), between(&vr, 1, 3));
			break;
		case 7:
			strf(NULL, "https://bugzilla.redhat.com/show_bug.cgi?id=%u",
			     between(&vr, 1000000, 2300000));
			break;
		case 8:
			strf(NULL, "https://security.netapp.com/advisory/ntap-%d%02u%02u-%04u/",
			     year, between(&vr, 1, 12), between(&vr, 1, 28), between(&vr, 1, 9));
			break;
		case 9:
			hex(&vr, buf2, 32);
			strf(NULL,
			     "https://lists.apache.org/thread.html/r%s@%%3Cdev.%s.apache.org%%3E",
			     buf2, g->base);
			break;
		case 10:
			strf(NULL, "https://security.gentoo.org/glsa/%d%02u-%02u", year + 1,
			     between(&vr, 1, 12), between(&vr, 1, 40));
			break;
		default:
			strf(NULL, "https://www.openwall.com/lists/oss-security/%d/%02u/%02u/%u",
			     year, between(&vr, 1, 12), between(&vr, 1, 28), between(&vr, 1, 9));
			break;
		}
	}
	end_array();
	unsigned pm = between(&vr, 1, 12), pd = between(&vr, 1, 28);
	strf("PublishedDate", "%d-%02u-%02uT%02u:%02u:00Z", year, pm, pd, between(&vr, 0, 23),
	     between(&vr, 0, 59));
	/* Re-analysed upstream every day: the modification date always moves. */
	struct rng mr = {hash3(seed, e->cve, 0x1a57 + (uint64_t)day)};
	strf("LastModifiedDate", "%d-%02u-%02uT%02u:%02u:%02u.%03uZ", 2025,
	     between(&mr, 1, 2) + (unsigned)day, between(&mr, 1, 28), between(&mr, 0, 23),
	     between(&mr, 0, 59), between(&mr, 0, 59), between(&mr, 0, 999));
	end_object();
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->pkg != y->pkg)
		return pkgs[x->pkg].rank < pkgs[y->pkg].rank ? -1 : 1;
	int yx = cve_year(x->cve), yy = cve_year(y->cve);
	if (yx != yy)
		return yx < yy ? -1 : 1;
	if (x->cve != y->cve)
		return x->cve < y->cve ? -1 : 1;
	return (x->path > y->path) - (x->path < y->path);
}

static void write_results(void)
{
	struct entry *lists[ECO_COUNT];
	size_t counts[ECO_COUNT] = {0}, allocs[ECO_COUNT];
	for (int e = 0; e < ECO_COUNT; e++) {
		allocs[e] = 1024;
		lists[e] = xcalloc(allocs[e], sizeof *lists[e]);
	}
	for (int gi = 0; gi < n_groups; gi++) {
		const struct group *g = &groups[gi];
		uint32_t n = g->n_cves + (day == 1 ? g->n_new : 0);
		for (uint32_t j = 0; j < n; j++) {
			uint32_t k = group_cve(gi, j);
			for (int pi = 0; pi < g->n_pkgs; pi++) {
				for (int path = 0; path < g->n_paths; path++) {
					struct entry en = {(uint32_t)(g->first_pkg + pi), k,
							   (uint16_t)path, 0};
					if (day == 1 && removed_on_day1(&en))
						continue;
					int e = g->eco;
					if (counts[e] == allocs[e]) {
						allocs[e] *= 2;
						lists[e] = realloc(lists[e],
								   allocs[e] * sizeof *lists[e]);
						if (!lists[e]) {
							fputs("gen_trivy: out of memory\n", stderr);
							exit(2);
						}
					}
					lists[e][counts[e]++] = en;
				}
			}
		}
	}
	int order[ECO_COUNT] = {0, 1, 2, 3, 4};
	struct rng sr = {hash3(seed, 0x5b0ff1e, (uint64_t)day)};
	for (int e = 0; e < ECO_COUNT; e++) {
		qsort(lists[e], counts[e], sizeof *lists[e], cmp_entry);
		if (day == 1) {
			for (size_t i = counts[e]; i > 1; i--) {
				size_t j = (size_t)(unit(&sr) * (double)i);
				struct entry t = lists[e][i - 1];
				lists[e][i - 1] = lists[e][j];
				lists[e][j] = t;
			}
		}
	}
	if (day == 1) {
		/* Debian first, then the language results in another order. */
		order[1] = 3, order[2] = 1, order[3] = 4, order[4] = 2;
	}

	struct text desc = {0};
	begin_array("Results");
	for (int oi = 0; oi < ECO_COUNT; oi++) {
		int e = order[oi];
		begin_object(NULL);
		if (e == ECO_DEB)
			strf("Target", "%s:1.%d (debian 12.9)", artifact, 42 + day);
		else
			str("Target", result_target[e]);
		str("Class", e == ECO_DEB ? "os-pkgs" : "lang-pkgs");
		str("Type", result_type[e]);
		begin_array("Vulnerabilities");
		for (size_t i = 0; i < counts[e]; i++)
			write_vulnerability(&lists[e][i], &desc);
		end_array();
		end_object();
		free(lists[e]);
	}
	end_array();
	free(desc.buf);
}

static void usage(void)
{
	fputs("usage: gen_trivy [-n VULNS] [-d 0|1] [-s SEED] > report.json\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	long vulns = 100000;
	int opt;
	while ((opt = getopt(argc, argv, "n:d:s:")) != -1) {
		switch (opt) {
		case 'n':
			vulns = strtol(optarg, NULL, 10);
			break;
		case 'd':
			day = atoi(optarg);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || vulns < 100 || (day != 0 && day != 1))
		usage();
	out = stdout;
	static char obuf[1 << 20];
	setvbuf(out, obuf, _IOFBF, sizeof obuf);

	make_packages();
	rank_packages();
	assign_cves(vulns);
	begin_object(NULL);
	write_metadata();
	write_results();
	end_object();
	putc('\n', out);
	if (fflush(out) != 0 || ferror(out)) {
		perror("gen_trivy: write");
		return 2;
	}
	free(pkgs);
	free(groups);
	return 0;
}
