#include "markdown.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "triage.h"

#define DEFAULT_MAX_ROWS  50
#define DEFAULT_MAX_BYTES 60000
/* Room kept for section headings and "... and N more" lines once the tables stop. */
#define TAIL_RESERVE 4096

/* U+200B ZERO WIDTH SPACE: invisible, and no autolink or mention spans it. */
static const char zwsp[] = "\xE2\x80\x8B";
static const char ellipsis[] = "\xE2\x80\xA6";
static const char arrow[] = " \xE2\x86\x92 ";

/* Decodes one UTF-8 character; invalid bytes decode as U+FFFD, one byte at a time. */
static size_t utf8_next(const unsigned char *p, unsigned *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF && (p[1] & 0xC0) == 0x80) {
		*cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
		return 2;
	}
	if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
		unsigned c = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
		if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
			*cp = c;
			return 3;
		}
	}
	if (p[0] >= 0xF0 && p[0] <= 0xF4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
	    (p[3] & 0xC0) == 0x80) {
		unsigned c = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) |
			     ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
		if (c >= 0x10000 && c <= 0x10FFFF) {
			*cp = c;
			return 4;
		}
	}
	*cp = 0xFFFD;
	return 1;
}

/* Controls, line separators, bidirectional overrides and zero-width characters. */
static int is_invisible(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x180E ||
	       (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

static int needs_backslash(unsigned cp)
{
	return cp < 0x80 && strchr("\\`*_[]()<>#|!~&$", (int)cp) && cp != 0;
}

void cvt_md_escape(struct strbuf *out, const char *text, size_t max_chars)
{
	if (!text)
		return;
	const unsigned char *p = (const unsigned char *)text;
	size_t chars = 0;
	while (*p) {
		if (max_chars && chars == max_chars) {
			sb_addstr(out, ellipsis);
			return;
		}
		unsigned cp;
		size_t n = utf8_next(p, &cp);
		chars++;
		if (is_invisible(cp)) {
			sb_addch(out, ' ');
		} else if ((cp | 0x20) == 'w' && (p[1] | 0x20) == 'w' && (p[2] | 0x20) == 'w' &&
			   p[3] == '.') {
			sb_add(out, p, 3);
			sb_addstr(out, zwsp);
			n = 3;
			chars += 2;
		} else if (needs_backslash(cp)) {
			sb_addch(out, '\\');
			sb_addch(out, (char)cp);
			if (cp == '#')
				sb_addstr(out, zwsp);
		} else if ((cp == ':' && p[1] == '/') || cp == '@') {
			sb_addch(out, (char)cp);
			sb_addstr(out, zwsp);
		} else if (cp == 0xFFFD && n == 1) {
			sb_addstr(out, "\xEF\xBF\xBD");
		} else {
			sb_add(out, p, n);
		}
		p += n;
	}
}

int cvt_md_link_destination(struct strbuf *out, const char *url)
{
	if (!cvt_url_is_linkable(url))
		return -1;
	size_t len = strlen(url);
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)url[i];
		if (ch >= 0x80 || strchr(" \"'()<>[]\\`|{}^", ch)) {
			sb_addch(out, '%');
			sb_addch(out, hex[ch >> 4]);
			sb_addch(out, hex[ch & 15]);
		} else {
			sb_addch(out, (char)ch);
		}
	}
	return 0;
}

static int shell_safe(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("@%+=:,./_-", ch));
}

int cvt_shell_quote(struct strbuf *out, const char *s)
{
	int plain = *s != '\0';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		if (!shell_safe(*p))
			plain = 0;
	}
	if (plain) {
		sb_addstr(out, s);
		return 0;
	}
	sb_addch(out, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			sb_addstr(out, "'\\''");
		else
			sb_addch(out, *p);
	}
	sb_addch(out, '\'');
	return 0;
}

/* The body being written, with its size budget. */
struct md {
	struct strbuf *out;
	const struct cvt_diff *d;
	const struct cvt_review *rv;
	const struct cvt_policy *p;
	const struct cvt_md_options *o;
	size_t max_rows;
	size_t limit;  /* bytes the tables may fill */
	int truncated; /* a table stopped at the limit */
	struct strbuf row;
};

