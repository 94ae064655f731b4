#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "json_stream.h"

/* A stream over `text` written to a temporary file. */
struct opened {
	int fd;
	struct json_stream s;
	struct cvt_error err;
	int rc;
};

static void open_len(struct opened *o, const char *text, size_t len)
{
	char path[] = "/tmp/test_json_stream.XXXXXX";
	o->fd = mkstemp(path);
	CHECK(o->fd >= 0);
	unlink(path);
	CHECK(write(o->fd, text, len) == (ssize_t)len);
	cvt_error_init(&o->err);
	o->rc = json_stream_open(&o->s, o->fd, &o->err);
}

static void open_text(struct opened *o, const char *text)
{
	open_len(o, text, strlen(text));
}

static void close_opened(struct opened *o)
{
	json_stream_release(&o->s);
	cvt_error_release(&o->err);
	close(o->fd);
}

static int same_value(const struct json_value *a, const struct json_value *b)
{
	if (!a || !b || a->type != b->type || a->len != b->len)
		return 0;
	switch ((enum json_type)a->type) {
	case JSON_NUMBER:
	case JSON_STRING:
		return memcmp(a->u.str, b->u.str, a->len) == 0;
	case JSON_ARRAY:
		for (uint32_t i = 0; i < a->len; i++)
			if (!same_value(&a->u.items[i], &b->u.items[i]))
				return 0;
		return 1;
	case JSON_OBJECT:
		for (uint32_t i = 0; i < a->len; i++)
			if (strcmp(a->u.members[i].key, b->u.members[i].key) != 0 ||
			    !same_value(&a->u.members[i].value, &b->u.members[i].value))
				return 0;
		return 1;
	default:
		return 1;
	}
}

/* The skeleton is the text with each element swapped for its index: built
 * here from the text and the slices, it must be the one parsed, and the
 * slices must be in order, apart, and inside the text. */
static int reassembles(const struct json_stream *s, const char *text, size_t len)
{
	struct strbuf expect = STRBUF_INIT;
	struct json_doc doc;
	size_t from = 0;
	int ok = 1;
	for (size_t i = 0; ok && i < s->n_slices; i++) {
		const struct json_stream_slice *sl = &s->slices[i];
		if (sl->offset < from || sl->offset + sl->length > len) {
			ok = 0;
			break;
		}
		sb_add(&expect, text + from, (size_t)sl->offset - from);
		if (expect.len != sl->skeleton_offset)
			ok = 0;
		sb_addf(&expect, "%zu", i);
		from = (size_t)(sl->offset + sl->length);
	}
	sb_add(&expect, text + from, len - from);
	ok = ok && expect.len == s->skeleton.len;
	if (ok && json_parse(&doc, expect.buf, expect.len, NULL) == 0) {
		ok = same_value(doc.root, s->root);
		json_doc_release(&doc);
	} else {
		ok = 0;
	}
	sb_release(&expect);
	return ok;
}

static const char *slice_text(const struct json_stream *s, const char *text, size_t i,
			      struct strbuf *sb)
{
	sb_reset(sb);
	sb_add(sb, text + s->slices[i].offset, (size_t)s->slices[i].length);
	return sb->buf;
}

static void test_schema2(void)
{
	static const char text[] =
		"{\"SchemaVersion\":2,\"Results\":[{\"Target\":\"a\",\"Vulnerabilities\":"
		"[{\"x\":\"]}\\\"[,\"},{\"y\":[1,[2]]}]},{\"Vulnerabilities\":[]},"
		"{\"Vulnerabilities\":[ 7 , \"s\" ]}]}";
	struct opened o;
	struct strbuf sb = STRBUF_INIT;
	open_text(&o, text);
	CHECK(o.rc == 0);
	CHECK(o.s.n_slices == 4);
	CHECK(reassembles(&o.s, text, strlen(text)));
	CHECK_STR(slice_text(&o.s, text, 0, &sb), "{\"x\":\"]}\\\"[,\"}");
	CHECK_STR(slice_text(&o.s, text, 1, &sb), "{\"y\":[1,[2]]}");
	CHECK_STR(slice_text(&o.s, text, 2, &sb), "7 ");
	CHECK_STR(slice_text(&o.s, text, 3, &sb), "\"s\" ");

	const struct json_value *results = json_get(o.s.root, "Results"), *v;
	CHECK(json_is(results, JSON_ARRAY) && results->len == 3);
	const struct json_value *vulns = json_get(&results->u.items[0], "Vulnerabilities");
	CHECK(json_is(vulns, JSON_ARRAY) && vulns->len == 2);
	CHECK(json_stream_expand(&o.s, &vulns->u.items[0], &v, &o.err) == 0);
	CHECK_STR(json_get_str(v, "x"), "]}\"[,");
	CHECK(json_stream_expand(&o.s, &vulns->u.items[1], &v, &o.err) == 0);
	CHECK(json_is(json_get(v, "y"), JSON_ARRAY));
	CHECK(json_get(&results->u.items[1], "Vulnerabilities")->len == 0);
	vulns = json_get(&results->u.items[2], "Vulnerabilities");
	CHECK(json_stream_expand(&o.s, &vulns->u.items[1], &v, &o.err) == 0);
	CHECK_STR(json_str(v), "s");
	/* Element 2 was never asked for: finish parses it. */
	CHECK(json_stream_finish(&o.s, &o.err) == 0);
	/* Any other value is itself, the SchemaVersion number included. */
	const struct json_value *schema = json_get(o.s.root, "SchemaVersion");
	CHECK(json_stream_expand(&o.s, schema, &v, &o.err) == 0 && v == schema);
	CHECK(json_stream_expand(NULL, schema, &v, &o.err) == 0 && v == schema);
	sb_release(&sb);
	close_opened(&o);
}

