#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "harness.h"
#include "json.h"
#include "report.h"

static struct cvt_finding *add(struct cvt_report *r, const char *id, const char *purl,
			       enum cvt_severity sev, const char *target, const char *version,
			       const char *fixed)
{
	struct cvt_finding *f = cvt_report_add(r);
	f->id = id;
	f->purl = purl;
	f->key = arena_sprintf(&r->arena, "%s %s", id, purl);
	f->severity = sev;
	f->installed_version = version;
	f->fixed_version = fixed;
	cvt_finding_add_location(r, f, target, NULL, version);
	return f;
}

static void build(struct cvt_report *r, int reversed)
{
	cvt_report_init(r);
	r->scanner_name = "trivy";
	struct {
		const char *id, *purl, *target, *version, *fixed;
		enum cvt_severity sev;
	} rows[] = {
		{"CVE-2", "pkg:deb/debian/b", "img (debian 12)", "1", NULL, CVT_SEV_LOW},
		{"CVE-1", "pkg:deb/debian/a", "img (debian 12)", "2", "3", CVT_SEV_MEDIUM},
		{"CVE-1", "pkg:deb/debian/a", "other", "1", NULL, CVT_SEV_HIGH},
		{"CVE-1", "pkg:deb/debian/a", "img (debian 12)", "2", "3", CVT_SEV_MEDIUM},
	};
	size_t n = sizeof rows / sizeof rows[0];
	for (size_t k = 0; k < n; k++) {
		size_t i = reversed ? n - 1 - k : k;
		add(r, rows[i].id, rows[i].purl, rows[i].sev, rows[i].target, rows[i].version, rows[i].fixed);
	}
	cvt_report_finish(r);
}

static void test_merge_by_key(void)
{
	struct cvt_report r;
	build(&r, 0);
	CHECK(r.n_findings == 2);
	CHECK_STR(r.findings[0].key, "CVE-1 pkg:deb/debian/a");
	CHECK(r.findings[0].severity == CVT_SEV_HIGH);
	CHECK(r.findings[0].n_locations == 2);
	CHECK_STR(r.findings[0].locations[0].target, "img (debian 12)");
	CHECK_STR(r.findings[0].locations[1].target, "other");
	/* Fields come from the first location in sorted order. */
	CHECK_STR(r.findings[0].installed_version, "2");
	CHECK_STR(r.findings[0].fixed_version, "3");
	CHECK(cvt_report_find(&r, "CVE-2 pkg:deb/debian/b") == &r.findings[1]);
	CHECK(cvt_report_find(&r, "CVE-3 pkg:deb/debian/b") == NULL);
	cvt_report_release(&r);
}

static void test_order_independent_output(void)
{
	struct cvt_report a, b;
	struct strbuf sa = STRBUF_INIT, sb = STRBUF_INIT;
	build(&a, 0);
	build(&b, 1);
	cvt_report_write(&a, &sa);
	cvt_report_write(&b, &sb);
	CHECK(sa.len == sb.len && memcmp(sa.buf, sb.buf, sa.len) == 0);
	CHECK(strstr(sa.buf, "\"schema\": \"cvetrail/report/1\"") != NULL);
	CHECK(sa.buf[sa.len - 1] == '\n');
	sb_release(&sa);
	sb_release(&sb);
	cvt_report_release(&a);
	cvt_report_release(&b);
}

static void test_aliases_sorted_unique(void)
{
	struct cvt_report r;
	cvt_report_init(&r);
	struct cvt_finding *f = add(&r, "CVE-9", "pkg:npm/x", CVT_SEV_LOW, "t", "1", NULL);
	cvt_finding_add_alias(&r, f, "GHSA-b");
	cvt_finding_add_alias(&r, f, "CVE-9"); /* its own id is not an alias */
	cvt_finding_add_alias(&r, f, "GHSA-a");
	cvt_finding_add_alias(&r, f, "GHSA-b");
	cvt_report_finish(&r);
	CHECK(r.findings[0].n_aliases == 2);
	CHECK_STR(r.findings[0].aliases[0], "GHSA-a");
	CHECK_STR(r.findings[0].aliases[1], "GHSA-b");
	cvt_report_release(&r);
}

