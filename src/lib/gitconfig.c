#include "gitconfig.h"

#if defined(__has_include)
#if __has_include(<git2.h>)
#include <git2.h>
#define CVT_HAVE_LIBGIT2 1
#endif
#endif

#ifdef CVT_HAVE_LIBGIT2

#include "gitcalls.h"

static int libgit2_error(struct cvt_error *err, const char *what)
{
	const git_error *e = git_error_last();
	return cvt_error_set(err, CVT_EIO, "%s: %s", what,
			     e && e->message ? e->message : "libgit2 error");
}

int cvt_git_user_name(const char *dir, struct strbuf *out, struct cvt_error *err)
{
	git_repository *repo = NULL;
	git_config *config = NULL, *snapshot = NULL;
	const char *name = NULL;
	int rc = CVT_OK;

	if (!cvt_git_load(err))
		return CVT_EIO;
	if (git_libgit2_init() < 0)
		return libgit2_error(err, "cannot initialize libgit2");
	/* Any failure to open a repository (none, or one git would refuse) leaves the user's own
	 * files, which is where user.name usually lives. */
	if (git_repository_open_ext(&repo, dir, 0, NULL) == 0) {
		if (git_repository_config_snapshot(&snapshot, repo) < 0) {
			rc = libgit2_error(err, "cannot read the repository's git configuration");
			goto out;
		}
	} else if (git_config_open_default(&config) < 0 ||
		   git_config_snapshot(&snapshot, config) < 0) {
		rc = libgit2_error(err, "cannot read git configuration");
		goto out;
	}
	int found = git_config_get_string(&name, snapshot, "user.name");
	if (found == GIT_ENOTFOUND || (found == 0 && (!name || !*name))) {
		rc = cvt_error_set(err, CVT_ENOTFOUND, "git user.name is not set");
		goto out;
	}
	if (found < 0) {
		rc = libgit2_error(err, "cannot read git user.name");
		goto out;
	}
	sb_addstr(out, name);
out:
	git_config_free(snapshot);
	git_config_free(config);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

#else

int cvt_git_user_name(const char *dir, struct strbuf *out, struct cvt_error *err)
{
	(void)dir;
	(void)out;
	return cvt_error_set(err, CVT_ENOTFOUND, "git user.name is unknown: built without libgit2");
}

#endif
