#include "reportdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "strbuf.h"

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cvt_list_reports(const char *dir, char ***paths, size_t *n, struct cvt_error *err)
{
	DIR *d = opendir(dir);
	size_t alloc = 0;
	*paths = NULL;
	*n = 0;
	if (!d) {
		cvt_error_set_file(err, dir);
		return cvt_error_set(err, CVT_EIO, "cannot open folder: %s", strerror(errno));
	}
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			*paths = cvt_realloc_array(*paths, alloc, sizeof **paths);
		}
		struct strbuf path = STRBUF_INIT;
		sb_addf(&path, "%s/%s", dir, e->d_name);
		(*paths)[(*n)++] = sb_detach(&path, NULL);
	}
	closedir(d);
	if (*n > 1)
		qsort(*paths, *n, sizeof **paths, compare_names);
	return 0;
}

void cvt_free_paths(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

int cvt_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
