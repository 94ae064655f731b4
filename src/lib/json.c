#include "json.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * The reader is a loop over three states (expecting a value, expecting an
 * object key, a value just completed) driven by gotos, with the open
 * containers on a heap stack: recursion would let a deeply nested text
 * overflow the C stack, and the state machine costs nothing per value.
 *
 * Completed children wait on two heap stacks (array items, object members)
 * until their container closes; then they are copied into the arena in one
 * block, so every container's children are contiguous and indexable.
 */

/* Empty containers point here rather than at NULL, so callers may take
 * items/members of any container without a check. */
static const struct json_value empty_items[1];
static const struct json_member empty_members[1];

/* Bytes that end the fast scan of a string: '"', '\\', control characters
 * (the input's NUL sentinel among them) and every non-ASCII byte, which
 * needs UTF-8 validation. */
static inline int string_stop(char ch)
{
	unsigned char c = (unsigned char)ch;
	return c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
}

static const unsigned char is_ws[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1};

struct parser {
	char *text;
	char *end; /* text + len, where the NUL sentinel sits */
	struct cvt_error *err;
	struct arena *arena;

	struct json_value *items;
	size_t items_len, items_alloc;
	struct json_member *members;
	size_t members_len, members_alloc;
	/* One entry per open container: the index where its children start on
	 * their stack, shifted left once, with the low bit set for objects. */
	size_t *frames;
	size_t frames_len, frames_alloc;
	const char *fail_at; /* where the error was found */
};

static int parse_fail(struct parser *ps, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int parse_fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	/* One wording for every truncated text, whatever was expected. */
	if (at == ps->end && strncmp(fmt, "expected", 8) == 0)
		sb_addstr(&msg, "unexpected end of input, ");
	va_start(ap, fmt);
	sb_vaddf(&msg, fmt, ap);
	va_end(ap);
	ps->fail_at = at;
	cvt_error_set_at(ps->err, CVT_EINVAL, ps->text, (size_t)(at - ps->text), "%s", msg.buf);
	sb_release(&msg);
	return CVT_EINVAL;
}

/* Names the likely intent behind a byte that cannot start what was expected:
 * these are the usual ways a hand-written or non-JSON text goes wrong. */
static const char *hint_for(const char *p)
{
	switch (*p) {
	case '\'':
		return " (strings take double quotes)";
	case '/':
	case '#':
		return " (comments are not allowed)";
	case 'N':
	case 'I':
		return " (NaN and Infinity are not JSON numbers)";
	case '+':
		return " (a number cannot start with '+')";
	case '.':
		return " (a number needs a digit before '.')";
	default:
		return "";
	}
}

/* Doubles a heap stack's capacity; returns the moved stack. */
static __attribute__((noinline)) void *grow_stack(void *stack, size_t *alloc, size_t size)
{
	size_t n = *alloc ? *alloc * 2 : 64;
	if (n < *alloc)
		cvt_oom();
	*alloc = n;
	return cvt_realloc_array(stack, n, size);
}

static inline void push_item(struct parser *ps, const struct json_value *v)
{
	if (ps->items_len == ps->items_alloc)
		ps->items = grow_stack(ps->items, &ps->items_alloc, sizeof *ps->items);
	ps->items[ps->items_len++] = *v;
}

static inline void push_frame(struct parser *ps, size_t frame)
{
	if (ps->frames_len == ps->frames_alloc)
		ps->frames = grow_stack(ps->frames, &ps->frames_alloc, sizeof *ps->frames);
	ps->frames[ps->frames_len++] = frame;
}

static inline void push_key(struct parser *ps, const char *key, size_t len)
{
	if (ps->members_len == ps->members_alloc)
		ps->members = grow_stack(ps->members, &ps->members_alloc, sizeof *ps->members);
	struct json_member *m = &ps->members[ps->members_len++];
	m->key = key;
	m->key_len = (uint32_t)len;
}

/* Pretty-printed input spends most of its whitespace on indentation: a
 * newline and then a run of spaces, which this skips 16 bytes at a time. */
static inline char *skip_spaces(char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i spaces = _mm_set1_epi8(' ');
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, spaces)) ^ 0xffffu;
		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
#else
	while (end - p >= 8) {
		uint64_t x;
		memcpy(&x, p, 8);
		if (x != 0x2020202020202020ull)
			break;
		p += 8;
	}
#endif
	while (*p == ' ')
		p++;
	return p;
}

static inline char *skip_ws(char *p, const char *end)
{
	while (is_ws[(unsigned char)*p]) {
		if (*p++ == '\n')
			p = skip_spaces(p, end);
	}
	return p;
}

