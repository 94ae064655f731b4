#ifndef CVT_LOCK_H
#define CVT_LOCK_H

#include "error.h"
#include "strbuf.h"

/*
 * Serializes read-modify-write of a ledger or report between processes (two
 * CI jobs, a person and a bot): a lock file "PATH.lock" created exclusively
 * and holding the owner's process id (git's index.lock, without git's
 * "remove it by hand" surprise: a lock whose process is gone is reported as
 * stale, with the command that clears it, instead of being waited on).
 */
struct cvt_lock {
	struct strbuf path; /* empty when not held */
};

#define CVT_LOCK_INIT { STRBUF_INIT }

/* How long ack/unack wait for another writer of the ledger. */
#define CVT_LEDGER_LOCK_TIMEOUT_MS 30000
/* How long update waits for another update of the same report. */
#define CVT_REPORT_LOCK_TIMEOUT_MS 30000

/*
 * Takes the lock of `path`, waiting up to `timeout_ms` while a live process
 * holds it. Returns 0, or CVT_ELOCKED (held by a live process past the
 * timeout, or stale) / CVT_EIO with a message naming the lock file.
 */
int cvt_lock_acquire(struct cvt_lock *lock, const char *path, int timeout_ms, struct cvt_error *err);
/* Removes the lock file if held. Safe to call when not held. */
void cvt_lock_release(struct cvt_lock *lock);

#endif
