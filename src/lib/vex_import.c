#include "vex_import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "date.h"
#include "fileio.h"
#include "json.h"
#include "purl.h"
#include "vex.h"

/*
 * Decisions are staged (strings in the context's arena) and validated one by
 * one; only when the whole document has been read are they put in the ledger.
 */
struct import_ctx {
	const char *name;
	const char *author;
	const char *today;
	const char *text; /* for line numbers of the Trivy formats */
	struct cvt_error *err;
	struct arena arena;
	struct cvt_decision *staged;
	size_t n_staged, alloc;
	const char *fallback_reason;
};

static int fail(struct import_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct import_ctx *c, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&msg, fmt, ap);
	va_end(ap);
	cvt_error_set(c->err, CVT_EINVAL, "%s", msg.buf);
	sb_release(&msg);
	return CVT_EINVAL;
}

static int fail_at(struct import_ctx *c, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(struct import_ctx *c, size_t offset, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&msg, fmt, ap);
	va_end(ap);
	cvt_error_set_at(c->err, CVT_EINVAL, c->text, offset, "%s", msg.buf);
	sb_release(&msg);
	return CVT_EINVAL;
}

/* `s` unless it is absent or only blanks (which the ledger treats as missing). */
static const char *nonempty(const char *s)
{
	for (const char *p = s; p && *p; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return s;
	return NULL;
}

/*
 * Completes `d` with the defaults, checks it and stages it. `where` names the entry in
 * messages; `offset` is its byte offset for line-based formats, (size_t)-1 otherwise.
 */
static int stage(struct import_ctx *c, struct cvt_decision d, const char *where, size_t offset)
{
	if (!nonempty(d.author))
		d.author = c->author;
	if (!nonempty(d.date))
		d.date = c->today;
	if (!nonempty(d.reason))
		d.reason = c->fallback_reason;
	/* The ledger keeps a justification only where OpenVEX defines one: with not_affected. */
	if (!nonempty(d.justification) || strcmp(d.status, "not_affected"))
		d.justification = NULL;
	struct cvt_error why = CVT_ERROR_INIT;
	int rc = 0;
	if (!nonempty(d.id))
		cvt_error_set(&why, CVT_EINVAL, "no vulnerability id");
	else if (!strcmp(d.status, "not_affected") && !d.justification)
		cvt_error_set(
			&why, CVT_EINVAL,
			"%s is not_affected without a justification, which cvetrail's ledger "
			"requires (one of component_not_present, vulnerable_code_not_present, "
			"vulnerable_code_not_in_execute_path, "
			"vulnerable_code_cannot_be_controlled_by_adversary, "
			"inline_mitigations_already_exist)",
			d.id);
	else if (cvt_decision_validate(&d, &why) < 0 && !why.message.len)
		cvt_error_set(&why, CVT_EINVAL, "invalid decision");
	if (why.message.len) {
		if (offset != (size_t)-1)
			rc = fail_at(c, offset, "%s: %s", where, why.message.buf);
		else
			rc = fail(c, "%s: %s", where, why.message.buf);
		cvt_error_release(&why);
		return rc;
	}
	cvt_error_release(&why);
	/* Strings may point into a parsed document that is gone before the decisions are put. */
	const char **fields[] = {&d.id,     &d.package, &d.status,  &d.justification, &d.reason,
				 &d.author, &d.date,    &d.expires, &d.severity};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (*fields[i])
			*fields[i] = arena_strdup(&c->arena, *fields[i]);
	if (c->n_staged == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 16;
		c->staged = cvt_realloc_array(c->staged, c->alloc, sizeof *c->staged);
	}
	c->staged[c->n_staged++] = d;
	return 0;
}

/* The versionless purl of `s` in the arena, or NULL when `s` is not a purl. */
static const char *versionless(struct import_ctx *c, const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *out = NULL;
	if (s && cvt_purl_versionless(s, &sb) == 0)
		out = arena_strndup(&c->arena, sb.buf, sb.len);
	sb_release(&sb);
	return out;
}

static int is_oci_purl(const char *s)
{
	return s && !strncmp(s, "pkg:oci/", 8);
}

/* Calendar arithmetic for RFC 3339 offsets (Howard Hinnant's algorithms). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, char out[11])
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long y = yoe + era * 400;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	long long d = doy - (153 * mp + 2) / 5 + 1;
	long long m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)((y < 0 ? 0 : y) % 10000), (unsigned)m % 100u,
		 (unsigned)d % 100u);
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * An RFC 3339 date-time (or a bare date) as seconds since 1970 and nanoseconds, for ordering,
 * and its UTC date. Returns -1 when `s` is neither.
 */
static int parse_time(const char *s, long long *seconds, long *nanos, char date[11])
{
	struct cvt_date cd;
	char day[11];
	if (!s || strlen(s) < 10)
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (cvt_date_parse(day, &cd) < 0)
		return -1;
	long long days =
		days_from_civil(atoi(day), (unsigned)atoi(day + 5), (unsigned)atoi(day + 8));
	long long secs = 0;
	long frac = 0;
	const char *p = s + 10;
	if (*p) {
		if ((*p != 'T' && *p != 't' && *p != ' ') || strlen(p + 1) < 8 ||
		    !digits(p + 1, 2) || p[3] != ':' || !digits(p + 4, 2) || p[6] != ':' ||
		    !digits(p + 7, 2))
			return -1;
		int h = atoi(p + 1), mi = atoi(p + 4), se = atoi(p + 7);
		if (h > 23 || mi > 59 || se > 60)
			return -1;
		secs = h * 3600LL + mi * 60LL + se;
		p += 9;
		if (*p == '.') {
			p++;
			int n = 0;
			while (*p >= '0' && *p <= '9') {
				if (n < 9) {
					frac = frac * 10 + (*p - '0');
					n++;
				}
				p++;
			}
			if (n == 0)
				return -1;
			while (n++ < 9)
				frac *= 10;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if ((*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' &&
			   digits(p + 4, 2)) {
			long off = atoi(p + 1) * 3600L + atoi(p + 4) * 60L;
			secs -= *p == '+' ? off : -off;
			p += 6;
		} else {
			return -1;
		}
		if (*p)
			return -1;
	}
	long long total = days * 86400 + secs;
	long long day_index = total >= 0 ? total / 86400 : -((-total + 86399) / 86400);
	*seconds = total;
	*nanos = frac;
	civil_from_days(day_index, date);
	return 0;
}

/*
 * Reads "[PURL: ]STATUS[ (JUSTIFICATION)]: REASON (AUTHOR, DATE)" as vex.c writes it. Every
 * part is optional in the sense that text without the STATUS prefix is kept whole as the
 * reason (structured = 0); a trailing "(AUTHOR, DATE)" or "(DATE)" is read in both cases.
 */
struct description {
	int structured;
	const char *package;
	const char *status;
	const char *justification;
	const char *reason;
	const char *author;
	const char *date;
};

static const char *vocabulary_prefix(const char *const *words, const char *s, size_t *len)
{
	for (; *words; words++) {
		size_t n = strlen(*words);
		if (!strncmp(s, *words, n)) {
			*len = n;
			return *words;
		}
	}
	return NULL;
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static void parse_description(struct import_ctx *c, const char *text, int allow_package,
			      struct description *out)
{
	memset(out, 0, sizeof *out);
	const char *s = text;
	if (allow_package && !strncmp(s, "pkg:", 4)) {
		const char *sp = strchr(s, ' ');
		if (sp && sp > s && sp[-1] == ':') {
			const char *purl = arena_strndup(&c->arena, s, (size_t)(sp - 1 - s));
			const char *canonical = versionless(c, purl);
			if (canonical) {
				out->package = canonical;
				s = sp + 1;
			}
		}
	}
	size_t n;
	const char *status = vocabulary_prefix(cvt_vex_statuses, s, &n);
	const char *justification = NULL;
	const char *rest = s;
	if (status) {
		const char *p = s + n;
		if (p[0] == ' ' && p[1] == '(') {
			size_t jn;
			justification = vocabulary_prefix(cvt_vex_justifications, p + 2, &jn);
			p = justification && p[2 + jn] == ')' ? p + 3 + jn : NULL;
		}
		if (p && p[0] == ':' && (p[1] == ' ' || !p[1])) {
			out->structured = 1;
			out->status = status;
			out->justification = justification;
			rest = p[1] ? p + 2 : p + 1;
		} else {
			out->package = NULL;
		}
	} else {
		out->package = NULL;
	}
	if (!out->structured)
		rest = text;

	/* The trailing parenthesised group, found by balancing from the end. */
	size_t len = strlen(rest);
	size_t reason_len = len;
	if (len && rest[len - 1] == ')') {
		int depth = 0;
		size_t open = (size_t)-1;
		for (size_t i = len; i-- > 0;) {
			if (rest[i] == ')')
				depth++;
			else if (rest[i] == '(' && --depth == 0) {
				open = i;
				break;
			}
		}
		if (open != (size_t)-1 && (open == 0 || rest[open - 1] == ' ')) {
			const char *inner = rest + open + 1;
			size_t inner_len = len - open - 2;
			if (inner_len >= 10) {
				char date[11];
				memcpy(date, inner + inner_len - 10, 10);
				date[10] = '\0';
				int sep_ok = inner_len == 10 ||
					     (inner_len > 12 && inner[inner_len - 12] == ',' &&
					      inner[inner_len - 11] == ' ');
				if (sep_ok && cvt_date_parse(date, NULL) == 0) {
					out->date = arena_strdup(&c->arena, date);
					if (inner_len > 12)
						out->author = arena_strndup(&c->arena, inner,
									    inner_len - 12);
					reason_len = open;
				}
			}
		}
	}
	const char *r = rest;
	trim(&r, &reason_len);
	out->reason = reason_len ? arena_strndup(&c->arena, r, reason_len) : NULL;
}

/* OpenVEX */

static const char *json_id_of(const struct json_value *v)
{
	if (json_is(v, JSON_STRING))
		return json_str(v);
	const char *id = json_get_str(v, "@id");
	if (nonempty(id))
		return id;
	return json_get_str(json_get(v, "identifiers"), "purl");
}

struct timed_statement {
	const struct json_value *v;
	size_t index;
	long long seconds;
	long nanos;
	char date[11];
	int has_time;
};

static int cmp_timed(const void *a, const void *b)
{
	const struct timed_statement *x = a, *y = b;
	if (x->has_time != y->has_time)
		return x->has_time - y->has_time;
	if (x->seconds != y->seconds)
		return x->seconds < y->seconds ? -1 : 1;
	if (x->nanos != y->nanos)
		return x->nanos < y->nanos ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Adds the versionless purl to the list unless present; NULL when `s` is not a purl. */
static int add_package(struct import_ctx *c, const char ***list, size_t *n, const char *s)
{
	const char *p = versionless(c, s);
	if (!p)
		return -1;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i], p))
			return 0;
	const char **grown = arena_alloc_array(&c->arena, *n + 1, sizeof *grown);
	if (*n)
		memcpy(grown, *list, *n * sizeof *grown);
	grown[(*n)++] = p;
	*list = grown;
	return 0;
}

/* Strips cvetrail's expiry note from status_notes: "expires DATE" or "... (expires DATE)". */
static const char *take_expiry(struct import_ctx *c, const char *notes, const char **expires)
{
	*expires = NULL;
	if (!notes)
		return NULL;
	size_t len = strlen(notes);
	if (len == 18 && !strncmp(notes, "expires ", 8) && cvt_date_parse(notes + 8, NULL) == 0) {
		*expires = arena_strdup(&c->arena, notes + 8);
		return NULL;
	}
	if (len >= 20 && !strcmp(notes + len - 1, ")") &&
	    !strncmp(notes + len - 20, "(expires ", 9)) {
		char date[11];
		memcpy(date, notes + len - 11, 10);
		date[10] = '\0';
		if (cvt_date_parse(date, NULL) == 0) {
			*expires = arena_strdup(&c->arena, date);
			size_t keep = len - 20;
			while (keep && notes[keep - 1] == ' ')
				keep--;
			return keep ? arena_strndup(&c->arena, notes, keep) : NULL;
		}
	}
	return notes;
}

static int import_openvex_statement(struct import_ctx *c, const struct timed_statement *ts,
				    const char *doc_author)
{
	const struct json_value *st = ts->v;
	char where[64];
	snprintf(where, sizeof where, "statements[%zu]", ts->index);
	if (!json_is(st, JSON_OBJECT))
		return fail(c, "%s: expected an object, got %s", where,
			    json_type_name((enum json_type)st->type));

	const struct json_value *vuln = json_get(st, "vulnerability");
	const char *id = json_is(vuln, JSON_STRING)             ? json_str(vuln)
			 : nonempty(json_get_str(vuln, "name")) ? json_get_str(vuln, "name")
								: json_get_str(vuln, "@id");
	if (!nonempty(id))
		return fail(c, "%s.vulnerability: expected a name", where);
	const char *status = json_get_str(st, "status");
	if (!nonempty(status))
		return fail(c,
			    "%s.status: expected one of not_affected, affected, fixed, "
			    "under_investigation",
			    where);

	const char *expires = NULL;
	const char *notes = take_expiry(c, nonempty(json_get_str(st, "status_notes")), &expires);
	const char *impact = nonempty(json_get_str(st, "impact_statement"));
	const char *action = nonempty(json_get_str(st, "action_statement"));
	const char *reason = NULL;
	if (!strcmp(status, "not_affected"))
		reason = impact;
	else if (!strcmp(status, "affected"))
		reason = action;
	else
		reason = notes;
	if (!reason)
		reason = impact ? impact : action ? action : notes;

	/* The packages the statement names; whole = it is about every package of a product. */
	const char **packages = NULL;
	size_t n_packages = 0;
	int whole = 0;
	const char *statement_id = json_get_str(st, "@id");
	if (statement_id && !strncmp(statement_id, "urn:cvetrail:triage:", 20) &&
	    !strstr(statement_id + 20, ":pkg:")) {
		whole = 1;
	} else {
		const struct json_value *products = json_get(st, "products");
		if (products && !json_is(products, JSON_ARRAY))
			return fail(c, "%s.products: expected an array", where);
		if (!products || products->len == 0)
			whole = 1;
		for (size_t i = 0; products && i < products->len; i++) {
			const struct json_value *p = &products->u.items[i];
			const struct json_value *subs = json_get(p, "subcomponents");
			if (subs && json_is(subs, JSON_ARRAY) && subs->len) {
				for (size_t k = 0; k < subs->len; k++) {
					const char *sid = json_id_of(&subs->u.items[k]);
					if (!sid || add_package(c, &packages, &n_packages, sid) < 0)
						return fail(
							c,
							"%s.products[%zu].subcomponents[%zu]: '%s' is not a "
							"package URL (cvetrail decisions name packages by purl)",
							where, i, k, sid ? sid : "");
				}
				continue;
			}
			const char *pid = json_id_of(p);
			/* A product that names nothing must not widen the decision to every package. */
			if (!nonempty(pid))
				return fail(c,
					    "%s.products[%zu]: expected a product id (a string, or an "
					    "object with \"@id\" or identifiers.purl)",
					    where, i);
			if (!strncmp(pid, "pkg:", 4) && !is_oci_purl(pid)) {
				if (add_package(c, &packages, &n_packages, pid) < 0)
					return fail(
						c,
						"%s.products[%zu]: '%s' is not a valid package URL",
						where, i, pid);
			} else {
				whole = 1;
			}
		}
	}

	struct cvt_decision d = {
		.id = id,
		.status = status,
		.justification = nonempty(json_get_str(st, "justification")),
		.reason = reason,
		.author = doc_author,
		.date = ts->has_time ? arena_strdup(&c->arena, ts->date) : NULL,
		.expires = expires,
	};
	int rc;
	if (whole && (rc = stage(c, d, where, (size_t)-1)) < 0)
		return rc;
	for (size_t i = 0; i < n_packages; i++) {
		d.package = packages[i];
		if ((rc = stage(c, d, where, (size_t)-1)) < 0)
			return rc;
	}
	return 0;
}

static int import_openvex(struct import_ctx *c, const struct json_value *root)
{
	const struct json_value *statements = json_get(root, "statements");
	if (!json_is(statements, JSON_ARRAY))
		return fail(c, "statements: expected an array of VEX statements");
	const char *doc_author = nonempty(json_get_str(root, "author"));
	const char *doc_time = json_get_str(root, "timestamp");
	size_t n = statements->len;
	struct timed_statement *order = cvt_calloc(n ? n : 1, sizeof *order);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct timed_statement *ts = &order[i];
		ts->v = &statements->u.items[i];
		ts->index = i;
		const char *t = json_get_str(ts->v, "timestamp");
		const char *field = "timestamp";
		if (!t) {
			t = doc_time;
			field = "document timestamp";
		}
		if (t) {
			if (parse_time(t, &ts->seconds, &ts->nanos, ts->date) < 0) {
				rc = fail(c,
					  "statements[%zu]: %s '%s' is not an RFC 3339 date-time",
					  i, field, t);
				goto out;
			}
			ts->has_time = 1;
		}
	}
	/* Oldest first, so the latest statement on an id and package is the one kept. */
	if (n)
		qsort(order, n, sizeof *order, cmp_timed);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = import_openvex_statement(c, &order[i], doc_author);
out:
	free(order);
	return rc;
}

/* CycloneDX */

struct bom_ref {
	const char *ref;
	const char *purl;
	const char *type;
	int product; /* the BOM's own subject (metadata.component) */
};

struct bom_refs {
	struct bom_ref *v;
	size_t n, alloc;
};

static void collect_components(struct bom_refs *refs, const struct json_value *list, int depth)
{
	if (!json_is(list, JSON_ARRAY) || depth > 64)
		return;
	for (size_t i = 0; i < list->len; i++) {
		const struct json_value *k = &list->u.items[i];
		const char *ref = json_get_str(k, "bom-ref");
		if (ref) {
			if (refs->n == refs->alloc) {
				refs->alloc = refs->alloc ? refs->alloc * 2 : 16;
				refs->v = cvt_realloc_array(refs->v, refs->alloc, sizeof *refs->v);
			}
			struct bom_ref r = {ref, json_get_str(k, "purl"), json_get_str(k, "type"),
					    0};
			refs->v[refs->n++] = r;
		}
		collect_components(refs, json_get(k, "components"), depth + 1);
	}
}

/* By ref, the BOM's own subject first among equal refs (unique in a valid BOM, but seen). */
static int cmp_bom_ref(const void *a, const void *b)
{
	const struct bom_ref *x = a, *y = b;
	int c = strcmp(x->ref, y->ref);
	return c ? c : y->product - x->product;
}

/* The first ref equal to `ref` in the refs sorted by cmp_bom_ref, or NULL. */
static const struct bom_ref *find_ref(const struct bom_refs *refs, const char *ref)
{
	size_t lo = 0, hi = refs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(refs->v[mid].ref, ref) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < refs->n && !strcmp(refs->v[lo].ref, ref) ? &refs->v[lo] : NULL;
}

static const char *property(const struct json_value *v, const char *name)
{
	const struct json_value *props = json_get(v, "properties");
	const char *found = NULL;
	for (size_t i = 0; json_is(props, JSON_ARRAY) && i < props->len; i++) {
		const struct json_value *p = &props->u.items[i];
		const char *n = json_get_str(p, "name");
		if (n && !strcmp(n, name))
			found = json_get_str(p, "value");
	}
	return nonempty(found);
}

static const char *date_of(struct import_ctx *c, const char *timestamp, const char *where,
			   const char *field, int *rc)
{
	long long secs;
	long nanos;
	char date[11];
	*rc = 0;
	if (!timestamp)
		return NULL;
	if (parse_time(timestamp, &secs, &nanos, date) < 0) {
		*rc = fail(c, "%s.%s: '%s' is not an RFC 3339 date-time", where, field, timestamp);
		return NULL;
	}
	return arena_strdup(&c->arena, date);
}

/* Component types that are products rather than packages: a container always, the others
 * when they have no purl to be a package by. */
static int is_product_type(const char *type, const char *purl)
{
	static const char *const products[] = {"application", "operating-system", "platform",
					       "device", "firmware"};
	if (!type)
		return 0;
	if (!strcmp(type, "container"))
		return 1;
	for (size_t i = 0; !purl && i < sizeof products / sizeof products[0]; i++)
		if (!strcmp(type, products[i]))
			return 1;
	return 0;
}

static int import_cyclonedx_vulnerability(struct import_ctx *c, const struct json_value *v,
					  size_t index, const struct bom_refs *refs,
					  const char *doc_author, const char *doc_date)
{
	char where[64];
	snprintf(where, sizeof where, "vulnerabilities[%zu]", index);
	const struct json_value *analysis = json_get(v, "analysis");
	const char *state = json_get_str(analysis, "state");
	const char *id = json_get_str(v, "id");
	if (!nonempty(id))
		return fail(c, "%s.id: expected the vulnerability id", where);
	const char *status = cvt_vex_status_from_cdx(state);
	if (!status)
		return fail(c,
			    "%s.analysis.state: '%s' is not a CycloneDX state (resolved, "
			    "resolved_with_pedigree, exploitable, in_triage, false_positive, "
			    "not_affected)",
			    where, state);
	const char *cdx_justification = json_get_str(analysis, "justification");
	const char *justification = property(v, "cvetrail:justification");
	if (!justification && cdx_justification) {
		justification = cvt_vex_justification_from_cdx(cdx_justification);
		if (!justification)
			return fail(
				c,
				"%s.analysis.justification: '%s' is not a CycloneDX justification",
				where, cdx_justification);
	}
	/* "Falsely identified": the vulnerable code is not there. */
	if (!justification && !strcmp(state, "false_positive"))
		justification = "vulnerable_code_not_present";

	int rc;
	const char *date = date_of(c, json_get_str(analysis, "lastUpdated"), where,
				   "analysis.lastUpdated", &rc);
	if (rc < 0)
		return rc;
	if (!date) {
		date = date_of(c, json_get_str(analysis, "firstIssued"), where,
			       "analysis.firstIssued", &rc);
		if (rc < 0)
			return rc;
	}
	struct cvt_decision d = {
		.id = id,
		.status = status,
		.justification = justification,
		.reason = nonempty(json_get_str(analysis, "detail")),
		.author = property(v, "cvetrail:author") ? property(v, "cvetrail:author")
							 : doc_author,
		.date = date ? date : doc_date,
		.expires = property(v, "cvetrail:expires"),
		.severity = property(v, "cvetrail:severity"),
	};

	const char **packages = NULL;
	size_t n_packages = 0;
	int whole = 0;
	const struct json_value *affects = json_get(v, "affects");
	if (!json_is(affects, JSON_ARRAY) || affects->len == 0)
		whole = 1;
	for (size_t i = 0; json_is(affects, JSON_ARRAY) && i < affects->len; i++) {
		const char *ref = json_get_str(&affects->u.items[i], "ref");
		if (!ref)
			return fail(c, "%s.affects[%zu].ref: expected a string", where, i);
		/* A BOM-Link "urn:cdx:SERIAL/VERSION#BOM-REF" names a ref in another BOM. */
		if (!strncmp(ref, "urn:cdx:", 8)) {
			const char *hash = strchr(ref, '#');
			if (!hash || !hash[1])
				return fail(c,
					    "%s.affects[%zu].ref: BOM-Link '%s' names no component",
					    where, i, ref);
			ref = hash + 1;
		}
		const struct bom_ref *found = find_ref(refs, ref);
		const char *purl = found ? found->purl : (!strncmp(ref, "pkg:", 4) ? ref : NULL);
		/* The product itself (an image, an application without purl) stands for all of
		 * its packages; a library we cannot name by purl is an error. */
		int product =
			found && (found->product || is_product_type(found->type, found->purl));
		if (product || (!found && is_oci_purl(purl))) {
			whole = 1;
			continue;
		}
		if (!purl || add_package(c, &packages, &n_packages, purl) < 0)
			return fail(
				c,
				"%s.affects[%zu].ref: '%s' names no package URL (cvetrail decisions "
				"name packages by purl)",
				where, i, ref);
	}
	if (whole && (rc = stage(c, d, where, (size_t)-1)) < 0)
		return rc;
	for (size_t i = 0; i < n_packages; i++) {
		d.package = packages[i];
		if ((rc = stage(c, d, where, (size_t)-1)) < 0)
			return rc;
	}
	return 0;
}

static int import_cyclonedx(struct import_ctx *c, const struct json_value *root)
{
	const struct json_value *vulns = json_get(root, "vulnerabilities");
	if (!json_is(vulns, JSON_ARRAY))
		return fail(
			c, "vulnerabilities: a CycloneDX BOM without vulnerabilities is not a VEX");
	struct bom_refs refs = {0};
	const struct json_value *metadata = json_get(root, "metadata");
	const struct json_value *subject = json_get(metadata, "component");
	const char *subject_ref = json_get_str(subject, "bom-ref");
	if (subject_ref) {
		struct bom_ref r = {subject_ref, json_get_str(subject, "purl"), "container", 1};
		refs.alloc = 16;
		refs.v = cvt_realloc_array(NULL, refs.alloc, sizeof *refs.v);
		refs.v[refs.n++] = r;
	}
	collect_components(&refs, json_get(subject, "components"), 0);
	collect_components(&refs, json_get(root, "components"), 0);
	if (refs.n)
		qsort(refs.v, refs.n, sizeof *refs.v, cmp_bom_ref);

	const struct json_value *authors = json_get(metadata, "authors");
	const char *doc_author = json_is(authors, JSON_ARRAY) && authors->len
					 ? nonempty(json_get_str(&authors->u.items[0], "name"))
					 : NULL;
	int rc = 0;
	const char *doc_date =
		date_of(c, json_get_str(metadata, "timestamp"), "metadata", "timestamp", &rc);
	size_t analysed = 0;
	for (size_t i = 0; rc == 0 && i < vulns->len; i++) {
		const struct json_value *v = &vulns->u.items[i];
		if (!json_get_str(json_get(v, "analysis"), "state"))
			continue; /* a scan result, not a statement */
		analysed++;
		rc = import_cyclonedx_vulnerability(c, v, i, &refs, doc_author, doc_date);
	}
	if (rc == 0 && vulns->len && !analysed)
		rc = fail(c, "vulnerabilities: none has an analysis: this is a scan result (VDR), "
			     "not a VEX");
	free(refs.v);
	return rc;
}

/*
 * The offset of the first byte that is not valid UTF-8 (overlong forms, surrogates and code
 * points past U+10FFFF included), or len. The line formats carry text into the ledger, which
 * is JSON and must stay valid UTF-8.
 */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned long cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

/* .trivyignore */

static int stage_described(struct import_ctx *c, const char *id, const char *package,
			   const struct description *desc, const char *expires, const char *where,
			   size_t offset)
{
	struct cvt_decision d = {
		.id = id,
		.package = desc->structured && desc->package ? desc->package : package,
		/* An ignore entry without our status is a risk the team accepted: the finding is
		 * real (affected) and deliberately not reported. */
		.status = desc->structured ? desc->status : "affected",
		.justification = desc->justification,
		.reason = desc->reason,
		.author = desc->author,
		.date = desc->date,
		.expires = expires,
	};
	return stage(c, d, where, offset);
}

static int import_trivyignore(struct import_ctx *c, const char *text, size_t len)
{
	struct strbuf comments = STRBUF_INIT; /* the comment block above, lines separated by '\n' */
	size_t line_no = 0;
	int rc = 0;
	for (size_t pos = 0; pos < len && rc == 0;) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos;
		size_t line_at = pos;
		pos += line_len + (nl ? 1 : 0);
		line_no++;
		if (line_len && line[line_len - 1] == '\r')
			line_len--;
		const char *s = line;
		size_t n = line_len;
		trim(&s, &n);
		if (n == 0) {
			sb_reset(&comments);
			continue;
		}
		if (*s == '#') {
			s++;
			n--;
			trim(&s, &n);
			if (comments.len)
				sb_addch(&comments, '\n');
			sb_add(&comments, s, n);
			continue;
		}
		/* Fields: the id, then key:value attributes (Trivy knows exp:). */
		size_t id_len = 0;
		while (id_len < n && s[id_len] != ' ' && s[id_len] != '\t')
			id_len++;
		const char *id = arena_strndup(&c->arena, s, id_len);
		const char *expires = NULL;
		for (size_t i = id_len; i < n;) {
			while (i < n && (s[i] == ' ' || s[i] == '\t'))
				i++;
			size_t j = i;
			while (j < n && s[j] != ' ' && s[j] != '\t')
				j++;
			if (j - i > 4 && !strncmp(s + i, "exp:", 4)) {
				expires = arena_strndup(&c->arena, s + i + 4, j - i - 4);
				if (cvt_date_parse(expires, NULL) < 0) {
					rc = fail_at(c, line_at + (size_t)(s + i - line),
						     "%s: exp:%s is not a YYYY-MM-DD date", id,
						     expires);
					break;
				}
			}
			i = j;
		}
		if (rc)
			break;
		char where[32];
		snprintf(where, sizeof where, "line %zu", line_no);
		size_t before = c->n_staged;
		/* One decision per structured comment line; otherwise the whole block is the reason. */
		for (size_t k = 0; k < comments.len && rc == 0;) {
			const char *cl = comments.buf + k;
			const char *end = memchr(cl, '\n', comments.len - k);
			size_t cl_len = end ? (size_t)(end - cl) : comments.len - k;
			char *one = arena_strndup(&c->arena, cl, cl_len);
			struct description desc;
			parse_description(c, one, 1, &desc);
			if (desc.structured)
				rc = stage_described(c, id, NULL, &desc, expires, where, line_at);
			k += cl_len + (end ? 1 : 0);
		}
		if (rc == 0 && c->n_staged == before) {
			for (size_t k = 0; k < comments.len; k++)
				if (comments.buf[k] == '\n')
					comments.buf[k] = ' ';
			struct description desc;
			parse_description(c, arena_strndup(&c->arena, comments.buf, comments.len),
					  0, &desc);
			rc = stage_described(c, id, NULL, &desc, expires, where, line_at);
		}
		sb_reset(&comments);
	}
	sb_release(&comments);
	return rc;
}

