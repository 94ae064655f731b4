/*
 * libFuzzer target for ingestion: arbitrary bytes are parsed and ingested as
 * `cvetrail normalize` would (any format: Trivy, Grype, a canonical report).
 * Whatever is accepted must round-trip: the canonical report written from it
 * must parse, be detected as canonical, ingest, and be written again byte for
 * byte the same (normalizing a canonical report gives it back unchanged).
 * A rejected input must come with an error message.
 *
 * fuzz_grype.c builds the same target with FUZZ_ADAPTER set to one adapter,
 * which then reads every input whatever it looks like.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "ingest.h"
#include "json.h"
#include "report.h"
#include "strbuf.h"

#ifndef FUZZ_NAME
#define FUZZ_NAME "fuzz_trivy"
#endif
#ifndef FUZZ_ADAPTER
#define FUZZ_ADAPTER cvt_ingest /* any format, as detected */
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Noreturn void fail(const char *what, const struct cvt_error *err, const struct strbuf *text)
{
	struct strbuf msg = STRBUF_INIT;
	if (err)
		cvt_error_format(err, &msg);
	fprintf(stderr, FUZZ_NAME ": %s%s%s\n", what, msg.len ? ": " : "", msg.buf);
	if (text)
		fprintf(stderr, "--- canonical report (%zu bytes) ---\n%.*s\n", text->len,
			text->len > 4000 ? 4000 : (int)text->len, text->buf);
	sb_release(&msg);
	abort();
}

/* A writable copy with the spare byte json_parse wants. */
static char *copy_input(const void *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		abort();
	if (size)
		memcpy(text, data, size);
	text[size] = 0;
	return text;
}

/* Parses and ingests as cvt_load_report does: the report keeps the text its
 * strings point into, the parsed tree is freed before the report is used. */
static int load(struct cvt_report *r, const void *data, size_t size,
		int (*ingest)(struct cvt_report *, const struct json_value *, struct cvt_error *),
		enum cvt_input_format *format, struct cvt_error *err)
{
	struct json_doc doc;
	char *text = copy_input(data, size);
	int rc = json_parse(&doc, text, size, err);
	if (rc < 0) {
		free(text);
		return rc;
	}
	*format = cvt_detect_format(doc.root);
	rc = ingest(r, doc.root, err);
	json_doc_release(&doc);
	if (rc < 0) {
		free(text);
		return rc;
	}
	free(r->input);
	r->input = text;
	return 0;
}

static void first_difference(const struct strbuf *a, const struct strbuf *b)
{
	size_t i = 0;
	while (i < a->len && i < b->len && a->buf[i] == b->buf[i])
		i++;
	size_t from = i > 200 ? i - 200 : 0;
	fprintf(stderr, FUZZ_NAME ": writes differ at byte %zu (lengths %zu and %zu)\n", i, a->len,
		b->len);
	fprintf(stderr, "--- first write, from byte %zu ---\n%.*s\n", from,
		(int)((a->len - from) > 400 ? 400 : a->len - from), a->buf + from);
	fprintf(stderr, "--- second write, from byte %zu ---\n%.*s\n", from,
		(int)((b->len - from) > 400 ? 400 : b->len - from), b->buf + from);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_report first, second;
	struct strbuf out1 = STRBUF_INIT, out2 = STRBUF_INIT;
	enum cvt_input_format format;

	cvt_report_init(&first);
	cvt_report_init(&second);
	if (load(&first, data, size, FUZZ_ADAPTER, &format, &err) < 0) {
		if (!err.message.len)
			fail("input rejected without an error message", NULL, NULL);
		goto out;
	}
	cvt_report_write(&first, &out1);

	cvt_error_clear(&err);
	if (load(&second, out1.buf, out1.len, cvt_ingest, &format, &err) < 0)
		fail("the canonical report written does not load again", &err, &out1);
	if (format != CVT_FORMAT_CANONICAL)
		fail("the canonical report written is not detected as canonical", NULL, &out1);
	if (second.n_findings != first.n_findings) {
		fprintf(stderr, FUZZ_NAME ": %zu findings written, %zu read back\n",
			first.n_findings, second.n_findings);
		fail("findings lost or gained on the round trip", NULL, &out1);
	}
	cvt_report_write(&second, &out2);
	if (out1.len != out2.len || memcmp(out1.buf, out2.buf, out1.len) != 0) {
		first_difference(&out1, &out2);
		fail("normalizing the canonical report does not give it back unchanged", NULL,
		     NULL);
	}
out:
	sb_release(&out1);
	sb_release(&out2);
	cvt_report_release(&first);
	cvt_report_release(&second);
	cvt_error_release(&err);
	return 0;
}
