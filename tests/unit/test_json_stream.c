#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "harness.h"
#include "json_stream.h"

/* A stream over `text` written to a temporary file. */
struct opened {
	int fd;
	struct json_stream s;
	struct cvt_error err;
	int rc;
};

static void open_len_consuming(struct opened *o, const char *text, size_t len,
			       const struct json_stream_consumer *consumer)
{
	char path[] = "/tmp/test_json_stream.XXXXXX";
	o->fd = mkstemp(path);
	CHECK(o->fd >= 0);
	unlink(path);
	CHECK(write(o->fd, text, len) == (ssize_t)len);
	cvt_error_init(&o->err);
	o->rc = consumer ? json_stream_open_consuming(&o->s, o->fd, consumer, &o->err)
			 : json_stream_open(&o->s, o->fd, &o->err);
}

static void open_len(struct opened *o, const char *text, size_t len)
{
	open_len_consuming(o, text, len, NULL);
}

/* A consumer that keeps each element it is handed, written compact. */
struct taken {
	struct strbuf text[64];
	size_t index[64];
	size_t n, calls;
};

static int take(void *ctx, size_t index, const struct json_value *element, struct cvt_error *err)
{
	struct taken *t = ctx;
	(void)err;
	if (t->calls++ < 64) {
		struct json_writer w;
		sb_init(&t->text[t->n], 0);
		json_writer_init(&w, &t->text[t->n], 0);
		json_value(&w, element);
		t->index[t->n++] = index;
	}
	return 0;
}

static void taken_release(struct taken *t)
{
	for (size_t i = 0; i < t->n; i++)
		sb_release(&t->text[i]);
	t->n = t->calls = 0;
}

/* What json_stream_expand makes of the element `index`, written compact. */
static void expanded_text(struct opened *o, size_t index, struct strbuf *out)
{
	struct json_value item = {.type = JSON_NUMBER,
				  .len = 0,
				  .u.str = o->s.skeleton.buf + o->s.slices[index].skeleton_offset};
	const struct json_value *v;
	struct json_writer w;
	while (item.u.str[item.len] >= '0' && item.u.str[item.len] <= '9')
		item.len++;
	CHECK(json_stream_element_index(&o->s, &item) == (long long)index);
	CHECK(json_stream_expand(&o->s, &item, &v, &o->err) == 0);
	sb_reset(out);
	json_writer_init(&w, out, 0);
	json_value(&w, v);
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

/* A consumer is handed its elements during the scan, in order, each the
 * value expand gives; the skeleton is the same. */
static void test_consumer(void)
{
	static const char *const texts[] = {
		"{\"SchemaVersion\":2,\"Results\":[{\"Target\":\"a\",\"Vulnerabilities\":"
		"[{\"x\":\"]}\\\"[,\\u00e9\"},{\"y\":[1,[2e5]]}]},{\"Vulnerabilities\":[]},"
		"{\"Vulnerabilities\":[ 7 , \"s\" ,-0.5,true]}]}",
		/* Legacy arrays; the findings of a canonical report are not the consumer's. */
		"[{\"Vulnerabilities\":[{\"a\":1}],\"Target\":\"t\"}, 5, {\"Vulnerabilities\":[null]}]",
		"{\"findings\":[{\"id\":1}],\"Results\":[{\"Vulnerabilities\":[{\"b\":[]}]}]}",
	};
	static const size_t expect_taken[] = {6, 2, 1};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct taken t = {0};
		struct json_stream_consumer consumer = {.array_key = "Vulnerabilities", .element = take, .ctx = &t};
		struct opened plain, o;
		struct strbuf sb = STRBUF_INIT;
		open_text(&plain, texts[i]);
		open_len_consuming(&o, texts[i], strlen(texts[i]), &consumer);
		CHECK(o.rc == 0 && plain.rc == 0);
		CHECK(t.n == expect_taken[i]);
		CHECK(reassembles(&o.s, texts[i], strlen(texts[i])));
		CHECK(o.s.n_slices == plain.s.n_slices);
		for (size_t k = 0; k < t.n; k++) {
			CHECK(k == 0 || t.index[k] > t.index[k - 1]);
			expanded_text(&plain, t.index[k], &sb);
			CHECK_STR(t.text[k].buf, sb.buf);
			/* Taken, it can still be expanded: read again. */
			expanded_text(&o, t.index[k], &sb);
			CHECK_STR(t.text[k].buf, sb.buf);
		}
		CHECK(json_stream_finish(&o.s, &o.err) == 0);
		sb_release(&sb);
		taken_release(&t);
		close_opened(&o);
		close_opened(&plain);
	}
}

