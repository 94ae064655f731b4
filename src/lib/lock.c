#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"

/* The owner's pid, 0 while the owner has not written it yet, -1 when unreadable. */
static long read_owner(const char *lock_path)
{
	char buf[32];
	int fd = open(lock_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -2 : -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *end;
	long pid = strtol(buf, &end, 10);
	return pid > 0 && (*end == '\n' || *end == '\0') ? pid : -1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int cvt_lock_acquire(struct cvt_lock *lock, const char *path, int timeout_ms, struct cvt_error *err)
{
	struct strbuf lock_path = STRBUF_INIT;
	sb_addf(&lock_path, "%s.lock", path);
	const char *slash = strrchr(path, '/');
	if (slash && slash != path) {
		struct strbuf dir = STRBUF_INIT;
		sb_add(&dir, path, (size_t)(slash - path));
		int rc = cvt_mkdirs(dir.buf, err);
		sb_release(&dir);
		if (rc < 0) {
			sb_release(&lock_path);
			return rc;
		}
	}
	long waited = 0, unknown_owner_waited = 0;
	for (;;) {
		int fd = open(lock_path.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			char pid[32];
			int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
			ssize_t w = write(fd, pid, (size_t)n);
			close(fd);
			if (w != n) {
				unlink(lock_path.buf);
				cvt_error_about(err, lock_path.buf);
				sb_release(&lock_path);
				return cvt_error_set(err, CVT_EIO, "cannot write lock file");
			}
			sb_release(&lock->path);
			lock->path = lock_path;
			return 0;
		}
		if (errno != EEXIST) {
			cvt_error_about(err, lock_path.buf);
			int rc = cvt_error_set(err, CVT_EIO, "cannot create lock file: %s", strerror(errno));
			sb_release(&lock_path);
			return rc;
		}
		long owner = read_owner(lock_path.buf);
		if (owner == -2)
			continue; /* released between our open and our read */
		/* The owner may have finished and released the lock after we read it: only a
		 * lock file that still names the dead process is stale. */
		if (owner > 0 && kill((pid_t)owner, 0) < 0 && errno == ESRCH &&
		    read_owner(lock_path.buf) == owner) {
			cvt_error_about(err, lock_path.buf);
			int rc = cvt_error_set(err, CVT_ELOCKED,
					       "stale lock left by process %ld, which is no longer running; "
					       "if no cvetrail runs on this file, remove it: rm '%s'",
					       owner, lock_path.buf);
			sb_release(&lock_path);
			return rc;
		}
		if (owner <= 0 && (unknown_owner_waited += 10) > 2000) {
			cvt_error_about(err, lock_path.buf);
			int rc = cvt_error_set(err, CVT_ELOCKED,
					       "lock file holds no process id; if no cvetrail runs on this "
					       "file, remove it: rm '%s'",
					       lock_path.buf);
			sb_release(&lock_path);
			return rc;
		}
		if (waited >= timeout_ms) {
			cvt_error_about(err, lock_path.buf);
			int rc = cvt_error_set(err, CVT_ELOCKED,
					       "locked by process %ld (another cvetrail is writing this "
					       "file); try again when it is done",
					       owner);
			sb_release(&lock_path);
			return rc;
		}
		sleep_ms(10);
		waited += 10;
	}
}

void cvt_lock_release(struct cvt_lock *lock)
{
	if (lock->path.len)
		unlink(lock->path.buf);
	sb_release(&lock->path);
}