#ifdef __SSE2__
/* Bit i set when byte i is '"', '\\', below 0x20 or at least 0x80: the
 * signed comparison with 0x20 catches both of the last two at once. */
static inline unsigned string_stop_mask(__m128i v)
{
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
				 _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
	m = _mm_or_si128(m, _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
	return (unsigned)_mm_movemask_epi8(m);
}
#else
/* Nonzero when one of the 8 bytes is '"', '\\', below 0x20 or at least 0x80
 * (may flag more bytes after the first real one, which callers rescan). */
static inline uint64_t string_stop_swar(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	return (((q - ones) & ~q) | ((b - ones) & ~b) | (x - ones * 0x20) | x) & highs;
}
#endif

/* Advances to the first byte of a string that is not plain ASCII text. */
static inline char *scan_string(char *p, const char *end)
{
#ifdef __SSE2__
	while (end - p >= 32) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
		unsigned m = string_stop_mask(a) | (string_stop_mask(b) << 16);
		if (m)
			return p + __builtin_ctz(m);
		p += 32;
	}
	if (end - p >= 16) {
		unsigned m = string_stop_mask(_mm_loadu_si128((const __m128i *)(const void *)p));
		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
#else
	while (end - p >= 8) {
		uint64_t x;
		memcpy(&x, p, 8);
		if (string_stop_swar(x))
			break;
		p += 8;
	}
#endif
	while (!string_stop(*p))
		p++;
	return p;
}

/* As scan_string, moving the bytes scanned down to `*wp` (an escape earlier
 * in the string made the decoded text shorter than the input). */
static inline char *scan_string_copy(char *p, char **wp, const char *end)
{
	char *w = *wp;
#ifdef __SSE2__
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = string_stop_mask(v);
		if (m) {
			/* Only the bytes before the stop may move: the rest of the
			 * 16 belong to what follows and must stay intact. */
			size_t k = (size_t)__builtin_ctz(m);
			memmove(w, p, k);
			*wp = w + k;
			return p + k;
		}
		/* w < p, so the store ends at or before p + 16: it only
		 * overwrites bytes already loaded. */
		_mm_storeu_si128((__m128i *)(void *)w, v);
		w += 16;
		p += 16;
	}
#else
	while (end - p >= 8) {
		uint64_t x;
		memcpy(&x, p, 8);
		if (string_stop_swar(x))
			break;
		memcpy(w, &x, 8);
		w += 8;
		p += 8;
	}
#endif
	while (!string_stop(*p))
		*w++ = *p++;
	*wp = w;
	return p;
}

/* Fails on a byte that cannot appear in a string: the end of the input, a
 * control character or a byte that cannot start a UTF-8 sequence. */
static __attribute__((noinline)) int string_fail(struct parser *ps, const char *at)
{
	unsigned char c = (unsigned char)*at;
	if (at == ps->end)
		return parse_fail(ps, at, "unexpected end of input in string");
	if (c < 0x20)
		return parse_fail(ps, at, "control character U+%04X must be escaped in string", c);
	return parse_fail(ps, at, "invalid UTF-8 byte 0x%02x in string", c);
}

/*
 * Length of the valid UTF-8 sequence at `at` (its first byte is >= 0x80),
 * or 0 after filling the error. Rejects overlong forms, UTF-8-encoded
 * surrogates and code points above U+10FFFF (RFC 3629; table 3-7 of the
 * Unicode standard). Errors point at the sequence's first byte, which is
 * where a Latin-1 or otherwise mis-encoded text shows itself. Stops at the
 * first bad byte, so never reads past the sentinel.
 */
static size_t utf8_sequence(struct parser *ps, const char *at)
{
	const unsigned char *s = (const unsigned char *)at;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else {
		string_fail(ps, at);
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) == 0x80)
			continue;
		if (at + i == ps->end)
			parse_fail(ps, at + i, "unexpected end of input in string");
		else
			parse_fail(ps, at, "invalid UTF-8 byte 0x%02x in string (truncated sequence)",
				   s[0]);
		return 0;
	}
	if (s[1] < lo || s[1] > hi) {
		parse_fail(ps, at, "invalid UTF-8 byte 0x%02x in string (%s)", s[0],
			   s[0] == 0xed ? "a UTF-16 surrogate encoded as UTF-8"
			   : s[0] == 0xf4 ? "code point above U+10FFFF"
					  : "overlong encoding");
		return 0;
	}
	return n;
}

static inline int hex_digit(char ch)
{
	unsigned char c = (unsigned char)ch;
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20; /* lower case */
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The four hex digits at `s`, or -1 - i when digit i is not one. Checks each
 * digit before reading the next, so never reads past the sentinel. */
static long hex4(const char *s)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int d = hex_digit(s[i]);
		if (d < 0)
			return -1 - i;
		v = v << 4 | d;
	}
	return v;
}