/*
 * .trivyignore.yaml: a YAML subset parser for exactly that file's shape. Block mappings and
 * sequences (including a sequence at its key's indentation), plain, single- and double-quoted
 * scalars on one line, flow sequences of scalars, comments, a leading "---". Anything else
 * (anchors, aliases, tags, block scalars, flow mappings, multi-line scalars, several
 * documents) is refused with its line.
 */

enum ynode_type {
	Y_NULL,
	Y_SCALAR,
	Y_SEQ,
	Y_MAP,
};

struct ynode {
	enum ynode_type type;
	size_t offset;
	const char *str;
	struct ynode **items; /* Y_SEQ items, Y_MAP values */
	const char **keys;    /* Y_MAP */
	size_t *key_offsets;
	size_t n, alloc;
};

struct yline {
	size_t start; /* offset of the line */
	size_t len;   /* without the newline (and a '\r') */
	size_t col;   /* where the content starts (may move right inside "- key: v") */
};

struct yparser {
	struct import_ctx *c;
	const char *text;
	struct yline *lines;
	size_t n_lines;
	size_t cur;
	int depth;
};

static const char *yline_at(const struct yparser *p, const struct yline *l)
{
	return p->text + l->start + l->col;
}

static size_t yline_rest(const struct yline *l)
{
	return l->len - l->col;
}

