#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A parsed document together with the buffer it points into. */
struct parsed {
	char *buf;
	struct json_doc doc;
	struct cvt_error err;
	int rc;
};

static void parse_len(struct parsed *p, const char *text, size_t len)
{
	p->buf = malloc(len + 1);
	memcpy(p->buf, text, len);
	cvt_error_init(&p->err);
	p->rc = json_parse(&p->doc, p->buf, len, &p->err);
}

static const struct json_value *parse(struct parsed *p, const char *text)
{
	parse_len(p, text, strlen(text));
	if (p->rc)
		fprintf(stderr, "unexpected parse error: %s at %zu\n", p->err.message.buf,
			p->err.offset);
	CHECK(p->rc == 0);
	return p->doc.root;
}

static void parsed_release(struct parsed *p)
{
	json_doc_release(&p->doc);
	cvt_error_release(&p->err);
	free(p->buf);
}

static void test_scalars(void)
{
	struct parsed p;
	const struct json_value *v;

	v = parse(&p, "null");
	CHECK(json_is(v, JSON_NULL));
	parsed_release(&p);

	v = parse(&p, " true ");
	CHECK(json_is(v, JSON_TRUE));
	parsed_release(&p);

	v = parse(&p, "\tfalse\r\n");
	CHECK(json_is(v, JSON_FALSE));
	parsed_release(&p);

	v = parse(&p, "7.5");
	CHECK(json_is(v, JSON_NUMBER));
	CHECK(v->len == 3 && memcmp(v->u.str, "7.5", 3) == 0);
	CHECK(json_number(v) == 7.5);
	parsed_release(&p);

	v = parse(&p, "\"hello\"");
	CHECK(json_is(v, JSON_STRING));
	CHECK_STR(json_str(v), "hello");
	CHECK(v->len == 5);
	parsed_release(&p);

	v = parse(&p, "\"\"");
	CHECK_STR(json_str(v), "");
	CHECK(v->len == 0);
	parsed_release(&p);

	CHECK(json_str(NULL) == NULL);
	CHECK(json_number(NULL) == 0);
	CHECK_STR(json_type_name(JSON_OBJECT), "object");
	CHECK_STR(json_type_name(JSON_TRUE), "boolean");
}

static void test_nested(void)
{
	struct parsed p;
	const struct json_value *v = parse(&p, "{\"a\": [1, {\"b\": null}, []], \"c\": \"x\", \"d\": {}}");

	CHECK(json_is(v, JSON_OBJECT));
	CHECK(v->len == 3);
	CHECK_STR(v->u.members[0].key, "a");
	CHECK_STR(v->u.members[1].key, "c");
	CHECK_STR(v->u.members[2].key, "d");
	const struct json_value *a = json_get(v, "a");
	CHECK(json_is(a, JSON_ARRAY) && a->len == 3);
	CHECK(json_is(&a->u.items[0], JSON_NUMBER));
	CHECK(json_is(json_get(&a->u.items[1], "b"), JSON_NULL));
	CHECK(json_is(&a->u.items[2], JSON_ARRAY) && a->u.items[2].len == 0);
	CHECK(a->u.items[2].u.items != NULL);
	CHECK_STR(json_get_str(v, "c"), "x");
	const struct json_value *d = json_get(v, "d");
	CHECK(json_is(d, JSON_OBJECT) && d->len == 0 && d->u.members != NULL);
	CHECK(json_get(v, "missing") == NULL);
	CHECK(json_get(a, "a") == NULL);
	CHECK(json_get(NULL, "a") == NULL);
	CHECK(json_get_str(v, "a") == NULL);
	parsed_release(&p);

	/* Indentation of every kind, CRLF line ends included. */
	v = parse(&p, "{\r\n  \"a\": [\r\n\t1,\n                    2\r\n  ] ,\"b\"\t:\n{ }\r\n}\n");
	CHECK(json_is(json_get(v, "a"), JSON_ARRAY) && json_get(v, "a")->len == 2);
	CHECK(json_is(json_get(v, "b"), JSON_OBJECT));
	parsed_release(&p);
}