static char *put_utf8(char *w, unsigned long cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xc0 | cp >> 6);
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xe0 | cp >> 12);
		*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*w++ = (char)(0xf0 | cp >> 18);
		*w++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	}
	return w;
}

/*
 * Decodes the escape at `p` (a backslash) into `*wp`. Returns the byte after
 * the escape, or NULL after filling the error.
 *
 * A \u escape of a surrogate must be a high one immediately followed by a
 * \u escape of a low one; anything else (a lone surrogate of either kind) is
 * rejected, because it has no UTF-8 form and the decoded string could not
 * be valid UTF-8. JSONTestSuite leaves this to the implementation (i_).
 */
static char *decode_escape(struct parser *ps, char *p, char **wp)
{
	static const char simple[256] = {
		['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
		['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t',
	};
	unsigned char e = (unsigned char)p[1];
	long cp, lo;

	if (simple[e]) {
		*(*wp)++ = simple[e];
		return p + 2;
	}
	if (e != 'u') {
		if (p + 1 == ps->end)
			parse_fail(ps, p + 1, "unexpected end of input in string");
		else if (e >= 0x20 && e < 0x7f)
			parse_fail(ps, p + 1, "invalid escape '\\%c' in string", e);
		else
			parse_fail(ps, p + 1, "invalid escape: byte 0x%02x after '\\' in string", e);
		return NULL;
	}
	cp = hex4(p + 2);
	if (cp < 0) {
		parse_fail(ps, p + 2 + (-1 - cp), "expected 4 hex digits after '\\u' in string");
		return NULL;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		parse_fail(ps, p, "lone low surrogate \\u%04lX in string", cp);
		return NULL;
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p[6] != '\\' || p[7] != 'u' || (lo = hex4(p + 8)) < 0xdc00 || lo > 0xdfff) {
			parse_fail(ps, p,
				   "lone high surrogate \\u%04lX in string "
				   "(a \\uDC00-\\uDFFF escape must follow)",
				   cp);
			return NULL;
		}
		*wp = put_utf8(*wp, 0x10000 + ((unsigned long)(cp - 0xd800) << 10) +
					    (unsigned long)(lo - 0xdc00));
		return p + 12;
	}
	*wp = put_utf8(*wp, (unsigned long)cp);
	return p + 6;
}

/*
 * Parses the string whose opening quote precedes `p`, decoding it in place
 * and NUL-terminating it. Returns the byte after the closing quote, or NULL
 * after filling the error. Inlined into the parser's loop: a call per
 * string cost a tenth of the parse in saving and restoring registers.
 */
static inline __attribute__((always_inline)) char *parse_string(struct parser *ps, char *p,
								 size_t *len)
{
	char *start = p, *w;
	size_t n;

	/* Most strings have no escape and need no copying at all. */
	for (;;) {
		p = scan_string(p, ps->end);
		if (*p == '"') {
			*p = '\0';
			*len = (size_t)(p - start);
			goto check_length;
		}
		if (*p == '\\')
			break;
		if ((unsigned char)*p < 0x80) {
			string_fail(ps, p);
			return NULL;
		}
		if (!(n = utf8_sequence(ps, p)))
			return NULL;
		p += n;
	}

	w = p;
	for (;;) {
		if (*p == '\\') {
			if (!(p = decode_escape(ps, p, &w)))
				return NULL;
		} else if (*p == '"') {
			*w = '\0';
			*len = (size_t)(w - start);
			goto check_length;
		} else if ((unsigned char)*p >= 0x80) {
			if (!(n = utf8_sequence(ps, p)))
				return NULL;
			memmove(w, p, n);
			w += n;
			p += n;
		} else {
			string_fail(ps, p);
			return NULL;
		}
		p = scan_string_copy(p, &w, ps->end);
	}

check_length:
	if (*len > UINT32_MAX) {
		parse_fail(ps, start - 1, "string longer than %lu bytes", (unsigned long)UINT32_MAX);
		return NULL;
	}
	return p + 1;
}

static inline int is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* Validates the number at `p` against RFC 8259's grammar; returns the byte
 * after it, or NULL after filling the error. */
static char *parse_number(struct parser *ps, char *p)
{
	char *start = p;

	if (*p == '-')
		p++;
	if (*p == '0') {
		if (is_digit(p[1])) {
			parse_fail(ps, p, "leading zeros are not allowed in numbers");
			return NULL;
		}
		p++;
	} else if (is_digit(*p)) {
		while (is_digit(*++p))
			;
	} else {
		parse_fail(ps, p, "expected a digit after '-' in number%s", hint_for(p));
		return NULL;
	}
	if (*p == '.') {
		if (!is_digit(*++p)) {
			parse_fail(ps, p, "expected a digit after '.' in number");
			return NULL;
		}
		while (is_digit(*++p))
			;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p)) {
			parse_fail(ps, p, "expected a digit in the exponent of number");
			return NULL;
		}
		while (is_digit(*++p))
			;
	}
	if ((size_t)(p - start) > UINT32_MAX) {
		parse_fail(ps, start, "number longer than %lu bytes", (unsigned long)UINT32_MAX);
		return NULL;
	}
	return p;
}