/* Blank and comment-only lines carry nothing. */
static int yline_empty(const struct yparser *p, const struct yline *l)
{
	const char *s = yline_at(p, l);
	size_t n = yline_rest(l);
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	return i == n || s[i] == '#';
}

static void yskip(struct yparser *p)
{
	while (p->cur < p->n_lines && yline_empty(p, &p->lines[p->cur]))
		p->cur++;
}

static struct yline *ypeek(struct yparser *p)
{
	yskip(p);
	return p->cur < p->n_lines ? &p->lines[p->cur] : NULL;
}

static int ydash(const struct yparser *p, const struct yline *l)
{
	const char *s = yline_at(p, l);
	size_t n = yline_rest(l);
	return n >= 1 && s[0] == '-' && (n == 1 || s[1] == ' ');
}

static size_t yoffset(const struct yparser *p, const struct yline *l, size_t extra)
{
	(void)p;
	return l->start + l->col + extra;
}

static struct ynode *ynew(struct yparser *p, enum ynode_type type, size_t offset)
{
	struct ynode *n = arena_alloc(&p->c->arena, sizeof *n);
	memset(n, 0, sizeof *n);
	n->type = type;
	n->offset = offset;
	return n;
}

/* Appends to a sequence or mapping; arrays double in the arena, so n items cost O(n). */
static void yappend(struct yparser *p, struct ynode *parent, struct ynode *child, const char *key,
		    size_t key_offset)
{
	size_t n = parent->n;
	if (n == parent->alloc) {
		size_t alloc = n ? n * 2 : 4;
		struct ynode **items = arena_alloc_array(&p->c->arena, alloc, sizeof *items);
		if (n)
			memcpy(items, parent->items, n * sizeof *items);
		parent->items = items;
		if (parent->type == Y_MAP) {
			const char **keys = arena_alloc_array(&p->c->arena, alloc, sizeof *keys);
			size_t *offsets = arena_alloc_array(&p->c->arena, alloc, sizeof *offsets);
			if (n) {
				memcpy(keys, parent->keys, n * sizeof *keys);
				memcpy(offsets, parent->key_offsets, n * sizeof *offsets);
			}
			parent->keys = keys;
			parent->key_offsets = offsets;
		}
		parent->alloc = alloc;
	}
	parent->items[n] = child;
	if (parent->type == Y_MAP) {
		parent->keys[n] = key;
		parent->key_offsets[n] = key_offset;
	}
	parent->n = n + 1;
}

