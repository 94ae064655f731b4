/*
 * libFuzzer target for the streaming reader (json_stream.h) through the path
 * every command reads a report by: cvt_load_report on a regular file, which
 * streams Trivy and canonical reports and falls back to reading the file
 * whole for anything else or anything the stream cannot follow. The input
 * is written to a memfd (a regular file without a disk), and the result
 * compared with ingesting the same bytes parsed whole in memory:
 *  - both accept or both reject (the stream never accepts invalid JSON and
 *    never loses a valid report);
 *  - an accepted input gives byte for byte the same canonical report.
 * The stream's own validity claim is checked apart too: when
 * json_stream_open and json_stream_finish both succeed, the text is valid
 * JSON for json_parse. The stream is also read on two threads whatever
 * the size (shape_load_streamed with a worker from 1 byte on), which must
 * give the same report or give up. The fuzz build shrinks the stream's read window
 * (tests/fuzz/build.sh) so that small inputs cross its boundaries.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "error.h"
#include "ingest.h"
#include "ingest/shape.h"
#include "json.h"
#include "json_stream.h"
#include "report.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Noreturn void fail(const char *what, const struct cvt_error *err)
{
	struct strbuf msg = STRBUF_INIT;
	if (err)
		cvt_error_format(err, &msg);
	fprintf(stderr, "fuzz_json_stream: %s%s%s\n", what, msg.len ? ": " : "", msg.buf);
	sb_release(&msg);
	abort();
}

/* One memfd for the process, rewritten for each input. */
static int input_file(const uint8_t *data, size_t size, char *path, size_t path_size)
{
	static int fd = -1;
	if (fd < 0 && (fd = memfd_create("fuzz_json_stream", MFD_CLOEXEC)) < 0)
		fail("memfd_create failed", NULL);
	if (ftruncate(fd, 0) < 0)
		fail("ftruncate failed", NULL);
	for (size_t done = 0; done < size;) {
		ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
		if (n <= 0)
			fail("pwrite failed", NULL);
		done += (size_t)n;
	}
	snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

static int valid_whole(const uint8_t *data, size_t size)
{
	struct cvt_error err = CVT_ERROR_INIT;
	struct json_doc doc;
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = 0;
	int rc = json_parse(&doc, text, size, &err);
	if (rc == 0)
		json_doc_release(&doc);
	free(text);
	cvt_error_release(&err);
	return rc == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvt_error err = CVT_ERROR_INIT, whole_err = CVT_ERROR_INIT;
	struct cvt_report streamed, whole;
	struct strbuf out_streamed = STRBUF_INIT, out_whole = STRBUF_INIT;
	struct json_stream s;
	char path[64];

	int fd = input_file(data, size, path, sizeof path);

	if (json_stream_open(&s, fd, &err) == 0 && json_stream_finish(&s, &err) == 0 &&
	    !valid_whole(data, size))
		fail("the stream accepted a text json_parse refuses", NULL);
	json_stream_release(&s);
	cvt_error_clear(&err);

	cvt_report_init(&streamed);
	cvt_report_init(&whole);
	int rc_streamed = cvt_load_report(&streamed, path, &err);
	int rc_whole = cvt_load_report_buffer(&whole, (const char *)data, size, "memory", &whole_err);
	if ((rc_streamed < 0) != (rc_whole < 0))
		fail(rc_streamed < 0 ? "the file is refused, the same bytes in memory accepted"
				     : "the file is accepted, the same bytes in memory refused",
		     rc_streamed < 0 ? &err : &whole_err);
	if (rc_streamed < 0 && !err.message.len)
		fail("a refused file comes without an error message", NULL);
	if (rc_streamed == 0) {
		cvt_report_write(&streamed, &out_streamed);
		cvt_report_write(&whole, &out_whole);
		if (out_streamed.len != out_whole.len ||
		    memcmp(out_streamed.buf, out_whole.buf, out_whole.len) != 0)
			fail("the file and the same bytes in memory give different reports", NULL);
	}
	struct cvt_report two_threads;
	cvt_report_init(&two_threads);
	if (size && shape_load_streamed(&two_threads, path, 1) == 0) {
		if (rc_whole < 0)
			fail("read on two threads, a text refused whole is accepted", NULL);
		sb_reset(&out_streamed);
		cvt_report_write(&two_threads, &out_streamed);
		if (!out_whole.len)
			cvt_report_write(&whole, &out_whole);
		if (out_streamed.len != out_whole.len ||
		    memcmp(out_streamed.buf, out_whole.buf, out_whole.len) != 0)
			fail("read on two threads, the file gives another report", NULL);
	}
	cvt_report_release(&two_threads);
	sb_release(&out_streamed);
	sb_release(&out_whole);
	cvt_report_release(&streamed);
	cvt_report_release(&whole);
	cvt_error_release(&err);
	cvt_error_release(&whole_err);
	return 0;
}