/* Matches the literal `word` at `p`; returns the byte after it, or NULL
 * after filling the error at the first byte that differs. */
static char *parse_literal(struct parser *ps, char *p, const char *word)
{
	for (size_t i = 0; word[i]; i++) {
		if (p[i] != word[i]) {
			parse_fail(ps, p + i, "expected '%s'", word);
			return NULL;
		}
	}
	return p + strlen(word);
}

/* Children of the innermost open container, counted for the check below. */
static inline size_t open_children(const struct parser *ps)
{
	size_t frame = ps->frames[ps->frames_len - 1];
	return (frame & 1 ? ps->members_len : ps->items_len) - (frame >> 1);
}

static __attribute__((noinline)) int too_many_children(struct parser *ps, const char *at)
{
	if (ps->frames[ps->frames_len - 1] & 1)
		return parse_fail(ps, at, "object with more than %lu members",
				  (unsigned long)UINT32_MAX);
	return parse_fail(ps, at, "array with more than %lu elements", (unsigned long)UINT32_MAX);
}

/*
 * Moves the children of the innermost open container into the arena and
 * returns the container's value. Returned by value rather than through a
 * pointer so that the parser keeps its current value in registers: a value
 * stored field by field and reloaded whole stalls on store forwarding.
 */
static struct json_value close_container(struct parser *ps)
{
	size_t frame = ps->frames[--ps->frames_len];
	size_t start = frame >> 1;
	struct json_value v;

	if (frame & 1) {
		size_t n = ps->members_len - start;
		struct json_member *m = arena_alloc_array(ps->arena, n, sizeof *m);
		memcpy(m, ps->members + start, n * sizeof *m);
		ps->members_len = start;
		v.type = JSON_OBJECT;
		v.len = (uint32_t)n;
		v.u.members = m;
	} else {
		size_t n = ps->items_len - start;
		struct json_value *items = arena_alloc_array(ps->arena, n, sizeof *items);
		memcpy(items, ps->items + start, n * sizeof *items);
		ps->items_len = start;
		v.type = JSON_ARRAY;
		v.len = (uint32_t)n;
		v.u.items = items;
	}
	return v;
}

/*
 * Parses the text of `ps` into `*root`. A whole text (`used` NULL) must
 * hold one value and nothing else; otherwise the value at its start is
 * parsed, `*used` is set to its length, and the text may go on after it.
 * Returns 0 or CVT_EINVAL; the stacks are the caller's to free.
 */
static int parse_text(struct parser *state, const struct json_value **root_out, size_t *used)
{
	/* A local copy: the loop's fields stay in registers. */
	struct parser ps = *state;
	struct json_value v;
	struct json_value *root;
	char *text = ps.text, *p = text, *q;
	size_t len = (size_t)(ps.end - text), slen;
	int ret = CVT_EINVAL;

	text[len] = '\0';
	if (used)
		goto value;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		parse_fail(&ps, p, "byte order mark (U+FEFF) at the start of the input is not "
				   "allowed in JSON; save the file as UTF-8 without BOM");
		goto out;
	}
	if (len >= 2 && ((unsigned char)text[0] == 0xff || (unsigned char)text[0] == 0xfe ||
			 !text[0] || !text[1])) {
		/* No JSON text starts with these bytes; UTF-16 ones do. */
		const char *at = (unsigned char)text[0] >= 0xfe || !text[0] ? text : text + 1;
		parse_fail(&ps, at, "the input looks like UTF-16 (byte 0x%02x); JSON must be UTF-8",
			   (unsigned char)*at);
		goto out;
	}
	p = skip_ws(p, ps.end);
	if (p == ps.end) {
		parse_fail(&ps, p, "empty input, expected a JSON value");
		goto out;
	}

