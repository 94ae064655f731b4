#ifndef CVT_HTML_H
#define CVT_HTML_H

#include <stddef.h>

#include "strbuf.h"

/*
 * Untrusted text (titles, package and image names, reasons, URLs written by
 * whoever built an image or edited the ledger) made inert in HTML and SVG.
 */

/*
 * Appends `text` as HTML text or a quoted attribute value: & < > " ' become
 * character references; control characters (line breaks and tabs become
 * spaces) and the characters cvt_hidden_char_length (strbuf.h) names become
 * U+FFFD, so a title cannot move or hide the text around it. At most `max_chars` characters are kept (0: no
 * limit), then "…". NULL appends nothing.
 */
void cvt_html_escape(struct strbuf *out, const char *text, size_t max_chars);

/*
 * The one rule for which advisory URLs become links, in the dashboard, the PR
 * summary and SARIF: http:// or https:// (any case), no control characters,
 * at most 2048 bytes. javascript:, data: and relative URLs never are. Each
 * output escapes or encodes the URL for where it lands.
 */
int cvt_url_is_linkable(const char *url);

/*
 * Appends `text` (escaped) as a link to `url` when the URL is linkable, else
 * the escaped text alone. The link opens nothing from the page (rel=noopener
 * noreferrer). `text` NULL shows the URL itself.
 */
void cvt_html_link(struct strbuf *out, const char *url, const char *text);

#endif