typedef void (*row_fn)(struct md *m, struct strbuf *row, const void *item);

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "[id](url)" when the advisory URL is safe to link, else the escaped id. */
static void add_id(struct strbuf *row, const struct cvt_finding *f)
{
	struct strbuf dest = STRBUF_INIT;
	if (cvt_md_link_destination(&dest, f->url) == 0) {
		sb_addch(row, '[');
		cvt_md_escape(row, f->id, 80);
		sb_addstr(row, "](");
		sb_add(row, dest.buf, dest.len);
		sb_addch(row, ')');
	} else {
		cvt_md_escape(row, f->id, 80);
	}
	sb_release(&dest);
}

static void add_package(struct strbuf *row, const struct cvt_finding *f)
{
	cvt_md_escape(row, f->pkg_name ? f->pkg_name : f->purl, 80);
}

static void add_decision(struct strbuf *row, const struct cvt_decision *dec)
{
	if (!dec) {
		sb_addstr(row, "untriaged");
		return;
	}
	cvt_md_escape(row, dec->status, 40);
	if (dec->author || dec->date) {
		sb_addstr(row, " (");
		cvt_md_escape(row, dec->author, 60);
		if (dec->author && dec->date)
			sb_addstr(row, ", ");
		cvt_md_escape(row, dec->date, 12);
		sb_addch(row, ')');
	}
	if (dec->reason) {
		sb_addstr(row, ": ");
		cvt_md_escape(row, dec->reason, 200);
	}
}

static void md_table(struct md *m, const char *header, const void *const *items, size_t n,
		     row_fn fn)
{
	size_t shown = 0;
	int header_written = 0;
	for (size_t i = 0; i < n && i < m->max_rows && !m->truncated; i++) {
		sb_reset(&m->row);
		fn(m, &m->row, items[i]);
		size_t need = m->row.len + (header_written ? 0 : strlen(header));
		if (m->out->len + need > m->limit) {
			m->truncated = 1;
			break;
		}
		if (!header_written)
			sb_addstr(m->out, header);
		header_written = 1;
		sb_add(m->out, m->row.buf, m->row.len);
		shown++;
	}
	/* A line right after a table would be read as one more row: a blank line ends it. */
	if (header_written)
		sb_addch(m->out, '\n');
	if (shown < n)
		sb_addf(m->out, "%s and %zu more%s.\n\n", ellipsis, n - shown,
			m->truncated ? " (left out to keep the summary within the size limit)"
				     : "");
}

static void heading(struct md *m, const char *title, size_t n)
{
	sb_addf(m->out, "### %s (%zu)\n\n", title, n);
}

static void severity_cell(struct strbuf *row, enum cvt_severity from, enum cvt_severity to)
{
	sb_addstr(row, cvt_severity_name(from));
	if (from != to) {
		sb_addstr(row, arrow);
		sb_addstr(row, cvt_severity_name(to));
	}
}

static void row_new(struct md *m, struct strbuf *row, const void *item)
{
	const struct cvt_finding *f = ((const struct cvt_diff_item *)item)->after;
	sb_addstr(row, "| ");
	add_id(row, f);
	sb_addstr(row, " | ");
	add_package(row, f);
	sb_addstr(row, " | ");
	cvt_md_escape(row, f->installed_version ? f->installed_version : "?", 60);
	sb_addstr(row, arrow);
	if (f->fixed_version)
		cvt_md_escape(row, f->fixed_version, 60);
	else
		sb_addstr(row, "no fix yet");
	sb_addf(row, " | %s | ", cvt_severity_name(f->severity));
	cvt_md_escape(row, f->title, 160);
	sb_addstr(row, " |\n");
}