value:
	switch (*p) {
	case '{':
		p = skip_ws(p + 1, ps.end);
		if (*p == '}') {
			p++;
			v.type = JSON_OBJECT;
			v.len = 0;
			v.u.members = empty_members;
			goto have_value;
		}
		push_frame(&ps, ps.members_len << 1 | 1);
		if (*p != '"') {
			parse_fail(&ps, p, "expected a string key or '}' in object%s", hint_for(p));
			goto out;
		}
		goto key;
	case '[':
		p = skip_ws(p + 1, ps.end);
		if (*p == ']') {
			p++;
			v.type = JSON_ARRAY;
			v.len = 0;
			v.u.items = empty_items;
			goto have_value;
		}
		push_frame(&ps, ps.items_len << 1);
		goto value;
	case '"':
		if (!(q = parse_string(&ps, p + 1, &slen)))
			goto out;
		v.type = JSON_STRING;
		v.len = (uint32_t)slen;
		v.u.str = p + 1;
		p = q;
		goto have_value;
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9':
		if (!(q = parse_number(&ps, p)))
			goto out;
		v.type = JSON_NUMBER;
		v.len = (uint32_t)(q - p);
		v.u.str = p;
		p = q;
		goto have_value;
	case 't':
		if (!(p = parse_literal(&ps, p, "true")))
			goto out;
		v.type = JSON_TRUE;
		v.len = 0;
		v.u.str = NULL;
		goto have_value;
	case 'f':
		if (!(p = parse_literal(&ps, p, "false")))
			goto out;
		v.type = JSON_FALSE;
		v.len = 0;
		v.u.str = NULL;
		goto have_value;
	case 'n':
		if (!(p = parse_literal(&ps, p, "null")))
			goto out;
		v.type = JSON_NULL;
		v.len = 0;
		v.u.str = NULL;
		goto have_value;
	default:
		parse_fail(&ps, p, "expected a value%s", hint_for(p));
		goto out;
	}

key:
	/* p is at the key's opening quote. */
	if (!(q = parse_string(&ps, p + 1, &slen)))
		goto out;
	push_key(&ps, p + 1, slen);
	p = skip_ws(q, ps.end);
	if (*p != ':') {
		parse_fail(&ps, p, "expected ':' after object key");
		goto out;
	}
	p = skip_ws(p + 1, ps.end);
	goto value;

have_value:
	if (!ps.frames_len)
		goto done;
	if (ps.frames[ps.frames_len - 1] & 1) {
		/* The member's key was pushed last: nested containers have
		 * popped their own members by the time they complete. */
		ps.members[ps.members_len - 1].value = v;
		p = skip_ws(p, ps.end);
		if (*p == ',') {
			p = skip_ws(p + 1, ps.end);
			if (*p == '"')
				goto key;
			parse_fail(&ps, p, "expected a string key after ',' in object%s",
				   *p == '}' ? " (trailing commas are not allowed)" : hint_for(p));
			goto out;
		}
		if (*p == '}') {
			if (open_children(&ps) > UINT32_MAX) {
				too_many_children(&ps, p);
				goto out;
			}
			v = close_container(&ps);
			p++;
			goto have_value;
		}
		parse_fail(&ps, p, "expected ',' or '}' after object member%s", hint_for(p));
		goto out;
	}
	push_item(&ps, &v);
	p = skip_ws(p, ps.end);
	if (*p == ',') {
		p = skip_ws(p + 1, ps.end);
		if (*p == ']') {
			parse_fail(&ps, p, "expected a value after ',' in array "
					   "(trailing commas are not allowed)");
			goto out;
		}
		goto value;
	}
	if (*p == ']') {
		if (open_children(&ps) > UINT32_MAX) {
			too_many_children(&ps, p);
			goto out;
		}
		v = close_container(&ps);
		p++;
		goto have_value;
	}
	parse_fail(&ps, p, "expected ',' or ']' after array element%s", hint_for(p));
	goto out;

done:
	if (used) {
		*used = (size_t)(p - text);
	} else {
		p = skip_ws(p, ps.end);
		if (p != ps.end) {
			parse_fail(&ps, p, "trailing content after the JSON value");
			goto out;
		}
	}
	root = arena_alloc(ps.arena, sizeof *root);
	*root = v;
	*root_out = root;
	ret = 0;
out:
	/* Emptied, for a reader that parses the next value with them. */
	ps.items_len = ps.members_len = ps.frames_len = 0;
	*state = ps;
	return ret;
}

int json_parse(struct json_doc *doc, char *text, size_t len, struct cvt_error *err)
{
	struct parser ps = {.text = text, .end = text + len, .err = err, .arena = &doc->arena};

	arena_init(&doc->arena);
	doc->root = NULL;
	int ret = parse_text(&ps, &doc->root, NULL);
	free(ps.items);
	free(ps.members);
	free(ps.frames);
	if (ret) {
		arena_release(&doc->arena);
		doc->root = NULL;
	}
	return ret;
}