static void utf8_put(struct strbuf *sb, unsigned long cp)
{
	if (cp < 0x80) {
		sb_addch(sb, (char)cp);
	} else if (cp < 0x800) {
		sb_addch(sb, (char)(0xc0 | (cp >> 6)));
		sb_addch(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sb_addch(sb, (char)(0xe0 | (cp >> 12)));
		sb_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_addch(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		sb_addch(sb, (char)(0xf0 | (cp >> 18)));
		sb_addch(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
		sb_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_addch(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* After a scalar: only spaces and a comment (or, for a key, the ':' the caller checks). */
static int ytrailing_ok(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] == ' ')
		i++;
	return i == n || s[i] == '#';
}

/*
 * Reads one scalar at s[*i] (n bytes in the line). `stop` lists characters that end a plain
 * scalar in this context (",]" in a flow sequence). For a key (is_key), a plain scalar ends
 * at ": " or a final ':'. Returns the node, or NULL after an error.
 */
static struct ynode *yscalar(struct yparser *p, const struct yline *l, size_t *i, int is_key,
			     const char *stop)
{
	const char *s = yline_at(p, l);
	size_t n = yline_rest(l);
	size_t start = *i;
	struct strbuf sb = STRBUF_INIT;
	struct ynode *node = ynew(p, Y_SCALAR, yoffset(p, l, start));
	char ch = s[start];
	if (ch == '"') {
		size_t k = start + 1;
		for (; k < n && s[k] != '"'; k++) {
			if (s[k] != '\\') {
				if ((unsigned char)s[k] < 0x20 && s[k] != '\t') {
					fail_at(p->c, yoffset(p, l, k),
						"a control character in a quoted string");
					goto error;
				}
				sb_addch(&sb, s[k]);
				continue;
			}
			if (++k >= n)
				break;
			unsigned long cp = 0;
			int hex_len = 0;
			switch (s[k]) {
			case '0':
				fail_at(p->c, yoffset(p, l, k - 1),
					"\\0 (NUL) is not allowed here");
				goto error;
			case 'a':
				sb_addch(&sb, '\a');
				break;
			case 'b':
				sb_addch(&sb, '\b');
				break;
			case 't':
			case '\t':
				sb_addch(&sb, '\t');
				break;
			case 'n':
				sb_addch(&sb, '\n');
				break;
			case 'v':
				sb_addch(&sb, '\v');
				break;
			case 'f':
				sb_addch(&sb, '\f');
				break;
			case 'r':
				sb_addch(&sb, '\r');
				break;
			case 'e':
				sb_addch(&sb, 0x1b);
				break;
			case ' ':
			case '"':
			case '/':
			case '\\':
				sb_addch(&sb, s[k]);
				break;
			case 'N':
				utf8_put(&sb, 0x85);
				break;
			case '_':
				utf8_put(&sb, 0xa0);
				break;
			case 'L':
				utf8_put(&sb, 0x2028);
				break;
			case 'P':
				utf8_put(&sb, 0x2029);
				break;
			case 'x':
				hex_len = 2;
				break;
			case 'u':
				hex_len = 4;
				break;
			case 'U':
				hex_len = 8;
				break;
			default:
				fail_at(p->c, yoffset(p, l, k - 1),
					"unknown escape '\\%c' in a quoted string", s[k]);
				goto error;
			}
			if (hex_len) {
				for (int h = 1; h <= hex_len; h++) {
					int v = k + (size_t)h < n ? hex_digit(s[k + (size_t)h])
								  : -1;
					if (v < 0) {
						fail_at(p->c, yoffset(p, l, k - 1),
							"'\\%c' needs %d hex digits", s[k],
							hex_len);
						goto error;
					}
					cp = cp * 16 + (unsigned long)v;
				}
				if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
					fail_at(p->c, yoffset(p, l, k - 1),
						"escape of an invalid character");
					goto error;
				}
				utf8_put(&sb, cp);
				k += (size_t)hex_len;
			}
		}
		if (k >= n) {
			fail_at(p->c, yoffset(p, l, start),
				"unterminated quoted string (multi-line strings are not supported)");
			goto error;
		}
		*i = k + 1;
	} else if (ch == '\'') {
		size_t k = start + 1;
		for (; k < n; k++) {
			if (s[k] == '\'') {
				if (k + 1 < n && s[k + 1] == '\'') {
					sb_addch(&sb, '\'');
					k++;
					continue;
				}
				break;
			}
			sb_addch(&sb, s[k]);
		}
		if (k >= n) {
			fail_at(p->c, yoffset(p, l, start),
				"unterminated quoted string (multi-line strings are not supported)");
			goto error;
		}
		*i = k + 1;
	} else {
		if (strchr("&*!|>%@`{}[]", ch) ||
		    (ch == '-' && start + 1 < n && s[start + 1] == ' ') ||
		    (ch == '?' && (start + 1 == n || s[start + 1] == ' '))) {
			fail_at(p->c, yoffset(p, l, start),
				"'%c' starts a YAML feature a .trivyignore.yaml does not use (anchors, "
				"aliases, tags, block scalars, flow mappings, nested lists)",
				ch);
			goto error;
		}
		size_t k = start;
		while (k < n) {
			if (s[k] == '#' && k > start && s[k - 1] == ' ')
				break;
			if (s[k] == ':' && (k + 1 == n || s[k + 1] == ' ')) {
				if (is_key)
					break;
				fail_at(p->c, yoffset(p, l, k),
					"': ' inside a plain value (quote the value, or nest the mapping "
					"on its own lines)");
				goto error;
			}
			if (stop && strchr(stop, s[k]))
				break;
			k++;
		}
		size_t end = k;
		while (end > start && s[end - 1] == ' ')
			end--;
		sb_add(&sb, s + start, end - start);
		*i = k;
		if (!is_key && !stop &&
		    (!strcmp(sb.buf, "~") || !strcmp(sb.buf, "null") || !strcmp(sb.buf, "Null") ||
		     !strcmp(sb.buf, "NULL") || sb.len == 0))
			node->type = Y_NULL;
	}
	node->str = arena_strndup(&p->c->arena, sb.buf, sb.len);
	sb_release(&sb);
	return node;
error:
	sb_release(&sb);
	return NULL;
}

/* A flow sequence of scalars on one line: [a, "b"]. */
static struct ynode *yflow_seq(struct yparser *p, const struct yline *l, size_t *i)
{
	const char *s = yline_at(p, l);
	size_t n = yline_rest(l);
	struct ynode *seq = ynew(p, Y_SEQ, yoffset(p, l, *i));
	size_t k = *i + 1;
	for (;;) {
		while (k < n && s[k] == ' ')
			k++;
		if (k < n && s[k] == ']' && seq->n == 0) {
			k++;
			break;
		}
		if (k >= n) {
			fail_at(p->c, yoffset(p, l, *i),
				"unterminated '[' (flow sequences must fit on one line)");
			return NULL;
		}
		struct ynode *item = yscalar(p, l, &k, 0, ",]");
		if (!item)
			return NULL;
		yappend(p, seq, item, NULL, 0);
		while (k < n && s[k] == ' ')
			k++;
		if (k < n && s[k] == ',') {
			k++;
			continue;
		}
		if (k < n && s[k] == ']') {
			k++;
			break;
		}
		fail_at(p->c, yoffset(p, l, k), "expected ',' or ']' in a flow sequence");
		return NULL;
	}
	*i = k;
	return seq;
}

/* A value written on the same line after "key:" or "- ": a scalar or a flow sequence. */
static struct ynode *yinline_value(struct yparser *p, struct yline *l, size_t i)
{
	const char *s = yline_at(p, l);
	size_t n = yline_rest(l);
	struct ynode *v = s[i] == '[' ? yflow_seq(p, l, &i) : yscalar(p, l, &i, 0, NULL);
	if (!v)
		return NULL;
	if (!ytrailing_ok(s, n, i)) {
		fail_at(p->c, yoffset(p, l, i), "unexpected text after the value");
		return NULL;
	}
	p->cur++;
	return v;
}

static struct ynode *yblock(struct yparser *p, size_t min_col);

/* Is there "key:" at the start of this (virtual) line? Sets *after to past the ':'. */
static int ykey_line(struct yparser *p, const struct yline *l)
{
	const char *s = yline_at(p, l);
	size_t n = yline_rest(l);
	if (!n || s[0] == '-' || s[0] == '#' || s[0] == '[' || s[0] == '{')
		return 0;
	size_t k = 0;
	if (s[0] == '"' || s[0] == '\'') {
		char q = s[0];
		for (k = 1; k < n && s[k] != q; k++)
			if (q == '"' && s[k] == '\\')
				k++;
		k++;
		while (k < n && s[k] == ' ')
			k++;
		return k < n && s[k] == ':';
	}
	for (; k < n; k++) {
		if (s[k] == '#' && k && s[k - 1] == ' ')
			return 0;
		if (s[k] == ':' && (k + 1 == n || s[k + 1] == ' '))
			return 1;
	}
	return 0;
}

static struct ynode *ymap(struct yparser *p, size_t col)
{
	struct yline *l = ypeek(p);
	struct ynode *map = ynew(p, Y_MAP, yoffset(p, l, 0));
	while ((l = ypeek(p)) != NULL && l->col == col) {
		if (ydash(p, l) || !ykey_line(p, l)) {
			if (ydash(p, l))
				break;
			fail_at(p->c, yoffset(p, l, 0), "expected 'key: value'");
			return NULL;
		}
		if (++p->depth > 64) {
			fail_at(p->c, yoffset(p, l, 0), "nested too deep");
			return NULL;
		}
		size_t i = 0;
		size_t key_offset = yoffset(p, l, 0);
		struct ynode *key = yscalar(p, l, &i, 1, NULL);
		if (!key)
			return NULL;
		const char *s = yline_at(p, l);
		size_t n = yline_rest(l);
		while (i < n && s[i] == ' ')
			i++;
		if (i >= n || s[i] != ':') {
			fail_at(p->c, yoffset(p, l, i), "expected ':' after the key");
			return NULL;
		}
		i++;
		for (size_t k = 0; k < map->n; k++)
			if (!strcmp(map->keys[k], key->str)) {
				fail_at(p->c, key_offset, "duplicate key '%s'", key->str);
				return NULL;
			}
		while (i < n && s[i] == ' ')
			i++;
		struct ynode *value;
		if (i < n && s[i] != '#') {
			value = yinline_value(p, l, i);
		} else {
			p->cur++;
			struct yline *next = ypeek(p);
			if (next && next->col > col)
				value = yblock(p, col + 1);
			else if (next && next->col == col && ydash(p, next))
				value = yblock(
					p, col); /* a sequence may sit at its key's indentation */
			else
				value = ynew(p, Y_NULL, key_offset);
		}
		p->depth--;
		if (!value)
			return NULL;
		yappend(p, map, value, key->str, key_offset);
	}
	if (l && l->col > col) {
		fail_at(p->c, yoffset(p, l, 0), "unexpected indentation");
		return NULL;
	}
	return map;
}

static struct ynode *yseq(struct yparser *p, size_t col)
{
	struct yline *l = ypeek(p);
	struct ynode *seq = ynew(p, Y_SEQ, yoffset(p, l, 0));
	while ((l = ypeek(p)) != NULL && l->col == col && ydash(p, l)) {
		if (++p->depth > 64) {
			fail_at(p->c, yoffset(p, l, 0), "nested too deep");
			return NULL;
		}
		size_t item_offset = yoffset(p, l, 0);
		const char *s = yline_at(p, l);
		size_t n = yline_rest(l);
		size_t i = 1;
		while (i < n && s[i] == ' ')
			i++;
		struct ynode *item;
		if (i >= n || s[i] == '#') {
			p->cur++;
			struct yline *next = ypeek(p);
			item = next && next->col > col ? yblock(p, col + 1)
						       : ynew(p, Y_NULL, item_offset);
		} else {
			/* "- key: value" opens a mapping whose keys line up after the dash. */
			struct yline saved = *l;
			l->col += i;
			if (ykey_line(p, l)) {
				item = ymap(p, l->col);
			} else if (ydash(p, l)) {
				fail_at(p->c, yoffset(p, l, 0),
					"nested lists are not used in a .trivyignore.yaml");
				return NULL;
			} else {
				item = yinline_value(p, l, 0);
			}
			if (p->cur < p->n_lines && &p->lines[p->cur] == l)
				*l = saved;
		}
		p->depth--;
		if (!item)
			return NULL;
		yappend(p, seq, item, NULL, 0);
	}
	if (l && l->col > col) {
		fail_at(p->c, yoffset(p, l, 0), "unexpected indentation");
		return NULL;
	}
	return seq;
}

static struct ynode *yblock(struct yparser *p, size_t min_col)
{
	struct yline *l = ypeek(p);
	if (!l || l->col < min_col)
		return ynew(p, Y_NULL, l ? yoffset(p, l, 0) : 0);
	if (ydash(p, l))
		return yseq(p, l->col);
	if (ykey_line(p, l))
		return ymap(p, l->col);
	fail_at(p->c, yoffset(p, l, 0),
		"expected 'key: value' or '- item' (multi-line scalars are not supported)");
	return NULL;
}

static int ysplit_lines(struct yparser *p, const char *text, size_t len)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	p->lines = arena_alloc_array(&p->c->arena, n, sizeof *p->lines);
	p->n_lines = 0;
	size_t pos = 0;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;
	int seen_content = 0;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos;
		struct yline l = {pos, line_len, 0};
		if (line_len && line[line_len - 1] == '\r')
			l.len--;
		if (memchr(line, '\0', l.len))
			return fail_at(p->c, pos, "a NUL byte in the file");
		while (l.col < l.len && line[l.col] == ' ')
			l.col++;
		if (l.col < l.len && line[l.col] == '\t')
			return fail_at(p->c, pos + l.col,
				       "a tab in the indentation (YAML indents with spaces)");
		int is_marker = l.len >= 3 && l.col == 0 && !memcmp(line, "---", 3) &&
				(l.len == 3 || line[3] == ' ' || line[3] == '#');
		if (is_marker) {
			if (seen_content)
				return fail_at(p->c, pos, "several YAML documents in one file");
			seen_content = 1;
		} else if (l.col == 0 && l.len >= 1 && line[0] == '%') {
			return fail_at(p->c, pos, "YAML directives are not supported");
		} else if (l.len >= 3 && l.col == 0 && !memcmp(line, "...", 3)) {
			return fail_at(p->c, pos, "'...' (end of document) is not supported");
		} else {
			const char *content = line + l.col;
			size_t rest = l.len - l.col;
			if (rest && content[0] != '#')
				seen_content = 1;
			p->lines[p->n_lines++] = l;
		}
		pos += line_len + (nl ? 1 : 0);
	}
	return 0;
}

static const struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	for (size_t i = 0; map && map->type == Y_MAP && i < map->n; i++)
		if (!strcmp(map->keys[i], key))
			return map->items[i];
	return NULL;
}

