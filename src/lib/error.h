#ifndef CVT_ERROR_H
#define CVT_ERROR_H

#include <stddef.h>

#include "strbuf.h"

/*
 * What went wrong, filled by the core and printed by the tool
 * (after libgit2's git_error). A function that fails returns a negative
 * value and fills the error; it never prints.
 *
 * The tool prints it as one line:
 *   cvetrail: FILE:LINE:COLUMN: MESSAGE (byte OFFSET)      when a position is known
 *   cvetrail: FILE: MESSAGE                                 otherwise
 */
struct cvt_error {
	struct strbuf message;
	struct strbuf file;      /* empty when not about a file */
	int has_position;
	size_t offset;           /* 0-based byte offset */
	size_t line;             /* 1-based */
	size_t column;           /* 1-based, in bytes */
};

#define CVT_ERROR_INIT { STRBUF_INIT, STRBUF_INIT, 0, 0, 0, 0 }

enum {
	CVT_OK = 0,
	CVT_EINVAL = -1,   /* bad input: invalid JSON, wrong shape, bad value */
	CVT_EIO = -2,      /* file could not be read or written */
	CVT_ENOTFOUND = -3,
	CVT_EUSAGE = -4,
	CVT_ESCANNER = -5, /* an external scanner failed */
	CVT_ELOCKED = -6,
};

void cvt_error_init(struct cvt_error *err);
void cvt_error_release(struct cvt_error *err);
void cvt_error_clear(struct cvt_error *err);
/* Sets the message (printf-style) and returns `code`; keeps the file name. */
int cvt_error_set(struct cvt_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, with a position in the text `text` (line and column are computed). */
int cvt_error_set_at(struct cvt_error *err, int code, const char *text, size_t offset,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Sets the file the error is about, unless one is set already. */
void cvt_error_set_file(struct cvt_error *err, const char *file);
/* Sets the file the error is about, replacing any set before: an error in
 * reading, writing, locking or comparing with a file is about that file,
 * even when `err` still names another file handled successfully before.
 * `file` must not point into `err`. */
void cvt_error_about(struct cvt_error *err, const char *file);
/* Formats the one-line message (without "cvetrail: " and newline). */
void cvt_error_format(const struct cvt_error *err, struct strbuf *out);

#endif
