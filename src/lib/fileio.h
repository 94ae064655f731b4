#ifndef CVT_FILEIO_H
#define CVT_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "strbuf.h"

/*
 * Reads a whole file ("-" reads standard input) into a malloc()ed buffer
 * with one spare writable byte after `*len` (set to NUL), as json_parse
 * wants. On failure fills err (file name set) and returns CVT_EIO.
 */
int cvt_read_file(const char *path, char **data, size_t *len, struct cvt_error *err);

/*
 * Replaces `path` with `data` so that readers and crashes only ever see the
 * old or the new complete file: a temporary file in the same directory,
 * write, fsync, rename over `path`, fsync the directory (git's lockfile.c).
 * Creates missing parent directories. On failure the old file is untouched
 * and no temporary file is left behind.
 */
int cvt_write_file_atomic(const char *path, const void *data, size_t len, struct cvt_error *err);

/*
 * The same in steps, for output too big to build in memory first:
 * open (temporary file created), write any number of times, then commit
 * (fsync, rename) or abort (temporary file removed).
 * commit and abort release `f` whatever happens.
 */
struct cvt_atomic_file {
	struct strbuf path, tmp, dir;
	int fd;
};
int cvt_atomic_open(struct cvt_atomic_file *f, const char *path, struct cvt_error *err);
/* Writes `data` at `offset` of the temporary file: safe from two threads on
 * ranges apart (nothing in `f` changes). Returns 0 or -errno. */
int cvt_atomic_write_at(struct cvt_atomic_file *f, uint64_t offset, const void *data, size_t len);
int cvt_atomic_commit(struct cvt_atomic_file *f, struct cvt_error *err);
void cvt_atomic_abort(struct cvt_atomic_file *f);

/* Creates `dir` and its parents (mode 0777 & ~umask). */
int cvt_mkdirs(const char *dir, struct cvt_error *err);

int cvt_file_exists(const char *path);

#endif
