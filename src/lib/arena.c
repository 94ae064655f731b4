#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	_Alignas(16) unsigned char data[];
};

enum { ARENA_MIN_BLOCK = 64 * 1024, ARENA_MAX_BLOCK = 64 * 1024 * 1024 };

_Noreturn void cvt_oom(void)
{
	static const char msg[] = "cvetrail: out of memory\n";
	ssize_t ignored = write(2, msg, sizeof msg - 1);
	(void)ignored;
	abort();
}

void *cvt_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		cvt_oom();
	return p;
}

void *cvt_realloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (!q)
		cvt_oom();
	return q;
}

void *cvt_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		cvt_oom();
	return p;
}

void *cvt_realloc_array(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		cvt_oom();
	return cvt_realloc(p, count * size);
}

enum { HUGE_PAGE = 2 * 1024 * 1024 };

/*
 * Big blocks are 2 MiB aligned and asked to be backed by transparent huge
 * pages: on virtual machines every first touch of a 4 KiB page is a costly
 * fault, and a million-finding report would take tens of thousands of them.
 */
static struct arena_block *new_block(size_t *data_size)
{
	size_t size = sizeof(struct arena_block) + *data_size;
	if (size < HUGE_PAGE)
		return cvt_malloc(size);
	size = (size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	*data_size = size - sizeof(struct arena_block);
	void *p = aligned_alloc(HUGE_PAGE, size);
	if (!p)
		cvt_oom();
#ifdef MADV_HUGEPAGE
	madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

/*
 * A large array is preceded by a header saying how it was allocated:
 * mapped_size 0 for malloc (small ones), else the length of its mapping.
 */
struct large_header {
	size_t mapped_size;
	size_t pad; /* keeps the array 16-byte aligned */
};

static void advise_huge(void *base, size_t len)
{
#ifdef MADV_HUGEPAGE
	madvise(base, len, MADV_HUGEPAGE);
#else
	(void)base;
	(void)len;
#endif
}

/*
 * `size` bytes (a multiple of HUGE_PAGE) mapped at an address that is a
 * multiple of HUGE_PAGE: only whole aligned 2 MiB ranges can be huge pages.
 */
static void *map_huge(size_t size)
{
	size_t span = size + HUGE_PAGE;
	char *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		cvt_oom();
	char *a = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (p + span > a + size)
		munmap(a + size, (size_t)(p + span - (a + size)));
	advise_huge(a, size);
	return a;
}

void *cvt_realloc_large(void *p, size_t old_size, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		cvt_oom();
	size_t bytes = count * size;
	if (bytes > SIZE_MAX - 2 * HUGE_PAGE)
		cvt_oom();
	struct large_header *h = p ? (struct large_header *)p - 1 : NULL;
	size_t need = sizeof *h + bytes;
	if (need < HUGE_PAGE && (!h || !h->mapped_size)) {
		h = cvt_realloc(h, need);
		h->mapped_size = 0;
		return h + 1;
	}
	size_t mapped = (need + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	if (h && h->mapped_size) {
		if (mapped <= h->mapped_size)
			return p;
		/* In place when the addresses after it are free, else its
		 * pages are moved (not copied) to the start of a new mapping. */
		void *q = mremap(h, h->mapped_size, mapped, 0);
		if (q == MAP_FAILED) {
			q = map_huge(mapped);
			if (mremap(h, h->mapped_size, h->mapped_size, MREMAP_MAYMOVE | MREMAP_FIXED, q) ==
			    MAP_FAILED)
				cvt_oom();
		}
		advise_huge(q, mapped);
		h = q;
		h->mapped_size = mapped;
		return h + 1;
	}
	void *q = map_huge(mapped);
	struct large_header *nh = q;
	nh->mapped_size = mapped;
	if (h) {
		memcpy(nh + 1, p, old_size < bytes ? old_size : bytes);
		free(h);
	}
	return nh + 1;
}

void cvt_free_large(void *p)
{
	if (!p)
		return;
	struct large_header *h = (struct large_header *)p - 1;
	if (h->mapped_size)
		munmap(h, h->mapped_size);
	else
		free(h);
}

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->next_block_size = ARENA_MIN_BLOCK;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->next_block_size = ARENA_MIN_BLOCK;
}

void arena_adopt(struct arena *into, struct arena *from)
{
	struct arena_block *last = from->head;
	if (!last)
		return;
	while (last->next)
		last = last->next;
	/* Behind `into`'s head, which stays the block allocations go on in. */
	if (into->head) {
		last->next = into->head->next;
		into->head->next = from->head;
	} else {
		into->head = from->head;
	}
	from->head = NULL;
}

void arena_reset(struct arena *a)
{
	struct arena_block *keep = a->head;
	if (!keep)
		return;
	struct arena_block *b = keep->next;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	keep->next = NULL;
	keep->used = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	if (size > SIZE_MAX - 32)
		cvt_oom();
	size = (size + 15) & ~(size_t)15;
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t block = a->next_block_size ? a->next_block_size : ARENA_MIN_BLOCK;
		if (block < size)
			block = size;
		b = new_block(&block);
		b->size = block;
		b->used = 0;
		if (a->head && a->head->size - a->head->used > 4096 && size > block / 2) {
			/* A large one-off allocation must not waste the current block. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
		if (a->next_block_size < ARENA_MAX_BLOCK)
			a->next_block_size = a->next_block_size ? a->next_block_size * 2 : ARENA_MIN_BLOCK;
	}
	void *p = b->data + b->used;
	b->used += size;
	return p;
}

void *arena_alloc_array(struct arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		cvt_oom();
	return arena_alloc(a, count * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_sprintf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
