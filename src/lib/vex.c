#include "vex.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "date.h"
#include "json.h"
#include "purl.h"
#include "sha256.h"

struct word_pair {
	const char *from, *to;
};

static const struct word_pair status_to_cdx[] = {
	{"not_affected", "not_affected"},
	{"affected", "exploitable"},
	{"fixed", "resolved"},
	{"under_investigation", "in_triage"},
	{NULL, NULL},
};

static const struct word_pair status_from_cdx[] = {
	{"not_affected", "not_affected"},
	{"false_positive", "not_affected"},
	{"exploitable", "affected"},
	{"resolved", "fixed"},
	{"resolved_with_pedigree", "fixed"},
	{"in_triage", "under_investigation"},
	{NULL, NULL},
};

/* CycloneDX has no "component not present": the nearest is that the code is not there. */
static const struct word_pair justification_to_cdx[] = {
	{"component_not_present", "code_not_present"},
	{"vulnerable_code_not_present", "code_not_present"},
	{"vulnerable_code_not_in_execute_path", "code_not_reachable"},
	{"vulnerable_code_cannot_be_controlled_by_adversary", "requires_environment"},
	{"inline_mitigations_already_exist", "protected_by_mitigating_control"},
	{NULL, NULL},
};

static const struct word_pair justification_from_cdx[] = {
	{"code_not_present", "vulnerable_code_not_present"},
	{"code_not_reachable", "vulnerable_code_not_in_execute_path"},
	{"requires_configuration", "vulnerable_code_cannot_be_controlled_by_adversary"},
	{"requires_dependency", "vulnerable_code_cannot_be_controlled_by_adversary"},
	{"requires_environment", "vulnerable_code_cannot_be_controlled_by_adversary"},
	{"protected_by_compiler", "inline_mitigations_already_exist"},
	{"protected_at_runtime", "inline_mitigations_already_exist"},
	{"protected_at_perimeter", "inline_mitigations_already_exist"},
	{"protected_by_mitigating_control", "inline_mitigations_already_exist"},
	{NULL, NULL},
};

static const char *lookup(const struct word_pair *table, const char *word)
{
	if (!word)
		return NULL;
	for (; table->from; table++)
		if (!strcmp(table->from, word))
			return table->to;
	return NULL;
}

const char *cvt_vex_cdx_state(const char *status)
{
	return lookup(status_to_cdx, status);
}

const char *cvt_vex_status_from_cdx(const char *state)
{
	return lookup(status_from_cdx, state);
}

const char *cvt_vex_cdx_justification(const char *justification)
{
	return lookup(justification_to_cdx, justification);
}

const char *cvt_vex_justification_from_cdx(const char *justification)
{
	return lookup(justification_from_cdx, justification);
}

int cvt_vex_status_suppresses(const char *status)
{
	return status && (!strcmp(status, "not_affected") || !strcmp(status, "fixed"));
}

int cvt_vex_format_parse(const char *name, enum cvt_vex_format *out)
{
	static const struct {
		const char *name;
		enum cvt_vex_format format;
	} names[] = {
		{"openvex", CVT_VEX_OPENVEX},
		{"cyclonedx", CVT_VEX_CYCLONEDX},
		{"trivyignore", CVT_VEX_TRIVYIGNORE},
		{"trivyignore-yaml", CVT_VEX_TRIVYIGNORE_YAML},
		{"trivyignore.yaml", CVT_VEX_TRIVYIGNORE_YAML},
	};
	for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++) {
		if (!strcmp(names[i].name, name)) {
			*out = names[i].format;
			return 0;
		}
	}
	return -1;
}

const char *cvt_vex_format_name(enum cvt_vex_format format)
{
	switch (format) {
	case CVT_VEX_OPENVEX:
		return "openvex";
	case CVT_VEX_CYCLONEDX:
		return "cyclonedx";
	case CVT_VEX_TRIVYIGNORE:
		return "trivyignore";
	case CVT_VEX_TRIVYIGNORE_YAML:
		return "trivyignore-yaml";
	}
	return "?";
}

void cvt_vex_timestamp_from_time(char out[21], time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	unsigned y = (unsigned)(tm.tm_year + 1900) % 10000u;
	snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", y, (unsigned)(tm.tm_mon + 1) % 100u,
		 (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
		 (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
}

int cvt_vex_source_date(char out[21], struct cvt_error *err)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	if (!epoch || !*epoch)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(epoch, &end, 10);
	/* Years past 9999 do not fit the format. */
	if (errno || *end || v < 0 || v > 253402300799LL)
		return cvt_error_set(
			err, CVT_EINVAL,
			"SOURCE_DATE_EPOCH must be a number of seconds since 1970, got '%s'",
			epoch);
	cvt_vex_timestamp_from_time(out, (time_t)v);
	return 1;
}

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component of a repository, in the distribution spec's grammar:
 * [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static int component_valid(const char *s, size_t len)
{
	if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (is_lower_alnum(s[i]))
			continue;
		if (s[i] == '.' || s[i] == '_' || s[i] == '-') {
			size_t run = 1;
			while (i + run < len && s[i + run] == s[i])
				run++;
			if ((s[i] == '.' && run > 1) || (s[i] == '_' && run > 2))
				return 0;
			i += run - 1;
			continue;
		}
		return 0;
	}
	return 1;
}

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A host name with an optional port: labels of letters, digits and '-', starting and ending
 * with a letter or digit. */
static int registry_valid(const char *s, size_t len)
{
	if (len == 0 || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == ':'))
			return 0;
	}
	return 1;
}

static int tag_valid(const char *s, size_t len)
{
	if (len == 0 || len > 128 || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && !memcmp(s + len - n, suffix, n);
}

/* Percent-encodes everything but RFC 3986 unreserved characters, as packageurl-go does for
 * qualifier values (so our purl is byte-identical to the one Trivy computes). */
static void pct_encode(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			sb_addch(out, (char)c);
		} else {
			sb_addch(out, '%');
			sb_addch(out, hex[c >> 4]);
			sb_addch(out, hex[c & 15]);
		}
	}
}