static void test_escapes(void)
{
	struct parsed p;
	const struct json_value *v;

	v = parse(&p, "\"caf\\u00e9\"");
	CHECK_STR(json_str(v), "caf\xc3\xa9");
	CHECK(v->len == 5);
	parsed_release(&p);

	v = parse(&p, "\"\\ud83d\\ude00 \\uD834\\uDD1E\"");
	CHECK_STR(json_str(v), "\xf0\x9f\x98\x80 \xf0\x9d\x84\x9e");
	CHECK(v->len == 9);
	parsed_release(&p);

	v = parse(&p, "\"\\u20AC\\u0041\\u07ff\\uffff\"");
	CHECK_STR(json_str(v), "\xe2\x82\xac" "A" "\xdf\xbf" "\xef\xbf\xbf");
	parsed_release(&p);

	v = parse(&p, "[\"a\\u0000b\", 1]");
	CHECK(json_is(v, JSON_ARRAY) && v->len == 2);
	CHECK(v->u.items[0].len == 3);
	CHECK(memcmp(v->u.items[0].u.str, "a\0b", 4) == 0);
	CHECK(json_is(&v->u.items[1], JSON_NUMBER));
	parsed_release(&p);

	v = parse(&p, "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"");
	CHECK_STR(json_str(v), "\"\\/\b\f\n\r\t");
	parsed_release(&p);

	/* UTF-8 in the text passes through unchanged, around escapes too. */
	v = parse(&p, "{\"cl\xc3\xa9\": \"\xe4\xb8\xad\\n\xf0\x9f\x98\x80\"}");
	CHECK_STR(v->u.members[0].key, "cl\xc3\xa9");
	CHECK(v->u.members[0].key_len == 4);
	CHECK_STR(json_get_str(v, "cl\xc3\xa9"), "\xe4\xb8\xad\n\xf0\x9f\x98\x80");
	parsed_release(&p);

	/* Escaped keys are decoded like values. */
	v = parse(&p, "{\"a\\tb\": 1}");
	CHECK(json_get(v, "a\tb") != NULL);
	parsed_release(&p);
}

/*
 * The string scanner works in blocks of 16 and 32 bytes and moves text down
 * once an escape shortened it: put an escape, a multibyte character and the
 * closing quote at every offset around those block sizes and check the
 * decoded text and the value that follows.
 */
static void test_escape_positions(void)
{
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;

	for (size_t esc = 0; esc < 70; esc++) {
		for (size_t total = esc; total < esc + 40; total += 3) {
			sb_reset(&in);
			sb_reset(&want);
			sb_addstr(&in, "[\"");
			for (size_t i = 0; i < total; i++) {
				if (i == esc) {
					sb_addstr(&in, "\\n");
					sb_addch(&want, '\n');
				} else if (i == total - 2) {
					sb_addstr(&in, "\xc3\xa9");
					sb_addstr(&want, "\xc3\xa9");
				} else {
					sb_addch(&in, (char)('a' + i % 26));
					sb_addch(&want, (char)('a' + i % 26));
				}
			}
			sb_addstr(&in, "\",\"tail\\\"x\",\"0123456789abcdefghijklmnopqrstuvwxyz\"]");
			struct parsed p;
			const struct json_value *v = parse(&p, in.buf);
			if (!p.rc) {
				CHECK(v->len == 3);
				CHECK(v->u.items[0].len == want.len);
				CHECK_STR(v->u.items[0].u.str, want.buf);
				CHECK_STR(v->u.items[1].u.str, "tail\"x");
				CHECK_STR(v->u.items[2].u.str, "0123456789abcdefghijklmnopqrstuvwxyz");
			}
			parsed_release(&p);
		}
	}
	sb_release(&in);
	sb_release(&want);
}

static void test_numbers_verbatim(void)
{
	static const char *const numbers[] = {
		"0", "-0", "7.5", "1E+2", "1e-2", "-12.50e10", "123456789012345678901234567890",
		"0.0", "-0.0e0", "1E400",
	};
	for (size_t i = 0; i < COUNT(numbers); i++) {
		struct parsed p;
		const struct json_value *v = parse(&p, numbers[i]);
		CHECK(json_is(v, JSON_NUMBER));
		CHECK(v && v->len == strlen(numbers[i]) &&
		      memcmp(v->u.str, numbers[i], v->len) == 0);
		parsed_release(&p);
	}

	struct parsed p;
	const struct json_value *v = parse(&p, "[1E+2,-0,7.5,-12.5e-3]");
	CHECK(json_number(&v->u.items[0]) == 100);
	CHECK(json_number(&v->u.items[1]) == 0);
	CHECK(json_number(&v->u.items[2]) == 7.5);
	CHECK(json_number(&v->u.items[3]) == -12.5e-3);
	CHECK(v->u.items[0].len == 4);
	parsed_release(&p);
}

static void test_duplicate_keys(void)
{
	struct parsed p;
	const struct json_value *v = parse(&p, "{\"a\": 1, \"b\": 2, \"a\": \"last\", \"ab\": 3}");

	CHECK(v->len == 4);
	CHECK_STR(json_get_str(v, "a"), "last");
	CHECK(json_is(json_get(v, "ab"), JSON_NUMBER));
	CHECK(json_get(v, "") == NULL);
	parsed_release(&p);

	v = parse(&p, "{\"\": 5}");
	CHECK(json_is(json_get(v, ""), JSON_NUMBER));
	parsed_release(&p);
}

struct bad_input {
	const char *text;
	size_t len; /* 0: strlen(text) */
	size_t offset;
	const char *message;
};

static const struct bad_input bad_inputs[] = {
	{"", 0, 0, "empty input, expected a JSON value"},
	{"  \n ", 0, 4, "empty input, expected a JSON value"},
	{"[", 0, 1, "unexpected end of input, expected a value"},
	{"[1,]", 0, 3, "expected a value after ',' in array (trailing commas are not allowed)"},
	{"{\"a\":1,}", 0, 7,
	 "expected a string key after ',' in object (trailing commas are not allowed)"},
	{"{\"a\":1 \"b\":2}", 0, 7, "expected ',' or '}' after object member"},
	{"{\"a\":1", 0, 6, "unexpected end of input, expected ',' or '}' after object member"},
	{"[1 2]", 0, 3, "expected ',' or ']' after array element"},
	{"[1 /* c */]", 0, 3, "expected ',' or ']' after array element (comments are not allowed)"},
	{"{\"a\" 1}", 0, 5, "expected ':' after object key"},
	{"{'a':1}", 0, 1, "expected a string key or '}' in object (strings take double quotes)"},
	{"{,}", 0, 1, "expected a string key or '}' in object"},
	{"01", 0, 0, "leading zeros are not allowed in numbers"},
	{"[-012]", 0, 2, "leading zeros are not allowed in numbers"},
	{"+1", 0, 0, "expected a value (a number cannot start with '+')"},
	{".5", 0, 0, "expected a value (a number needs a digit before '.')"},
	{"1.", 0, 2, "unexpected end of input, expected a digit after '.' in number"},
	{"[1.e5]", 0, 3, "expected a digit after '.' in number"},
	{"1e", 0, 2, "unexpected end of input, expected a digit in the exponent of number"},
	{"-", 0, 1, "unexpected end of input, expected a digit after '-' in number"},
	{"[-Infinity]", 0, 2, "expected a digit after '-' in number (NaN and Infinity are not JSON numbers)"},
	{"NaN", 0, 0, "expected a value (NaN and Infinity are not JSON numbers)"},
	{"tru", 0, 3, "unexpected end of input, expected 'true'"},
	{"[nul1]", 0, 4, "expected 'null'"},
	{"[truex]", 0, 5, "expected ',' or ']' after array element"},
	{"{} x", 0, 3, "trailing content after the JSON value"},
	{"[1] // c", 0, 4, "trailing content after the JSON value"},
	{"1 2", 0, 2, "trailing content after the JSON value"},
	{"\xef\xbb\xbf{}", 0, 0,
	 "byte order mark (U+FEFF) at the start of the input is not allowed in JSON; "
	 "save the file as UTF-8 without BOM"},
	{"\"abc", 0, 4, "unexpected end of input in string"},
	{"[\"abc\\", 0, 6, "unexpected end of input in string"},
	{"\"a\nb\"", 0, 2, "control character U+000A must be escaped in string"},
	{"\"a\tb\"", 0, 2, "control character U+0009 must be escaped in string"},
	{"\"a\0b\"", 5, 2, "control character U+0000 must be escaped in string"},
	{"[\"a\xff\"]", 0, 3, "invalid UTF-8 byte 0xff in string"},
	{"\"\xc0\x80\"", 0, 1, "invalid UTF-8 byte 0xc0 in string"},            /* overlong */
	{"\"\xe0\x80\x80\"", 0, 1, "invalid UTF-8 byte 0xe0 in string (overlong encoding)"},
	{"\"\xf0\x8f\xbf\xbf\"", 0, 1, "invalid UTF-8 byte 0xf0 in string (overlong encoding)"},
	{"\"\xed\xa0\x80\"", 0, 1,
	 "invalid UTF-8 byte 0xed in string (a UTF-16 surrogate encoded as UTF-8)"},
	{"\"\xf4\x90\x80\x80\"", 0, 1,
	 "invalid UTF-8 byte 0xf4 in string (code point above U+10FFFF)"},
	{"\"\xe2\x82\"", 0, 1, "invalid UTF-8 byte 0xe2 in string (truncated sequence)"},
	{"[\"caf\xe9\"]", 0, 5, "invalid UTF-8 byte 0xe9 in string (truncated sequence)"},
	{"\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\xff\"", 0,
	 19, "invalid UTF-8 byte 0xe2 in string (truncated sequence)"},
	{"\"\xe2\x82", 0, 3, "unexpected end of input in string"},
	{"\"\x80\"", 0, 1, "invalid UTF-8 byte 0x80 in string"},
	{"\"\\n\xf8\x80\x80\x80\x80\"", 0, 3, "invalid UTF-8 byte 0xf8 in string"},
	{"\"\\x\"", 0, 2, "invalid escape '\\x' in string"},
	{"\"\\\x01\"", 0, 2, "invalid escape: byte 0x01 after '\\' in string"},
	{"\"\\u12g4\"", 0, 5, "expected 4 hex digits after '\\u' in string"},
	{"\"\\u12", 0, 5, "unexpected end of input, expected 4 hex digits after '\\u' in string"},
	{"[\"\\ud800\"]", 0, 2,
	 "lone high surrogate \\uD800 in string (a \\uDC00-\\uDFFF escape must follow)"},
	{"[\"\\ud800\\u0041\"]", 0, 2,
	 "lone high surrogate \\uD800 in string (a \\uDC00-\\uDFFF escape must follow)"},
	{"\"\\uDC00\"", 0, 1, "lone low surrogate \\uDC00 in string"},
	{"\xff", 0, 0, "expected a value"},
	{"\xff\xfe[\0]\0", 6, 0, "the input looks like UTF-16 (byte 0xff); JSON must be UTF-8"},
	{"[\0\"\0", 4, 1, "the input looks like UTF-16 (byte 0x00); JSON must be UTF-8"},
	{"\0[", 2, 0, "the input looks like UTF-16 (byte 0x00); JSON must be UTF-8"},
	{"[1]\0", 4, 3, "trailing content after the JSON value"},
	{"{\"a\":1}}", 0, 7, "trailing content after the JSON value"},
	{"[1}", 0, 2, "expected ',' or ']' after array element"},
};

static void test_errors(void)
{
	for (size_t i = 0; i < COUNT(bad_inputs); i++) {
		const struct bad_input *b = &bad_inputs[i];
		struct parsed p;
		parse_len(&p, b->text, b->len ? b->len : strlen(b->text));
		CHECK(p.rc == CVT_EINVAL);
		CHECK(p.doc.root == NULL);
		CHECK(p.err.has_position);
		if (p.err.offset != b->offset)
			fprintf(stderr, "input %zu: offset %zu, want %zu\n", i, p.err.offset,
				b->offset);
		CHECK(p.err.offset == b->offset);
		CHECK_STR(p.err.message.buf, b->message);
		parsed_release(&p);
	}

	/* Line and column count from 1 at the offending byte. */
	struct parsed p;
	parse_len(&p, "{\n  \"a\": tru\n}", 14);
	CHECK(p.rc == CVT_EINVAL);
	CHECK(p.err.offset == 12 && p.err.line == 2 && p.err.column == 11);
	CHECK_STR(p.err.message.buf, "expected 'true'");
	parsed_release(&p);

	/* A NULL error struct is allowed. */
	char text[] = "[1,]";
	struct json_doc doc;
	CHECK(json_parse(&doc, text, 4, NULL) == CVT_EINVAL);
	CHECK(doc.root == NULL);
}

static void test_deep_nesting(void)
{
	const size_t depth = 1000000;
	char *text = malloc(2 * depth + 1);
	struct json_doc doc;
	struct cvt_error err = CVT_ERROR_INIT;

	memset(text, '[', depth);
	memset(text + depth, ']', depth);
	CHECK(json_parse(&doc, text, 2 * depth, &err) == 0);
	const struct json_value *v = doc.root;
	size_t levels = 0;
	while (v && json_is(v, JSON_ARRAY)) {
		levels++;
		v = v->len ? &v->u.items[0] : NULL;
	}
	CHECK(levels == depth);

	/* The writer walks it without recursion as well. */
	struct strbuf out = STRBUF_INIT;
	struct json_writer w;
	json_writer_init(&w, &out, 0);
	json_value(&w, doc.root);
	CHECK(out.len == 2 * depth);
	CHECK(out.buf[0] == '[' && out.buf[depth - 1] == '[' && out.buf[depth] == ']');
	sb_release(&out);
	json_doc_release(&doc);

	/* Unclosed, it fails at the end rather than on the C stack. */
	memset(text, '[', 2 * depth);
	CHECK(json_parse(&doc, text, 2 * depth, &err) == CVT_EINVAL);
	CHECK(err.offset == 2 * depth);
	free(text);

	/* Objects nest the same way. */
	struct strbuf deep = STRBUF_INIT;
	for (size_t i = 0; i < 100000; i++)
		sb_addstr(&deep, "{\"k\":");
	sb_addstr(&deep, "1");
	for (size_t i = 0; i < 100000; i++)
		sb_addch(&deep, '}');
	CHECK(json_parse(&doc, deep.buf, deep.len, &err) == 0);
	json_doc_release(&doc);
	sb_release(&deep);
	cvt_error_release(&err);
}

static const char *write_compact(struct strbuf *out, const struct json_value *v, int indent)
{
	struct json_writer w;
	sb_reset(out);
	json_writer_init(&w, out, indent);
	json_value(&w, v);
	json_writer_finish(&w);
	return out->buf;
}

static void test_round_trip(void)
{
	static const char *const canonical[] = {
		"{\"SchemaVersion\":2,\"Results\":[{\"Target\":\"alpine 3.9\",\"Vulnerabilities\":"
		"[{\"VulnerabilityID\":\"CVE-2019-1549\",\"CVSS\":{\"nvd\":{\"V3Score\":5.3}},"
		"\"References\":[\"https://example.com/a\",\"https://example.com/b\"],"
		"\"Fixed\":true,\"Note\":null,\"Empty\":{},\"None\":[]}]}],\"e\":-1.5E+10}",
		"[]",
		"{}",
		"\"caf\xc3\xa9 \\\"q\\\" \\\\ \\n\\t\\u0000\\u001f\\u007f\"",
		"[[[[]]],{\"a\":{\"b\":[1,2,3]}},false,true,null,0,-0]",
	};
	struct strbuf out = STRBUF_INIT;

	for (size_t i = 0; i < COUNT(canonical); i++) {
		struct parsed p;
		const struct json_value *v = parse(&p, canonical[i]);
		CHECK_STR(write_compact(&out, v, 0), canonical[i]);
		parsed_release(&p);
	}

	/* Escapes come out in one canonical form. */
	struct parsed p;
	const struct json_value *v = parse(&p, " [ \"\\u0041\\/\\u00e9\\b\" , 1E2 ] ");
	CHECK_STR(write_compact(&out, v, 0), "[\"A/\xc3\xa9\\b\",1E2]");
	parsed_release(&p);
	sb_release(&out);
}

static void test_pretty(void)
{
	struct parsed p;
	struct strbuf out = STRBUF_INIT;
	const struct json_value *v =
		parse(&p, "{\"a\":1,\"b\":[true,{\"c\":null}],\"d\":{},\"e\":[],\"f\":\"x\"}");

	CHECK_STR(write_compact(&out, v, 2), "{\n"
					     "  \"a\": 1,\n"
					     "  \"b\": [\n"
					     "    true,\n"
					     "    {\n"
					     "      \"c\": null\n"
					     "    }\n"
					     "  ],\n"
					     "  \"d\": {},\n"
					     "  \"e\": [],\n"
					     "  \"f\": \"x\"\n"
					     "}\n");
	parsed_release(&p);

	v = parse(&p, "[]");
	CHECK_STR(write_compact(&out, v, 4), "[]\n");
	parsed_release(&p);

	v = parse(&p, "[[1]]");
	CHECK_STR(write_compact(&out, v, 4), "[\n    [\n        1\n    ]\n]\n");
	parsed_release(&p);
	sb_release(&out);
}

static void test_writer_api(void)
{
	struct strbuf out = STRBUF_INIT;
	struct json_writer w;

	json_writer_init(&w, &out, 0);
	json_begin_object(&w);
	json_key(&w, "n");
	json_int(&w, LLONG_MIN);
	json_key(&w, "m");
	json_int(&w, 42);
	json_key(&w, "z");
	json_int(&w, 0);
	json_key(&w, "s");
	json_string(&w, NULL);
	json_key(&w, "b");
	json_bool(&w, 1);
	json_key(&w, "l");
	json_begin_array(&w);
	json_string_len(&w, "a\0b", 3);
	json_number_raw(&w, "7.5", 3);
	json_begin_object(&w);
	json_end_object(&w);
	json_end_array(&w);
	json_end_object(&w);
	json_writer_finish(&w);
	CHECK_STR(out.buf, "{\"n\":-9223372036854775808,\"m\":42,\"z\":0,\"s\":null,\"b\":true,"
			   "\"l\":[\"a\\u0000b\",7.5,{}]}");

	sb_reset(&out);
	json_writer_init(&w, &out, 2);
	json_begin_object(&w);
	json_key(&w, "k");
	json_begin_array(&w);
	json_end_array(&w);
	json_key(&w, "o");
	json_begin_object(&w);
	json_key(&w, "x");
	json_bool(&w, 0);
	json_end_object(&w);
	json_end_object(&w);
	json_writer_finish(&w);
	CHECK_STR(out.buf, "{\n  \"k\": [],\n  \"o\": {\n    \"x\": false\n  }\n}\n");

	/* Deep enough to need more than one block of indentation spaces. */
	sb_reset(&out);
	json_writer_init(&w, &out, 8);
	for (int i = 0; i < 10; i++)
		json_begin_array(&w);
	json_null(&w);
	for (int i = 0; i < 10; i++)
		json_end_array(&w);
	const char *nul = strstr(out.buf, "null");
	CHECK(nul && nul - out.buf == 10 + 10 + 8 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10));
	CHECK(nul && nul[-81] == '\n' && nul[-80] == ' ' && nul[-1] == ' ');
	sb_release(&out);
}

