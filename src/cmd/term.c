#include "cmd.h"
#include "strbuf.h"

/*
 * Untrusted text for a terminal: C0 and C1 control characters (ESC and CSI
 * start escape sequences) and bidirectional overrides (which reorder what is
 * shown) become '?', line breaks and tabs a space.
 */
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
		} else if (p[0] == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
					    (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9))) {
			sb_addch(out, '?');
			p += 3;
		} else {
			sb_addch(out, (char)*p++);
			while ((*p & 0xC0) == 0x80)
				sb_addch(out, (char)*p++);
		}
	}
	return chars;
}