static void test_severity_names(void)
{
	CHECK(cvt_severity_parse("critical") == CVT_SEV_CRITICAL);
	CHECK(cvt_severity_parse("High") == CVT_SEV_HIGH);
	CHECK(cvt_severity_parse("Negligible") == CVT_SEV_LOW);
	CHECK(cvt_severity_parse("bogus") == CVT_SEV_UNKNOWN);
	CHECK(cvt_severity_parse(NULL) == CVT_SEV_UNKNOWN);
	CHECK_STR(cvt_severity_name(CVT_SEV_MEDIUM), "MEDIUM");
}

/* A finding as the generic writer lays it out. */
static void writer_string(struct json_writer *w, const char *s)
{
	json_string(w, s);
}

static void writer_finding(struct json_writer *w, const struct cvt_finding *f)
{
	json_begin_object(w);
	json_key(w, "key");
	writer_string(w, f->key);
	json_key(w, "id");
	writer_string(w, f->id);
	json_key(w, "aliases");
	json_begin_array(w);
	for (size_t i = 0; i < f->n_aliases; i++)
		writer_string(w, f->aliases[i]);
	json_end_array(w);
	json_key(w, "package");
	json_begin_object(w);
	json_key(w, "name");
	writer_string(w, f->pkg_name);
	json_key(w, "purl");
	writer_string(w, f->purl);
	json_end_object(w);
	json_key(w, "severity");
	writer_string(w, cvt_severity_name(f->severity));
	json_key(w, "status");
	writer_string(w, f->status);
	json_key(w, "installed_version");
	writer_string(w, f->installed_version);
	json_key(w, "fixed_version");
	writer_string(w, f->fixed_version);
	json_key(w, "cvss");
	if (f->cvss)
		json_number_raw(w, f->cvss, strlen(f->cvss));
	else
		json_null(w);
	json_key(w, "published");
	writer_string(w, f->published);
	json_key(w, "title");
	writer_string(w, f->title);
	json_key(w, "url");
	writer_string(w, f->url);
	json_key(w, "locations");
	json_begin_array(w);
	for (size_t i = 0; i < f->n_locations; i++) {
		json_begin_object(w);
		json_key(w, "target");
		writer_string(w, f->locations[i].target);
		json_key(w, "path");
		writer_string(w, f->locations[i].path);
		json_key(w, "version");
		writer_string(w, f->locations[i].version);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}

/* The report lays findings out itself, for speed: byte for byte what the
 * writer gives, whatever is empty, null or needs escaping. */
static void test_layout_is_the_writers(void)
{
	struct cvt_report r;
	cvt_report_init(&r);
	r.scanner_name = "trivy";
	r.artifact_name = "img \"q\"\n";
	struct cvt_finding *f = add(&r, "CVE-1", "pkg:deb/debian/a", CVT_SEV_HIGH, "t\\1", "1", "2");
	f->pkg_name = "a\x01\x7f\xc3\xa9";
	f->status = "fixed";
	f->cvss = "7.5";
	f->published = "2024-01-02";
	f->title = "a \"title\"\twith\\escapes and more than sixteen bytes\b\f\r";
	f->url = "https://example.com/x";
	cvt_finding_add_alias(&r, f, "GHSA-1");
	cvt_finding_add_alias(&r, f, "DSA-1");
	cvt_finding_add_location(&r, f, "t2", "/usr/lib/x", "1.1");
	add(&r, "CVE-2", "pkg:deb/debian/b", CVT_SEV_UNKNOWN, "", NULL, NULL);
	f = cvt_report_add(&r);
	f->id = "CVE-3";
	f->purl = "pkg:generic/c";
	f->key = "CVE-3 pkg:generic/c";
	cvt_report_finish(&r);

	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
	cvt_report_write(&r, &got);
	/* The text up to the findings, then the findings through the writer. */
	const char *findings = strstr(got.buf, "\"findings\": [");
	CHECK(findings != NULL);
	if (findings) {
		struct json_writer w;
		sb_add(&want, got.buf, (size_t)(findings - got.buf));
		json_writer_init(&w, &want, 2);
		w.depth = 1;
		w.after_key = 1;
		sb_addstr(&want, "\"findings\": ");
		json_begin_array(&w);
		for (size_t i = 0; i < r.n_findings; i++)
			writer_finding(&w, &r.findings[i]);
		json_end_array(&w);
		w.depth = 0;
		sb_addstr(&want, "\n}\n");
		CHECK_STR(got.buf, want.buf);
	}
	struct json_doc doc;
	CHECK(json_parse(&doc, got.buf, got.len, NULL) == 0);
	json_doc_release(&doc);
	sb_release(&got);
	sb_release(&want);
	cvt_report_release(&r);
}

/* A file in memory for cvt_report_write_at: pieces land at their offsets. */
struct placed {
	char *buf;
	size_t len, alloc;
	pthread_mutex_t lock;
	size_t calls, fail_at; /* fail_at: the call that fails with -EIO (0: none) */
};

static int place_at(void *ctx, uint64_t offset, const char *data, size_t len)
{
	struct placed *p = ctx;
	pthread_mutex_lock(&p->lock);
	int rc = 0;
	if (++p->calls == p->fail_at) {
		rc = -EIO;
	} else {
		if (offset + len > p->alloc) {
			p->alloc = (size_t)(offset + len) * 2;
			p->buf = realloc(p->buf, p->alloc);
		}
		memcpy(p->buf + offset, data, len);
		if (offset + len > p->len)
			p->len = (size_t)(offset + len);
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

/* A report of `n` findings, with text that needs escaping of every kind. */
static void build_many(struct cvt_report *r, size_t n)
{
	static const char *const titles[] = {"plain", "a \"quoted\" \\ title\twith\ncontrols\x01\x1f\x7f",
					     "\xc3\xa9t\xc3\xa9 \xe2\x80\xae", "", "x"};
	cvt_report_init(r);
	r->scanner_name = "trivy";
	r->artifact_name = "img";
	for (size_t i = 0; i < n; i++) {
		char id[32], purl[48];
		snprintf(id, sizeof id, "CVE-2024-%zu", i);
		snprintf(purl, sizeof purl, "pkg:deb/debian/p%zu", i % 97);
		struct cvt_finding *f = add(r, arena_strdup(&r->arena, id), arena_strdup(&r->arena, purl),
					    (enum cvt_severity)(i % CVT_SEV_COUNT), "img (debian 12)",
					    i % 3 ? "1.0" : NULL, i % 2 ? "1.1" : NULL);
		f->title = titles[i % 5];
		f->cvss = i % 4 ? "7.5" : NULL;
		f->status = i % 2 ? "fixed" : "affected";
		if (i % 6 == 1)
			cvt_finding_add_alias(r, f, "GHSA-\"x\"");
	}
	cvt_report_finish(r);
}

/* For a report of each size, `check` is handed it, its text written on one
 * thread, and a parallel_min of 1 (two threads) then 1 << 30 (one). */
typedef void (*layout_check)(const struct cvt_report *r, const struct strbuf *want,
			     size_t parallel_min, size_t size);

static void each_report(const size_t *sizes, size_t n, layout_check check)
{
	for (size_t k = 0; k < n; k++) {
		struct cvt_report r;
		struct strbuf want = STRBUF_INIT;
		build_many(&r, sizes[k]);
		cvt_report_write(&r, &want);
		check(&r, &want, 1, sizes[k]);
		check(&r, &want, 1u << 30, sizes[k]);
		sb_release(&want);
		cvt_report_release(&r);
	}
}

static void check_write_at(const struct cvt_report *r, const struct strbuf *want,
			   size_t parallel_min, size_t size)
{
	(void)size;
	struct placed p = {0};
	pthread_mutex_init(&p.lock, NULL);
	CHECK(cvt_report_write_at(r, parallel_min, place_at, &p) == 0);
	CHECK(p.len == want->len && memcmp(p.buf, want->buf, want->len) == 0);
	free(p.buf);
	pthread_mutex_destroy(&p.lock);
}

/* Written on two threads at offsets, the report is the one written in order. */
static void test_write_at_two_threads(void)
{
	static const size_t sizes[] = {0, 1, 2, 3, 10, 4000};
	each_report(sizes, sizeof sizes / sizeof sizes[0], check_write_at);
	/* A failed write is the result, from either thread. */
	struct cvt_report r;
	build_many(&r, 4000);
	for (size_t fail_at = 1; fail_at <= 4; fail_at++) {
		struct placed p = {.fail_at = fail_at};
		pthread_mutex_init(&p.lock, NULL);
		CHECK(cvt_report_write_at(&r, 1, place_at, &p) == -EIO);
		free(p.buf);
		pthread_mutex_destroy(&p.lock);
	}
	cvt_report_release(&r);
}

/* An output written in order, that notices a call made while another is
 * still writing (two threads at once) or a piece written twice. */
struct stream_out {
	struct strbuf text;
	pthread_mutex_t lock;
	int writing, overlapped;
	size_t calls, fail_at; /* fail_at: the call that fails with -EIO (0: none) */
};

static int stream_write(void *ctx, const char *data, size_t len)
{
	struct stream_out *o = ctx;
	pthread_mutex_lock(&o->lock);
	if (o->writing)
		o->overlapped = 1;
	o->writing = 1;
	size_t call = ++o->calls;
	pthread_mutex_unlock(&o->lock);
	/* Long enough for the other thread to come in, were it let in. */
	for (volatile int spin = 0; spin < 20000; spin++)
		;
	pthread_mutex_lock(&o->lock);
	if (call != o->fail_at)
		sb_add(&o->text, data, len);
	o->writing = 0;
	pthread_mutex_unlock(&o->lock);
	return call == o->fail_at ? -EIO : 0;
}

static void check_write_ordered(const struct cvt_report *r, const struct strbuf *want,
				size_t parallel_min, size_t size)
{
	struct stream_out o = {.text = STRBUF_INIT};
	pthread_mutex_init(&o.lock, NULL);
	CHECK(cvt_report_write_ordered(r, parallel_min, stream_write, &o) == 0);
	CHECK(!o.overlapped);
	CHECK(o.text.len == want->len && memcmp(o.text.buf, want->buf, want->len) == 0);
	/* Pieces of 1,024 findings, plus the head and the tail. */
	if (parallel_min == 1 && size > 1024)
		CHECK(o.calls == (size + 1023) / 1024 + 2);
	sb_release(&o.text);
	pthread_mutex_destroy(&o.lock);
}

/* Laid out on two threads and written in order, the report is the one
 * written on one thread, and write is never called twice at once. */
static void test_write_ordered_two_threads(void)
{
	static const size_t sizes[] = {0, 1, 2, 1025, 4000, 9000};
	each_report(sizes, sizeof sizes / sizeof sizes[0], check_write_ordered);
	/* A failed write is the result, whichever thread laid the piece out,
	 * and nothing after it is written. */
	struct cvt_report r;
	build_many(&r, 9000);
	for (size_t fail_at = 1; fail_at <= 11; fail_at++) { /* 9 pieces, the head, the tail */
		struct stream_out o = {.text = STRBUF_INIT, .fail_at = fail_at};
		pthread_mutex_init(&o.lock, NULL);
		CHECK(cvt_report_write_ordered(&r, 1, stream_write, &o) == -EIO);
		CHECK(o.calls == fail_at);
		sb_release(&o.text);
		pthread_mutex_destroy(&o.lock);
	}
	cvt_report_release(&r);
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		CHECK(fwrite(data, 1, len, f) == len);
		fclose(f);
	}
}

/* A report file written atomically is the report's text; a file is found
 * to hold it only when it is that text byte for byte, on one thread or two. */
static void test_report_file(void)
{
	char dir[] = "/tmp/test_report.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[64], blocked[80], file[64];
	snprintf(path, sizeof path, "%s/report.json", dir);
	snprintf(file, sizeof file, "%s/file", dir);
	snprintf(blocked, sizeof blocked, "%s/file/report.json", dir); /* under a file */
	write_bytes(file, "x", 1);
	static const size_t sizes[] = {3, CVT_REPORT_PARALLEL_MIN + 3000};
	for (size_t k = 0; k < 2; k++) {
		struct cvt_report r;
		struct cvt_error err = CVT_ERROR_INIT;
		struct strbuf text = STRBUF_INIT, copy = STRBUF_INIT;
		build_many(&r, sizes[k]);
		cvt_report_write(&r, &text);
		CHECK(cvt_report_matches_file(&r, path, &err) == 0); /* no file yet */
		CHECK(cvt_report_write_file(&r, path, &err) == 0);
		char *got = NULL;
		size_t got_len = 0;
		CHECK(cvt_read_file(path, &got, &got_len, &err) == 0);
		CHECK(got_len == text.len && got && memcmp(got, text.buf, text.len) == 0);
		free(got);
		CHECK(cvt_report_matches_file(&r, path, &err) == 1);
		/* One byte changed at the start, in the middle, at the end. */
		size_t at[] = {0, text.len / 2, text.len - 1};
		for (size_t i = 0; i < 3; i++) {
			sb_reset(&copy);
			sb_add(&copy, text.buf, text.len);
			copy.buf[at[i]] ^= 1;
			write_bytes(path, copy.buf, copy.len);
			CHECK(cvt_report_matches_file(&r, path, &err) == 0);
		}
		/* One byte less, one byte more. */
		write_bytes(path, text.buf, text.len - 1);
		CHECK(cvt_report_matches_file(&r, path, &err) == 0);
		sb_reset(&copy);
		sb_add(&copy, text.buf, text.len);
		sb_addch(&copy, '\n');
		write_bytes(path, copy.buf, copy.len);
		CHECK(cvt_report_matches_file(&r, path, &err) == 0);
		/* A folder is not the report. */
		CHECK(cvt_report_matches_file(&r, dir, &err) == 0);
		/* Nowhere to write: an error naming the file written, not the
		 * one `err` was about when the write began. */
		CHECK_STR(err.file.buf, path); /* from cvt_read_file above */
		CHECK(cvt_report_write_file(&r, blocked, &err) < 0);
		CHECK_STR(err.file.buf, blocked);
		cvt_error_clear(&err);
		cvt_error_set_file(&err, path);
		CHECK(cvt_write_file_atomic(blocked, "x", 1, &err) < 0);
		CHECK_STR(err.file.buf, blocked);
		unlink(path);
		sb_release(&text);
		sb_release(&copy);
		cvt_error_release(&err);
		cvt_report_release(&r);
	}
	unlink(file);
	rmdir(dir);
}

/* A report big enough to be sorted on two threads: the same findings in
 * any order give the same report, keys sorted and unique. */
static void test_sort_two_threads(void)
{
	size_t n = CVT_REPORT_PARALLEL_MIN + 9000, distinct = CVT_REPORT_PARALLEL_MIN - 1000;
	struct strbuf first = STRBUF_INIT;
	for (int order = 0; order < 3; order++) {
		struct cvt_report r;
		cvt_report_init(&r);
		r.scanner_name = "trivy";
		for (size_t k = 0; k < n; k++) {
			size_t i = order == 0 ? k : order == 1 ? n - 1 - k : (k * 7919) % n;
			char id[32], target[32];
			/* Keys alike in their first 16 bytes, so that ties go past the prefixes. */
			snprintf(id, sizeof id, "CVE-2024-%06zu", (i * 31) % distinct);
			snprintf(target, sizeof target, "t%zu", i % 3);
			add(&r, arena_strdup(&r.arena, id), "pkg:deb/debian/same", (enum cvt_severity)(i % 5),
			    arena_strdup(&r.arena, target), i % 2 ? "1" : "2", NULL);
		}
		cvt_report_finish(&r);
		CHECK(r.n_findings == distinct);
		for (size_t i = 1; i < r.n_findings; i++)
			CHECK(strcmp(r.findings[i - 1].key, r.findings[i].key) < 0);
		struct strbuf out = STRBUF_INIT;
		cvt_report_write(&r, &out);
		if (order == 0)
			sb_add(&first, out.buf, out.len);
		else
			CHECK(out.len == first.len && memcmp(out.buf, first.buf, out.len) == 0);
		sb_release(&out);
		cvt_report_release(&r);
	}
	sb_release(&first);
}

TEST_MAIN("report", TEST(test_layout_is_the_writers), TEST(test_merge_by_key), TEST(test_order_independent_output),
	  TEST(test_aliases_sorted_unique), TEST(test_severity_names), TEST(test_write_at_two_threads),
	  TEST(test_write_ordered_two_threads), TEST(test_report_file),
	  TEST(test_sort_two_threads))