static int refuse(void *ctx, size_t index, const struct json_value *element, struct cvt_error *err)
{
	(void)ctx;
	(void)element;
	return index == 1 ? cvt_error_set(err, CVT_EINVAL, "refused") : 0;
}

/* A consumer's error stops the scan; a malformed text fails as without one. */
static void test_consumer_errors(void)
{
	static const char *const malformed[] = {
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
		"{\"Results\":[{\"Vulnerabilities\":[01]}]}",
		"{\"Results\":[{\"Vulnerabilities\":[1]}]",
		"{\"Results\":[{\"Vulnerabilities\":[1",
		"{\"Results\":[{\"Vulnerabilities\":[\"\\ud800\"]}]}",
	};
	for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
		struct taken t = {0};
		struct json_stream_consumer consumer = {.array_key = "Vulnerabilities", .element = take, .ctx = &t};
		struct opened o;
		open_len_consuming(&o, malformed[i], strlen(malformed[i]), &consumer);
		int rc = o.rc;
		if (rc == 0)
			rc = json_stream_finish(&o.s, &o.err);
		if (rc == 0)
			fprintf(stderr, "accepted: %s\n", malformed[i]);
		CHECK(rc < 0);
		taken_release(&t);
		close_opened(&o);
	}
	static const char text[] = "{\"Results\":[{\"Vulnerabilities\":[1,2,3]}]}";
	struct json_stream_consumer consumer = {.array_key = "Vulnerabilities", .element = refuse};
	struct opened o;
	open_len_consuming(&o, text, strlen(text), &consumer);
	CHECK(o.rc == CVT_EINVAL);
	CHECK(strstr(o.err.message.buf, "refused") != NULL);
	close_opened(&o);
}

/* Taken elements across every window boundary, and one bigger than the window. */
static void test_consumer_large(void)
{
	struct strbuf text = STRBUF_INIT;
	unsigned seed = 7;
	size_t n = 12000;
	sb_addstr(&text, "{\"Results\":[{\"Vulnerabilities\":[\n");
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addstr(&text, i % 5 ? "," : " ,\n ");
		if (i == n / 2) {
			/* A number may look complete where a window ends. */
			sb_addf(&text, "%zu%s", i, i % 2 ? "" : ".25e1");
			continue;
		}
		if (i == n / 3) {
			sb_addstr(&text, "[");
			for (size_t k = 0; k < 60000; k++)
				sb_addf(&text, "%s%zu", k ? "," : "", k);
			sb_addstr(&text, "]");
			continue;
		}
		sb_addstr(&text, "{\"k\":");
		add_tricky_string(&text, &seed);
		sb_addf(&text, ",\"n\":%zu,\"u\":\"\\ud83d\\ude00\"}", i);
	}
	sb_addstr(&text, "]}]}");
	CHECK(text.len > 3 * 256 * 1024);

	/* Every element taken, in order: only the first 64 are kept. */
	struct taken t = {0};
	struct json_stream_consumer consumer = {.array_key = "Vulnerabilities", .element = take, .ctx = &t};
	struct opened o, plain;
	struct strbuf sb = STRBUF_INIT;
	open_len_consuming(&o, text.buf, text.len, &consumer);
	open_len(&plain, text.buf, text.len);
	CHECK(o.rc == 0 && plain.rc == 0);
	CHECK(t.calls == n);
	CHECK(o.s.n_slices == n);
	CHECK(reassembles(&o.s, text.buf, text.len));
	for (size_t k = 0; k < t.n; k++) {
		expanded_text(&plain, t.index[k], &sb);
		CHECK_STR(t.text[k].buf, sb.buf);
	}
	/* And each element, read again, is the one the plain scan found. */
	for (size_t i = 0; i < n; i += 97) {
		struct strbuf other = STRBUF_INIT;
		expanded_text(&o, i, &sb);
		expanded_text(&plain, i, &other);
		CHECK_STR(sb.buf, other.buf);
		sb_release(&other);
	}
	size_t cut_len = text.len;
	taken_release(&t);
	sb_release(&sb);
	close_opened(&o);
	close_opened(&plain);

	/* Cut short near its end, or inside an element of a later window. */
	for (size_t cut = 1; cut < cut_len; cut = cut < 200 ? cut + 13 : cut * 3) {
		open_len_consuming(&o, text.buf, text.len - cut, &consumer);
		int rc = o.rc;
		if (rc == 0)
			rc = json_stream_finish(&o.s, &o.err);
		CHECK(rc < 0);
		taken_release(&t);
		close_opened(&o);
	}
	sb_release(&text);
}

/*
 * A consumer that keeps every element it is handed, by index, written
 * compact; it can fork a worker of its own kind (json_stream_consumer.fork).
 */
