#include "cmd.h"
#include "strbuf.h"

/*
 * Untrusted text for a terminal: C0 and C1 control characters (ESC and CSI
 * start escape sequences), bidirectional overrides and marks (which reorder
 * what is shown), invisible characters (zero-width spaces and joiners, word
 * joiner, byte order mark: they make two different ids look the same) and
 * the Unicode line and paragraph separators become '?'; line breaks and
 * tabs a space.
 */
static size_t invisible_length(const unsigned char *p)
{
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

size_t term_add_safe(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t chars = 0;
	while (*p) {
		chars++;
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			sb_addch(out, ' ');
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			sb_addch(out, '?');
			p++;
		} else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			sb_addch(out, '?');
			p += 2;
		} else if (invisible_length(p)) {
			sb_addch(out, '?');
			p += invisible_length(p);
		} else {
			sb_addch(out, (char)*p++);
			while ((*p & 0xC0) == 0x80)
				sb_addch(out, (char)*p++);
		}
	}
	return chars;
}
