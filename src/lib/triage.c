#include "triage.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "date.h"
#include "fileio.h"
#include "json.h"
#include "purl.h"

#define LEDGER_SCHEMA "cvetrail/triage/1"
#define NOT_FOUND     ((size_t)-1)

const char *const cvt_vex_statuses[] = {"not_affected", "affected", "fixed", "under_investigation",
					NULL};

const char *const cvt_vex_justifications[] = {
	"component_not_present",
	"vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist",
	NULL,
};

const char *const cvt_decision_severities[] = {"CRITICAL", "HIGH",    "MEDIUM",
					       "LOW",      "UNKNOWN", NULL};

/* The ledger's fields, in the order they are written. */
static const char *const decision_fields[] = {"id",     "package", "image",   "status",
					      "justification", "reason", "author", "date",
					      "expires", "severity", NULL};

void cvt_ledger_init(struct cvt_ledger *l)
{
	memset(l, 0, sizeof *l);
	arena_init(&l->arena);
}

void cvt_ledger_release(struct cvt_ledger *l)
{
	free(l->decisions);
	free(l->input);
	arena_release(&l->arena);
	memset(l, 0, sizeof *l);
}

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static void join_list(struct strbuf *out, const char *const *list)
{
	for (const char *const *p = list; *p; p++) {
		if (p != list)
			sb_addstr(out, ", ");
		sb_addstr(out, *p);
	}
}

/* A value quoted for a message, cut at a character boundary when long. */
static void quote_value(struct strbuf *out, const char *s)
{
	size_t len = strlen(s), max = 80;
	sb_addch(out, '"');
	if (len <= max) {
		sb_add(out, s, len);
	} else {
		while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
			max--;
		sb_add(out, s, max);
		sb_addstr(out, "...");
	}
	sb_addch(out, '"');
}

/* "<where><field>: expected one of A, B, C; got "x"" */
static int not_in_list(struct cvt_error *err, const char *where, const char *field,
		       const char *const *list, const char *got)
{
	struct strbuf msg = STRBUF_INIT;
	sb_addf(&msg, "%s%s: expected one of ", where, field);
	join_list(&msg, list);
	if (got) {
		sb_addstr(&msg, "; got ");
		quote_value(&msg, got);
	} else {
		sb_addstr(&msg, "; it is required");
	}
	int rc = cvt_error_set(err, CVT_EINVAL, "%s", msg.buf);
	sb_release(&msg);
	return rc;
}

static int bad_value(struct cvt_error *err, const char *where, const char *field,
		     const char *expected, const char *got)
{
	struct strbuf q = STRBUF_INIT;
	if (got)
		quote_value(&q, got);
	else
		sb_addstr(&q, "nothing");
	int rc = cvt_error_set(err, CVT_EINVAL, "%s%s: expected %s, got %s", where, field, expected,
			       q.buf);
	sb_release(&q);
	return rc;
}