static void test_escape_writer(void)
{
	struct strbuf out = STRBUF_INIT;
	static const char in[] = "\x01\x1f\x7f\"\\\b\f\n\r\t/\xc3\xa9\x0b\x20~";

	sb_addstr(&out, "x");
	json_escape(&out, in, sizeof in - 1);
	CHECK_STR(out.buf, "x\\u0001\\u001f\\u007f\\\"\\\\\\b\\f\\n\\r\\t/\xc3\xa9\\u000b ~");

	/* Every control character, at every position of a 16-byte block. */
	for (unsigned c = 0; c < 0x20; c++) {
		for (size_t pos = 0; pos < 40; pos++) {
			char buf[48];
			memset(buf, 'x', sizeof buf);
			buf[pos] = (char)c;
			sb_reset(&out);
			json_escape(&out, buf, sizeof buf);
			CHECK(out.len == sizeof buf + (c == '\b' || c == '\f' || c == '\n' ||
							       c == '\r' || c == '\t'
						       ? 1
						       : 5));
			CHECK(out.buf[pos] == '\\');
		}
	}

	/* Non-ASCII bytes stay as they are. */
	sb_reset(&out);
	json_escape(&out, "\x80\xff\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad", 17);
	CHECK(out.len == 17);
	sb_release(&out);
}