static void row_risen(struct md *m, struct strbuf *row, const void *item)
{
	const struct cvt_diff_item *it = item;
	const struct cvt_finding *f = it->after;
	sb_addstr(row, "| ");
	add_id(row, f);
	sb_addstr(row, " | ");
	add_package(row, f);
	sb_addstr(row, " | ");
	if (it->before)
		severity_cell(row, it->before->severity, f->severity);
	else
		sb_addf(row, "new, %s", cvt_severity_name(f->severity));
	sb_addstr(row, " | ");
	if (it->decision && it->decision->severity) {
		sb_addstr(row, "decided at ");
		cvt_md_escape(row, it->decision->severity, 10);
		sb_addstr(row, ": ");
	}
	add_decision(row, it->decision);
	sb_addf(row, " | %s |\n", it->review ? "yes" : "no");
}

static void row_expiry(struct md *m, struct strbuf *row, const void *item)
{
	const struct cvt_expiry *e = item;
	sb_addstr(row, "| ");
	add_id(row, e->finding);
	sb_addstr(row, " | ");
	add_package(row, e->finding);
	sb_addf(row, " | %s | ", cvt_severity_name(e->finding->severity));
	cvt_md_escape(row, e->decision->expires, 12);
	if (e->days_left < 0)
		sb_addf(row, " (%ld %s ago)", -e->days_left,
			plural((size_t)-e->days_left, "day", "days"));
	else if (e->days_left == 0)
		sb_addstr(row, " (today)");
	else
		sb_addf(row, " (in %ld %s)", e->days_left,
			plural((size_t)e->days_left, "day", "days"));
	sb_addstr(row, " | ");
	add_decision(row, e->decision);
	sb_addstr(row, " |\n");
}

static void row_triaged(struct md *m, struct strbuf *row, const void *item)
{
	const struct cvt_diff_item *it = item;
	const struct cvt_finding *f = it->after;
	sb_addstr(row, "| ");
	add_id(row, f);
	sb_addstr(row, " | ");
	add_package(row, f);
	sb_addf(row, " | %s | ", cvt_severity_name(f->severity));
	add_decision(row, it->decision);
	sb_addstr(row, " |\n");
}

static void row_fixed(struct md *m, struct strbuf *row, const void *item)
{
	const struct cvt_finding *f = ((const struct cvt_diff_item *)item)->before;
	sb_addstr(row, "| ");
	add_id(row, f);
	sb_addstr(row, " | ");
	add_package(row, f);
	sb_addstr(row, " | ");
	cvt_md_escape(row, f->installed_version, 60);
	sb_addf(row, " | %s | ", cvt_severity_name(f->severity));
	cvt_md_escape(row, f->title, 160);
	sb_addstr(row, " |\n");
}

static void change_text(struct strbuf *row, const char *name, const char *from, const char *to)
{
	sb_addstr(row, name);
	sb_addch(row, ' ');
	cvt_md_escape(row, from ? from : "none", 40);
	sb_addstr(row, arrow);
	cvt_md_escape(row, to ? to : "none", 40);
}

static void row_changed(struct md *m, struct strbuf *row, const void *item)
{
	const struct cvt_diff_item *it = item;
	const struct cvt_finding *b = it->before, *a = it->after;
	size_t mark = 0;
	sb_addstr(row, "| ");
	add_id(row, a);
	sb_addstr(row, " | ");
	add_package(row, a);
	sb_addstr(row, " | ");
	for (unsigned bit = 1; bit < (1u << CVT_FIELD_COUNT); bit <<= 1) {
		if (!(it->fields & bit) || bit == CVT_FIELD_INSTALLED_VERSION)
			continue;
		/* A rise has its own table. */
		if (bit == CVT_FIELD_SEVERITY && a->severity > b->severity)
			continue;
		if (mark++)
			sb_addstr(row, "; ");
		switch (bit) {
		case CVT_FIELD_SEVERITY:
			sb_addstr(row, "severity ");
			severity_cell(row, b->severity, a->severity);
			break;
		case CVT_FIELD_FIXED_VERSION:
			change_text(row, "fixed version", b->fixed_version, a->fixed_version);
			break;
		case CVT_FIELD_STATUS:
			change_text(row, "status", b->status, a->status);
			break;
		case CVT_FIELD_CVSS:
			change_text(row, "CVSS", b->cvss, a->cvss);
			break;
		default:
			sb_addstr(row, cvt_diff_field_name(bit));
			break;
		}
	}
	sb_addstr(row, " |\n");
}

