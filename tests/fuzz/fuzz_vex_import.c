/*
 * libFuzzer target for VEX import (vex_import.c): arbitrary bytes are read as an
 * OpenVEX document, a CycloneDX BOM, a .trivyignore or a .trivyignore.yaml.
 * A rejected input must come with an error message and leave the ledger
 * untouched; an accepted one must give decisions the ledger accepts, which
 * every export writes in a form the importer reads back: CycloneDX exactly,
 * the others without error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"
#include "triage.h"
#include "vex.h"
#include "vex_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Noreturn void fail(const char *what, const struct cvt_error *err, const char *text)
{
	struct strbuf msg = STRBUF_INIT;
	if (err)
		cvt_error_format(err, &msg);
	fprintf(stderr, "fuzz_vex_import: %s%s%s\n", what, msg.len ? ": " : "", msg.buf);
	if (text)
		fprintf(stderr, "--- export ---\n%.4000s\n", text);
	sb_release(&msg);
	abort();
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int same_decision(const struct cvt_decision *a, const struct cvt_decision *b)
{
	return same(a->id, b->id) && same(a->package, b->package) && same(a->status, b->status) &&
	       same(a->justification, b->justification) && same(a->reason, b->reason) &&
	       same(a->author, b->author) && same(a->date, b->date) &&
	       same(a->expires, b->expires) && same(a->severity, b->severity);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_ledger l;
	cvt_ledger_init(&l);
	int rc = cvt_vex_import_buffer(&l, "fuzz", (const char *)data, size, "Fuzzer", "2026-01-01",
				       &err);
	if (rc < 0) {
		if (!err.message.len)
			fail("input rejected without an error message", NULL, NULL);
		if (l.n_decisions)
			fail("a rejected input changed the ledger", &err, NULL);
		goto out;
	}
	for (size_t i = 0; i < l.n_decisions; i++)
		if (cvt_decision_validate(&l.decisions[i], &err) < 0)
			fail("an imported decision does not validate", &err, NULL);

	for (int f = CVT_VEX_OPENVEX; f <= CVT_VEX_TRIVYIGNORE_YAML; f++) {
		struct strbuf out = STRBUF_INIT;
		struct cvt_vex_options o = {0};
		struct cvt_ledger back;
		cvt_vex_write((enum cvt_vex_format)f, &l, NULL, 0, &o, &out, NULL);
		cvt_ledger_init(&back);
		cvt_error_clear(&err);
		if (cvt_vex_import_buffer(&back, "export", out.buf, out.len, "Fuzzer", "2026-01-01",
					  &err) < 0)
			fail("an export does not import again", &err, out.buf);
		if (f == CVT_VEX_CYCLONEDX) {
			if (back.n_decisions != l.n_decisions)
				fail("CycloneDX round trip lost or gained decisions", NULL,
				     out.buf);
			for (size_t i = 0; i < l.n_decisions; i++)
				if (!same_decision(&l.decisions[i], &back.decisions[i]))
					fail("CycloneDX round trip changed a decision", NULL,
					     out.buf);
		}
		cvt_ledger_release(&back);
		sb_release(&out);
	}
out:
	cvt_ledger_release(&l);
	cvt_error_release(&err);
	return 0;
}