static int id_is_valid(const char *id)
{
	if (!id || !*id)
		return 0;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int validate_id(const char *id, const char *where, struct cvt_error *err)
{
	if (id_is_valid(id))
		return 0;
	return bad_value(err, where, "id",
			 "a vulnerability id such as CVE-2023-38545 (non-empty, without spaces or "
			 "control characters)",
			 id);
}

int cvt_vuln_id_validate(const char *id, struct cvt_error *err)
{
	return validate_id(id, "", err);
}

int cvt_decision_package(const char *typed, const char *what, struct strbuf *out,
			 struct cvt_error *err)
{
	if (!typed || strncmp(typed, "pkg:", 4) != 0 || cvt_purl_versionless(typed, out) < 0)
		return bad_value(err, "", what, "a package URL such as pkg:deb/debian/curl", typed);
	return 0;
}

static int validate_package(const char *package, const char *where, struct cvt_error *err)
{
	struct strbuf canonical = STRBUF_INIT;
	int rc = 0;
	if (strncmp(package, "pkg:", 4) != 0 || cvt_purl_versionless(package, &canonical) < 0) {
		rc = bad_value(err, where, "package",
			       "a package URL without version such as pkg:deb/debian/curl",
			       package);
	} else if (strcmp(canonical.buf, package) != 0) {
		/* A non-canonical package would silently never match a finding key. */
		struct strbuf want = STRBUF_INIT;
		sb_addstr(&want, "the versionless canonical form ");
		quote_value(&want, canonical.buf);
		rc = bad_value(err, where, "package", want.buf, package);
		sb_release(&want);
	}
	sb_release(&canonical);
	return rc;
}

static int validate_date(const char *date, const char *where, const char *field,
			 struct cvt_error *err)
{
	if (cvt_date_parse(date, NULL) == 0)
		return 0;
	return bad_value(err, where, field, "a calendar date YYYY-MM-DD", date);
}

static int validate_text(const char *text, const char *where, const char *field, const char *what,
			 struct cvt_error *err)
{
	for (const char *p = text; p && *p; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	return cvt_error_set(err, CVT_EINVAL, "%s%s: required: %s", where, field, what);
}

static int validate_decision(const struct cvt_decision *d, const char *where, struct cvt_error *err)
{
	int rc;
	if ((rc = validate_id(d->id, where, err)) < 0)
		return rc;
	if (d->package && (rc = validate_package(d->package, where, err)) < 0)
		return rc;
	if (d->image && (rc = cvt_image_scope_validate(d->image, where, err)) < 0)
		return rc;
	if (!d->status || !in_list(d->status, cvt_vex_statuses))
		return not_in_list(err, where, "status", cvt_vex_statuses, d->status);
	if (d->justification && !in_list(d->justification, cvt_vex_justifications))
		return not_in_list(err, where, "justification", cvt_vex_justifications,
				   d->justification);
	if (!strcmp(d->status, "not_affected") && !d->justification) {
		struct strbuf msg = STRBUF_INIT;
		sb_addf(&msg,
			"%sjustification: required with status not_affected (OpenVEX); "
			"expected one of ",
			where);
		join_list(&msg, cvt_vex_justifications);
		rc = cvt_error_set(err, CVT_EINVAL, "%s", msg.buf);
		sb_release(&msg);
		return rc;
	}
	if (strcmp(d->status, "not_affected") != 0 && d->justification)
		return cvt_error_set(err, CVT_EINVAL,
				     "%sjustification: only allowed with status not_affected "
				     "(OpenVEX), but status is %s; drop the justification or use "
				     "status not_affected",
				     where, d->status);
	if ((rc = validate_text(d->reason, where, "reason", "say why, in words", err)) < 0 ||
	    (rc = validate_text(d->author, where, "author", "who decided", err)) < 0 ||
	    (rc = validate_date(d->date, where, "date", err)) < 0)
		return rc;
	if (d->expires && (rc = validate_date(d->expires, where, "expires", err)) < 0)
		return rc;
	if (d->severity && !in_list(d->severity, cvt_decision_severities))
		return not_in_list(err, where, "severity", cvt_decision_severities, d->severity);
	return 0;
}

int cvt_decision_validate(const struct cvt_decision *d, struct cvt_error *err)
{
	return validate_decision(d, "", err);
}

/* Ledger order: id, then package, then image; an absent package or image sorts first. */
static int compare_opt(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int compare_key(const char *id_a, const char *pkg_a, const char *img_a, const char *id_b,
		       const char *pkg_b, const char *img_b)
{
	int c = strcmp(id_a, id_b);
	if (c)
		return c;
	if ((c = compare_opt(pkg_a, pkg_b)))
		return c;
	return compare_opt(img_a, img_b);
}

static int compare_decisions(const struct cvt_decision *a, const struct cvt_decision *b)
{
	return compare_key(a->id, a->package, a->image, b->id, b->package, b->image);
}

/* First index whose key is not below (id, package, image); *found says whether it is equal. */
static size_t lower_bound(const struct cvt_ledger *l, const char *id, const char *package,
			  const char *image, int *found)
{
	size_t lo = 0, hi = l->n_decisions;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cvt_decision *d = &l->decisions[mid];
		if (compare_key(d->id, d->package, d->image, id, package, image) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < l->n_decisions &&
		 compare_key(l->decisions[lo].id, l->decisions[lo].package, l->decisions[lo].image,
			     id, package, image) == 0;
	return lo;
}

size_t cvt_ledger_find_in(const struct cvt_ledger *l, const char *id, const char *package,
			  const char *image)
{
	int found;
	size_t i = lower_bound(l, id, package, image, &found);
	return found ? i : NOT_FOUND;
}

size_t cvt_ledger_find(const struct cvt_ledger *l, const char *id, const char *package)
{
	return cvt_ledger_find_in(l, id, package, NULL);
}

static const char *arena_copy(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

void cvt_ledger_put(struct cvt_ledger *l, const struct cvt_decision *d)
{
	struct cvt_decision copy = {
		.id = arena_copy(&l->arena, d->id),
		.package = arena_copy(&l->arena, d->package),
		.image = arena_copy(&l->arena, d->image),
		.status = arena_copy(&l->arena, d->status),
		.justification = arena_copy(&l->arena, d->justification),
		.reason = arena_copy(&l->arena, d->reason),
		.author = arena_copy(&l->arena, d->author),
		.date = arena_copy(&l->arena, d->date),
		.expires = arena_copy(&l->arena, d->expires),
		.severity = arena_copy(&l->arena, d->severity),
	};
	int found;
	size_t i = lower_bound(l, d->id, d->package, d->image, &found);
	if (found) {
		l->decisions[i] = copy;
		return;
	}
	if (l->n_decisions == l->decisions_alloc) {
		size_t alloc = l->decisions_alloc ? l->decisions_alloc * 2 : 16;
		l->decisions = cvt_realloc_array(l->decisions, alloc, sizeof *l->decisions);
		l->decisions_alloc = alloc;
	}
	memmove(&l->decisions[i + 1], &l->decisions[i],
		(l->n_decisions - i) * sizeof *l->decisions);
	l->decisions[i] = copy;
	l->n_decisions++;
}

int cvt_ledger_remove(struct cvt_ledger *l, const char *id, const char *package)
{
	return cvt_ledger_remove_in(l, id, package, NULL);
}

int cvt_ledger_remove_in(struct cvt_ledger *l, const char *id, const char *package,
			 const char *image)
{
	size_t i = cvt_ledger_find_in(l, id, package, image);
	if (i == NOT_FOUND)
		return 0;
	memmove(&l->decisions[i], &l->decisions[i + 1],
		(l->n_decisions - i - 1) * sizeof *l->decisions);
	l->n_decisions--;
	return 1;
}

/* The end of the tag or digest-less name: "reg:5000/app:1.2@sha256:..." -> "reg:5000/app". */
static size_t repository_length(const char *image, int keep_tag)
{
	size_t len = strlen(image);
	const char *at = strchr(image, '@');
	if (at)
		len = (size_t)(at - image);
	if (keep_tag)
		return len;
	size_t slash = 0;
	for (size_t i = 0; i < len; i++)
		if (image[i] == '/')
			slash = i + 1;
	for (size_t i = slash; i < len; i++)
		if (image[i] == ':')
			return i;
	return len;
}

int cvt_image_in_scope(const char *image, const char *scope)
{
	if (!scope)
		return 1;
	if (!image)
		return 0;
	if (!strcmp(image, scope))
		return 1;
	size_t scope_len = strlen(scope);
	for (int keep_tag = 1; keep_tag >= 0; keep_tag--) {
		size_t len = repository_length(image, keep_tag);
		if (len == scope_len && !strncmp(image, scope, len))
			return 1;
	}
	return 0;
}

int cvt_image_scope_validate(const char *image, const char *where, struct cvt_error *err)
{
	if (!*image)
		return cvt_error_set(err, CVT_EINVAL, "%simage: expected an image name, got \"\"",
				     where);
	for (const unsigned char *p = (const unsigned char *)image; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cvt_error_set(err, CVT_EINVAL,
					     "%simage: contains a control character; expected an "
					     "image name such as nginx or nginx:1.25",
					     where);
	return 0;
}

/*
 * The decision for exactly (id, package) that covers a finding in `image`: one scoped to
 * the image first, then the one without scope. Decisions of one (id, package) are
 * adjacent, the unscoped one first.
 */
static const struct cvt_decision *lookup(const struct cvt_ledger *l, const char *id,
					 const char *package, const char *image)
{
	int found;
	size_t first = lower_bound(l, id, package, NULL, &found);
	const struct cvt_decision *unscoped = found ? &l->decisions[first] : NULL;
	if (image) {
		for (size_t i = first + (found ? 1 : 0); i < l->n_decisions; i++) {
			const struct cvt_decision *d = &l->decisions[i];
			if (strcmp(d->id, id) != 0 || compare_opt(d->package, package) != 0)
				break;
			if (cvt_image_in_scope(image, d->image))
				return d;
		}
	}
	return unscoped;
}

const struct cvt_decision *cvt_ledger_match(const struct cvt_ledger *l, const struct cvt_finding *f)
{
	return cvt_ledger_match_in(l, f, NULL);
}

const struct cvt_decision *cvt_ledger_match_in(const struct cvt_ledger *l,
					       const struct cvt_finding *f, const char *image)
{
	const struct cvt_decision *d;
	if (!l->n_decisions || !f->id)
		return NULL;
	if ((f->purl && (d = lookup(l, f->id, f->purl, image))) ||
	    (d = lookup(l, f->id, NULL, image)))
		return d;
	for (size_t i = 0; i < f->n_aliases; i++) {
		const char *alias = f->aliases[i];
		if ((f->purl && (d = lookup(l, alias, f->purl, image))) ||
		    (d = lookup(l, alias, NULL, image)))
			return d;
	}
	return NULL;
}

static void mark_key(const struct cvt_ledger *l, const char *id, const char *package,
		     const char *image, unsigned char *used)
{
	int found;
	for (size_t i = lower_bound(l, id, package, NULL, &found); i < l->n_decisions; i++) {
		const struct cvt_decision *d = &l->decisions[i];
		if (strcmp(d->id, id) != 0 || compare_opt(d->package, package) != 0)
			break;
		if (!d->image || (image && cvt_image_in_scope(image, d->image)))
			used[i] = 1;
	}
}

static void mark_id(const struct cvt_ledger *l, const char *id, const char *purl,
		    const char *image, unsigned char *used)
{
	if (purl)
		mark_key(l, id, purl, image, used);
	mark_key(l, id, NULL, image, used);
}

void cvt_ledger_mark_matches(const struct cvt_ledger *l, const struct cvt_finding *f,
			     unsigned char *used)
{
	cvt_ledger_mark_matches_in(l, f, NULL, used);
}

void cvt_ledger_mark_matches_in(const struct cvt_ledger *l, const struct cvt_finding *f,
				const char *image, unsigned char *used)
{
	if (!l->n_decisions || !f->id)
		return;
	mark_id(l, f->id, f->purl, image, used);
	for (size_t i = 0; i < f->n_aliases; i++)
		mark_id(l, f->aliases[i], f->purl, image, used);
}

int cvt_decision_matches(const struct cvt_decision *d, const struct cvt_finding *f)
{
	return cvt_decision_matches_in(d, f, NULL);
}

int cvt_decision_matches_in(const struct cvt_decision *d, const struct cvt_finding *f,
			    const char *image)
{
	if (!f->id || (d->package && (!f->purl || strcmp(d->package, f->purl) != 0)))
		return 0;
	if (d->image && !(image && cvt_image_in_scope(image, d->image)))
		return 0;
	if (!strcmp(d->id, f->id))
		return 1;
	for (size_t i = 0; i < f->n_aliases; i++)
		if (!strcmp(d->id, f->aliases[i]))
			return 1;
	return 0;
}

int cvt_decision_expired(const struct cvt_decision *d, const char *today)
{
	return d->expires && strcmp(d->expires, today) < 0;
}

void cvt_decision_write(struct json_writer *w, const struct cvt_decision *d)
{
	const char *values[] = {d->id,     d->package, d->image,   d->status,  d->justification,
				d->reason, d->author,  d->date,    d->expires, d->severity};
	json_begin_object(w);
	for (size_t i = 0; decision_fields[i]; i++) {
		if (!values[i])
			continue;
		json_key(w, decision_fields[i]);
		json_string(w, values[i]);
	}
	json_end_object(w);
}

void cvt_ledger_write(const struct cvt_ledger *l, struct strbuf *out)
{
	struct json_writer w;
	json_writer_init(&w, out, 2);
	json_begin_object(&w);
	json_key(&w, "schema");
	json_string(&w, LEDGER_SCHEMA);
	json_key(&w, "decisions");
	json_begin_array(&w);
	for (size_t i = 0; i < l->n_decisions; i++)
		cvt_decision_write(&w, &l->decisions[i]);
	json_end_array(&w);
	json_end_object(&w);
	json_writer_finish(&w);
}

int cvt_ledger_save(const struct cvt_ledger *l, const char *path, struct cvt_error *err)
{
	struct strbuf text = STRBUF_INIT;
	cvt_ledger_write(l, &text);
	int rc = cvt_write_file_atomic(path, text.buf, text.len, err);
	sb_release(&text);
	return rc;
}

/* A decision as read, with its place in the file for messages about duplicates. */
struct read_decision {
	struct cvt_decision d;
	size_t index;
};

static const char *type_phrase(const struct json_value *v)
{
	switch ((enum json_type)v->type) {
	case JSON_NULL:
		return "null";
	case JSON_FALSE:
	case JSON_TRUE:
		return "a boolean";
	case JSON_NUMBER:
		return "a number";
	case JSON_STRING:
		return "a string";
	case JSON_ARRAY:
		return "an array";
	case JSON_OBJECT:
		return "an object";
	}
	return "an unknown value";
}

static int read_entry(const struct json_value *v, size_t index, struct cvt_decision *d,
		      struct cvt_error *err)
{
	const char **slots[] = {&d->id,     &d->package, &d->image,   &d->status,  &d->justification,
				&d->reason, &d->author,  &d->date,    &d->expires, &d->severity};
	char where[48];
	snprintf(where, sizeof where, "decisions[%zu].", index);
	memset(d, 0, sizeof *d);
	if (!json_is(v, JSON_OBJECT))
		return cvt_error_set(err, CVT_EINVAL,
				     "decisions[%zu]: expected a decision object, got %s", index,
				     type_phrase(v));
	unsigned seen = 0;
	for (uint32_t m = 0; m < v->len; m++) {
		const struct json_member *member = &v->u.members[m];
		size_t f = 0;
		while (decision_fields[f] && strcmp(decision_fields[f], member->key) != 0)
			f++;
		if (!decision_fields[f] || strlen(member->key) != member->key_len) {
			struct strbuf msg = STRBUF_INIT;
			sb_addf(&msg, "decisions[%zu]: unknown field ", index);
			quote_value(&msg, member->key);
			sb_addstr(&msg, "; expected ");
			join_list(&msg, decision_fields);
			int rc = cvt_error_set(err, CVT_EINVAL, "%s", msg.buf);
			sb_release(&msg);
			return rc;
		}
		if (seen & (1u << f))
			return cvt_error_set(err, CVT_EINVAL, "%s%s: field given twice", where,
					     decision_fields[f]);
		seen |= 1u << f;
		const struct json_value *value = &member->value;
		if (json_is(value, JSON_NULL))
			continue; /* same as absent; required fields are checked below */
		if (!json_is(value, JSON_STRING))
			return cvt_error_set(err, CVT_EINVAL, "%s%s: expected a string, got %s",
					     where, decision_fields[f], type_phrase(value));
		if (strlen(value->u.str) != value->len)
			return cvt_error_set(err, CVT_EINVAL, "%s%s: contains a NUL character",
					     where, decision_fields[f]);
		*slots[f] = value->u.str;
	}
	return validate_decision(d, where, err);
}

static int compare_read(const void *a, const void *b)
{
	const struct read_decision *x = a, *y = b;
	int c = compare_decisions(&x->d, &y->d);
	if (c)
		return c;
	return (x->index > y->index) - (x->index < y->index);
}

static int read_ledger(struct cvt_ledger *l, const struct json_value *root, struct cvt_error *err)
{
	static const char expected[] =
		"expected a triage ledger object {\"schema\": \"" LEDGER_SCHEMA
		"\", \"decisions\": [...]}";
	if (!json_is(root, JSON_OBJECT))
		return cvt_error_set(err, CVT_EINVAL, "%s, got %s", expected, type_phrase(root));
	const struct json_value *schema = json_get(root, "schema");
	if (!json_is(schema, JSON_STRING) || strcmp(schema->u.str, LEDGER_SCHEMA) != 0)
		return cvt_error_set(err, CVT_EINVAL, "schema: %s", expected);
	for (uint32_t m = 0; m < root->len; m++) {
		const char *key = root->u.members[m].key;
		if (strcmp(key, "schema") != 0 && strcmp(key, "decisions") != 0) {
			struct strbuf q = STRBUF_INIT;
			quote_value(&q, key);
			int rc = cvt_error_set(
				err, CVT_EINVAL,
				"unknown top-level field %s; expected schema, decisions", q.buf);
			sb_release(&q);
			return rc;
		}
	}
	const struct json_value *decisions = json_get(root, "decisions");
	if (!decisions || json_is(decisions, JSON_NULL))
		return 0;
	if (!json_is(decisions, JSON_ARRAY))
		return cvt_error_set(err, CVT_EINVAL, "decisions: expected an array, got %s",
				     type_phrase(decisions));
	size_t n = decisions->len;
	struct read_decision *read = cvt_calloc(n ? n : 1, sizeof *read);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		read[i].index = i;
		if ((rc = read_entry(&decisions->u.items[i], i, &read[i].d, err)) < 0)
			goto out;
	}
	/* Humans edit the file: accept any order, refuse ambiguity. */
	qsort(read, n, sizeof *read, compare_read);
	for (size_t i = 1; i < n; i++) {
		const struct cvt_decision *a = &read[i - 1].d, *b = &read[i].d;
		if (compare_decisions(a, b) == 0) {
			if (b->image)
				rc = cvt_error_set(err, CVT_EINVAL,
						   "decisions[%zu]: same id, package and image as "
						   "decisions[%zu] (%s %s %s); expected one decision per "
						   "id, package and image",
						   read[i].index, read[i - 1].index, b->id,
						   b->package ? b->package : "(every package)", b->image);
			else
				rc = cvt_error_set(err, CVT_EINVAL,
						   "decisions[%zu]: same id and package as decisions[%zu] "
						   "(%s %s); expected one decision per id and package",
						   read[i].index, read[i - 1].index, b->id,
						   b->package ? b->package : "(every package)");
			goto out;
		}
	}
	l->decisions = cvt_realloc_array(NULL, n ? n : 1, sizeof *l->decisions);
	l->decisions_alloc = n ? n : 1;
	for (size_t i = 0; i < n; i++)
		l->decisions[i] = read[i].d;
	l->n_decisions = n;
out:
	free(read);
	return rc;
}

/* Parses `text` (len + 1 bytes, owned: kept by the ledger on success, freed on error). */
static int load_text(struct cvt_ledger *l, char *text, size_t len, struct cvt_error *err)
{
	struct json_doc doc;
	int rc;
	if (len == 0) {
		free(text);
		return cvt_error_set(
			err, CVT_EINVAL,
			"empty file, expected a triage ledger {\"schema\": \"" LEDGER_SCHEMA
			"\", \"decisions\": [...]}");
	}
	if ((rc = json_parse(&doc, text, len, err)) < 0) {
		free(text);
		return rc;
	}
	rc = read_ledger(l, doc.root, err);
	json_doc_release(&doc);
	if (rc < 0) {
		free(text);
		free(l->decisions);
		l->decisions = NULL;
		l->n_decisions = l->decisions_alloc = 0;
		return rc;
	}
	/* Decisions point into the text: the ledger keeps it. */
	free(l->input);
	l->input = text;
	return CVT_OK;
}

int cvt_ledger_load(struct cvt_ledger *l, const char *path, struct cvt_error *err)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	if (stat(path, &st) < 0 && errno == ENOENT)
		return CVT_OK;
	int rc = cvt_read_file(path, &text, &len, err);
	if (rc < 0)
		return rc;
	if ((rc = load_text(l, text, len, err)) < 0)
		return rc;
	if (err)
		cvt_error_clear(err); /* cvt_read_file named the file already */
	return CVT_OK;
}

int cvt_ledger_load_buffer(struct cvt_ledger *l, const char *data, size_t len, const char *name,
			   struct cvt_error *err)
{
	char *text = cvt_malloc(len + 1);
	memcpy(text, data, len);
	int rc = load_text(l, text, len, err);
	if (rc < 0)
		cvt_error_about(err, name);
	return rc;
}