/* The headline: whether a human must look, and why. */
static void write_headline(struct md *m)
{
	const struct cvt_review *rv = m->rv;
	const struct cvt_diff *d = m->d;
	struct strbuf *out = m->out;
	const char *title = m->o->title ? m->o->title : d->after->artifact_name;
	sb_addstr(out, "## cvetrail: ");
	cvt_md_escape(out, title ? title : "vulnerability report", 120);
	sb_addstr(out, "\n\n");
	if (!rv->reasons) {
		sb_addstr(out,
			  "**Nothing needs review.** No new untriaged finding, no severity risen, "
			  "no expired decision: this pull request can merge by itself.\n\n");
	} else {
		sb_addstr(out, "**Needs review:** ");
		for (size_t i = 0; i < rv->n_labels; i++) {
			if (i)
				sb_addstr(out, ", ");
			cvt_md_escape(out, rv->labels[i], 0);
		}
		sb_addstr(out, "\n\n");
		if (rv->reasons & CVT_REVIEW_BIT(CVT_REVIEW_NEW))
			sb_addf(out, "- %zu new %s without a triage decision\n", rv->n_new,
				plural(rv->n_new, "finding", "findings"));
		if (rv->reasons & CVT_REVIEW_BIT(CVT_REVIEW_SEVERITY))
			sb_addf(out, "- %zu %s more severe than before or than decided\n",
				rv->n_risen, plural(rv->n_risen, "finding", "findings"));
		if (rv->reasons & CVT_REVIEW_BIT(CVT_REVIEW_EXPIRED))
			sb_addf(out, "- %zu %s covered by an expired triage decision\n",
				rv->expired.n, plural(rv->expired.n, "finding", "findings"));
		if (rv->reasons & CVT_REVIEW_BIT(CVT_REVIEW_INCOMPLETE))
			sb_addstr(out, "- the scan saw less of the image than the previous one\n");
		sb_addch(out, '\n');
	}
	sb_addf(out, "Changes: %zu added", d->added.n);
	if (rv->n_triaged)
		sb_addf(out, " (%zu covered by a triage decision)", rv->n_triaged);
	sb_addf(out, ", %zu removed, %zu changed.\n\n", d->removed.n, d->changed.n);
}

static void write_counts(struct md *m)
{
	struct strbuf *out = m->out;
	size_t total_before = 0, total_after = 0;
	sb_addstr(out, "| CRITICAL | HIGH | MEDIUM | LOW | UNKNOWN | total |\n"
		       "| ---: | ---: | ---: | ---: | ---: | ---: |\n|");
	for (int s = CVT_SEV_COUNT - 1; s >= 0; s--) {
		size_t b = m->d->counts_before[s], a = m->d->counts_after[s];
		total_before += b;
		total_after += a;
		if (a == b)
			sb_addf(out, " %zu |", a);
		else
			sb_addf(out, " %zu%s%zu |", b, arrow, a);
	}
	if (total_before == total_after)
		sb_addf(out, " %zu |\n\n", total_after);
	else
		sb_addf(out, " %zu%s%zu |\n\n", total_before, arrow, total_after);
}

static const char ack_intro[] =
	"To accept a finding instead of fixing it, record a decision in this pull request "
	"(replace `...` with the reason; add `--justification J` for not\\_affected, "
	"`--expires YYYY-MM-DD` to revisit it):\n\n```sh\n";

