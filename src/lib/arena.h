#ifndef CVT_ARENA_H
#define CVT_ARENA_H

#include <stddef.h>

/*
 * Region allocator: a document (parsed JSON, a report, a ledger) lives in
 * one arena and is freed at once. Allocations are 16-byte aligned.
 */
struct arena_block;

struct arena {
	struct arena_block *head;
	size_t next_block_size;
};

#define ARENA_INIT { NULL, 0 }

void arena_init(struct arena *a);
void arena_release(struct arena *a);
/* Moves everything `from` holds into `into` (freed with it); `from` is left empty. */
void arena_adopt(struct arena *into, struct arena *from);
/* Frees everything allocated but keeps one block for what comes next. */
void arena_reset(struct arena *a);
/* Never returns NULL (aborts on out-of-memory). size 0 gives a valid pointer. */
void *arena_alloc(struct arena *a, size_t size);
/* arena_alloc(count * size) with the multiplication checked. */
void *arena_alloc_array(struct arena *a, size_t count, size_t size);
/* Copies `len` bytes and appends a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
char *arena_sprintf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The one place out-of-memory ends the process: an allocation that fails is
 * not an input error we can report, and every caller would otherwise need a
 * path for it. */
_Noreturn void cvt_oom(void);
void *cvt_malloc(size_t size);
void *cvt_realloc(void *p, size_t size);
void *cvt_calloc(size_t count, size_t size);
/* realloc for an array of `count` elements of `size` bytes, overflow-checked. */
void *cvt_realloc_array(void *p, size_t count, size_t size);
/*
 * Big arrays that grow (findings, stream slices): as cvt_realloc_array, the
 * first `old_size` bytes kept, but from 2 MiB on the memory is mapped apart,
 * asked to be backed by huge pages (a first touch of memory is what costs
 * most on a virtual machine) and grown by moving its pages, never by copying
 * them. Freed with cvt_free_large only.
 */
void *cvt_realloc_large(void *p, size_t old_size, size_t count, size_t size);
void cvt_free_large(void *p);

#endif
