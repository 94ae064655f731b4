#include "html.h"

#include <string.h>
#include <strings.h>

#define MAX_URL_BYTES    2048
#define REPLACEMENT_CHAR "\xEF\xBF\xBD"


void cvt_html_escape(struct strbuf *out, const char *text, size_t max_chars)
{
	if (!text)
		return;
	size_t chars = 0, hidden;
	for (const unsigned char *p = (const unsigned char *)text; *p;) {
		if ((*p & 0xC0) != 0x80 && max_chars && chars++ == max_chars) {
			sb_addstr(out, "\xE2\x80\xA6");
			return;
		}
		switch (*p) {
		case '&':
			sb_addstr(out, "&amp;");
			break;
		case '<':
			sb_addstr(out, "&lt;");
			break;
		case '>':
			sb_addstr(out, "&gt;");
			break;
		case '"':
			sb_addstr(out, "&quot;");
			break;
		case '\'':
			sb_addstr(out, "&#39;");
			break;
		case '\n':
		case '\r':
		case '\t':
			sb_addch(out, ' ');
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				sb_addstr(out, REPLACEMENT_CHAR);
			} else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
				sb_addstr(out, REPLACEMENT_CHAR); /* C1 controls */
				p++;
			} else if ((hidden = cvt_hidden_char_length((const char *)p))) {
				sb_addstr(out, REPLACEMENT_CHAR);
				p += hidden - 1;
			} else {
				sb_addch(out, (char)*p);
			}
			break;
		}
		p++;
	}
}

int cvt_url_is_linkable(const char *url)
{
	if (!url || (strncasecmp(url, "https://", 8) != 0 && strncasecmp(url, "http://", 7) != 0))
		return 0;
	size_t len = strlen(url);
	if (len > MAX_URL_BYTES)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)url[i] < 0x20 || url[i] == 0x7f)
			return 0;
	return 1;
}

void cvt_html_link(struct strbuf *out, const char *url, const char *text)
{
	if (!cvt_url_is_linkable(url)) {
		cvt_html_escape(out, text ? text : url, 0);
		return;
	}
	sb_addstr(out, "<a href=\"");
	cvt_html_escape(out, url, 0);
	sb_addstr(out, "\" rel=\"noopener noreferrer\">");
	cvt_html_escape(out, text ? text : url, 0);
	sb_addstr(out, "</a>");
}