static void test_legacy_and_key_order(void)
{
	static const char text[] = "[{\"Vulnerabilities\":[{\"a\":1}],\"Target\":\"t\"}, 5,"
				   " {\"Target\":\"u\",\"Vulnerabilities\":null}]\n";
	struct opened o;
	const struct json_value *v;
	open_text(&o, text);
	CHECK(o.rc == 0);
	CHECK(o.s.n_slices == 1);
	CHECK(reassembles(&o.s, text, strlen(text)));
	CHECK(json_is(o.s.root, JSON_ARRAY) && o.s.root->len == 3);
	/* The whole result object is there before its elements are read. */
	CHECK_STR(json_get_str(&o.s.root->u.items[0], "Target"), "t");
	const struct json_value *vulns = json_get(&o.s.root->u.items[0], "Vulnerabilities");
	CHECK(json_stream_expand(&o.s, &vulns->u.items[0], &v, &o.err) == 0);
	CHECK(json_is(json_get(v, "a"), JSON_NUMBER));
	/* A real number in a result list is not an element. */
	CHECK(json_stream_expand(&o.s, &o.s.root->u.items[1], &v, &o.err) == 0);
	CHECK(v == &o.s.root->u.items[1]);
	CHECK(json_stream_finish(&o.s, &o.err) == 0);
	close_opened(&o);
}

static void test_canonical(void)
{
	static const char text[] = "{\"schema\":\"cvetrail/report/1\",\"findings\":[\n"
				   "  {\"id\":\"x\",\"locations\":[{\"target\":\"[\"}]},\n"
				   "  {\"id\":\"y\"}\n]}";
	struct opened o;
	const struct json_value *v;
	open_text(&o, text);
	CHECK(o.rc == 0);
	CHECK(o.s.n_slices == 2);
	CHECK(reassembles(&o.s, text, strlen(text)));
	const struct json_value *findings = json_get(o.s.root, "findings");
	CHECK(json_stream_expand(&o.s, &findings->u.items[1], &v, &o.err) == 0);
	CHECK_STR(json_get_str(v, "id"), "y");
	/* Out of order: the first element is read again from the file. */
	CHECK(json_stream_expand(&o.s, &findings->u.items[0], &v, &o.err) == 0);
	CHECK_STR(json_get_str(v, "id"), "x");
	CHECK(json_stream_finish(&o.s, &o.err) == 0);
	close_opened(&o);
}

static void test_not_streamed(void)
{
	static const char *const texts[] = {
		/* Deeper than the streamed paths, or not arrays there. */
		"{\"Metadata\":{\"Vulnerabilities\":[1,2],\"findings\":[3]},\"Results\":{\"a\":[4]}}",
		"{\"Results\":[[{\"Vulnerabilities\":[1]}]],\"x\":{\"findings\":[2]}}",
		"{\"Results\":[{\"Vulnerabilities\":{\"a\":[1]}}]}",
		/* An escaped key is not matched (the element stays in the skeleton). */
		"{\"Results\":[{\"Vulner\\u0061bilities\":[{\"a\":1}]}]}",
		"[[{\"Vulnerabilities\":[1]}]]",
		"null",
		"  \"a string\"  ",
		"{}",
		"[]",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct opened o;
		open_text(&o, texts[i]);
		CHECK(o.rc == 0);
		CHECK(o.s.n_slices == 0);
		CHECK(reassembles(&o.s, texts[i], strlen(texts[i])));
		CHECK(json_stream_finish(&o.s, &o.err) == 0);
		close_opened(&o);
	}
}