/* Inputs the fuzzer found or that guard its invariants: parse, write
 * compact, parse the output, write again, compare. */
static void test_regressions(void)
{
	static const struct {
		const char *text;
		size_t len;
	} cases[] = {
		{"[\"\\u0000\"]", 0},
		{"{\"\\u0000\":\"\\u0000\"}", 0},
		{"\"\\ud83d\\ude00\\\"\"", 0},
		{"[\"\x7f\"]", 0},
		{"[\"\\u007f\\u0080\"]", 0},
	};
	struct strbuf first = STRBUF_INIT, second = STRBUF_INIT;

	for (size_t i = 0; i < COUNT(cases); i++) {
		struct parsed p, q;
		const struct json_value *v;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);

		parse_len(&p, cases[i].text, len);
		if (p.rc) {
			parsed_release(&p);
			continue;
		}
		write_compact(&first, p.doc.root, 0);
		v = parse(&q, first.buf);
		if (v)
			CHECK_STR(write_compact(&second, v, 0), first.buf);
		parsed_release(&q);
		parsed_release(&p);
	}
	sb_release(&first);
	sb_release(&second);
}

/* The reader parses a value at the start of a text and says where it ends,
 * or that the text may end before it does. */
static void test_reader_prefix(void)
{
	static const struct {
		const char *text;
		int rc;
		size_t used;
	} cases[] = {
		{"{\"a\":[1,\"x\"]} ,{\"b\":2}", 0, 13},
		{"\"s\\u00e9\"]", 0, 9},
		{"12,", 0, 2},
		{"true ]", 0, 4},
		/* The text ends where the value might go on. */
		{"12", 1, 0},
		{"{\"a\":[1,", 1, 0},
		{"\"abc", 1, 0},
		{"\"\\ud83d", 1, 0},
		{"\"\\ud83d\\u", 1, 0},
		{"tru", 1, 0},
		{"\"\xc3", 1, 0},
		/* Wrong whatever follows. */
		{"{\"a\" 1} ........................", CVT_EINVAL, 0},
		{"[1,,2] ........................", CVT_EINVAL, 0},
		{"\"\x01\" ........................", CVT_EINVAL, 0},
		{"] ........................", CVT_EINVAL, 0},
	};
	struct json_reader rd;
	json_reader_init(&rd);
	for (size_t i = 0; i < COUNT(cases); i++) {
		size_t len = strlen(cases[i].text), used = 0;
		char *buf = malloc(len + 1);
		const struct json_value *root;
		struct cvt_error err = CVT_ERROR_INIT;
		memcpy(buf, cases[i].text, len);
		int rc = json_reader_parse_prefix(&rd, buf, len, &root, &used, &err);
		if (rc != cases[i].rc)
			fprintf(stderr, "case %zu: rc %d\n", i, rc);
		CHECK(rc == cases[i].rc);
		if (rc == 0) {
			CHECK(used == cases[i].used);
			CHECK(root != NULL);
		}
		cvt_error_release(&err);
		free(buf);
	}
	/* Values parsed one after another each stand on their own. */
	char text[] = "{\"k\":\"v\"} [\"w\"]";
	const struct json_value *a, *b;
	size_t used;
	size_t len = sizeof text - 1;
	CHECK(json_reader_parse_prefix(&rd, text, len, &a, &used, NULL) == 0);
	CHECK(used == 9);
	CHECK_STR(json_get_str(a, "k"), "v");
	/* An array that ends with the text: complete, but only what follows
	 * could say so for a number, so the answer is the same for all. */
	CHECK(json_reader_parse_prefix(&rd, text + used + 1, len - used - 1, &b, &used, NULL) == 1);
	json_reader_release(&rd);
}

TEST_MAIN("json", TEST(test_scalars), TEST(test_nested), TEST(test_escapes),
	  TEST(test_escape_positions), TEST(test_numbers_verbatim), TEST(test_duplicate_keys),
	  TEST(test_errors), TEST(test_deep_nesting), TEST(test_round_trip), TEST(test_pretty),
	  TEST(test_writer_api), TEST(test_escape_writer), TEST(test_regressions),
	  TEST(test_reader_prefix))