/* The `cvetrail ack` lines for the new findings, in a code block (literal text). */
static void write_ack_commands(struct md *m, const void *const *items, size_t n)
{
	struct strbuf cmd = STRBUF_INIT;
	size_t shown = 0, refused = 0;
	int opened = 0;
	for (size_t i = 0; i < n && shown < m->max_rows && !m->truncated; i++) {
		const struct cvt_finding *f = ((const struct cvt_diff_item *)items[i])->after;
		sb_reset(&cmd);
		sb_addstr(&cmd, "cvetrail ack ");
		int rc = cvt_shell_quote(&cmd, f->id);
		sb_addstr(&cmd, " --package ");
		rc |= cvt_shell_quote(&cmd, f->purl ? f->purl : "");
		sb_addstr(&cmd, " --reason '...'");
		if (m->o->report_path) {
			sb_addstr(&cmd, " --report ");
			rc |= cvt_shell_quote(&cmd, m->o->report_path);
		}
		if (m->o->triage_path) {
			sb_addstr(&cmd, " --triage ");
			rc |= cvt_shell_quote(&cmd, m->o->triage_path);
		}
		sb_addch(&cmd, '\n');
		if (rc) {
			refused++;
			continue;
		}
		if (m->out->len + cmd.len + 400 > m->limit) {
			m->truncated = 1;
			break;
		}
		if (!opened)
			sb_addstr(m->out, ack_intro);
		opened = 1;
		sb_add(m->out, cmd.buf, cmd.len);
		shown++;
	}
	if (opened)
		sb_addstr(m->out, "```\n\n");
	if (refused)
		sb_addf(m->out,
			"%zu %s an id or package with control characters: no command "
			"is suggested for %s.\n\n",
			refused, plural(refused, "finding has", "findings have"),
			plural(refused, "it", "them"));
	sb_release(&cmd);
}

static void write_incomplete(struct md *m)
{
	const struct cvt_diff *d = m->d;
	sb_addstr(m->out, "### Scan incomplete\n\n");
	if (m->rv->incomplete == CVT_INCOMPLETE_NO_OS) {
		sb_addstr(m->out, "The previous report names an operating system (");
		cvt_md_escape(m->out, d->before->os, 60);
		sb_addstr(m->out, ") and this scan found none");
	} else {
		sb_addf(m->out,
			"This scan returned no results while the previous report had %zu %s",
			d->before->n_findings,
			plural(d->before->n_findings, "finding", "findings"));
	}
	sb_addstr(m->out, ": the scanner saw less of the image (wrong image, skipped directories, "
			  "an OS it does not know). Findings that disappeared may not be fixed; "
			  "check the scan before merging.\n\n");
}

/* Pointers to the items of `list` that `keep` selects. */
static size_t select_items(const void **sel, const struct cvt_diff_list *list,
			   int (*keep)(const struct cvt_diff_item *))
{
	size_t n = 0;
	for (size_t i = 0; i < list->n; i++)
		if (!keep || keep(&list->items[i]))
			sel[n++] = &list->items[i];
	return n;
}

static int is_untriaged(const struct cvt_diff_item *it)
{
	return !it->decision;
}

static int is_triaged(const struct cvt_diff_item *it)
{
	return it->decision != NULL;
}

static int is_risen(const struct cvt_diff_item *it)
{
	if (it->before)
		return it->after->severity > it->before->severity;
	return (it->review & CVT_REVIEW_BIT(CVT_REVIEW_SEVERITY)) != 0;
}

/* A change worth a row: anything but a new installed version or a severity rise. */
static int is_other_change(const struct cvt_diff_item *it)
{
	unsigned fields = it->fields & ~(unsigned)CVT_FIELD_INSTALLED_VERSION;
	if (it->after->severity > it->before->severity)
		fields &= ~(unsigned)CVT_FIELD_SEVERITY;
	return fields != 0;
}

static int is_version_only(const struct cvt_diff_item *it)
{
	return it->fields == CVT_FIELD_INSTALLED_VERSION;
}

static const char new_header[] =
	"| Vulnerability | Package | Installed \xE2\x86\x92 fixed | Severity | Title |\n"
	"| --- | --- | --- | --- | --- |\n";