/* Where `key` is written in `map` (for messages about the whole entry under it). */
static size_t ymap_key_offset(const struct ynode *map, const char *key)
{
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->keys[i], key))
			return map->key_offsets[i];
	return map->offset;
}

static int import_trivyignore_yaml(struct import_ctx *c, const char *text, size_t len)
{
	struct yparser p = {c, text, NULL, 0, 0, 0};
	int rc = ysplit_lines(&p, text, len);
	if (rc < 0)
		return rc;
	struct ynode *root = yblock(&p, 0);
	if (!root)
		return CVT_EINVAL;
	struct yline *extra = ypeek(&p);
	if (extra)
		return fail_at(c, yoffset(&p, extra, 0), "unexpected text at the top level");
	if (root->type == Y_NULL)
		return 0;
	if (root->type != Y_MAP)
		return fail_at(c, root->offset,
			       "expected a mapping with 'vulnerabilities:' at the top level");
	static const char *const lists[] = {"vulnerabilities", "misconfigurations", "secrets",
					    "licenses"};
	for (size_t i = 0; i < root->n; i++) {
		int known = 0;
		for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++)
			known |= !strcmp(root->keys[i], lists[k]);
		if (!known)
			return fail_at(c, root->key_offsets[i],
				       "unknown key '%s' (a .trivyignore.yaml has vulnerabilities, "
				       "misconfigurations, secrets, licenses)",
				       root->keys[i]);
	}
	const struct ynode *vulns = ymap_get(root, "vulnerabilities");
	if (!vulns || vulns->type == Y_NULL)
		return 0;
	if (vulns->type != Y_SEQ)
		return fail_at(c, vulns->offset, "vulnerabilities: expected a list of entries");
	static const char *const entry_keys[] = {"id", "paths", "purls", "statement", "expired_at"};
	for (size_t i = 0; i < vulns->n; i++) {
		const struct ynode *e = vulns->items[i];
		char where[48];
		snprintf(where, sizeof where, "vulnerabilities[%zu]", i);
		if (e->type != Y_MAP)
			return fail_at(c, e->offset,
				       "%s: expected 'id: ...' and the entry's other keys", where);
		for (size_t k = 0; k < e->n; k++) {
			int known = 0;
			for (size_t m = 0; m < sizeof entry_keys / sizeof entry_keys[0]; m++)
				known |= !strcmp(e->keys[k], entry_keys[m]);
			if (!known)
				return fail_at(c, e->key_offsets[k],
					       "%s: unknown key '%s' (allowed: id, paths, purls, "
					       "statement, expired_at)",
					       where, e->keys[k]);
		}
		const struct ynode *id = ymap_get(e, "id");
		if (!id || id->type != Y_SCALAR || !*id->str)
			return fail_at(c, id ? id->offset : e->offset, "%s: expected an id", where);
		const struct ynode *lists_of[2] = {ymap_get(e, "purls"), ymap_get(e, "paths")};
		for (int k = 0; k < 2; k++) {
			const struct ynode *list = lists_of[k];
			if (!list || list->type == Y_NULL)
				continue;
			if (list->type != Y_SEQ)
				return fail_at(c, list->offset, "%s.%s: expected a list", where,
					       k ? "paths" : "purls");
			for (size_t m = 0; m < list->n; m++)
				if (list->items[m]->type != Y_SCALAR)
					return fail_at(c, list->items[m]->offset,
						       "%s.%s[%zu]: expected a string", where,
						       k ? "paths" : "purls", m);
		}
		const struct ynode *purls = lists_of[0], *paths = lists_of[1];
		size_t n_purls = purls && purls->type == Y_SEQ ? purls->n : 0;
		size_t n_paths = paths && paths->type == Y_SEQ ? paths->n : 0;
		if (n_paths && !n_purls)
			return fail_at(
				c, ymap_key_offset(e, "paths"),
				"%s (%s): ignored by paths only, which cvetrail cannot express "
				"(a decision is about a package wherever it is): name the "
				"packages with purls",
				where, id->str);
		const struct ynode *exp = ymap_get(e, "expired_at");
		const char *expires = NULL;
		if (exp && exp->type != Y_NULL) {
			long long secs;
			long nanos;
			char date[11];
			if (exp->type != Y_SCALAR || parse_time(exp->str, &secs, &nanos, date) < 0)
				return fail_at(c, exp->offset,
					       "%s.expired_at: expected a YYYY-MM-DD date", where);
			expires = arena_strdup(&c->arena, date);
		}
		const struct ynode *statement = ymap_get(e, "statement");
		if (statement && statement->type == Y_SEQ)
			return fail_at(c, statement->offset, "%s.statement: expected a string",
				       where);
		struct description desc;
		parse_description(c, statement && statement->type == Y_SCALAR ? statement->str : "",
				  0, &desc);
		if (!n_purls) {
			if ((rc = stage_described(c, id->str, NULL, &desc, expires, where,
						  e->offset)) < 0)
				return rc;
			continue;
		}
		const char **packages = NULL;
		size_t n_packages = 0;
		for (size_t m = 0; m < n_purls; m++)
			if (add_package(c, &packages, &n_packages, purls->items[m]->str) < 0)
				return fail_at(c, purls->items[m]->offset,
					       "%s.purls[%zu]: '%s' is not a package URL", where, m,
					       purls->items[m]->str);
		for (size_t m = 0; m < n_packages; m++)
			if ((rc = stage_described(c, id->str, packages[m], &desc, expires, where,
						  e->offset)) < 0)
				return rc;
	}
	return 0;
}

