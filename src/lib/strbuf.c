#include "strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

char cvt_strbuf_empty[1];

void sb_init(struct strbuf *sb, size_t hint)
{
	sb->buf = cvt_strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	if (hint)
		sb_grow(sb, hint);
}

void sb_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	sb->buf = cvt_strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
}

void sb_grow(struct strbuf *sb, size_t extra)
{
	if (extra > SIZE_MAX - sb->len - 1)
		cvt_oom();
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return;
	size_t alloc = sb->alloc ? sb->alloc : 64;
	while (alloc < need)
		alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
	char *buf = realloc(sb->alloc ? sb->buf : NULL, alloc);
	if (!buf)
		cvt_oom();
	if (!sb->alloc)
		buf[0] = '\0';
	sb->buf = buf;
	sb->alloc = alloc;
}

void sb_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	sb_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void sb_addstr(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addch(struct strbuf *sb, char c)
{
	sb_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n <= 0)
		return;
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

void sb_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}

char *sb_detach(struct strbuf *sb, size_t *len)
{
	if (!sb->alloc)
		sb_grow(sb, 0);
	char *buf = sb->buf;
	if (len)
		*len = sb->len;
	sb->buf = cvt_strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	return buf;
}

uint64_t cvt_text_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

size_t cvt_hidden_char_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (p[0] == 0xE2 && p[1] == 0x80 &&
	    ((p[2] >= 0x8B && p[2] <= 0x8F) || (p[2] >= 0xA8 && p[2] <= 0xAE)))
		return 3; /* U+200B..U+200F, U+2028..U+202E */
	if (p[0] == 0xE2 && p[1] == 0x81 &&
	    ((p[2] >= 0xA0 && p[2] <= 0xA4) || (p[2] >= 0xA6 && p[2] <= 0xA9)))
		return 3; /* U+2060..U+2064, U+2066..U+2069 */
	if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return 3; /* U+FEFF */
	return 0;
}