static void write_sections(struct md *m, const void **sel)
{
	const struct cvt_diff *d = m->d;
	const struct cvt_review *rv = m->rv;
	size_t n;

	if ((n = select_items(sel, &d->added, is_untriaged))) {
		heading(m, "New findings", n);
		md_table(m, new_header, sel, n, row_new);
		write_ack_commands(m, sel, n);
	}
	n = select_items(sel, &d->added, is_risen);
	n += select_items(sel + n, &d->changed, is_risen);
	if (n) {
		heading(m, "Severity risen", n);
		md_table(m,
			 "| Vulnerability | Package | Severity | Triage | Needs review |\n"
			 "| --- | --- | --- | --- | --- |\n",
			 sel, n, row_risen);
	}
	if (rv->expired.n) {
		for (size_t i = 0; i < rv->expired.n; i++)
			sel[i] = &rv->expired.items[i];
		heading(m, "Triage expired", rv->expired.n);
		md_table(m,
			 "| Vulnerability | Package | Severity | Expired | Decision |\n"
			 "| --- | --- | --- | --- | --- |\n",
			 sel, rv->expired.n, row_expiry);
	}
	if (rv->incomplete)
		write_incomplete(m);
	if ((n = select_items(sel, &d->added, is_triaged))) {
		heading(m, "New findings covered by a triage decision", n);
		md_table(m,
			 "| Vulnerability | Package | Severity | Decision |\n"
			 "| --- | --- | --- | --- |\n",
			 sel, n, row_triaged);
	}
	if ((n = select_items(sel, &d->removed, NULL))) {
		heading(m, "Fixed", n);
		if (rv->incomplete)
			sb_addstr(m->out, "The scan was incomplete: these may only be unseen.\n\n");
		md_table(m,
			 "| Vulnerability | Package | Installed | Severity | Title |\n"
			 "| --- | --- | --- | --- | --- |\n",
			 sel, n, row_fixed);
	}
	if ((n = select_items(sel, &d->changed, is_other_change))) {
		heading(m, "Other changes", n);
		md_table(m, "| Vulnerability | Package | Change |\n| --- | --- | --- |\n", sel, n,
			 row_changed);
	}
	if ((n = select_items(sel, &d->changed, is_version_only)))
		sb_addf(m->out,
			"%zu %s only a new installed version (a base image or package "
			"update that did not fix %s).\n\n",
			n, plural(n, "finding has", "findings have"), plural(n, "it", "them"));
	if (rv->expiring.n) {
		for (size_t i = 0; i < rv->expiring.n; i++)
			sel[i] = &rv->expiring.items[i];
		sb_addf(m->out, "### Decisions expiring within %d days (%zu)\n\n",
			m->p->expiring_days, rv->expiring.n);
		md_table(m,
			 "| Vulnerability | Package | Severity | Expires | Decision |\n"
			 "| --- | --- | --- | --- | --- |\n",
			 sel, rv->expiring.n, row_expiry);
	}
}

void cvt_markdown_summary(struct strbuf *out, const struct cvt_diff *d, const struct cvt_review *rv,
			  const struct cvt_policy *p, const struct cvt_md_options *o)
{
	static const struct cvt_md_options defaults = {0};
	struct md m = {0};
	m.out = out;
	m.d = d;
	m.rv = rv;
	m.p = p;
	m.o = o ? o : &defaults;
	m.max_rows = m.o->max_rows ? m.o->max_rows : DEFAULT_MAX_ROWS;
	size_t max_bytes = m.o->max_bytes ? m.o->max_bytes : DEFAULT_MAX_BYTES;
	size_t start = out->len;
	m.limit = start + (max_bytes > 2 * TAIL_RESERVE ? max_bytes - TAIL_RESERVE : max_bytes / 2);
	sb_init(&m.row, 256);

	size_t most = d->added.n + d->changed.n;
	if (d->removed.n > most)
		most = d->removed.n;
	if (rv->expired.n > most)
		most = rv->expired.n;
	if (rv->expiring.n > most)
		most = rv->expiring.n;
	const void **sel = cvt_calloc(most ? most : 1, sizeof *sel);

	write_headline(&m);
	write_counts(&m);
	write_sections(&m, sel);

	free(sel);
	sb_release(&m.row);
}
