/*
 * libFuzzer target for the triage ledger loader (cvt_ledger_load_buffer, the
 * text half of cvt_ledger_load): a ledger is committed to git and edited by hand,
 * so any bytes may reach it. A rejected input must come with an error that
 * names the file and leave the ledger empty; an accepted one must hold only
 * decisions that validate, and the text cvt_ledger_write makes of it must
 * load again into the same decisions and be written again byte for byte the
 * same (`ack` rewrites the ledger it loaded: nothing may drift).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"
#include "triage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Noreturn void fail(const char *what, const struct cvt_error *err, const struct strbuf *text)
{
	struct strbuf msg = STRBUF_INIT;
	if (err)
		cvt_error_format(err, &msg);
	fprintf(stderr, "fuzz_ledger: %s%s%s\n", what, msg.len ? ": " : "", msg.buf);
	if (text)
		fprintf(stderr, "--- ledger written (%zu bytes) ---\n%.*s\n", text->len,
			text->len > 4000 ? 4000 : (int)text->len, text->buf);
	sb_release(&msg);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_ledger first, second;
	struct strbuf out1 = STRBUF_INIT, out2 = STRBUF_INIT;

	cvt_ledger_init(&first);
	cvt_ledger_init(&second);
	if (cvt_ledger_load_buffer(&first, (const char *)data, size, "triage.json", &err) < 0) {
		if (!err.message.len)
			fail("input rejected without an error message", NULL, NULL);
		if (strcmp(err.file.buf, "triage.json") != 0)
			fail("the error does not name the ledger file", &err, NULL);
		if (first.n_decisions)
			fail("a rejected ledger kept decisions", &err, NULL);
		goto out;
	}
	for (size_t i = 0; i < first.n_decisions; i++)
		if (cvt_decision_validate(&first.decisions[i], &err) < 0)
			fail("a loaded decision does not validate", &err, NULL);
	cvt_ledger_write(&first, &out1);

	cvt_error_clear(&err);
	if (cvt_ledger_load_buffer(&second, out1.buf, out1.len, "written", &err) < 0)
		fail("the ledger written does not load again", &err, &out1);
	if (second.n_decisions != first.n_decisions) {
		fprintf(stderr, "fuzz_ledger: %zu decisions written, %zu read back\n",
			first.n_decisions, second.n_decisions);
		fail("decisions lost or gained on the round trip", NULL, &out1);
	}
	cvt_ledger_write(&second, &out2);
	if (out1.len != out2.len || memcmp(out1.buf, out2.buf, out1.len) != 0)
		fail("writing the ledger loaded from a written ledger changes it", NULL, &out2);
out:
	sb_release(&out1);
	sb_release(&out2);
	cvt_ledger_release(&first);
	cvt_ledger_release(&second);
	cvt_error_release(&err);
	return 0;
}
