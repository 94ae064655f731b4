#ifndef CVT_GITCONFIG_H
#define CVT_GITCONFIG_H

#include "error.h"
#include "strbuf.h"

/*
 * git's own settings, read as git reads them (libgit2): the configuration of
 * the repository found by walking up from a directory, over the global, XDG
 * and system files.
 */

/*
 * Appends git's user.name for a command run in `dir` to `out` and returns 0.
 * Without a repository (or one git would refuse, e.g. owned by someone else)
 * only the global, XDG and system files count. Returns CVT_ENOTFOUND when
 * user.name is unset or empty, CVT_EIO with libgit2's message when the
 * configuration cannot be read, and CVT_ENOTFOUND when cvetrail was built
 * without libgit2.
 */
int cvt_git_user_name(const char *dir, struct strbuf *out, struct cvt_error *err);

#endif
