#include "cmd.h"
#include "strbuf.h"

/*
 * Untrusted text for a terminal: C0 and C1 control characters (ESC and CSI
 * start escape sequences) and the characters that hide or reorder text
 * (cvt_hidden_char_length: bidi controls, zero-width characters, the byte
 * order mark, line separators; they make two different ids look the same)
 * become '?'; line breaks and tabs a space.
 */

size_t term_add_safe(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t chars = 0, hidden;
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
		} else if ((hidden = cvt_hidden_char_length((const char *)p))) {
			sb_addch(out, '?');
			p += hidden;
		} else {
			sb_addch(out, (char)*p++);
			while ((*p & 0xC0) == 0x80)
				sb_addch(out, (char)*p++);
		}
	}
	return chars;
}
