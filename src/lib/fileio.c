#include "fileio.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "strbuf.h"

static int read_fd(int fd, char **data, size_t *len)
{
	struct stat st;
	size_t alloc = 64 * 1024;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		alloc = (size_t)st.st_size + 2; /* room to see end-of-file without growing */
	char *buf = cvt_malloc(alloc);
	size_t used = 0;
	for (;;) {
		if (used + 1 >= alloc) {
			if (alloc > SIZE_MAX / 2)
				cvt_oom();
			alloc *= 2;
			buf = cvt_realloc(buf, alloc);
		}
		ssize_t n = read(fd, buf + used, alloc - used - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int saved = errno;
			free(buf);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	*data = buf;
	*len = used;
	return 0;
}

int cvt_read_file(const char *path, char **data, size_t *len, struct cvt_error *err)
{
	int is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	cvt_error_about(err, is_stdin ? "<stdin>" : path);
	if (fd < 0)
		return cvt_error_set(err, CVT_EIO, "cannot open: %s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return cvt_error_set(err, CVT_EIO, "is a directory, expected a file");
	}
	int rc = read_fd(fd, data, len);
	int saved = errno;
	if (!is_stdin)
		close(fd);
	if (rc < 0)
		return cvt_error_set(err, CVT_EIO, "cannot read: %s", strerror(saved));
	return CVT_OK;
}

int cvt_file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

int cvt_mkdirs(const char *dir, struct cvt_error *err)
{
	struct strbuf path = STRBUF_INIT;
	sb_addstr(&path, dir);
	int rc = CVT_OK;
	for (size_t i = 1; i <= path.len; i++) {
		if (i < path.len && path.buf[i] != '/')
			continue;
		char saved = path.buf[i];
		path.buf[i] = '\0';
		if (mkdir(path.buf, 0777) < 0 && errno != EEXIST) {
			cvt_error_about(err, path.buf);
			rc = cvt_error_set(err, CVT_EIO, "cannot create directory: %s", strerror(errno));
			path.buf[i] = saved;
			break;
		}
		path.buf[i] = saved;
	}
	sb_release(&path);
	return rc;
}

/*
 * A writer killed between creating its temporary file and renaming it leaves
 * "NAME.tmp-PID-XXXXXX" behind; the next writer of NAME removes those whose
 * process is gone, so they do not pile up.
 */
static void sweep_dead_temporaries(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	size_t base_len = strlen(base);
	struct strbuf path = STRBUF_INIT;
	for (struct dirent *e; (e = readdir(d));) {
		if (strncmp(e->d_name, base, base_len) != 0 || strncmp(e->d_name + base_len, ".tmp-", 5) != 0)
			continue;
		char *end;
		long pid = strtol(e->d_name + base_len + 5, &end, 10);
		if (pid <= 0 || *end != '-' || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		sb_reset(&path);
		sb_addf(&path, "%s/%s", dir, e->d_name);
		unlink(path.buf);
	}
	sb_release(&path);
	closedir(d);
}

int cvt_atomic_open(struct cvt_atomic_file *f, const char *path, struct cvt_error *err)
{
	const char *slash = strrchr(path, '/');
	int rc;
	f->fd = -1;
	sb_init(&f->path, 0);
	sb_init(&f->tmp, 0);
	sb_init(&f->dir, 0);
	sb_addstr(&f->path, path);
	if (slash)
		sb_add(&f->dir, path, (size_t)(slash - path) + (slash == path));
	else
		sb_addch(&f->dir, '.');
	if (slash && (rc = cvt_mkdirs(f->dir.buf, err)) < 0) {
		cvt_atomic_abort(f);
		return rc;
	}
	sweep_dead_temporaries(f->dir.buf, slash ? slash + 1 : path);
	sb_addf(&f->tmp, "%s.tmp-%ld-XXXXXX", path, (long)getpid());
	f->fd = mkstemp(f->tmp.buf);
	if (f->fd < 0) {
		cvt_error_about(err, path);
		rc = cvt_error_set(err, CVT_EIO, "cannot create temporary file: %s", strerror(errno));
		sb_reset(&f->tmp);
		cvt_atomic_abort(f);
		return rc;
	}
	/* mkstemp creates 0600; a report or ledger is an ordinary shared file. */
	mode_t mask = umask(0);
	umask(mask);
	struct stat st;
	if (stat(path, &st) == 0)
		fchmod(f->fd, st.st_mode & 07777);
	else
		fchmod(f->fd, 0666 & ~mask);
	return CVT_OK;
}

/* From this size on, a write starts the disk's writeback of what it wrote. */
enum { WRITEBACK_MIN = 256 * 1024 };

int cvt_atomic_write_at(struct cvt_atomic_file *f, uint64_t offset, const void *data, size_t len)
{
	const char *p = data;
	uint64_t at = offset;
	while (len) {
		ssize_t n = pwrite(f->fd, p, len, (off_t)at);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		at += (uint64_t)n;
		len -= (size_t)n;
	}
#ifdef SYNC_FILE_RANGE_WRITE
	/* The commit's fsync waits for the disk. Starting the writeback of a
	 * large file while the rest is still being produced lets the disk work
	 * meanwhile, so that fsync finds little left to do. Only a hint: the
	 * fsync still makes the file durable, so a failure is ignored. */
	if (at - offset >= WRITEBACK_MIN)
		sync_file_range(f->fd, (off_t)offset, (off_t)(at - offset), SYNC_FILE_RANGE_WRITE);
#endif
	return 0;
}

int cvt_atomic_commit(struct cvt_atomic_file *f, struct cvt_error *err)
{
	int rc = CVT_OK;
	if (fsync(f->fd) < 0 || close(f->fd) < 0) {
		f->fd = -1;
		cvt_error_about(err, f->path.buf);
		rc = cvt_error_set(err, CVT_EIO, "cannot write: %s", strerror(errno));
		goto out;
	}
	f->fd = -1;
	if (rename(f->tmp.buf, f->path.buf) < 0) {
		cvt_error_about(err, f->path.buf);
		rc = cvt_error_set(err, CVT_EIO, "cannot replace: %s", strerror(errno));
		goto out;
	}
	/*
	 * The folder is not fsynced after the rename. The content was made
	 * durable before it, so a crash leaves the old file or the new one,
	 * whole, never a mix or a truncated file; only how soon the new name
	 * is durable changes (the next journal commit, within seconds), as
	 * with git's own files. That fsync cost 25 ms a file here, and a
	 * fleet writes a file per image.
	 */
	sb_reset(&f->tmp);
out:
	cvt_atomic_abort(f);
	return rc;
}

void cvt_atomic_abort(struct cvt_atomic_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp.len)
		unlink(f->tmp.buf);
	sb_release(&f->tmp);
	sb_release(&f->path);
	sb_release(&f->dir);
}

int cvt_write_file_atomic(const char *path, const void *data, size_t len, struct cvt_error *err)
{
	struct cvt_atomic_file f;
	int rc = cvt_atomic_open(&f, path, err);
	if (rc < 0)
		return rc;
	if ((rc = cvt_atomic_write_at(&f, 0, data, len)) < 0) {
		cvt_atomic_abort(&f);
		cvt_error_about(err, path);
		return cvt_error_set(err, CVT_EIO, "cannot write: %s", strerror(-rc));
	}
	return cvt_atomic_commit(&f, err);
}
