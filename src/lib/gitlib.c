#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "gitlib.h"

#ifndef CVT_LIBGIT2_SONAME
#define CVT_LIBGIT2_SONAME "libgit2.so"
#endif

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static struct cvt_git_table table;
static int loaded;
static char load_error[256];

static void load(void)
{
	void *lib = dlopen(CVT_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *e = dlerror();
		snprintf(load_error, sizeof load_error, "%s", e ? e : "dlopen failed");
		return;
	}
	/* dlsym's object pointer is copied into the function pointer: the
	 * POSIX way, which ISO C's pointer conversions do not cover. */
#define CVT_GIT_RESOLVE(name)                                                                 \
	{                                                                                     \
		void *sym = dlsym(lib, #name);                                                \
		if (!sym) {                                                                   \
			snprintf(load_error, sizeof load_error, "%s has no %s", CVT_LIBGIT2_SONAME, \
				 #name);                                                      \
			return;                                                               \
		}                                                                             \
		memcpy(&table.name, &sym, sizeof sym);                                        \
	}
	CVT_GIT_FUNCTIONS(CVT_GIT_RESOLVE)
#undef CVT_GIT_RESOLVE
	loaded = 1;
}

const struct cvt_git_table *cvt_git_load(struct cvt_error *err)
{
	pthread_once(&load_once, load);
	if (!loaded) {
		cvt_error_set(err, CVT_EIO, "cannot load libgit2 (%s): %s", CVT_LIBGIT2_SONAME,
			      load_error);
		return NULL;
	}
	return &table;
}

const struct cvt_git_table *cvt_git_table(void)
{
	return &table;
}