int cvt_image_repository(const char *ref, struct strbuf *registry_out,
			 struct strbuf *repository_out)
{
	if (!ref)
		return -1;
	size_t len = strlen(ref);
	const char *at = memchr(ref, '@', len);
	if (at) {
		/* A digest: algorithm ':' encoded. It is dropped (the repository names every build). */
		const char *colon = strchr(at + 1, ':');
		if (!colon || colon == at + 1 || !colon[1])
			return -1;
		len = (size_t)(at - ref);
	}
	static const char *const archives[] = {".tar",     ".tar.gz", ".tgz",
					       ".tar.zst", ".tar.xz", ".oci"};
	for (size_t i = 0; i < sizeof archives / sizeof archives[0]; i++)
		if (ends_with(ref, len, archives[i]))
			return -1;
	const char *after_slash = ref;
	for (const char *p = ref; p < ref + len; p++)
		if (*p == '/')
			after_slash = p + 1;
	const char *tag_colon = memchr(after_slash, ':', len - (size_t)(after_slash - ref));
	size_t name_len = len;
	if (tag_colon) {
		if (!tag_valid(tag_colon + 1, len - (size_t)(tag_colon + 1 - ref)))
			return -1;
		name_len = (size_t)(tag_colon - ref);
	}
	/* Registry: a first component with a dot or a port, or localhost (docker's rule). */
	const char *registry = "index.docker.io";
	size_t registry_len = strlen(registry);
	const char *path = ref;
	size_t path_len = name_len;
	const char *first_slash = memchr(ref, '/', name_len);
	if (first_slash) {
		size_t first_len = (size_t)(first_slash - ref);
		if (memchr(ref, '.', first_len) || memchr(ref, ':', first_len) ||
		    (first_len == 9 && !memcmp(ref, "localhost", 9))) {
			if (!registry_valid(ref, first_len))
				return -1;
			if (!(first_len == 9 && !memcmp(ref, "docker.io", 9))) {
				registry = ref;
				registry_len = first_len;
			}
			path = first_slash + 1;
			path_len = name_len - first_len - 1;
		}
	}
	size_t components = 0;
	for (size_t i = 0, start = 0; i <= path_len; i++) {
		if (i == path_len || path[i] == '/') {
			if (!component_valid(path + start, i - start))
				return -1;
			components++;
			start = i + 1;
		}
	}
	sb_add(registry_out, registry, registry_len);
	if (registry_len == 15 && !memcmp(registry, "index.docker.io", 15) && components == 1)
		sb_addstr(repository_out, "library/");
	sb_add(repository_out, path, path_len);
	return 0;
}

int cvt_oci_purl(const char *ref, struct strbuf *out)
{
	struct strbuf registry = STRBUF_INIT, repository = STRBUF_INIT;
	if (cvt_image_repository(ref, &registry, &repository) < 0) {
		sb_release(&registry);
		sb_release(&repository);
		return -1;
	}
	const char *name = strrchr(repository.buf, '/');
	name = name ? name + 1 : repository.buf;
	sb_addstr(out, "pkg:oci/");
	pct_encode(out, name, strlen(name));
	sb_addstr(out, "?repository_url=");
	sb_addch(&registry, '/');
	sb_add(&registry, repository.buf, repository.len);
	pct_encode(out, registry.buf, registry.len);
	sb_release(&registry);
	sb_release(&repository);
	return 0;
}

/* Every format starts from one plan: the products, and for each decision the packages it
 * covers in each product. */

struct strvec {
	const char **v;
	size_t n, alloc;
};