void json_reader_init(struct json_reader *rd)
{
	memset(rd, 0, sizeof *rd);
	arena_init(&rd->arena);
}

void json_reader_release(struct json_reader *rd)
{
	arena_release(&rd->arena);
	free(rd->items);
	free(rd->members);
	free(rd->frames);
	memset(rd, 0, sizeof *rd);
}

int json_reader_parse_prefix(struct json_reader *rd, char *text, size_t len,
			     const struct json_value **root, size_t *used, struct cvt_error *err)
{
	struct parser ps = {
		.text = text,
		.end = text + len,
		.err = err,
		.arena = &rd->arena,
		.items = rd->items,
		.items_alloc = rd->items_alloc,
		.members = rd->members,
		.members_alloc = rd->members_alloc,
		.frames = rd->frames,
		.frames_alloc = rd->frames_alloc,
	};

	arena_reset(&rd->arena);
	*root = NULL;
	int ret = parse_text(&ps, root, used);
	rd->items = ps.items;
	rd->items_alloc = ps.items_alloc;
	rd->members = ps.members;
	rd->members_alloc = ps.members_alloc;
	rd->frames = ps.frames;
	rd->frames_alloc = ps.frames_alloc;
	/* A number may go on after the text's end: only what follows it
	 * shows where it ends. An error close to the end may be the text
	 * ending early (a surrogate pair cut in two). */
	if (ret == 0 && *used == len)
		return 1;
	if (ret && (size_t)(ps.end - ps.fail_at) < 16)
		return 1;
	return ret;
}

void json_doc_release(struct json_doc *doc)
{
	arena_release(&doc->arena);
	doc->root = NULL;
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	if (!json_is(obj, JSON_OBJECT))
		return NULL;
	size_t len = strlen(key);
	/* Scanning backwards makes the last duplicate win without a full pass. */
	for (size_t i = obj->len; i-- > 0;) {
		const struct json_member *m = &obj->u.members[i];
		if (m->key_len == len && memcmp(m->key, key, len) == 0)
			return &m->value;
	}
	return NULL;
}

const char *json_str(const struct json_value *v)
{
	return json_is(v, JSON_STRING) ? v->u.str : NULL;
}

const char *json_get_str(const struct json_value *obj, const char *key)
{
	return json_str(json_get(obj, key));
}

double json_number(const struct json_value *v)
{
	char small[64];
	char *copy = small;
	double d;

	if (!json_is(v, JSON_NUMBER))
		return 0;
	/* The number text is not terminated; strtod needs it to be. (The tool
	 * never calls setlocale, so the decimal point stays '.'.) */
	if (v->len >= sizeof small)
		copy = cvt_malloc((size_t)v->len + 1);
	memcpy(copy, v->u.str, v->len);
	copy[v->len] = '\0';
	d = strtod(copy, NULL);
	if (copy != small)
		free(copy);
	return d;
}

const char *json_type_name(enum json_type t)
{
	switch (t) {
	case JSON_NULL:
		return "null";
	case JSON_FALSE:
	case JSON_TRUE:
		return "boolean";
	case JSON_NUMBER:
		return "number";
	case JSON_STRING:
		return "string";
	case JSON_ARRAY:
		return "array";
	case JSON_OBJECT:
		return "object";
	}
	return "unknown";
}

/*
 * Writer. It appends to the strbuf's memory directly instead of through
 * sb_add and friends: a report is millions of short tokens, and a call and
 * a capacity check per byte would cost more than the bytes. Every public
 * function leaves the buffer NUL-terminated, as a strbuf must be.
 */

/* Room for `n` more bytes and the NUL; returns where they go. */
static inline char *reserve(struct strbuf *out, size_t n)
{
	if (out->alloc - out->len <= n)
		sb_grow(out, n);
	return out->buf + out->len;
}

/* Ends a write that went through reserve(): `end` is one past its last byte. */
static inline void commit(struct strbuf *out, char *end)
{
	out->len = (size_t)(end - out->buf);
	*end = '\0';
}

static inline void put_bytes(struct strbuf *out, const char *s, size_t n)
{
	char *d = reserve(out, n);
	memcpy(d, s, n);
	commit(out, d + n);
}

void json_writer_init(struct json_writer *w, struct strbuf *out, int indent)
{
	w->out = out;
	w->indent = indent > 0 ? indent : 0;
	w->depth = 0;
	w->need_comma = 0;
	w->after_key = 0;
	w->empty_container = 0;
}

/* Puts a comma when one is due, then, when pretty-printing, a newline and
 * the indentation of the current depth. */
