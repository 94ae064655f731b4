#ifndef CVT_JSON_STREAM_H
#define CVT_JSON_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "json.h"
#include "strbuf.h"

/*
 * Reads a large JSON file without holding it in memory: the document is
 * split into a small skeleton and the elements of its big arrays, which are
 * parsed one at a time into a scratch document.
 *
 * A structural scan (strings, escapes and nesting; nothing else) copies the
 * text into the skeleton, except that each element of a streamed array is
 * replaced by its index number: `"Vulnerabilities": [0,1,2]`. A side table
 * keeps each element's place in the file. Streamed arrays are chosen by
 * path: `Results[*].Vulnerabilities` and `findings` under a top-level
 * object, `[*].Vulnerabilities` under a top-level array. A top-level
 * `matches` (Grype, whose adapter needs the whole document) makes the scan
 * give up early.
 *
 * Strictness is json_parse's: the skeleton and every element are parsed by
 * it. The text is valid JSON exactly when the skeleton and all elements are
 * (the skeleton is the text with each element swapped for a number), which
 * json_stream_finish completes by parsing the elements nobody asked for.
 * Errors carry no useful position (the scan may also just give up on a text
 * it cannot follow): a caller that wants the exact message of a bad text
 * parses it whole instead.
 *
 * The file is read through one reused buffer with pread(): fresh memory is
 * what costs most on a large input, not the copy from the page cache. It is
 * read once when a consumer takes the elements during the scan
 * (json_stream_open_consuming), else again for each element expanded.
 */

/*
 * Who takes the elements of the streamed arrays named `array_key` as the
 * scan meets them, in the order of the file: `element` is called with the
 * element's index (its number in the skeleton) and the element parsed, valid
 * only during the call. A negative return stops the scan with that error.
 * The text is then read once: the scan parses these elements itself rather
 * than skip them and have them read again.
 */
struct json_stream_consumer {
	const char *array_key;
	int (*element)(void *ctx, size_t index, const struct json_value *element,
		       struct cvt_error *err);
	void *ctx;

	/*
	 * Optional: two cores for a file of at least `parallel_min` bytes.
	 * A worker thread takes elements from the middle of the file on while
	 * the scan reads the first half. It cannot know where it stands in the
	 * document, so it looks for objects whose first key is `first_key`
	 * and that follow a '[' or a ',' (outside a string in any valid text)
	 * and takes them, and the elements after each, in runs. When the scan
	 * reaches the start of a run at an element of its own, it adopts the
	 * run's elements and goes on after them; a run it does not meet so is
	 * dropped. The result is the one-thread result.
	 *
	 * `fork` makes the worker's context (in the calling thread), on which
	 * the worker calls `element` with indexes of its own from 0; `adopt`
	 * moves the worker's element `from` to index `to` of `ctx`, in the
	 * scan's thread while the worker may still run, but never at the same
	 * time as an `element` call on the worker's context (one lock covers
	 * both); `join` ends the worker's context, handing what adopted
	 * elements use over to `ctx`, in the scan's thread once the worker has
	 * stopped.
	 */
	void *(*fork)(void *ctx);
	void (*adopt)(void *ctx, void *worker_ctx, size_t from, size_t to);
	void (*join)(void *ctx, void *worker_ctx);
	const char *first_key;
	uint64_t parallel_min; /* 0: never */
};

struct stream_worker;

struct json_stream_slice {
	uint64_t offset;        /* in the file */
	uint64_t length;        /* up to the ',' or ']' after the element, blanks included */
	size_t skeleton_offset; /* where its index number sits in the skeleton */
	int parsed;
};

struct json_stream {
	int fd;
	struct strbuf skeleton;
	struct json_stream_slice *slices;
	size_t n_slices, slices_alloc;
	struct json_doc skeleton_doc;
	const struct json_value *root; /* the skeleton's root, after json_stream_open */

	char *window; /* file bytes [window_offset, window_offset + window_len), plus a spare byte */
	size_t window_alloc, window_len;
	uint64_t window_offset;
	struct json_doc element; /* the element json_stream_expand returned last */
	int element_live;
	const struct json_stream_consumer *consumer;
	struct json_reader reader; /* parses the consumer's elements */
	struct stream_worker *worker; /* during json_stream_open_consuming, or NULL */
	size_t n_adopted; /* elements taken by the worker thread and adopted */
};

/*
 * Scans the open regular file `fd` (from offset 0; `fd` stays the caller's
 * and must stay open until json_stream_release) and parses its skeleton.
 * Returns 0, or CVT_EINVAL/CVT_EIO with `err` filled when the text is not
 * valid JSON or could not be read. Call json_stream_release either way.
 */
int json_stream_open(struct json_stream *s, int fd, struct cvt_error *err);
/* As json_stream_open, handing elements to `consumer` (may be NULL) during
 * the scan. An element taken so can still be expanded later (it is then
 * read again). */
int json_stream_open_consuming(struct json_stream *s, int fd,
			       const struct json_stream_consumer *consumer, struct cvt_error *err);

/* The index of the element `item` stands for in the skeleton, or -1 when
 * it is a value of its own. */
long long json_stream_element_index(const struct json_stream *s, const struct json_value *item);

/*
 * `*out` is `item` itself, or, when `item` is an element's index number in
 * the skeleton, the element parsed. The element lives until the next call
 * (or json_stream_release): copy what must last. `s` may be NULL (a
 * document parsed whole): `*out` is then `item`.
 */
int json_stream_expand(struct json_stream *s, const struct json_value *item,
		       const struct json_value **out, struct cvt_error *err);

/* Parses the elements json_stream_expand was never asked for, so that an
 * invalid one is still an invalid document. */
int json_stream_finish(struct json_stream *s, struct cvt_error *err);

void json_stream_release(struct json_stream *s);

#endif