/* Detection and entry points */

/*
 * YAML rather than the line format: some line that is not a comment starts a list item
 * ("- "), is a document marker, or begins with a "key:" (an id never ends with ':').
 */
static int looks_like_yaml(const char *text, size_t len)
{
	for (size_t pos = 0; pos < len;) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		size_t i = 0;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == n || line[i] == '#')
			continue;
		if (line[i] == '-' && (i + 1 == n || line[i + 1] == ' ' || line[i + 1] == '\r' ||
				       (i + 2 < n && line[i + 1] == '-' && line[i + 2] == '-')))
			return 1;
		size_t j = i;
		while (j < n && line[j] != ' ' && line[j] != '\t' && line[j] != '\r')
			j++;
		if (j > i && line[j - 1] == ':')
			return 1;
	}
	return 0;
}

static enum cvt_vex_input_format json_format(const struct json_value *root)
{
	if (!json_is(root, JSON_OBJECT))
		return CVT_VEX_INPUT_UNKNOWN;
	const char *bom = json_get_str(root, "bomFormat");
	if (bom && !strcmp(bom, "CycloneDX"))
		return CVT_VEX_INPUT_CYCLONEDX;
	const char *context = json_get_str(root, "@context");
	if ((context && !strncmp(context, "https://openvex.dev/ns", 22)) ||
	    json_is(json_get(root, "statements"), JSON_ARRAY))
		return CVT_VEX_INPUT_OPENVEX;
	return CVT_VEX_INPUT_UNKNOWN;
}

