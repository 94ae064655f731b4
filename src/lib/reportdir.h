#ifndef CVT_REPORTDIR_H
#define CVT_REPORTDIR_H

#include <stddef.h>

#include "error.h"

/*
 * A fleet is a folder of reports, one per image (reports/<image>.json).
 * Lists its *.json files (hidden files skipped), sorted by name, as
 * malloc()ed "DIR/NAME" paths; an empty folder gives n = 0.
 */
int cvt_list_reports(const char *dir, char ***paths, size_t *n, struct cvt_error *err);
void cvt_free_paths(char **paths, size_t n);

/* True when `path` names a folder. */
int cvt_is_dir(const char *path);

#endif