/* Whatever goes wrong, somewhere between open and finish it is an error. */
static void test_malformed(void)
{
	static const char *const texts[] = {
		"{\"Results\":[{\"Vulnerabilities\":[{\"a\":1}{\"b\":2}]}]}",
		"{\"Results\":[{\"Vulnerabilities\":[1,,2]}]}",
		"{\"Results\":[{\"Vulnerabilities\":[1,]}]}",
		"{\"Results\":[{\"Vulnerabilities\":[,1]}]}",
		"{\"Results\":[{\"Vulnerabilities\":[{\"a\":1}}]}",
		"{\"Results\":[{\"Vulnerabilities\":[{\"a\":1]]}]}",
		"{\"Results\":[{\"Vulnerabilities\":[{\"a\":\"x",
		"{\"Results\":[{\"Vulnerabilities\":[{\"a\":\"x\\",
		"{\"Results\":[{\"Vulnerabilities\":[{\"a\":\"x\"}",
		"{\"Results\":[{\"Vulnerabilities\":[{\"a\":tru}]}]}",
		"{\"Results\":[{\"Vulnerabilities\":[{\"a\":\"\x01\"}]}]}",
		"{\"Results\":[{\"Vulnerabilities\":[{\"a\":\"\xff\"}]}]}",
		"{\"Results\":[{\"Vulnerabilities\":[1 2]}]}",
		"{\"Results\":[{\"Vulnerabilities\":[1]}]",
		"{\"Results\":[{\"Vulnerabilities\":[1]}]}}",
		"{\"Results\":[{\"Vulnerabilities\":[1]}]} x",
		"{\"Results\" [{\"Vulnerabilities\":[1]}]}",
		"{\"findings\":[{\"id\":1},]}",
		"{\"findings\":[{\"id\":1}],}",
		"{\"matches\":[]}",
		"{\"a\":1 \"b\":2}",
		"[1,]",
		"{",
		"]",
		"",
		"   ",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct opened o;
		open_text(&o, texts[i]);
		int rc = o.rc;
		if (rc == 0)
			rc = json_stream_finish(&o.s, &o.err);
		if (rc == 0)
			fprintf(stderr, "accepted: %s\n", texts[i]);
		CHECK(rc < 0);
		close_opened(&o);
	}
}

/* A string of random bytes that need care: quotes, backslashes, brackets. */
static void add_tricky_string(struct strbuf *sb, unsigned *seed)
{
	static const char *const pieces[] = {"a", "\\\\", "\\\"", "[", "]", "{", "}", ",", " ",
					     "\\u005c", "\\n", "\xc3\xa9", "\\\\\\\""};
	*seed = *seed * 1103515245u + 12345u;
	unsigned n = *seed >> 16 & 127;
	sb_addch(sb, '"');
	for (unsigned i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		sb_addstr(sb, pieces[(*seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
	}
	sb_addch(sb, '"');
}

/* Elements and strings across every chunk and 64-byte block boundary. */
static void test_large(void)
{
	struct strbuf text = STRBUF_INIT;
	unsigned seed = 1;
	size_t n = 20000;
	sb_addstr(&text, "{\"SchemaVersion\":2,\"Results\":[{\"Target\":");
	add_tricky_string(&text, &seed);
	sb_addstr(&text, ",\"Vulnerabilities\":[\n");
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addstr(&text, i % 7 ? "," : " ,\n ");
		sb_addstr(&text, "{\"k\":");
		add_tricky_string(&text, &seed);
		sb_addf(&text, ",\"n\":[%zu,{\"s\":", i);
		add_tricky_string(&text, &seed);
		sb_addstr(&text, "},[]]}");
	}
	sb_addstr(&text, "]}]}");
	CHECK(text.len > 2 * 256 * 1024);

	struct opened o;
	open_len(&o, text.buf, text.len);
	CHECK(o.rc == 0);
	CHECK(o.s.n_slices == n);
	CHECK(reassembles(&o.s, text.buf, text.len));
	const struct json_value *results = json_get(o.s.root, "Results");
	const struct json_value *vulns = json_get(&results->u.items[0], "Vulnerabilities");
	CHECK(vulns && vulns->len == n);
	for (size_t i = 0; vulns && i < vulns->len; i += 3) {
		const struct json_value *v;
		CHECK(json_stream_expand(&o.s, &vulns->u.items[i], &v, &o.err) == 0);
		const struct json_value *num = json_get(v, "n");
		CHECK(json_is(num, JSON_ARRAY) && num->len == 3 &&
		      (size_t)json_number(&num->u.items[0]) == i);
	}
	CHECK(json_stream_finish(&o.s, &o.err) == 0);
	close_opened(&o);

	/* The same text cut short anywhere near its end is an error. */
	for (size_t cut = 1; cut < 200; cut += 7) {
		open_len(&o, text.buf, text.len - cut);
		int rc = o.rc;
		if (rc == 0)
			rc = json_stream_finish(&o.s, &o.err);
		CHECK(rc < 0);
		close_opened(&o);
	}
	sb_release(&text);
}

TEST_MAIN("json_stream", TEST(test_schema2), TEST(test_legacy_and_key_order), TEST(test_canonical),
	  TEST(test_not_streamed), TEST(test_malformed), TEST(test_large))