static size_t skip_bom_space(const char *text, size_t len)
{
	size_t i = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
		i++;
	return i;
}

enum cvt_vex_input_format cvt_vex_detect(const char *text, size_t len)
{
	size_t i = skip_bom_space(text, len);
	if (i < len && (text[i] == '{' || text[i] == '[')) {
		char *copy = cvt_malloc(len + 1);
		memcpy(copy, text, len);
		copy[len] = '\0';
		struct json_doc doc;
		enum cvt_vex_input_format f = CVT_VEX_INPUT_UNKNOWN;
		if (json_parse(&doc, copy, len, NULL) == 0) {
			f = json_format(doc.root);
			json_doc_release(&doc);
		}
		free(copy);
		return f;
	}
	return looks_like_yaml(text, len) ? CVT_VEX_INPUT_TRIVYIGNORE_YAML
					  : CVT_VEX_INPUT_TRIVYIGNORE;
}

static int import_json(struct import_ctx *c, const char *text, size_t len)
{
	char *copy = cvt_malloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	struct json_doc doc;
	int rc = json_parse(&doc, copy, len, c->err);
	if (rc < 0) {
		free(copy);
		return rc;
	}
	switch (json_format(doc.root)) {
	case CVT_VEX_INPUT_OPENVEX:
		rc = import_openvex(c, doc.root);
		break;
	case CVT_VEX_INPUT_CYCLONEDX:
		rc = import_cyclonedx(c, doc.root);
		break;
	default:
		rc = fail(c, "not an OpenVEX document, a CycloneDX BOM or a Trivy ignore file");
		break;
	}
	json_doc_release(&doc);
	free(copy);
	return rc;
}

