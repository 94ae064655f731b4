/* A canonical report and the file that holds it: written atomically, or
 * compared with it, both laid out on two threads (cvt_report_write_at). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "report.h"

static int write_to_file_at(void *ctx, uint64_t offset, const char *data, size_t len)
{
	return cvt_atomic_write_at(ctx, offset, data, len);
}

int cvt_report_write_file(const struct cvt_report *r, const char *path, struct cvt_error *err)
{
	struct cvt_atomic_file file;
	int rc = cvt_atomic_open(&file, path, err);
	if (rc < 0)
		return rc;
	if ((rc = cvt_report_write_at(r, CVT_REPORT_PARALLEL_MIN, write_to_file_at, &file)) < 0) {
		cvt_atomic_abort(&file);
		cvt_error_about(err, path);
		return cvt_error_set(err, CVT_EIO, "cannot write: %s", strerror(-rc));
	}
	return cvt_atomic_commit(&file, err);
}

/* The file a report is compared with: each piece laid out is read back
 * from it at the same offset. */
struct compared_file {
	int fd;
	uint64_t size;
	pthread_mutex_t lock; /* pieces are compared on two threads */
	uint64_t end;         /* of the text laid out: where the furthest piece ends */
};

enum { PIECE_DIFFERS = -ECANCELED };

static int compare_at(void *ctx, uint64_t offset, const char *data, size_t len)
{
	struct compared_file *c = ctx;
	char buf[65536];
	if (offset + len > c->size)
		return PIECE_DIFFERS;
	while (len) {
		size_t n = len < sizeof buf ? len : sizeof buf;
		ssize_t got = pread(c->fd, buf, n, (off_t)offset);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (got == 0 || memcmp(buf, data, (size_t)got) != 0)
			return PIECE_DIFFERS;
		data += got;
		offset += (uint64_t)got;
		len -= (size_t)got;
	}
	pthread_mutex_lock(&c->lock);
	if (offset > c->end)
		c->end = offset;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int cvt_report_matches_file(const struct cvt_report *r, const char *path, struct cvt_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		cvt_error_about(err, path);
		return cvt_error_set(err, CVT_EIO, "cannot open: %s", strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	struct compared_file c = {.fd = fd, .size = (uint64_t)st.st_size};
	pthread_mutex_init(&c.lock, NULL);
	int rc = cvt_report_write_at(r, CVT_REPORT_PARALLEL_MIN, compare_at, &c);
	pthread_mutex_destroy(&c.lock);
	close(fd);
	if (rc == PIECE_DIFFERS)
		return 0;
	if (rc < 0) {
		cvt_error_about(err, path);
		return cvt_error_set(err, CVT_EIO, "cannot read: %s", strerror(-rc));
	}
	return c.end == c.size;
}
