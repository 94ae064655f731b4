#ifndef CVT_JSON_H
#define CVT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "error.h"
#include "strbuf.h"

/*
 * Strict RFC 8259 JSON: a reader that builds a read-only tree in an arena,
 * and a streaming writer into a strbuf.
 *
 * The reader parses in place: it decodes strings inside the caller's buffer
 * (a decoded string is never longer than its escaped form) and terminates
 * each with a NUL, so string values point into the input. The input buffer
 * must therefore be writable and outlive the document.
 *
 * Rejected: anything RFC 8259 rejects, invalid UTF-8 anywhere, raw control
 * characters (including NUL) in strings, lone surrogate escapes, trailing
 * content after the value, an empty text. Nesting depth is limited only by
 * memory (the parser keeps its stack on the heap, never recursing).
 * Numbers are validated and kept as the exact text written.
 */

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_member;

struct json_value {
	uint32_t type;  /* enum json_type */
	uint32_t len;   /* bytes of a string or number; items of an array; members of an object */
	union {
		const char *str;                   /* JSON_STRING (NUL-terminated, may contain \0 escapes) or JSON_NUMBER (not terminated) */
		const struct json_value *items;    /* JSON_ARRAY */
		const struct json_member *members; /* JSON_OBJECT, in document order */
	} u;
};

struct json_member {
	const char *key;   /* NUL-terminated */
	uint32_t key_len;
	struct json_value value;
};

struct json_doc {
	struct arena arena;
	const struct json_value *root;
};

/*
 * Parses `len` bytes of `text`. text[len] must exist and be writable (it is
 * set to NUL as a sentinel): allocate len + 1. On error returns CVT_EINVAL
 * and fills `err` with the byte offset and what was expected, e.g.
 * "expected ',' or '}' after object member"; `doc` is then empty.
 * Strings and arrays longer than UINT32_MAX are rejected with an error.
 */
int json_parse(struct json_doc *doc, char *text, size_t len, struct cvt_error *err);
void json_doc_release(struct json_doc *doc);

/*
 * Parses many small texts one after another (the elements of a stream)
 * without giving memory back in between: each parse frees the tree of the
 * one before.
 */
struct json_reader {
	struct arena arena;
	struct json_value *items;
	size_t items_alloc;
	struct json_member *members;
	size_t members_alloc;
	size_t *frames;
	size_t frames_alloc;
};

void json_reader_init(struct json_reader *rd);
void json_reader_release(struct json_reader *rd);
/*
 * Parses the value at the start of `len` bytes of `text` (text[len] must be
 * writable), in place as json_parse does, and sets `*used` to its length:
 * what follows it is left alone. Returns 0; CVT_EINVAL with `err` filled
 * when the text is not a valid value; or 1 when the text may have ended
 * before the value did (the caller reads on and parses again from the
 * original bytes: these were changed).
 */
int json_reader_parse_prefix(struct json_reader *rd, char *text, size_t len,
			     const struct json_value **root, size_t *used, struct cvt_error *err);

/* Member lookup by key; NULL when absent or when `obj` is not an object.
 * With duplicate keys the last one wins (as in most JSON readers). */
const struct json_value *json_get(const struct json_value *obj, const char *key);
/* The string value, or NULL when `v` is NULL or not a string. */
const char *json_str(const struct json_value *v);
/* As json_get + json_str. */
const char *json_get_str(const struct json_value *obj, const char *key);
static inline int json_is(const struct json_value *v, enum json_type t)
{
	return v && v->type == (uint32_t)t;
}
/* Number text parsed as a double (0 when not a number). */
double json_number(const struct json_value *v);
const char *json_type_name(enum json_type t);

/*
 * Streaming writer. Pretty-prints with `indent` spaces per level (0: compact,
 * no spaces at all). Calls must form a valid document; the writer inserts
 * commas, colons, newlines and indentation itself. Strings are escaped:
 * '"', '\\', control characters (\n \t \r \b \f or \u00XX); other bytes,
 * UTF-8 included, are copied as they are.
 */
struct json_writer {
	struct strbuf *out;
	int indent;
	int depth;
	int need_comma;   /* a value was written at the current depth */
	int after_key;    /* the next value follows a key */
	int empty_container; /* the container just opened has no element yet */
};

void json_writer_init(struct json_writer *w, struct strbuf *out, int indent);
void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);             /* NULL writes null */
void json_string_len(struct json_writer *w, const char *s, size_t len);
void json_number_raw(struct json_writer *w, const char *text, size_t len); /* already-valid number text */
void json_int(struct json_writer *w, long long n);
void json_bool(struct json_writer *w, int b);
void json_null(struct json_writer *w);
/* Writes an already-parsed value (and everything below it). */
void json_value(struct json_writer *w, const struct json_value *v);
/*
 * For a caller that lays out a value itself, for speed: json_raw_begin puts
 * what goes before the next value (comma, newline, indentation) and returns
 * the buffer to append the value's text to; json_raw_end marks it written.
 * The text must be one valid JSON value laid out as the writer would at the
 * current depth.
 */
struct strbuf *json_raw_begin(struct json_writer *w);
void json_raw_end(struct json_writer *w);
/* Appends `s` JSON-escaped, without quotes. */
void json_escape(struct strbuf *out, const char *s, size_t len);
/* Ends the document with a newline when indenting. */
void json_writer_finish(struct json_writer *w);

#endif