int cvt_vex_import_buffer(struct cvt_ledger *l, const char *name, const char *text, size_t len,
			  const char *author, const char *today, struct cvt_error *err)
{
	struct import_ctx c;
	memset(&c, 0, sizeof c);
	c.name = name ? name : "-";
	c.author = author;
	c.today = today;
	c.text = text;
	c.err = err;
	arena_init(&c.arena);
	c.fallback_reason = arena_sprintf(&c.arena, "imported from %s", c.name);
	int rc;
	size_t start = skip_bom_space(text, len);
	size_t bad = utf8_invalid_at((const unsigned char *)text, len);
	if (start < len && (text[start] == '{' || text[start] == '['))
		rc = import_json(&c, text, len);
	else if (bad < len)
		rc = fail_at(&c, bad, "invalid UTF-8 byte 0x%02x", (unsigned char)text[bad]);
	else if (memchr(text, '\0', len))
		rc = fail_at(&c, (size_t)((const char *)memchr(text, '\0', len) - text),
			     "a NUL byte");
	else if (looks_like_yaml(text, len))
		rc = import_trivyignore_yaml(&c, text, len);
	else
		rc = import_trivyignore(&c, text, len);
	if (rc == 0) {
		for (size_t i = 0; i < c.n_staged; i++)
			cvt_ledger_put(l, &c.staged[i]);
		rc = c.n_staged > (size_t)0x7fffffff ? 0x7fffffff : (int)c.n_staged;
	} else {
		cvt_error_about(err, name);
	}
	free(c.staged);
	arena_release(&c.arena);
	return rc;
}

int cvt_vex_import(struct cvt_ledger *l, const char *path, const char *author, const char *today,
		   struct cvt_error *err)
{
	char *data;
	size_t len;
	int rc = cvt_read_file(path, &data, &len, err);
	if (rc < 0)
		return rc;
	rc = cvt_vex_import_buffer(l, path, data, len, author, today, err);
	free(data);
	return rc;
}
