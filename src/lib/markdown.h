#ifndef CVT_MARKDOWN_H
#define CVT_MARKDOWN_H

#include <stddef.h>

#include "diff.h"
#include "policy.h"
#include "strbuf.h"

/*
 * The pull-request body: what a reviewer needs to decide from it alone.
 * Every text that comes from a scan or the ledger (titles, package names,
 * versions, ids, reasons) is untrusted: an image's package database is
 * written by whoever built the image. It is escaped so it cannot add HTML,
 * links, images, mentions, emphasis, math or table cells (cvt_md_escape).
 */

struct cvt_md_options {
	const char *title;       /* heading subject; NULL: the new report's artifact name */
	const char *report_path; /* added as --report to the suggested ack commands, or NULL */
	const char *triage_path; /* added as --triage likewise, or NULL */
	size_t max_rows;         /* rows per table before "... and N more"; 0: 50 */
	size_t max_bytes;        /* size of the whole body; 0: 60000 (GitHub allows 65536 chars) */
};

/*
 * Writes the summary: a headline (needs review and why, or nothing to review), the counts by
 * severity before and after, then the sections that are not empty: new findings (with the
 * `cvetrail ack` commands to accept them), severity risen, triage expired, scan incomplete,
 * new findings covered by a decision, fixed, other changes, decisions expiring soon.
 * `rv` comes from cvt_policy_apply on `d` with policy `p`.
 */
void cvt_markdown_summary(struct strbuf *out, const struct cvt_diff *d, const struct cvt_review *rv,
			  const struct cvt_policy *p, const struct cvt_md_options *o);

/*
 * Appends untrusted text as inert inline Markdown, safe inside a table cell: control and
 * invisible formatting characters (newlines, bidirectional overrides, zero-width characters)
 * become spaces; \ ` * _ [ ] ( ) < > # | ! ~ & $ are backslash-escaped; a zero-width space
 * (U+200B) follows every '@' and '#', and splits "://" and "www.", so that no autolink, e-mail
 * link, mention or issue reference can form (GitHub finds those in the rendered text, where
 * backslashes no longer are). At most `max_chars` characters (0: no limit) are kept, then "…".
 * NULL appends nothing.
 */
void cvt_md_escape(struct strbuf *out, const char *text, size_t max_chars);

/*
 * Appends `url` for use as a link destination when cvt_url_is_linkable (html.h) allows it;
 * characters that could end the destination or a table cell are percent-encoded. Returns 0, or -1 (appending nothing) when it is not linked.
 */
int cvt_md_link_destination(struct strbuf *out, const char *url);

/*
 * Appends `s` single-quoted for a POSIX shell ('it'\''s'). Returns -1 (appending nothing)
 * when `s` holds control characters, which a copied command line could not carry.
 */
int cvt_shell_quote(struct strbuf *out, const char *s);

#endif
