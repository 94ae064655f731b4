/*
 * libFuzzer target for the JSON reader and writer.
 *
 * Every input is parsed; an accepted one is written back compact, the
 * output parsed again and written again. The two writes must be identical:
 * the writer's output is canonical, so reading it back must not change it.
 * The pretty-printed form must read back to the same compact text too.
 * Sanitizers catch out-of-bounds reads around the NUL sentinel and in the
 * SIMD scans.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc/lib tests/fuzz/fuzz_json.c src/lib/json.c src/lib/strbuf.c \
 *     src/lib/arena.c src/lib/error.c -o fuzz_json
 *   ./fuzz_json -dict=tests/fuzz/json.dict CORPUS_DIR
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses `len` bytes of a private copy (the reader writes into its input and
 * needs one spare byte) and writes the tree into `out` with `indent`.
 * Returns the parse status. */
static int parse_and_write(const void *data, size_t len, struct strbuf *out, int indent)
{
	struct cvt_error err = CVT_ERROR_INIT;
	struct json_writer w;
	struct json_doc doc;
	char *copy = malloc(len + 1);
	int rc;

	if (!copy)
		abort();
	if (len)
		memcpy(copy, data, len);
	rc = json_parse(&doc, copy, len, &err);
	if (rc == 0) {
		if (!doc.root)
			abort();
		json_writer_init(&w, out, indent);
		json_value(&w, doc.root);
		json_writer_finish(&w);
		json_doc_release(&doc);
	} else if (!err.message.len || !err.has_position || err.offset > len) {
		/* Every rejection says what and where. */
		abort();
	}
	cvt_error_release(&err);
	free(copy);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf first = STRBUF_INIT, second = STRBUF_INIT, pretty = STRBUF_INIT;

	if (parse_and_write(data, size, &first, 0) == 0) {
		if (parse_and_write(first.buf, first.len, &second, 0) != 0)
			abort();
		if (first.len != second.len || memcmp(first.buf, second.buf, first.len) != 0)
			abort();
		if (parse_and_write(first.buf, first.len, &pretty, 2) != 0)
			abort();
		sb_reset(&second);
		if (parse_and_write(pretty.buf, pretty.len, &second, 0) != 0)
			abort();
		if (first.len != second.len || memcmp(first.buf, second.buf, first.len) != 0)
			abort();
	}
	sb_release(&first);
	sb_release(&second);
	sb_release(&pretty);
	return 0;
}
