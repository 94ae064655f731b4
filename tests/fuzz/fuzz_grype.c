/*
 * libFuzzer target for the Grype adapter on its own: every input goes to
 * cvt_ingest_grype whatever it looks like (fuzz_trivy reaches the adapter
 * only through format detection), seeded with Grype reports only
 * (tests/fuzz/run.sh). A rejected input must come with an error message;
 * an accepted one must give a canonical report that loads again with the
 * same findings and is written again byte for byte the same.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Noreturn void fail(const char *what, const struct cvt_error *err, const struct strbuf *text)
{
	struct strbuf msg = STRBUF_INIT;
	if (err)
		cvt_error_format(err, &msg);
	fprintf(stderr, "fuzz_grype: %s%s%s\n", what, msg.len ? ": " : "", msg.buf);
	if (text)
		fprintf(stderr, "--- canonical report (%zu bytes) ---\n%.*s\n", text->len,
			text->len > 4000 ? 4000 : (int)text->len, text->buf);
	sb_release(&msg);
	abort();
}

/* Parses a copy of the bytes (the report keeps it: findings point into it)
 * and hands the tree to `ingest`. */
static int load(struct cvt_report *r, const void *data, size_t size,
		int (*ingest)(struct cvt_report *, const struct json_value *, struct cvt_error *),
		struct cvt_error *err)
{
	struct json_doc doc;
	char *text = malloc(size + 1);
	if (!text)
		abort();
	if (size)
		memcpy(text, data, size);
	text[size] = 0;
	int rc = json_parse(&doc, text, size, err);
	if (rc == 0) {
		rc = ingest(r, doc.root, err);
		json_doc_release(&doc);
	}
	if (rc < 0) {
		free(text);
		return rc;
	}
	free(r->input);
	r->input = text;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_report first, second;
	struct strbuf out1 = STRBUF_INIT, out2 = STRBUF_INIT;

	cvt_report_init(&first);
	cvt_report_init(&second);
	if (load(&first, data, size, cvt_ingest_grype, &err) < 0) {
		if (!err.message.len)
			fail("input rejected without an error message", NULL, NULL);
		goto out;
	}
	cvt_report_write(&first, &out1);
	cvt_error_clear(&err);
	if (load(&second, out1.buf, out1.len, cvt_ingest, &err) < 0)
		fail("the canonical report written does not load again", &err, &out1);
	if (second.n_findings != first.n_findings)
		fail("findings lost or gained on the round trip", NULL, &out1);
	cvt_report_write(&second, &out2);
	if (out1.len != out2.len || memcmp(out1.buf, out2.buf, out1.len) != 0)
		fail("the canonical report written is not written back unchanged", NULL, &out2);
out:
	sb_release(&out1);
	sb_release(&out2);
	cvt_report_release(&first);
	cvt_report_release(&second);
	cvt_error_release(&err);
	return 0;
}