struct collected {
	struct strbuf *text; /* by index; NULL buf: never handed */
	size_t alloc, handed; /* handed: read and written atomically */
	size_t forks, joins, adopted;
	/* The scan's first element waits until the worker has taken one: the
	 * worker then holds the first piece, whatever the scheduling (valgrind
	 * runs one thread at a time), so adopting is certain. */
	int wait_for_worker;
	struct collected *worker;
};

static void collected_put(struct collected *c, size_t index, struct strbuf *moved)
{
	if (index >= c->alloc) {
		size_t alloc = c->alloc ? c->alloc : 64;
		while (alloc <= index)
			alloc *= 2;
		c->text = cvt_realloc_array(c->text, alloc, sizeof *c->text);
		for (size_t i = c->alloc; i < alloc; i++)
			sb_init(&c->text[i], 0);
		c->alloc = alloc;
	}
	sb_release(&c->text[index]);
	c->text[index] = *moved;
	sb_init(moved, 0);
}

static int collect(void *ctx, size_t index, const struct json_value *element, struct cvt_error *err)
{
	struct collected *c = ctx;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	(void)err;
	if (c->wait_for_worker && c->worker) {
		c->wait_for_worker = 0;
		while (!__atomic_load_n(&c->worker->handed, __ATOMIC_ACQUIRE))
			nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
	json_writer_init(&w, &sb, 0);
	json_value(&w, element);
	collected_put(c, index, &sb);
	__atomic_add_fetch(&c->handed, 1, __ATOMIC_RELEASE);
	return 0;
}

static void collected_release(struct collected *c)
{
	for (size_t i = 0; i < c->alloc; i++)
		sb_release(&c->text[i]);
	free(c->text);
	memset(c, 0, sizeof *c);
}

static void *collect_fork(void *ctx)
{
	struct collected *c = ctx;
	c->forks++;
	c->worker = cvt_calloc(1, sizeof(struct collected));
	return c->worker;
}

static void collect_adopt(void *ctx, void *worker_ctx, size_t from, size_t to)
{
	struct collected *c = ctx, *w = worker_ctx;
	CHECK(from < w->alloc && w->text[from].len);
	if (from < w->alloc) {
		collected_put(c, to, &w->text[from]);
		c->adopted++;
	}
}

static void collect_join(void *ctx, void *worker_ctx)
{
	struct collected *c = ctx, *w = worker_ctx;
	c->joins++;
	c->worker = NULL;
	collected_release(w);
	free(w);
}

/*
 * A report-like text of `n` elements over four lists, with what could fool
 * the worker looking for elements in the middle of it: objects whose first
 * key is VulnerabilityID nested inside elements, the same text escaped in
 * strings, elements that are no objects or do not start with that key,
 * blanks of every kind, and an element bigger than the read window.
 */
static void add_worker_text(struct strbuf *t, size_t n, int compact, unsigned seed)
{
	const char *sep = compact ? "" : "\n  ";
	sb_addstr(t, "{\"SchemaVersion\":2,\"Results\":[");
	for (size_t r = 0; r < 4; r++) {
		sb_addf(t, "%s{\"Target\":\"t%zu\",\"Vulnerabilities\":[%s", r ? "," : "", r, sep);
		for (size_t i = 0; i < n / 4; i++) {
			if (i)
				sb_addstr(t, compact ? "," : i % 3 ? ",\n  " : " ,\r\n\t");
			if (i % 19 == 9) {
				sb_addstr(t, i % 2 ? "12.5e1" : "\"a string element\"");
				continue;
			}
			sb_addf(t, "{%s", sep);
			if (i % 11 == 5)
				sb_addstr(t, "\"PkgName\":\"first\",");
			sb_addf(t, "\"VulnerabilityID\"%s:%s\"CVE-%zu-%zu\",\"Title\":", i % 4 ? "" : " ",
				compact ? "" : " ", r, i);
			add_tricky_string(t, &seed);
			if (i % 13 == 7)
				sb_addstr(t, ",\"Nested\":[{\"VulnerabilityID\":\"inner\",\"x\":[1,"
					     "{\"VulnerabilityID\" :2}]}, {\"VulnerabilityID\":3}]");
			if (i % 17 == 3)
				sb_addstr(t, ",\"Fake\":\"],[{\\\"VulnerabilityID\\\": 1}, "
					     "{\\\"VulnerabilityID\\\":\\\"x\\\"}\"");
			if (r == 3 && i == n / 8) {
				sb_addstr(t, ",\"Description\":\"");
				for (size_t k = 0; k < 40000; k++)
					sb_addstr(t, "0123456789");
				sb_addstr(t, "\"");
			}
			sb_addf(t, "%s}", sep);
		}
		sb_addf(t, "%s]}", sep);
	}
	sb_addstr(t, "]}\n");
}

/* Opens `text` with a collecting consumer: on two threads when `parallel`. */
static int open_collected(struct opened *o, const struct strbuf *text, struct collected *c,
			  int parallel)
{
	struct json_stream_consumer consumer = {.array_key = "Vulnerabilities", .element = collect,
						.ctx = c};
	if (parallel) {
		consumer.fork = collect_fork;
		consumer.adopt = collect_adopt;
		consumer.join = collect_join;
		consumer.first_key = "VulnerabilityID";
		consumer.parallel_min = 1;
	}
	open_len_consuming(o, text->buf, text->len, &consumer);
	int rc = o->rc;
	if (rc == 0)
		rc = json_stream_finish(&o->s, &o->err);
	return rc;
}

/* The worker's elements are the ones the scan alone takes, at the same indexes. */
static void test_worker(void)
{
	for (int compact = 0; compact < 2; compact++) {
		struct strbuf text = STRBUF_INIT;
		add_worker_text(&text, 8000, compact, 11u + (unsigned)compact);
		struct collected one = {0}, two = {.wait_for_worker = 1};
		struct opened o1, o2;
		CHECK(open_collected(&o1, &text, &one, 0) == 0);
		CHECK(open_collected(&o2, &text, &two, 1) == 0);
		CHECK(one.forks == 0 && o1.s.n_adopted == 0);
		/* The worker ran, and a run of its was adopted. */
		CHECK(two.forks == 1 && two.joins == 1);
		CHECK(o2.s.n_adopted == two.adopted);
		CHECK(two.adopted > 0);
		CHECK(o2.s.n_slices == o1.s.n_slices);
		CHECK(reassembles(&o2.s, text.buf, text.len));
		CHECK(two.alloc >= o1.s.n_slices && one.alloc >= o1.s.n_slices);
		size_t differ = 0;
		for (size_t i = 0; i < o1.s.n_slices && i < two.alloc && i < one.alloc; i++)
			if (!one.text[i].len || one.text[i].len != two.text[i].len ||
			    memcmp(one.text[i].buf, two.text[i].buf, one.text[i].len) != 0)
				differ++;
		CHECK(differ == 0);
		collected_release(&one);
		collected_release(&two);
		close_opened(&o1);
		close_opened(&o2);
		sb_release(&text);
	}
}

/* A text broken in its second half fails on two threads as on one, and a
 * change that keeps it valid gives the same elements. */
static void test_worker_broken(void)
{
	struct strbuf text = STRBUF_INIT;
	add_worker_text(&text, 2000, 0, 5);
	static const char *const bytes[] = {"}", "]", ",", "\"", "{", "[", " ", "\\", "x", "\x01"};
	unsigned seed = 3;
	for (size_t k = 0; k < 60; k++) {
		struct strbuf bad = STRBUF_INIT;
		seed = seed * 1103515245u + 12345u;
		size_t at = text.len / 2 + (seed >> 8) % (text.len / 2);
		sb_add(&bad, text.buf, at);
		if (k % 3 == 0) {
			/* cut short */
		} else {
			sb_addstr(&bad, bytes[(seed >> 4) % (sizeof bytes / sizeof bytes[0])]);
			sb_add(&bad, text.buf + at + (k % 3 == 1), text.len - at - (k % 3 == 1));
		}
		struct collected one = {0}, two = {0};
		struct opened o1, o2;
		int rc1 = open_collected(&o1, &bad, &one, 0);
		int rc2 = open_collected(&o2, &bad, &two, 1);
		CHECK((rc1 < 0) == (rc2 < 0));
		if (rc1 == 0 && rc2 == 0) {
			CHECK(o1.s.n_slices == o2.s.n_slices);
			for (size_t i = 0; i < o1.s.n_slices && i < one.alloc && i < two.alloc; i++)
				CHECK(one.text[i].len == two.text[i].len &&
				      memcmp(one.text[i].buf, two.text[i].buf, one.text[i].len) == 0);
		}
		collected_release(&one);
		collected_release(&two);
		close_opened(&o1);
		close_opened(&o2);
		sb_release(&bad);
	}
	sb_release(&text);
}

TEST_MAIN("json_stream", TEST(test_schema2), TEST(test_legacy_and_key_order), TEST(test_canonical),
	  TEST(test_not_streamed), TEST(test_malformed), TEST(test_large),
	  TEST(test_consumer), TEST(test_consumer_errors), TEST(test_consumer_large),
	  TEST(test_worker), TEST(test_worker_broken))
