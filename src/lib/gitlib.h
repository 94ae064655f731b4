#ifndef CVT_GITLIB_H
#define CVT_GITLIB_H

/*
 * libgit2, loaded with dlopen on first use instead of linked: loading it
 * and the eighteen libraries it needs (Kerberos, TLS, SSH...) cost every
 * command about 8 ms at start, the same again as starting the process,
 * while only history, dashboard and ack (for the git user's name) read
 * git. Include after <git2.h>, then "gitcalls.h": the git_* functions used
 * then call through the table.
 */
#include <git2.h>

#include "error.h"

#define CVT_GIT_FUNCTIONS(X) \
	X(git_blob_free) \
	X(git_blob_lookup) \
	X(git_blob_rawcontent) \
	X(git_blob_rawsize) \
	X(git_commit_author) \
	X(git_commit_free) \
	X(git_commit_id) \
	X(git_commit_lookup) \
	X(git_commit_time) \
	X(git_commit_tree) \
	X(git_config_free) \
	X(git_config_get_string) \
	X(git_config_open_default) \
	X(git_config_snapshot) \
	X(git_error_last) \
	X(git_libgit2_init) \
	X(git_libgit2_shutdown) \
	X(git_object_free) \
	X(git_oid_equal) \
	X(git_oid_tostr) \
	X(git_repository_config_snapshot) \
	X(git_repository_free) \
	X(git_repository_open_ext) \
	X(git_repository_workdir) \
	X(git_revparse_single) \
	X(git_revwalk_free) \
	X(git_revwalk_new) \
	X(git_revwalk_next) \
	X(git_revwalk_push_head) \
	X(git_revwalk_simplify_first_parent) \
	X(git_revwalk_sorting) \
	X(git_tree_entry_byindex) \
	X(git_tree_entry_bypath) \
	X(git_tree_entry_free) \
	X(git_tree_entry_id) \
	X(git_tree_entry_name) \
	X(git_tree_entry_type) \
	X(git_tree_entrycount) \
	X(git_tree_free) \
	X(git_tree_id) \
	X(git_tree_lookup)

struct cvt_git_table {
#define CVT_GIT_POINTER(name) __typeof__(name) *name;
	CVT_GIT_FUNCTIONS(CVT_GIT_POINTER)
#undef CVT_GIT_POINTER
};

/*
 * Loads libgit2 once for the process (safe from any thread) and returns its
 * functions; NULL with `err` set when it cannot be loaded. A library, once
 * loaded, is the process's, as it would be linked: this table is the only
 * state kept, and it never changes after it is filled.
 */
const struct cvt_git_table *cvt_git_load(struct cvt_error *err);
/* The table, after a cvt_git_load that succeeded. */
const struct cvt_git_table *cvt_git_table(void);

#endif