static inline void put_separator(struct json_writer *w, int comma)
{
	static const char spaces[64] = "                                                                ";
	struct strbuf *out = w->out;
	size_t n = w->indent ? (size_t)w->depth * (size_t)w->indent : 0;
	char *d = reserve(out, n + 2);

	if (comma)
		*d++ = ',';
	if (w->indent) {
		*d++ = '\n';
		while (n) {
			size_t k = n < sizeof spaces ? n : sizeof spaces;
			memcpy(d, spaces, k);
			d += k;
			n -= k;
		}
	}
	commit(out, d);
}

/* Puts what separates the coming value from the one before it. */
static inline void before_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth)
		put_separator(w, w->need_comma);
}

static inline void after_value(struct json_writer *w)
{
	w->need_comma = 1;
	w->empty_container = 0;
}

static void begin_container(struct json_writer *w, char open)
{
	before_value(w);
	put_bytes(w->out, &open, 1);
	w->depth++;
	w->need_comma = 0;
	w->empty_container = 1;
}

static void end_container(struct json_writer *w, char close)
{
	int empty = w->empty_container;

	w->depth--;
	/* A non-empty container closes on its own line at the parent's depth. */
	if (!empty && w->indent)
		put_separator(w, 0);
	put_bytes(w->out, &close, 1);
	after_value(w);
}

void json_begin_object(struct json_writer *w)
{
	begin_container(w, '{');
}

void json_end_object(struct json_writer *w)
{
	end_container(w, '}');
}

void json_begin_array(struct json_writer *w)
{
	begin_container(w, '[');
}

void json_end_array(struct json_writer *w)
{
	end_container(w, ']');
}

static void escape_append(struct strbuf *out, const char *s, size_t len);

/* `s` quoted and escaped, followed by `suffix` (the colon after a key). */
static inline void write_quoted(struct strbuf *out, const char *s, size_t len, const char *suffix,
				size_t suffix_len)
{
	char *d = reserve(out, len + 2 + suffix_len);
	*d = '"';
	out->len++;
	escape_append(out, s, len);
	d = reserve(out, 1 + suffix_len);
	*d++ = '"';
	memcpy(d, suffix, suffix_len);
	commit(out, d + suffix_len);
}

static void write_key(struct json_writer *w, const char *key, size_t len)
{
	before_value(w);
	if (w->indent)
		write_quoted(w->out, key, len, ": ", 2);
	else
		write_quoted(w->out, key, len, ":", 1);
	w->after_key = 1;
	w->empty_container = 0;
}

void json_key(struct json_writer *w, const char *key)
{
	write_key(w, key, strlen(key));
}

void json_string(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_string_len(w, s, strlen(s));
}

void json_string_len(struct json_writer *w, const char *s, size_t len)
{
	before_value(w);
	write_quoted(w->out, s, len, "", 0);
	after_value(w);
}

void json_number_raw(struct json_writer *w, const char *text, size_t len)
{
	before_value(w);
	put_bytes(w->out, text, len);
	after_value(w);
}

