#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "date.h"
#include "history.h"

#define DEFAULT_REPORT "cvetrail-report.json"

static const struct cvt_option_doc history_options[] = {
	{"--json",
	 "Print one JSON object instead of text: {\"findings\": [...], \"open_over_time\": [...], "
	 "\"time_to_fix\": {...}, \"authors\": [...], \"commits\": N}. A finding holds key, id, "
	 "package, aliases, title and severity (latest seen), first_seen and fixed "
	 "({\"commit\", \"date\"}; fixed is null while the finding is in the newest report), "
	 "reopened and fixes (every time it came back, every time it left: lists of {commit, "
	 "date}), severity_changes ({commit, date, from, to}) and "
	 "triage ({commit, date, author, status, justification, reason, expires, decision_id, "
	 "decision_package}); with a folder also \"image\". open_over_time has one entry per "
	 "commit that changed the report(s): {commit, date, CRITICAL, HIGH, MEDIUM, LOW, "
	 "UNKNOWN}. time_to_fix has, per severity, {fixed, median_days, p90_days} (null days when "
	 "nothing was fixed). authors is [{author, decisions}], most decisions first."},
	{"--report FILE|DIR",
	 "The report, or a folder of reports (one per image, DIR/<image>.json). Default: "
	 "cvetrail-report.json. The path may lead anywhere inside the work tree (../x, absolute)."},
	{"--triage FILE", "The ledger. Default: .cvetrail/triage.json."},
	{"--since YYYY-MM-DD",
	 "Show only what happened on or after this date (commit dates, UTC). Older commits are "
	 "still read, so first_seen stays the true first commit; findings fixed before the date "
	 "are left out, as are events, open_over_time points and decisions before it."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_history_doc = {
	.name = "history",
	.synopsis = "cvetrail history [--json] [--report FILE|DIR] [--triage FILE] "
		    "[--since YYYY-MM-DD] [ID|KEY]",
	.summary = "the audit trail of every finding, read from git",
	.description =
		"Walks the first-parent git history of the report (or of every *.json report in a "
		"folder) and of the triage ledger, oldest commit first, and tells for each finding "
		"when it was first seen, how its severity changed, every triage decision that "
		"covered it (who, what status, why; a decision removed from the ledger shows as "
		"\"removed\"), when it was fixed (it left the report) and when it was reopened (it "
		"came back). Then the aggregates: open findings per severity after each commit that "
		"changed a report (summed over images), the days from first seen to fixed per "
		"severity (median and 90th percentile, interpolated linearly between ranks, over "
		"the findings fixed now), and the decisions recorded per author.\n"
		"\n"
		"Only commits are history: changes not committed yet are not read. The first-parent "
		"walk sees a merged branch as one change at its merge commit. Dates are commit dates "
		"in UTC. A decision covers the findings it matches as status and vex do (its key, "
		"or its id and aliases in every package when it has no package); its events are "
		"listed with every such finding, including findings that appeared after it was "
		"made. The author of a decision is its author field, else the commit's author.\n"
		"\n"
		"With ID or KEY, only findings whose id, alias or key is exactly that are listed "
		"(the aggregates stay over the whole report); none is not an error.\n"
		"\n"
		"Text from reports and the ledger (titles, reasons, names) is printed with control "
		"characters replaced.\n"
		"\n"
		"Examples:\n"
		"\n"
		"cvetrail history CVE-2023-38545\n"
		"\n"
		"cvetrail history --json --since 2026-01-01 | jq '.time_to_fix.CRITICAL'",
	.options = history_options,
	.exit_status = "0: the history was read (also when no finding matches ID or KEY).\n"
		       "2: bad usage, not in a git repository, the report never committed, or "
		       "a committed report or ledger that is not valid (the message names the "
		       "commit, the path and the byte offset).",
};

/* One line of a finding's story, ordered by commit and, within one, by what happened. */
struct story_line {
	size_t order;
	int rank;
	size_t start, len; /* in the lines buffer */
};

struct story {
	struct strbuf text;
	struct story_line *lines;
	size_t n, alloc;
};

static struct strbuf *story_add(struct story *s, size_t order, int rank)
{
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 16;
		s->lines = cvt_realloc_array(s->lines, s->alloc, sizeof *s->lines);
	}
	s->lines[s->n++] = (struct story_line){order, rank, s->text.len, 0};
	return &s->text;
}

static void story_end(struct story *s)
{
	struct story_line *l = &s->lines[s->n - 1];
	l->len = s->text.len - l->start;
}

static int compare_lines(const void *a, const void *b)
{
	const struct story_line *x = a, *y = b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	return (x->start > y->start) - (x->start < y->start);
}

static void add_point(struct story *s, const struct cvt_hist_point *p, int rank, const char *what)
{
	struct strbuf *t = story_add(s, p->order, rank);
	sb_addf(t, "  %s %s (%.7s)", p->date, what, p->commit);
	story_end(s);
}

static void text_finding(struct strbuf *out, const struct cvt_hist_finding *f, struct story *s)
{
	if (f->image) {
		term_add_safe(out, f->image);
		sb_addstr(out, ": ");
	}
	term_add_safe(out, f->key);
	sb_addf(out, "\n  %s", cvt_severity_name(f->severity));
	if (f->title) {
		sb_addstr(out, "  ");
		term_add_safe(out, f->title);
	}
	sb_addch(out, '\n');

	sb_reset(&s->text);
	s->n = 0;
	add_point(s, &f->first_seen, 0, "first seen");
	for (size_t i = 0; i < f->n_reopened; i++)
		add_point(s, &f->reopened[i], 0, "reopened");
	for (size_t i = 0; i < f->n_severity_changes; i++) {
		const struct cvt_hist_severity_change *c = &f->severity_changes[i];
		struct strbuf *t = story_add(s, c->order, 1);
		sb_addf(t, "  %s severity %s -> %s (%.7s)", c->date, cvt_severity_name(c->from),
			cvt_severity_name(c->to), c->commit);
		story_end(s);
	}
	for (size_t i = 0; i < f->n_triage; i++) {
		const struct cvt_hist_triage *tr = &f->triage[i];
		struct strbuf *t = story_add(s, tr->order, 2);
		sb_addf(t, "  %s triage ", tr->date);
		term_add_safe(t, tr->status);
		if (tr->justification) {
			sb_addstr(t, " (");
			term_add_safe(t, tr->justification);
			sb_addch(t, ')');
		}
		sb_addstr(t, " by ");
		term_add_safe(t, tr->author ? tr->author : "unknown");
		if (tr->reason) {
			sb_addstr(t, ": ");
			term_add_safe(t, tr->reason);
		}
		if (tr->expires) {
			sb_addstr(t, " (expires ");
			term_add_safe(t, tr->expires);
			sb_addch(t, ')');
		}
		sb_addf(t, " (%.7s)", tr->commit);
		story_end(s);
	}
	for (size_t i = 0; i < f->n_fixes; i++)
		add_point(s, &f->fixes[i], 3, "fixed");
	qsort(s->lines, s->n, sizeof *s->lines, compare_lines);
	for (size_t i = 0; i < s->n; i++) {
		sb_add(out, s->text.buf + s->lines[i].start, s->lines[i].len);
		sb_addch(out, '\n');
	}
	sb_addch(out, '\n');
}

static void text_days(struct strbuf *out, double days)
{
	sb_addf(out, "%.10g", days);
}

static void write_text(const struct cvt_history *h, struct strbuf *out)
{
	static const enum cvt_severity order[CVT_SEV_COUNT] = {
		CVT_SEV_CRITICAL, CVT_SEV_HIGH, CVT_SEV_MEDIUM, CVT_SEV_LOW, CVT_SEV_UNKNOWN};
	struct story s = {STRBUF_INIT, NULL, 0, 0};
	for (size_t i = 0; i < h->n_findings; i++)
		text_finding(out, &h->findings[i], &s);
	sb_release(&s.text);
	free(s.lines);

	sb_addf(out, "Open findings over time (%zu):\n", h->n_open_over_time);
	for (size_t i = 0; i < h->n_open_over_time; i++) {
		const struct cvt_hist_open *p = &h->open_over_time[i];
		sb_addf(out, "  %s (%.7s)", p->date, p->commit);
		for (int k = 0; k < CVT_SEV_COUNT; k++)
			sb_addf(out, "  %s %zu", cvt_severity_name(order[k]), p->count[order[k]]);
		sb_addch(out, '\n');
	}
	sb_addstr(out, "Time to fix (days from first seen to fixed):\n");
	for (int k = 0; k < CVT_SEV_COUNT; k++) {
		const struct cvt_hist_time_to_fix *t = &h->time_to_fix[order[k]];
		sb_addf(out, "  %-8s %zu fixed", cvt_severity_name(order[k]), t->fixed);
		if (t->fixed) {
			sb_addstr(out, ", median ");
			text_days(out, t->median_days);
			sb_addstr(out, ", p90 ");
			text_days(out, t->p90_days);
		}
		sb_addch(out, '\n');
	}
	sb_addf(out, "Decisions by author (%zu):\n", h->n_authors);
	for (size_t i = 0; i < h->n_authors; i++) {
		sb_addstr(out, "  ");
		term_add_safe(out, h->authors[i].author);
		sb_addf(out, "  %zu\n", h->authors[i].decisions);
	}
}

int cmd_history(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"report", required_argument, NULL, 'r'},
		{"triage", required_argument, NULL, 't'},
		{"since", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cvt_history_options o = {DEFAULT_REPORT, NULL, NULL, NULL};
	int opt, as_json = 0, n_args = 0;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "-:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 1:
			if (n_args++ == 0)
				o.filter = optarg;
			break;
		case 'j':
			as_json = 1;
			break;
		case 'r':
			o.report = optarg;
			break;
		case 't':
			o.ledger = optarg;
			break;
		case 's':
			o.since = optarg;
			break;
		case 'h':
			cmd_print_help(&cmd_history_doc);
			return EXIT_OK;
		case ':':
			return cmd_usage_error("history", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("history", "unknown option '%s'", argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++) /* after "--" */
		if (n_args++ == 0)
			o.filter = argv[optind];
	if (n_args > 1)
		return cmd_usage_error("history", "expected at most one ID or KEY, got %d", n_args);
	if (o.since && cvt_date_parse(o.since, NULL) < 0)
		return cmd_usage_error("history", "--since: expected a date YYYY-MM-DD, got '%s'",
				       o.since);
	if (!*o.report)
		return cmd_usage_error("history", "--report: expected a file or folder");

	/*
	 * Every version of the report is a multi-megabyte blob that libgit2 rebuilds
	 * through its delta chain, one fresh buffer per step. With glibc's defaults
	 * each such buffer is a new mmap (and its pages faulted in), which took more
	 * time than everything else; from the heap the same memory is reused.
	 */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);

	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_history h;
	struct strbuf out = STRBUF_INIT;
	int status = EXIT_ERROR;
	cvt_history_init(&h);
	if (cvt_history_compute(&h, &o, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	if (as_json) {
		cvt_history_write_json(&h, &out);
	} else {
		if (o.filter && !h.n_findings) {
			struct strbuf note = STRBUF_INIT;
			term_add_safe(&note, o.filter);
			fprintf(stderr, "cvetrail: no finding with id, alias or key '%s' in the history\n",
				note.buf);
			sb_release(&note);
		}
		write_text(&h, &out);
	}
	if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		cmd_die("cannot write to standard output");
		goto out;
	}
	status = EXIT_OK;
out:
	sb_release(&out);
	cvt_history_release(&h);
	cvt_error_release(&err);
	return status;
}
