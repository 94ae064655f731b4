#ifndef CVT_STRBUF_H
#define CVT_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A growable, always NUL-terminated byte buffer (after git's strbuf).
 * `buf` is never NULL: an empty buffer points at a shared read-only "" until
 * the first write, so callers can print `sb.buf` without checks.
 * Allocation failure aborts the process (see cvt_oom in arena.h).
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char cvt_strbuf_empty[];
#define STRBUF_INIT { cvt_strbuf_empty, 0, 0 }

void sb_init(struct strbuf *sb, size_t hint);
void sb_release(struct strbuf *sb);
/* Ensures room for `extra` more bytes plus the terminating NUL. */
void sb_grow(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_addstr(struct strbuf *sb, const char *s);
void sb_addch(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Truncates to `len` bytes (len <= sb->len). */
void sb_setlen(struct strbuf *sb, size_t len);
static inline void sb_reset(struct strbuf *sb) { sb_setlen(sb, 0); }
/* Hands the buffer to the caller (free() it); the strbuf is left empty. */
char *sb_detach(struct strbuf *sb, size_t *len);

/*
 * The length in bytes of the UTF-8 character at `p` when it is one that
 * hides or reorders the text around it (bidi embeddings, overrides, isolates
 * and marks; zero-width spaces and joiners; the word joiner; the byte order
 * mark; the line and paragraph separators), else 0. Outputs for people
 * (terminal, HTML) replace these in untrusted text.
 */
size_t cvt_hidden_char_length(const char *p);

/* FNV-1a of a NUL-terminated text, for the hash tables keyed by ids and keys. */
uint64_t cvt_text_hash(const char *s);

#endif
