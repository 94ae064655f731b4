#include "shape.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

static void format_rec(const struct shape_path *p, struct strbuf *out)
{
	if (!p)
		return;
	format_rec(p->parent, out);
	if (p->key) {
		if (out->len)
			sb_addch(out, '.');
		sb_addstr(out, p->key);
	} else {
		sb_addf(out, "[%zu]", p->index);
	}
}

void shape_path_format(const struct shape_path *p, struct strbuf *out)
{
	size_t start = out->len;
	format_rec(p, out);
	if (out->len == start)
		sb_addstr(out, "top level");
}

static const char *type_phrase(const struct json_value *v)
{
	if (!v)
		return "nothing";
	switch ((enum json_type)v->type) {
	case JSON_NULL:
		return "null";
	case JSON_FALSE:
	case JSON_TRUE:
		return "a boolean";
	case JSON_NUMBER:
		return "a number";
	case JSON_STRING:
		return memchr(v->u.str, '\0', v->len) ? "a string with a NUL character (\\u0000)"
						       : "a string";
	case JSON_ARRAY:
		return "an array";
	case JSON_OBJECT:
		return "an object";
	}
	return "an unknown value";
}

int shape_error(struct cvt_error *err, const struct shape_path *p, const char *expected,
		const struct json_value *got)
{
	struct strbuf path = STRBUF_INIT;
	shape_path_format(p, &path);
	int rc = cvt_error_set(err, CVT_EINVAL, "%s: expected %s, got %s", path.buf, expected,
			       type_phrase(got));
	sb_release(&path);
	return rc;
}

int shape_opt_string(const struct json_value *obj, const char *key, const struct shape_path *parent,
		     const char **out, struct cvt_error *err)
{
	const struct json_value *v = json_get(obj, key);
	*out = NULL;
	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_STRING) {
		struct shape_path p = {parent, key, 0};
		return shape_error(err, &p, "a string", v);
	}
	/* An embedded NUL would silently cut the text everywhere it is used. */
	if (memchr(v->u.str, '\0', v->len)) {
		struct shape_path p = {parent, key, 0};
		return shape_error(err, &p, "a string without NUL characters", v);
	}
	if (v->len)
		*out = v->u.str;
	return 0;
}

const char *shape_str(const struct json_value *v)
{
	if (!json_is(v, JSON_STRING) || memchr(v->u.str, '\0', v->len))
		return NULL;
	return v->u.str;
}

int shape_req_string(const struct json_value *obj, const char *key, const struct shape_path *parent,
		     const char **out, struct cvt_error *err)
{
	int rc = shape_opt_string(obj, key, parent, out, err);
	if (rc < 0)
		return rc;
	if (!*out) {
		struct shape_path p = {parent, key, 0};
		return shape_error(err, &p, "a non-empty string", json_get(obj, key));
	}
	return 0;
}

int shape_opt_array(const struct json_value *obj, const char *key, const struct shape_path *parent,
		    const struct json_value **out, struct cvt_error *err)
{
	const struct json_value *v = json_get(obj, key);
	*out = NULL;
	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_ARRAY) {
		struct shape_path p = {parent, key, 0};
		return shape_error(err, &p, "an array", v);
	}
	*out = v;
	return 0;
}

int shape_opt_object(const struct json_value *obj, const char *key, const struct shape_path *parent,
		     const struct json_value **out, struct cvt_error *err)
{
	const struct json_value *v = json_get(obj, key);
	*out = NULL;
	if (!v || v->type == JSON_NULL)
		return 0;
	if (v->type != JSON_OBJECT) {
		struct shape_path p = {parent, key, 0};
		return shape_error(err, &p, "an object", v);
	}
	*out = v;
	return 0;
}

const char *shape_date_prefix(struct arena *a, const char *s)
{
	if (!s || strlen(s) < 10)
		return NULL;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return NULL;
		} else if (!isdigit((unsigned char)s[i])) {
			return NULL;
		}
	}
	return arena_strndup(a, s, 10);
}

void shape_set_key(struct cvt_report *r, struct cvt_finding *f)
{
	size_t id_len = strlen(f->id), purl_len = strlen(f->purl);
	char *key = arena_alloc(&r->arena, id_len + purl_len + 2);
	memcpy(key, f->id, id_len);
	key[id_len] = ' ';
	memcpy(key + id_len + 1, f->purl, purl_len + 1);
	f->key = key;
}

int shape_element(struct json_stream *stream, const struct json_value *item,
		  const struct json_value **out, struct cvt_error *err)
{
	return json_stream_expand(stream, item, out, err);
}

enum { STRINGS_CHUNK = 64 * 1024 };

void shape_strings_init(struct shape_strings *ss, struct arena *a)
{
	ss->arena = a;
	ss->next = NULL;
	ss->left = 0;
}

/* Room for `size` bytes. */
static char *strings_alloc(struct shape_strings *ss, size_t size)
{
	if (size > STRINGS_CHUNK / 4)
		return arena_alloc(ss->arena, size);
	if (size > ss->left) {
		ss->next = arena_alloc(ss->arena, STRINGS_CHUNK);
		ss->left = STRINGS_CHUNK;
	}
	char *p = ss->next;
	ss->next += size;
	ss->left -= size;
	return p;
}

const char *shape_keep_len(struct shape_strings *ss, const char *s, size_t len)
{
	if (len == SIZE_MAX)
		cvt_oom();
	char *p = strings_alloc(ss, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

const char *shape_keep(struct shape_strings *ss, const char *s)
{
	return s ? shape_keep_len(ss, s, strlen(s)) : NULL;
}

const char *shape_keep_pooled(struct shape_strings *ss, struct shape_pool *pool, const char *s)
{
	if (!s)
		return NULL;
	uint64_t hash = cvt_text_hash(s);
	struct shape_pooled *set = pool->set[hash % SHAPE_POOL_SETS], found = {NULL, hash};
	size_t way = 0;
	for (; way < SHAPE_POOL_WAYS && set[way].s; way++) {
		if (set[way].hash == hash && !strcmp(set[way].s, s)) {
			found = set[way];
			break;
		}
	}
	if (!found.s) {
		found.s = shape_keep(ss, s);
		if (way == SHAPE_POOL_WAYS)
			way--; /* the least recent one goes */
	}
	memmove(set + 1, set, way * sizeof *set);
	set[0] = found;
	return found.s;
}

const char *shape_keep_like(struct shape_strings *ss, struct shape_kept *prev, const char *s,
			    size_t len)
{
	if (!(prev->s && prev->len == len && !memcmp(prev->s, s, len))) {
		prev->s = shape_keep_len(ss, s, len);
		prev->len = len;
	}
	return prev->s;
}

void shape_make_key(struct shape_strings *ss, struct cvt_finding *f)
{
	size_t id_len = strlen(f->id), purl_len = strlen(f->purl);
	if (id_len > SIZE_MAX - 2 - purl_len)
		cvt_oom();
	char *key = strings_alloc(ss, id_len + purl_len + 2);
	memcpy(key, f->id, id_len);
	key[id_len] = ' ';
	memcpy(key + id_len + 1, f->purl, purl_len + 1);
	f->key = key;
}