void json_int(struct json_writer *w, long long n)
{
	char digits[24];
	size_t i = sizeof digits;
	/* Through unsigned, so that LLONG_MIN negates without overflow. */
	unsigned long long u = n < 0 ? 0ull - (unsigned long long)n : (unsigned long long)n;

	do {
		digits[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		digits[--i] = '-';
	json_number_raw(w, digits + i, sizeof digits - i);
}

void json_bool(struct json_writer *w, int b)
{
	before_value(w);
	if (b)
		put_bytes(w->out, "true", 4);
	else
		put_bytes(w->out, "false", 5);
	after_value(w);
}

void json_null(struct json_writer *w)
{
	before_value(w);
	put_bytes(w->out, "null", 4);
	after_value(w);
}

struct write_frame {
	const struct json_value *container;
	uint32_t next;
};

static void write_scalar(struct json_writer *w, const struct json_value *v)
{
	switch (v->type) {
	case JSON_NULL:
		json_null(w);
		break;
	case JSON_FALSE:
		json_bool(w, 0);
		break;
	case JSON_TRUE:
		json_bool(w, 1);
		break;
	case JSON_NUMBER:
		json_number_raw(w, v->u.str, v->len);
		break;
	case JSON_STRING:
		json_string_len(w, v->u.str, v->len);
		break;
	default:
		/* A value not made by json_parse; null keeps the output valid. */
		json_null(w);
		break;
	}
}

void json_value(struct json_writer *w, const struct json_value *v)
{
	struct write_frame *stack = NULL;
	size_t depth = 0, alloc = 0;

	if (!v) {
		json_null(w);
		return;
	}
	/* Iterative for the same reason as the reader: a parsed tree may be
	 * nested deeper than the C stack allows recursing. */
	for (;;) {
		if (v->type == JSON_OBJECT || v->type == JSON_ARRAY) {
			begin_container(w, v->type == JSON_OBJECT ? '{' : '[');
			if (depth == alloc)
				stack = grow_stack(stack, &alloc, sizeof *stack);
			stack[depth].container = v;
			stack[depth].next = 0;
			depth++;
		} else {
			write_scalar(w, v);
		}
		for (;;) {
			if (!depth)
				goto out;
			struct write_frame *top = &stack[depth - 1];
			const struct json_value *c = top->container;
			if (top->next < c->len) {
				if (c->type == JSON_OBJECT) {
					const struct json_member *m = &c->u.members[top->next++];
					write_key(w, m->key, m->key_len);
					v = &m->value;
				} else {
					v = &c->u.items[top->next++];
				}
				break;
			}
			end_container(w, c->type == JSON_OBJECT ? '}' : ']');
			depth--;
		}
	}
out:
	free(stack);
}

struct strbuf *json_raw_begin(struct json_writer *w)
{
	before_value(w);
	return w->out;
}

void json_raw_end(struct json_writer *w)
{
	after_value(w);
}

void json_writer_finish(struct json_writer *w)
{
	if (w->indent)
		put_bytes(w->out, "\n", 1);
}

/* Bytes json_escape must rewrite, and how: a letter for the short escapes,
 * 'u' for \u00XX. */
static const char escape_kind[256] = {
	[0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u', [0x04] = 'u', [0x05] = 'u',
	[0x06] = 'u', [0x07] = 'u', [0x08] = 'b', [0x09] = 't', [0x0a] = 'n', [0x0b] = 'u',
	[0x0c] = 'f', [0x0d] = 'r', [0x0e] = 'u', [0x0f] = 'u', [0x10] = 'u', [0x11] = 'u',
	[0x12] = 'u', [0x13] = 'u', [0x14] = 'u', [0x15] = 'u', [0x16] = 'u', [0x17] = 'u',
	[0x18] = 'u', [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u', [0x1d] = 'u',
	[0x1e] = 'u', [0x1f] = 'u', ['"'] = '"', ['\\'] = '\\', [0x7f] = 'u',
};

#ifdef __SSE2__
/* Bit i set when byte i needs escaping. Unsigned v <= 0x1f is v - 0x1f
 * saturating to zero; a signed comparison would also catch UTF-8 bytes,
 * which are copied as they are. */
static inline unsigned escape_mask(__m128i v)
{
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
				 _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_subs_epu8(v, _mm_set1_epi8(0x1f)),
					   _mm_setzero_si128()));
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/*
 * Appends `s` escaped to `out` without the terminating NUL. Scanning and
 * copying are one pass: each 16-byte block is stored before its check (the
 * reservation leaves 16 bytes of slack for that) and the output advances
 * only over the bytes that need no escape.
 */
static void escape_append(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *d = reserve(out, len + 16);
	size_t i = 0;

	for (;;) {
#ifdef __SSE2__
		while (len - i >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			_mm_storeu_si128((__m128i *)(void *)d, v);
			unsigned m = escape_mask(v);
			if (m) {
				size_t k = (size_t)__builtin_ctz(m);
				d += k;
				i += k;
				goto escape;
			}
			d += 16;
			i += 16;
		}
		if (i < len) {
			/* The last bytes, through a block of their own: most
			 * strings written are short, and a byte loop over them
			 * cost more than the copy. */
			size_t n = len - i;
			char block[16] = {0};
			memcpy(block, s + i, n);
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)block);
			_mm_storeu_si128((__m128i *)(void *)d, v);
			unsigned m = escape_mask(v) & ((1u << n) - 1);
			if (!m) {
				d += n;
				break;
			}
			size_t k = (size_t)__builtin_ctz(m);
			d += k;
			i += k;
			goto escape;
		}
		break;
#else
		while (i < len && !escape_kind[(unsigned char)s[i]])
			*d++ = s[i++];
		if (i == len)
			break;
#endif
#ifdef __SSE2__
escape:
#endif
		{
			unsigned char c = (unsigned char)s[i++];
			char kind = escape_kind[c];
			/* The escape grows the text: reserve again for it and the rest. */
			out->len = (size_t)(d - out->buf);
			d = reserve(out, 6 + (len - i) + 16);
			*d++ = '\\';
			if (kind == 'u') {
				memcpy(d, "u00", 3);
				d[3] = hex[c >> 4];
				d[4] = hex[c & 15];
				d += 5;
			} else {
				*d++ = kind;
			}
		}
	}
	out->len = (size_t)(d - out->buf);
}

void json_escape(struct strbuf *out, const char *s, size_t len)
{
	escape_append(out, s, len);
	out->buf[out->len] = '\0';
}