static void strvec_push(struct strvec *sv, const char *s)
{
	if (sv->n == sv->alloc) {
		sv->alloc = sv->alloc ? sv->alloc * 2 : 8;
		sv->v = cvt_realloc_array(sv->v, sv->alloc, sizeof *sv->v);
	}
	sv->v[sv->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void strvec_sort_unique(struct strvec *sv)
{
	if (sv->n < 2)
		return;
	qsort(sv->v, sv->n, sizeof *sv->v, cmp_str);
	size_t kept = 1;
	for (size_t i = 1; i < sv->n; i++)
		if (strcmp(sv->v[i], sv->v[kept - 1]))
			sv->v[kept++] = sv->v[i];
	sv->n = kept;
}

static int strvec_has(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

static void strvec_release(struct strvec *sv)
{
	free(sv->v);
	memset(sv, 0, sizeof *sv);
}

struct product {
	const char *id;                  /* purl or IRI; NULL when the report names no artifact */
	const char *name;                /* CycloneDX component name */
	const char *type;                /* CycloneDX component type */
	const struct cvt_report *report; /* NULL for a product named only by the options */
};

/* The product of one decision in one image and the packages the decision covers there. */
struct subject {
	const char *product;
	struct strvec purls;
};

struct item {
	const struct cvt_decision *d;
	struct strvec aliases;
	struct subject *subjects;
	size_t n_subjects;
};

/*
 * Lookups done once per export, so that the work grows with decisions plus findings rather
 * than with their product: which decision covers each finding, and the findings by id and by
 * alias.
 */
struct finding_ref {
	size_t report;
	size_t finding;
};

struct alias_ref {
	const char *alias;
	size_t finding;
};

struct report_index {
	const struct cvt_decision **match; /* per finding, NULL when none covers it */
	size_t *by_id;                     /* finding indices sorted by id, then index */
	struct alias_ref *by_alias;        /* sorted by alias, then finding */
	size_t n_aliases;
};

struct vex_ctx {
	const struct cvt_ledger *l;
	const struct cvt_report *const *reports;
	size_t n_reports;
	const struct cvt_vex_options *o;
	struct strbuf *warnings;
	struct arena arena;
	struct product *products;
	size_t n_products;
	struct item *items;
	size_t n_items;
	struct report_index *index; /* one per report */
	/* The findings each decision is the one covering (cvt_ledger_match), per decision i in
	 * covers[cover_start[i] .. cover_start[i + 1]). */
	size_t *cover_start;
	struct finding_ref *covers;
	char timestamp[32];
};

static void warn(struct vex_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct vex_ctx *c, const char *fmt, ...)
{
	if (!c->warnings)
		return;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(c->warnings, fmt, ap);
	va_end(ap);
	sb_addch(c->warnings, '\n');
}

/* Valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF)? A purl's
 * percent-escapes may decode to any bytes, and JSON output must stay UTF-8. */
static int utf8_valid(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char ch = s[i];
		size_t n = ch < 0x80                  ? 0
			   : ch >= 0xc2 && ch <= 0xdf ? 1
			   : ch >= 0xe0 && ch <= 0xef ? 2
			   : ch >= 0xf0 && ch <= 0xf4 ? 3
						      : 4;
		if (n == 4 || len - i <= n || memchr(s + i, '\0', n + 1))
			return 0;
		unsigned long cp = n ? ch & (0x3f >> n) : ch;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* The decoded name of a purl for people to read, or NULL when it has none fit for JSON. */
static const char *purl_name(struct vex_ctx *c, const char *purl)
{
	const char *name = NULL;
	struct cvt_purl parsed;
	cvt_purl_init(&parsed);
	if (cvt_purl_parse(&parsed, purl) == 0 && parsed.name.len &&
	    utf8_valid((const unsigned char *)parsed.name.buf, parsed.name.len))
		name = arena_strndup(&c->arena, parsed.name.buf, parsed.name.len);
	cvt_purl_release(&parsed);
	return name;
}

/* Only a report that says it is about an image gets an image purl: a file or folder name may
 * well parse as an image reference. */
static int is_image_type(const char *type)
{
	return type && !strcmp(type, "container_image");
}

static void product_from_report(struct vex_ctx *c, struct product *p, const struct cvt_report *r)
{
	p->report = r;
	p->type = is_image_type(r->artifact_type) ? "container" : "application";
	p->name = r->artifact_name;
	p->id = r->artifact_name;
	struct strbuf purl = STRBUF_INIT;
	if (r->artifact_name && is_image_type(r->artifact_type) &&
	    cvt_oci_purl(r->artifact_name, &purl) == 0) {
		p->id = arena_strndup(&c->arena, purl.buf, purl.len);
		const char *name = purl_name(c, p->id);
		if (name)
			p->name = name;
	}
	sb_release(&purl);
}

static void collect_products(struct vex_ctx *c)
{
	size_t n = c->n_reports ? c->n_reports : (c->o->product ? 1 : 0);
	c->products = arena_alloc_array(&c->arena, n ? n : 1, sizeof *c->products);
	memset(c->products, 0, (n ? n : 1) * sizeof *c->products);
	for (size_t i = 0; i < c->n_reports; i++)
		product_from_report(c, &c->products[i], c->reports[i]);
	if (c->o->product && n == 1) {
		struct product *p = &c->products[0];
		p->id = c->o->product;
		p->name = c->o->product;
		p->type = strncmp(c->o->product, "pkg:oci/", 8) ? "application" : "container";
		const char *name = purl_name(c, p->id);
		if (name)
			p->name = name;
	}
	c->n_products = n;
}

static int decision_included(const struct vex_ctx *c, const struct cvt_decision *d)
{
	return !(c->o->today && cvt_decision_expired(d, c->o->today));
}

static int cmp_alias_ref(const void *a, const void *b)
{
	const struct alias_ref *x = a, *y = b;
	int c = strcmp(x->alias, y->alias);
	return c ? c : (x->finding > y->finding) - (x->finding < y->finding);
}

/* Sorts `n` finding indices of `r` by id with a merge sort (qsort needs global state). */
static void sort_by_id(const struct cvt_report *r, size_t *v, size_t *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t half = n / 2;
	sort_by_id(r, v, tmp, half);
	sort_by_id(r, v + half, tmp, n - half);
	size_t i = 0, j = half, k = 0;
	while (i < half && j < n) {
		int c = strcmp(r->findings[v[i]].id, r->findings[v[j]].id);
		tmp[k++] = c <= 0 ? v[i++] : v[j++];
	}
	while (i < half)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

static const char *report_image(const struct vex_ctx *c, size_t r)
{
	return c->o->images ? c->o->images[r] : c->reports[r]->artifact_name;
}

static void build_index(struct vex_ctx *c)
{
	size_t n_decisions = c->l->n_decisions;
	c->index = arena_alloc_array(&c->arena, c->n_reports ? c->n_reports : 1, sizeof *c->index);
	c->cover_start = arena_alloc_array(&c->arena, n_decisions + 1, sizeof *c->cover_start);
	memset(c->cover_start, 0, (n_decisions + 1) * sizeof *c->cover_start);
	size_t total = 0;
	for (size_t r = 0; r < c->n_reports; r++) {
		const struct cvt_report *rep = c->reports[r];
		struct report_index *ix = &c->index[r];
		size_t n = rep->n_findings;
		ix->match = arena_alloc_array(&c->arena, n ? n : 1, sizeof *ix->match);
		ix->by_id = arena_alloc_array(&c->arena, n ? n : 1, sizeof *ix->by_id);
		size_t *tmp = cvt_realloc_array(NULL, n ? n : 1, sizeof *tmp);
		ix->n_aliases = 0;
		for (size_t k = 0; k < n; k++) {
			const struct cvt_decision *d =
				cvt_ledger_match_in(c->l, &rep->findings[k], report_image(c, r));
			ix->match[k] = d;
			ix->by_id[k] = k;
			ix->n_aliases += rep->findings[k].n_aliases;
			if (d)
				c->cover_start[(size_t)(d - c->l->decisions) + 1]++;
		}
		sort_by_id(rep, ix->by_id, tmp, n);
		free(tmp);
		ix->by_alias = arena_alloc_array(&c->arena, ix->n_aliases ? ix->n_aliases : 1,
						 sizeof *ix->by_alias);
		size_t a = 0;
		for (size_t k = 0; k < n; k++)
			for (size_t m = 0; m < rep->findings[k].n_aliases; m++) {
				ix->by_alias[a].alias = rep->findings[k].aliases[m];
				ix->by_alias[a++].finding = k;
			}
		if (ix->n_aliases)
			qsort(ix->by_alias, ix->n_aliases, sizeof *ix->by_alias, cmp_alias_ref);
		total += n;
	}
	for (size_t i = 0; i < n_decisions; i++)
		c->cover_start[i + 1] += c->cover_start[i];
	c->covers = arena_alloc_array(&c->arena, total ? total : 1, sizeof *c->covers);
	size_t *fill = cvt_calloc(n_decisions ? n_decisions : 1, sizeof *fill);
	for (size_t r = 0; r < c->n_reports; r++)
		for (size_t k = 0; k < c->reports[r]->n_findings; k++) {
			const struct cvt_decision *d = c->index[r].match[k];
			if (!d)
				continue;
			size_t i = (size_t)(d - c->l->decisions);
			struct finding_ref ref = {r, k};
			c->covers[c->cover_start[i] + fill[i]++] = ref;
		}
	free(fill);
}

/* The findings of report `r` with this id: by_id[*from .. *to). */
static void findings_with_id(const struct vex_ctx *c, size_t r, const char *id, size_t *from,
			     size_t *to)
{
	const struct cvt_report *rep = c->reports[r];
	const size_t *v = c->index[r].by_id;
	size_t lo = 0, hi = rep->n_findings;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(rep->findings[v[mid]].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*from = lo;
	while (lo < rep->n_findings && !strcmp(rep->findings[v[lo]].id, id))
		lo++;
	*to = lo;
}

static size_t decision_index(const struct vex_ctx *c, const struct cvt_decision *d)
{
	return (size_t)(d - c->l->decisions);
}

/* Other names of the decision's vulnerability, from every finding that carries it. */
static void collect_aliases(struct vex_ctx *c, const struct cvt_decision *d, struct strvec *out)
{
	for (size_t r = 0; r < c->n_reports; r++) {
		const struct cvt_report *rep = c->reports[r];
		const struct report_index *ix = &c->index[r];
		size_t from, to;
		findings_with_id(c, r, d->id, &from, &to);
		for (size_t k = from; k < to; k++) {
			const struct cvt_finding *f = &rep->findings[ix->by_id[k]];
			for (size_t a = 0; a < f->n_aliases; a++)
				if (strcmp(f->aliases[a], d->id))
					strvec_push(out, f->aliases[a]);
		}
		size_t lo = 0, hi = ix->n_aliases;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(ix->by_alias[mid].alias, d->id) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < ix->n_aliases && !strcmp(ix->by_alias[lo].alias, d->id); lo++) {
			const struct cvt_finding *f = &rep->findings[ix->by_alias[lo].finding];
			strvec_push(out, f->id);
			for (size_t a = 0; a < f->n_aliases; a++)
				if (strcmp(f->aliases[a], d->id))
					strvec_push(out, f->aliases[a]);
		}
	}
	strvec_sort_unique(out);
}

/* The packages of report `r` whose finding this decision is the one covering. */
static void covered_purls(const struct vex_ctx *c, size_t r, const struct cvt_decision *d,
			  struct strvec *out)
{
	size_t i = decision_index(c, d);
	for (size_t k = c->cover_start[i]; k < c->cover_start[i + 1]; k++) {
		const struct finding_ref *ref = &c->covers[k];
		const struct cvt_finding *f = &c->reports[ref->report]->findings[ref->finding];
		if (ref->report == r && f->purl)
			strvec_push(out, f->purl);
	}
}

static int cmp_subject(const void *a, const void *b)
{
	const struct subject *x = a, *y = b;
	if (!x->product || !y->product)
		return (x->product != NULL) - (y->product != NULL);
	return strcmp(x->product, y->product);
}

/*
 * A decision scoped to an image speaks for that image only: the subjects of other images'
 * reports are dropped, and with none left the image itself is the product (as an OCI purl
 * when it is a valid reference). Returns the subjects kept.
 */
static size_t scope_subjects(struct vex_ctx *c, struct item *it, const struct cvt_decision *d)
{
	size_t n = c->n_products ? c->n_products : 1, kept = 0;
	for (size_t i = 0; i < n; i++) {
		struct subject *s = &it->subjects[i];
		if (i < c->n_reports && cvt_image_in_scope(report_image(c, i), d->image))
			it->subjects[kept++] = *s;
		else
			strvec_release(&s->purls);
	}
	if (kept)
		return kept;
	struct subject *s = &it->subjects[0];
	memset(s, 0, sizeof *s);
	struct strbuf purl = STRBUF_INIT;
	s->product = cvt_oci_purl(d->image, &purl) == 0
			     ? arena_strndup(&c->arena, purl.buf, purl.len)
			     : d->image;
	sb_release(&purl);
	if (d->package)
		strvec_push(&s->purls, d->package);
	return 1;
}

static void build_item(struct vex_ctx *c, struct item *it, const struct cvt_decision *d)
{
	memset(it, 0, sizeof *it);
	it->d = d;
	collect_aliases(c, d, &it->aliases);
	size_t n = c->n_products ? c->n_products : 1;
	it->subjects = arena_alloc_array(&c->arena, n, sizeof *it->subjects);
	for (size_t i = 0; i < n; i++) {
		struct subject *s = &it->subjects[i];
		memset(s, 0, sizeof *s);
		const struct product *p = c->n_products ? &c->products[i] : NULL;
		s->product = p ? p->id : NULL;
		if (d->package)
			strvec_push(&s->purls, d->package);
		else if (p && p->report)
			covered_purls(c, i, d, &s->purls);
		strvec_sort_unique(&s->purls);
	}
	if (d->image)
		n = scope_subjects(c, it, d);
	/* Two reports of the same image are one product. */
	qsort(it->subjects, n, sizeof *it->subjects, cmp_subject);
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		struct subject *s = &it->subjects[i];
		if (kept && s->product && it->subjects[kept - 1].product &&
		    !strcmp(s->product, it->subjects[kept - 1].product)) {
			struct subject *into = &it->subjects[kept - 1];
			for (size_t k = 0; k < s->purls.n; k++)
				strvec_push(&into->purls, s->purls.v[k]);
			strvec_sort_unique(&into->purls);
			strvec_release(&s->purls);
			continue;
		}
		it->subjects[kept++] = *s;
	}
	it->n_subjects = kept;
}

static void add_date_timestamp(char out[32], const char *date)
{
	snprintf(out, 32, "%.10sT00:00:00Z", date);
}

static void ctx_init(struct vex_ctx *c, const struct cvt_ledger *l,
		     const struct cvt_report *const *reports, size_t n_reports,
		     const struct cvt_vex_options *o, struct strbuf *warnings)
{
	static const struct cvt_vex_options no_options;
	memset(c, 0, sizeof *c);
	c->l = l;
	c->reports = reports;
	c->n_reports = reports ? n_reports : 0;
	c->o = o ? o : &no_options;
	c->warnings = warnings;
	arena_init(&c->arena);
	collect_products(c);
	build_index(c);

	const char *latest = NULL;
	for (size_t i = 0; i < l->n_decisions; i++) {
		const char *date = l->decisions[i].date;
		if (date && (!latest || strcmp(date, latest) > 0))
			latest = date;
	}
	if (c->o->timestamp)
		snprintf(c->timestamp, sizeof c->timestamp, "%s", c->o->timestamp);
	else if (latest)
		add_date_timestamp(c->timestamp, latest);
	else if (c->o->today)
		add_date_timestamp(c->timestamp, c->o->today);
	else
		snprintf(c->timestamp, sizeof c->timestamp, "1970-01-01T00:00:00Z");
}

static void ctx_build_items(struct vex_ctx *c)
{
	c->items = arena_alloc_array(&c->arena, c->l->n_decisions ? c->l->n_decisions : 1,
				     sizeof *c->items);
	for (size_t i = 0; i < c->l->n_decisions; i++) {
		const struct cvt_decision *d = &c->l->decisions[i];
		if (!decision_included(c, d))
			continue;
		build_item(c, &c->items[c->n_items++], d);
	}
}

static void ctx_release(struct vex_ctx *c)
{
	for (size_t i = 0; i < c->n_items; i++) {
		struct item *it = &c->items[i];
		strvec_release(&it->aliases);
		for (size_t k = 0; k < it->n_subjects; k++)
			strvec_release(&it->subjects[k].purls);
	}
	arena_release(&c->arena);
}

static const char *author_of(const struct vex_ctx *c)
{
	return c->o->author && *c->o->author ? c->o->author : "cvetrail";
}

static const char *reason_of(const struct cvt_decision *d)
{
	return d->reason ? d->reason : "";
}

/* The IRI characters we keep as they are in statement ids; the rest is percent-encoded. */
static void iri_encode(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char ch = *p;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~:/@%+!$&'()*,;=", ch)) {
			sb_addch(out, (char)ch);
		} else {
			sb_addch(out, '%');
			sb_addch(out, hex[ch >> 4]);
			sb_addch(out, hex[ch & 15]);
		}
	}
}

/* Replaces the `len` placeholder bytes at `at` with the start of the content's SHA-256. */
static void stamp_hash(struct strbuf *out, size_t start, size_t at, size_t len)
{
	char hex[CVT_SHA256_HEX_LEN + 1];
	cvt_sha256_hex(out->buf + start, out->len - start, hex);
	memcpy(out->buf + at, hex, len);
}

#define HASH_PLACEHOLDER "0000000000000000000000000000000000000000000000000000000000000000"

static void write_openvex_products(struct vex_ctx *c, struct json_writer *w, const struct item *it)
{
	size_t count = 0;
	for (size_t i = 0; i < it->n_subjects; i++)
		count += it->subjects[i].product ? 1 : it->subjects[i].purls.n;
	if (!count) {
		warn(c,
		     "%s: a decision for every package needs a product to name (give the report or "
		     "--product); its OpenVEX statement names none",
		     it->d->id);
		return;
	}
	/* A package that is its own product (no report) may appear under several subjects. */
	struct strvec seen = {0};
	json_key(w, "products");
	json_begin_array(w);
	for (size_t i = 0; i < it->n_subjects; i++) {
		const struct subject *s = &it->subjects[i];
		if (s->product) {
			json_begin_object(w);
			json_key(w, "@id");
			json_string(w, s->product);
			if (s->purls.n) {
				json_key(w, "subcomponents");
				json_begin_array(w);
				for (size_t k = 0; k < s->purls.n; k++) {
					json_begin_object(w);
					json_key(w, "@id");
					json_string(w, s->purls.v[k]);
					json_end_object(w);
				}
				json_end_array(w);
			}
			json_end_object(w);
			continue;
		}
		for (size_t k = 0; k < s->purls.n; k++) {
			if (strvec_has(&seen, s->purls.v[k]))
				continue;
			strvec_push(&seen, s->purls.v[k]);
			json_begin_object(w);
			json_key(w, "@id");
			json_string(w, s->purls.v[k]);
			json_end_object(w);
		}
	}
	json_end_array(w);
	strvec_release(&seen);
}

static void write_openvex_statement(struct vex_ctx *c, struct json_writer *w, const struct item *it)
{
	const struct cvt_decision *d = it->d;
	struct strbuf sb = STRBUF_INIT;
	json_begin_object(w);

	sb_addstr(&sb, "urn:cvetrail:triage:");
	iri_encode(&sb, d->id);
	if (d->package) {
		sb_addch(&sb, ':');
		iri_encode(&sb, d->package);
	}
	json_key(w, "@id");
	json_string(w, sb.buf);

	json_key(w, "vulnerability");
	json_begin_object(w);
	json_key(w, "name");
	json_string(w, d->id);
	if (it->aliases.n) {
		json_key(w, "aliases");
		json_begin_array(w);
		for (size_t i = 0; i < it->aliases.n; i++)
			json_string(w, it->aliases.v[i]);
		json_end_array(w);
	}
	json_end_object(w);

	if (d->date) {
		char ts[32];
		add_date_timestamp(ts, d->date);
		json_key(w, "timestamp");
		json_string(w, ts);
	}
	write_openvex_products(c, w, it);
	json_key(w, "status");
	json_string(w, d->status);
	if (d->justification) {
		json_key(w, "justification");
		json_string(w, d->justification);
	}

	const char *reason = reason_of(d);
	int reason_in_notes = 0;
	if (!strcmp(d->status, "not_affected")) {
		if (*reason) {
			json_key(w, "impact_statement");
			json_string(w, reason);
		}
	} else if (!strcmp(d->status, "affected")) {
		json_key(w, "action_statement");
		json_string(w, *reason ? reason : "No action statement provided");
	} else {
		reason_in_notes = 1;
	}
	sb_reset(&sb);
	if (reason_in_notes) {
		sb_addstr(&sb, reason);
		if (d->expires)
			sb_addf(&sb, "%s(expires %s)", *reason ? " " : "", d->expires);
	} else if (d->expires) {
		sb_addf(&sb, "expires %s", d->expires);
	}
	if (sb.len) {
		json_key(w, "status_notes");
		json_string(w, sb.buf);
	}
	json_end_object(w);
	sb_release(&sb);
}

static void write_openvex(struct vex_ctx *c, struct strbuf *out)
{
	size_t start = out->len;
	struct json_writer w;
	json_writer_init(&w, out, 2);
	json_begin_object(&w);
	json_key(&w, "@context");
	json_string(&w, "https://openvex.dev/ns/v0.2.0");
	json_key(&w, "@id");
	json_string(&w, "urn:cvetrail:vex:" HASH_PLACEHOLDER);
	size_t id_at = out->len - 1 - CVT_SHA256_HEX_LEN;
	json_key(&w, "author");
	json_string(&w, author_of(c));
	json_key(&w, "timestamp");
	json_string(&w, c->timestamp);
	json_key(&w, "version");
	json_int(&w, 1);
	json_key(&w, "tooling");
	json_string(&w, "cvetrail");
	json_key(&w, "statements");
	json_begin_array(&w);
	for (size_t i = 0; i < c->n_items; i++)
		write_openvex_statement(c, &w, &c->items[i]);
	json_end_array(&w);
	json_end_object(&w);
	json_writer_finish(&w);
	stamp_hash(out, start, id_at, CVT_SHA256_HEX_LEN);
	if (!c->n_items)
		warn(c, "no decision to export: the OpenVEX document has no statement");
}

struct component {
	const char *ref;
	const char *name;
	const char *type;
	const char *purl;
};

static int cmp_component(const void *a, const void *b)
{
	return strcmp(((const struct component *)a)->ref, ((const struct component *)b)->ref);
}

static const char *package_name(struct vex_ctx *c, const char *purl)
{
	for (size_t i = 0; i < c->n_reports; i++) {
		const struct cvt_report *r = c->reports[i];
		for (size_t k = 0; k < r->n_findings; k++)
			if (r->findings[k].purl && r->findings[k].pkg_name &&
			    !strcmp(r->findings[k].purl, purl))
				return r->findings[k].pkg_name;
	}
	const char *name = purl_name(c, purl);
	return name ? name : purl;
}

static void write_component(struct json_writer *w, const struct component *k)
{
	json_begin_object(w);
	json_key(w, "type");
	json_string(w, k->type);
	json_key(w, "bom-ref");
	json_string(w, k->ref);
	json_key(w, "name");
	json_string(w, k->name ? k->name : k->ref);
	if (k->purl) {
		json_key(w, "purl");
		json_string(w, k->purl);
	}
	json_end_object(w);
}

static struct component product_component(const struct product *p)
{
	struct component k = {p->id, p->name, p->type, NULL};
	if (!strncmp(p->id, "pkg:", 4))
		k.purl = p->id;
	return k;
}

/* The refs a decision's analysis affects: its package, or the products for every package. */
static void affected_refs(const struct item *it, struct strvec *refs)
{
	for (size_t i = 0; i < it->n_subjects; i++) {
		const struct subject *s = &it->subjects[i];
		if (it->d->package || !s->product) {
			for (size_t k = 0; k < s->purls.n; k++)
				strvec_push(refs, s->purls.v[k]);
		} else {
			strvec_push(refs, s->product);
		}
	}
	strvec_sort_unique(refs);
}

static void write_property(struct json_writer *w, const char *name, const char *value)
{
	if (!value)
		return;
	json_begin_object(w);
	json_key(w, "name");
	json_string(w, name);
	json_key(w, "value");
	json_string(w, value);
	json_end_object(w);
}

static void write_cdx_vulnerability(struct vex_ctx *c, struct json_writer *w, const struct item *it)
{
	const struct cvt_decision *d = it->d;
	json_begin_object(w);
	json_key(w, "id");
	json_string(w, d->id);
	/* CycloneDX's aliases: the same vulnerability under other ids (the source is not known). */
	if (it->aliases.n) {
		json_key(w, "references");
		json_begin_array(w);
		for (size_t i = 0; i < it->aliases.n; i++) {
			json_begin_object(w);
			json_key(w, "id");
			json_string(w, it->aliases.v[i]);
			json_key(w, "source");
			json_begin_object(w);
			json_end_object(w);
			json_end_object(w);
		}
		json_end_array(w);
	}

	json_key(w, "analysis");
	json_begin_object(w);
	json_key(w, "state");
	json_string(w, cvt_vex_cdx_state(d->status) ? cvt_vex_cdx_state(d->status) : "in_triage");
	const char *justification = cvt_vex_cdx_justification(d->justification);
	if (justification) {
		json_key(w, "justification");
		json_string(w, justification);
	}
	if (!strcmp(d->status, "fixed")) {
		json_key(w, "response");
		json_begin_array(w);
		json_string(w, "update");
		json_end_array(w);
	}
	if (*reason_of(d)) {
		json_key(w, "detail");
		json_string(w, reason_of(d));
	}
	if (d->date) {
		char ts[32];
		add_date_timestamp(ts, d->date);
		json_key(w, "firstIssued");
		json_string(w, ts);
	}
	json_end_object(w);

	struct strvec refs = {0};
	affected_refs(it, &refs);
	if (refs.n) {
		json_key(w, "affects");
		json_begin_array(w);
		for (size_t i = 0; i < refs.n; i++) {
			json_begin_object(w);
			json_key(w, "ref");
			json_string(w, refs.v[i]);
			json_end_object(w);
		}
		json_end_array(w);
	} else {
		warn(c,
		     "%s: a decision for every package needs a product to name (give the report or "
		     "--product); its CycloneDX analysis affects nothing named",
		     d->id);
	}
	strvec_release(&refs);

	/* What CycloneDX has no field for, under names in our own namespace (sorted). */
	if (d->author || d->expires || d->justification || d->severity) {
		json_key(w, "properties");
		json_begin_array(w);
		write_property(w, "cvetrail:author", d->author);
		write_property(w, "cvetrail:expires", d->expires);
		write_property(w, "cvetrail:justification", d->justification);
		write_property(w, "cvetrail:severity", d->severity);
		json_end_array(w);
	}
	json_end_object(w);
}

#define UUID_PLACEHOLDER "00000000-0000-0000-0000-000000000000"

/* Turns the hex at `at` (36 bytes, already the hash's first hex digits) into an RFC 9562
 * version 8 (custom, here SHA-256 based) UUID: 8-4-4-4-12 with version and variant bits. */
static void stamp_uuid(struct strbuf *out, size_t start, size_t at)
{
	static const char hexdigits[] = "0123456789abcdef";
	char hex[CVT_SHA256_HEX_LEN + 1];
	cvt_sha256_hex(out->buf + start, out->len - start, hex);
	hex[12] = '8';
	/* Variant 10xx in the first digit of the fourth group. */
	const char *pos = strchr(hexdigits, hex[16]);
	hex[16] = hexdigits[8 + ((pos - hexdigits) & 3)];
	char *dst = out->buf + at;
	size_t h = 0;
	for (size_t i = 0; i < 36; i++)
		dst[i] = (i == 8 || i == 13 || i == 18 || i == 23) ? '-' : hex[h++];
}

static void write_cyclonedx(struct vex_ctx *c, struct strbuf *out)
{
	/* Components: the products (in metadata when there is one) and every package referred to. */
	struct component *components = NULL;
	size_t n_components = 0, alloc = 0;
	struct strvec refs = {0};
	for (size_t i = 0; i < c->n_items; i++) {
		const struct item *it = &c->items[i];
		for (size_t k = 0; k < it->n_subjects; k++)
			for (size_t p = 0; p < it->subjects[k].purls.n; p++)
				if (it->d->package || !it->subjects[k].product)
					strvec_push(&refs, it->subjects[k].purls.v[p]);
	}
	strvec_sort_unique(&refs);
	struct strvec product_ids = {0};
	for (size_t i = 0; i < c->n_products; i++)
		if (c->products[i].id)
			strvec_push(&product_ids, c->products[i].id);
	strvec_sort_unique(&product_ids);
	const struct product *single = NULL;
	if (product_ids.n == 1)
		for (size_t i = 0; i < c->n_products && !single; i++)
			if (c->products[i].id)
				single = &c->products[i];
	alloc = refs.n + product_ids.n + 1;
	components = cvt_realloc_array(NULL, alloc, sizeof *components);
	if (!single) {
		for (size_t i = 0; i < c->n_products; i++) {
			const struct product *p = &c->products[i];
			if (!p->id)
				continue;
			int dup = 0;
			for (size_t k = 0; k < n_components; k++)
				dup |= !strcmp(components[k].ref, p->id);
			if (!dup)
				components[n_components++] = product_component(p);
		}
	}
	for (size_t i = 0; i < refs.n; i++) {
		if (strvec_has(&product_ids, refs.v[i]))
			continue;
		struct component k = {refs.v[i], package_name(c, refs.v[i]), "library", refs.v[i]};
		components[n_components++] = k;
	}
	qsort(components, n_components, sizeof *components, cmp_component);

	size_t start = out->len;
	struct json_writer w;
	json_writer_init(&w, out, 2);
	json_begin_object(&w);
	json_key(&w, "bomFormat");
	json_string(&w, "CycloneDX");
	json_key(&w, "specVersion");
	json_string(&w, "1.6");
	json_key(&w, "serialNumber");
	json_string(&w, "urn:uuid:" UUID_PLACEHOLDER);
	size_t uuid_at = out->len - 1 - 36;
	json_key(&w, "version");
	json_int(&w, 1);
	json_key(&w, "metadata");
	json_begin_object(&w);
	json_key(&w, "timestamp");
	json_string(&w, c->timestamp);
	json_key(&w, "tools");
	json_begin_object(&w);
	json_key(&w, "components");
	json_begin_array(&w);
	json_begin_object(&w);
	json_key(&w, "type");
	json_string(&w, "application");
	json_key(&w, "name");
	json_string(&w, "cvetrail");
	json_end_object(&w);
	json_end_array(&w);
	json_end_object(&w);
	json_key(&w, "authors");
	json_begin_array(&w);
	json_begin_object(&w);
	json_key(&w, "name");
	json_string(&w, author_of(c));
	json_end_object(&w);
	json_end_array(&w);
	if (single) {
		struct component k = product_component(single);
		json_key(&w, "component");
		write_component(&w, &k);
	}
	json_end_object(&w);
	if (n_components) {
		json_key(&w, "components");
		json_begin_array(&w);
		for (size_t i = 0; i < n_components; i++)
			write_component(&w, &components[i]);
		json_end_array(&w);
	}
	json_key(&w, "vulnerabilities");
	json_begin_array(&w);
	for (size_t i = 0; i < c->n_items; i++)
		write_cdx_vulnerability(c, &w, &c->items[i]);
	json_end_array(&w);
	json_end_object(&w);
	json_writer_finish(&w);
	stamp_uuid(out, start, uuid_at);

	free(components);
	strvec_release(&refs);
	strvec_release(&product_ids);
}

/* One thing Trivy should ignore: a vulnerability id as Trivy reports it (the decision's id, or
 * for a decision that covers a finding through an alias, the finding's id), optionally limited
 * to a package. */
struct rule {
	const char *trivy_id;
	const char *purl;
	const struct cvt_decision *d;
	size_t order; /* the decision's place in the ledger */
};

struct rules {
	struct rule *v;
	size_t n, alloc;
};

static void rules_push(struct rules *rs, const char *id, const char *purl,
		       const struct cvt_decision *d, size_t order)
{
	if (rs->n == rs->alloc) {
		rs->alloc = rs->alloc ? rs->alloc * 2 : 16;
		rs->v = cvt_realloc_array(rs->v, rs->alloc, sizeof *rs->v);
	}
	struct rule r = {id, purl, d, order};
	rs->v[rs->n++] = r;
}

static int cmp_nullable_first(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* By Trivy id, then decision, then package: the YAML file's order. */
static int cmp_rule(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;
	int c = strcmp(x->trivy_id, y->trivy_id);
	if (c)
		return c;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return cmp_nullable_first(x->purl, y->purl);
}

static void collect_rules(const struct vex_ctx *c, struct rules *rs)
{
	for (size_t i = 0; i < c->l->n_decisions; i++) {
		const struct cvt_decision *d = &c->l->decisions[i];
		if (!cvt_vex_status_suppresses(d->status))
			continue;
		rules_push(rs, d->id, d->package, d, i);
		for (size_t k = c->cover_start[i]; k < c->cover_start[i + 1]; k++) {
			const struct finding_ref *ref = &c->covers[k];
			const struct cvt_finding *f =
				&c->reports[ref->report]->findings[ref->finding];
			if (strcmp(f->id, d->id) && f->purl)
				rules_push(rs, f->id, f->purl, d, i);
		}
	}
	if (rs->n)
		qsort(rs->v, rs->n, sizeof *rs->v, cmp_rule);
	size_t kept = 0;
	for (size_t i = 0; i < rs->n; i++) {
		if (kept && !cmp_rule(&rs->v[i], &rs->v[kept - 1]))
			continue;
		rs->v[kept++] = rs->v[i];
	}
	rs->n = kept;
}

/* A decision that keeps some package's finding of `id` visible (affected,
 * under_investigation): an ignore line for the whole id would hide it. */
static const struct cvt_decision *visible_decision(const struct vex_ctx *c, const char *id)
{
	/* The ledger is sorted by id: find the first decision of `id`, then walk its run. */
	const struct cvt_ledger *l = c->l;
	size_t lo = 0, hi = l->n_decisions;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(l->decisions[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < l->n_decisions && !strcmp(l->decisions[lo].id, id); lo++) {
		const struct cvt_decision *d = &l->decisions[lo];
		if (d->package && !cvt_vex_status_suppresses(d->status))
			return d;
	}
	return NULL;
}

/* Does every finding of `id` in the reports have a suppressing decision? Counts them. */
static int all_findings_suppressed(const struct vex_ctx *c, const char *id, size_t *count,
				   const char **open_purl)
{
	*count = 0;
	for (size_t r = 0; r < c->n_reports; r++) {
		size_t from, to;
		findings_with_id(c, r, id, &from, &to);
		for (size_t k = from; k < to; k++) {
			size_t finding = c->index[r].by_id[k];
			const struct cvt_decision *m = c->index[r].match[finding];
			(*count)++;
			if (!m || !cvt_vex_status_suppresses(m->status)) {
				*open_purl = c->reports[r]->findings[finding].purl;
				return 0;
			}
		}
	}
	return 1;
}

/* Text safe on one comment line: control characters and Unicode line breaks become spaces. */
static void add_one_line(struct strbuf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			sb_addch(out, ' ');
		} else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			sb_addch(out, ' ');
			p++;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			sb_addch(out, ' ');
			p += 2;
		} else {
			sb_addch(out, (char)*p);
		}
	}
}

void cvt_vex_describe_decision(struct strbuf *out, const struct cvt_decision *d)
{
	struct strbuf raw = STRBUF_INIT;
	sb_addstr(&raw, d->status);
	if (d->justification)
		sb_addf(&raw, " (%s)", d->justification);
	sb_addstr(&raw, ": ");
	sb_addstr(&raw, reason_of(d));
	if (d->author && d->date)
		sb_addf(&raw, " (%s, %s)", d->author, d->date);
	else if (d->date)
		sb_addf(&raw, " (%s)", d->date);
	add_one_line(out, raw.buf);
	sb_release(&raw);
}

/* An id Trivy reads as one field of a line, and that does not make the file look like YAML
 * ("key:", "- item", "---") to vex_import.c. */
static int plain_id_ok(const char *id)
{
	size_t len = strlen(id);
	if (!len || *id == '#' || *id == '-' || id[len - 1] == ':')
		return 0;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static void write_trivyignore(struct vex_ctx *c, struct strbuf *out)
{
	struct rules rs = {0};
	collect_rules(c, &rs);
	sb_addstr(
		out,
		"# .trivyignore written by cvetrail from its triage ledger: record decisions with\n"
		"# 'cvetrail ack' and export again instead of editing this file. Lists the\n"
		"# not_affected and fixed decisions; affected and under_investigation stay reported.\n");
	struct strbuf line = STRBUF_INIT;
	for (size_t i = 0; i < rs.n;) {
		size_t j = i;
		while (j < rs.n && !strcmp(rs.v[j].trivy_id, rs.v[i].trivy_id))
			j++;
		const char *id = rs.v[i].trivy_id;
		int whole_id = 0;
		for (size_t k = i; k < j; k++)
			whole_id |= rs.v[k].purl == NULL;
		const struct cvt_decision *visible = visible_decision(c, id);
		const char *open_purl = NULL;
		size_t found = 0;
		int suppressed = all_findings_suppressed(c, id, &found, &open_purl);
		const char *why = NULL;
		if (!plain_id_ok(id))
			why = "its id cannot be written on a .trivyignore line";
		else if (visible)
			why = "a decision keeps it visible in one package, and a line would hide it in every "
			      "package";
		else if (!suppressed)
			why = "it is still open in another package, and a line would hide it there too";
		else if (!whole_id && !found)
			why = "the decisions name packages, and a line would hide it in every package "
			      "(give the report, or use --format trivyignore-yaml)";
		sb_addch(out, '\n');
		if (why) {
			sb_reset(&line);
			sb_addf(&line, "%s not listed: %s", id, why);
			if (visible && visible->package)
				sb_addf(&line, " (%s %s)", visible->package, visible->status);
			else if (open_purl)
				sb_addf(&line, " (%s)", open_purl);
			warn(c, "%s", line.buf);
			sb_addstr(out, "# ");
			add_one_line(out, line.buf);
			sb_addch(out, '\n');
			i = j;
			continue;
		}
		const char *expires = NULL;
		for (size_t k = i; k < j; k++) {
			const struct cvt_decision *d = rs.v[k].d;
			int first = 1;
			for (size_t m = i; m < k; m++)
				first &= rs.v[m].d != d;
			if (!first)
				continue;
			if (d->expires && (!expires || strcmp(d->expires, expires) < 0))
				expires = d->expires;
			sb_addstr(out, "# ");
			if (d->package) {
				add_one_line(out, d->package);
				sb_addstr(out, ": ");
			}
			cvt_vex_describe_decision(out, d);
			sb_addch(out, '\n');
		}
		sb_addstr(out, id);
		if (expires)
			sb_addf(out, " exp:%s", expires);
		sb_addch(out, '\n');
		i = j;
	}
	sb_release(&line);
	free(rs.v);
}

/* A YAML double-quoted scalar: always quoted, so no value is ever read as another type. */
static void yaml_quoted(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	sb_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char ch = *p;
		if (ch == '"' || ch == '\\') {
			sb_addch(out, '\\');
			sb_addch(out, (char)ch);
		} else if (ch == '\n') {
			sb_addstr(out, "\\n");
		} else if (ch == '\t') {
			sb_addstr(out, "\\t");
		} else if (ch == '\r') {
			sb_addstr(out, "\\r");
		} else if (ch < 0x20 || ch == 0x7f) {
			sb_addstr(out, "\\x");
			sb_addch(out, hex[ch >> 4]);
			sb_addch(out, hex[ch & 15]);
		} else if (ch == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			/* C1 controls are not printable YAML characters. */
			sb_addstr(out, "\\x");
			sb_addch(out, hex[p[1] >> 4]);
			sb_addch(out, hex[p[1] & 15]);
			p++;
		} else if (ch == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			sb_addstr(out, p[2] == 0xa8 ? "\\L" : "\\P");
			p += 2;
		} else if (ch == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
			sb_addstr(out, "\\uFEFF");
			p += 2;
		} else {
			sb_addch(out, (char)ch);
		}
	}
	sb_addch(out, '"');
}

static void write_yaml_entry(struct strbuf *out, const char *id, const struct strvec *purls,
			     const struct cvt_decision *d)
{
	sb_addstr(out, "  - id: ");
	yaml_quoted(out, id);
	sb_addch(out, '\n');
	if (purls && purls->n) {
		sb_addstr(out, "    purls:\n");
		for (size_t i = 0; i < purls->n; i++) {
			sb_addstr(out, "      - ");
			yaml_quoted(out, purls->v[i]);
			sb_addch(out, '\n');
		}
	}
	struct strbuf statement = STRBUF_INIT;
	cvt_vex_describe_decision(&statement, d);
	sb_addstr(out, "    statement: ");
	yaml_quoted(out, statement.buf);
	sb_addch(out, '\n');
	sb_release(&statement);
	if (d->expires) {
		/* Plain, so Trivy reads a date (validated YYYY-MM-DD, nothing to escape). */
		sb_addf(out, "    expired_at: %s\n", d->expires);
	}
}

static void write_trivyignore_yaml(struct vex_ctx *c, struct strbuf *out)
{
	struct rules rs = {0};
	collect_rules(c, &rs);
	sb_addstr(
		out,
		"# .trivyignore.yaml written by cvetrail from its triage ledger: record decisions\n"
		"# with 'cvetrail ack' and export again instead of editing this file. Lists the\n"
		"# not_affected and fixed decisions; affected and under_investigation stay reported.\n");
	size_t written = 0;
	struct strbuf body = STRBUF_INIT, note = STRBUF_INIT;
	for (size_t i = 0; i < rs.n;) {
		size_t j = i;
		while (j < rs.n && rs.v[j].d == rs.v[i].d &&
		       !strcmp(rs.v[j].trivy_id, rs.v[i].trivy_id))
			j++;
		const char *id = rs.v[i].trivy_id;
		const struct cvt_decision *d = rs.v[i].d;
		struct strvec purls = {0};
		for (size_t k = i; k < j; k++)
			if (rs.v[k].purl)
				strvec_push(&purls, rs.v[k].purl);
		const struct cvt_decision *visible = NULL;
		if (!purls.n && (visible = visible_decision(c, id)) != NULL) {
			/* Narrow the whole-id decision to the packages it covers in the reports. */
			for (size_t r = 0; r < c->n_reports; r++) {
				size_t from, to;
				findings_with_id(c, r, id, &from, &to);
				for (size_t k = from; k < to; k++) {
					size_t finding = c->index[r].by_id[k];
					const struct cvt_finding *f =
						&c->reports[r]->findings[finding];
					if (f->purl && c->index[r].match[finding] == d)
						strvec_push(&purls, f->purl);
				}
			}
			strvec_sort_unique(&purls);
			if (!purls.n) {
				sb_reset(&note);
				sb_addf(&note,
					"%s not listed: a decision keeps it visible in %s (%s), and an entry "
					"without purls would hide it there (give the report to list the "
					"packages)",
					id, visible->package, visible->status);
				warn(c, "%s", note.buf);
				sb_addstr(&body, "  # ");
				add_one_line(&body, note.buf);
				sb_addch(&body, '\n');
				strvec_release(&purls);
				i = j;
				continue;
			}
		}
		write_yaml_entry(&body, id, &purls, d);
		written++;
		strvec_release(&purls);
		i = j;
	}
	sb_addstr(out, written ? "vulnerabilities:\n" : "vulnerabilities: []\n");
	sb_add(out, body.buf, body.len);
	sb_release(&body);
	sb_release(&note);
	free(rs.v);
}

void cvt_vex_write(enum cvt_vex_format format, const struct cvt_ledger *l,
		   const struct cvt_report *const *reports, size_t n_reports,
		   const struct cvt_vex_options *o, struct strbuf *out, struct strbuf *warnings)
{
	struct vex_ctx c;
	ctx_init(&c, l, reports, n_reports, o, warnings);
	switch (format) {
	case CVT_VEX_OPENVEX:
		ctx_build_items(&c);
		write_openvex(&c, out);
		break;
	case CVT_VEX_CYCLONEDX:
		ctx_build_items(&c);
		write_cyclonedx(&c, out);
		break;
	case CVT_VEX_TRIVYIGNORE:
		write_trivyignore(&c, out);
		break;
	case CVT_VEX_TRIVYIGNORE_YAML:
		write_trivyignore_yaml(&c, out);
		break;
	}
	ctx_release(&c);
}
