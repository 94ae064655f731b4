#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "date.h"
#include "diff.h"
#include "ingest.h"
#include "markdown.h"
#include "policy.h"
#include "report.h"
#include "triage.h"

#define DEFAULT_LEDGER ".cvetrail/triage.json"
#define WIDTH_CAP      48 /* columns wider than this are not padded further */

static const struct cvt_option_doc diff_options[] = {
	{"--json",
	 "Print one JSON object: {\"added\": [...], \"removed\": [...], \"changed\": [...], "
	 "\"review\": true|false, \"labels\": [...], \"expired\": [...], \"incomplete\": "
	 "null|\"no_os\"|\"no_results\", \"summary\": {...}}. Added items hold key, id, package "
	 "(the versionless purl), severity, triage (the covering decision as the ledger holds "
	 "it, or null), package_name, installed_version, fixed_version, title, url and review; "
	 "changed items hold fields (the names of the changed fields) and a {\"from\", \"to\"} "
	 "object per changed field."},
	{"--markdown",
	 "Print the pull-request summary (the text update --summary writes) instead of text."},
	{"--triage FILE",
	 "The triage ledger. Default: .cvetrail/triage.json (a missing ledger is empty)."},
	{"--exit-code", "Exit 1 when something needs a human (see below), 0 otherwise."},
	{"--config FILE",
	 "Read the policy and label texts from FILE. Default: .cvetrail/config when it exists "
	 "(see 'cvetrail update --help' for its format)."},
	{"--min-severity S",
	 "Added or risen findings below severity S (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN) need "
	 "no review. Overrides review.min-severity of the config. Default: UNKNOWN (all do)."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_diff_doc = {
	.name = "diff",
	.synopsis =
		"cvetrail diff [--json|--markdown] [--triage FILE] [--exit-code] [--config FILE] "
		"[--min-severity S] OLD NEW",
	.summary = "compare two reports by finding key and say what needs review",
	.description =
		"Compares the report OLD with NEW (each a cvetrail report or any scanner output "
		"cvetrail reads; '-' is standard input for one of them) by finding key "
		"'<vulnerability id> <versionless purl>', never by counts: one finding fixed and "
		"another introduced on the same day is one added and one removed. A finding "
		"present "
		"in both is changed when its severity, fixed_version, status, installed_version, "
		"title, url, cvss or aliases differ; where and in which target it was found is not "
		"compared, so a base-image update (new tag, new OS point release, new layers) adds "
		"and removes nothing.\n"
		"\n"
		"What needs a human, and the label that says so: an added finding no triage "
		"decision "
		"covers ('new CVE'); a severity that rose, for a triaged finding above the "
		"severity "
		"recorded in its decision ('severity changed'); a decision that expired while a "
		"finding it covers is present ('triage expired'); a scan that saw less than the "
		"previous one: OLD names an OS and NEW none, or NEW has no results while OLD had "
		"findings ('scan incomplete'). Fixed findings, lower severities, new installed "
		"versions and other new details merge without review.\n"
		"\n"
		"The default output is text for a terminal: one line per finding in aligned "
		"columns, "
		"coloured when standard output is a terminal and NO_COLOR is not set, with control "
		"characters from the reports replaced. Today (for expiry) is taken from "
		"SOURCE_DATE_EPOCH when set.\n"
		"\n"
		"Examples:\n"
		"\n"
		"git show HEAD~1:cvetrail-report.json | cvetrail diff - cvetrail-report.json\n"
		"\n"
		"cvetrail diff --json --exit-code old.json trivy.json | jq '.added[].key'",
	.options = diff_options,
	.exit_status = "0: success (with --exit-code: nothing needs a human).\n"
		       "1: with --exit-code, something needs a human.\n"
		       "2: bad usage, or an unreadable or invalid report, ledger or config.",
};

enum diff_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_MARKDOWN };

/* Terminal escape sequences, or empty strings without colour. */
struct palette {
	const char *bold, *red_bold, *red, *yellow, *cyan, *dim, *reset;
};

static const struct palette no_colour = {"", "", "", "", "", "", ""};
static const struct palette ansi_colour = {"\033[1m",  "\033[1;31m", "\033[31m", "\033[33m",
					   "\033[36m", "\033[2m",    "\033[0m"};

static int want_colour(void)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
	if (no && *no)
		return 0;
	if (term && !strcmp(term, "dumb"))
		return 0;
	return isatty(STDOUT_FILENO);
}

static const char *severity_colour(const struct palette *c, enum cvt_severity s)
{
	switch (s) {
	case CVT_SEV_CRITICAL:
		return c->red_bold;
	case CVT_SEV_HIGH:
		return c->red;
	case CVT_SEV_MEDIUM:
		return c->yellow;
	case CVT_SEV_LOW:
		return c->cyan;
	case CVT_SEV_UNKNOWN:
		break;
	}
	return c->dim;
}

/* Characters add_sanitized would write for `s`. */
static size_t text_width(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		n += (*p & 0xC0) != 0x80;
	return n;
}

static void add_padded(struct strbuf *out, const char *s, size_t width)
{
	size_t w = term_add_safe(out, s);
	while (w++ < width)
		sb_addch(out, ' ');
}

/* Ends a line without the padding of an empty last column. */
static void end_line(struct strbuf *out)
{
	size_t len = out->len;
	while (len && out->buf[len - 1] == ' ')
		len--;
	sb_setlen(out, len);
	sb_addch(out, '\n');
}

struct text_ctx {
	struct strbuf *out;
	const struct palette *c;
	const struct cvt_policy *p;
	size_t id_width, pkg_width;
};

static void widen(struct text_ctx *t, const struct cvt_finding *f)
{
	size_t w = text_width(f->id);
	if (w > t->id_width)
		t->id_width = w > WIDTH_CAP ? WIDTH_CAP : w;
	w = text_width(f->purl);
	if (w > t->pkg_width)
		t->pkg_width = w > WIDTH_CAP ? WIDTH_CAP : w;
}

/* "  HIGH      CVE-2026-0001  pkg:deb/debian/curl  " */
static void line_start(struct text_ctx *t, const struct cvt_finding *f)
{
	const char *name = cvt_severity_name(f->severity);
	sb_addf(t->out, "  %s%s%s%*s  ", severity_colour(t->c, f->severity), name, t->c->reset,
		(int)(8 - strlen(name)), "");
	add_padded(t->out, f->id, t->id_width);
	sb_addstr(t->out, "  ");
	add_padded(t->out, f->purl, t->pkg_width);
	sb_addstr(t->out, "  ");
}

static void review_note(struct text_ctx *t, unsigned review)
{
	if (!review)
		return;
	sb_addf(t->out, "  %s[needs review: ", t->c->red_bold);
	int first = 1;
	for (int r = 0; r < CVT_REVIEW_COUNT; r++) {
		if (!(review & CVT_REVIEW_BIT(r)))
			continue;
		sb_addstr(t->out, first ? "" : ", ");
		term_add_safe(t->out, t->p->labels[r]);
		first = 0;
	}
	sb_addf(t->out, "]%s", t->c->reset);
}

static void section(struct text_ctx *t, const char *title, size_t n)
{
	sb_addf(t->out, "%s%s (%zu)%s\n", t->c->bold, title, n, t->c->reset);
}

static void text_changed(struct text_ctx *t, const struct cvt_diff_item *it)
{
	const struct cvt_finding *b = it->before, *a = it->after;
	line_start(t, a);
	int first = 1;
	for (unsigned bit = 1; bit < (1u << CVT_FIELD_COUNT); bit <<= 1) {
		if (!(it->fields & bit))
			continue;
		sb_addstr(t->out, first ? "" : ", ");
		first = 0;
		sb_addstr(t->out, cvt_diff_field_name(bit));
		if (bit == CVT_FIELD_SEVERITY)
			sb_addf(t->out, " %s -> %s", cvt_severity_name(b->severity),
				cvt_severity_name(a->severity));
	}
	if (it->decision && (it->fields & CVT_FIELD_SEVERITY)) {
		sb_addstr(t->out, "  (triaged");
		if (it->decision->severity) {
			sb_addstr(t->out, " at ");
			term_add_safe(t->out, it->decision->severity);
		}
		sb_addch(t->out, ')');
	}
	review_note(t, it->review);
	end_line(t->out);
}

static void write_text(struct strbuf *out, const struct cvt_diff *d, const struct cvt_review *rv,
		       const struct cvt_policy *p, const struct palette *c)
{
	struct text_ctx t = {out, c, p, 0, 0};
	for (size_t i = 0; i < d->added.n; i++)
		widen(&t, d->added.items[i].after);
	for (size_t i = 0; i < d->removed.n; i++)
		widen(&t, d->removed.items[i].before);
	for (size_t i = 0; i < d->changed.n; i++)
		widen(&t, d->changed.items[i].after);
	for (size_t i = 0; i < rv->expired.n; i++)
		widen(&t, rv->expired.items[i].finding);

	const char *name =
		d->after->artifact_name ? d->after->artifact_name : d->before->artifact_name;
	if (name) {
		term_add_safe(out, name);
		sb_addstr(out, ": ");
	}
	sb_addf(out, "%zu added, %zu removed, %zu changed\n", d->added.n, d->removed.n,
		d->changed.n);

	if (d->added.n)
		section(&t, "Added", d->added.n);
	for (size_t i = 0; i < d->added.n; i++) {
		const struct cvt_diff_item *it = &d->added.items[i];
		line_start(&t, it->after);
		term_add_safe(out, it->after->title);
		if (it->decision) {
			sb_addf(out, "  %s[triaged: ", c->dim);
			term_add_safe(out, it->decision->status);
			sb_addf(out, "]%s", c->reset);
		}
		review_note(&t, it->review);
		end_line(out);
	}
	if (d->removed.n)
		section(&t, "Removed", d->removed.n);
	for (size_t i = 0; i < d->removed.n; i++) {
		line_start(&t, d->removed.items[i].before);
		term_add_safe(out, d->removed.items[i].before->title);
		end_line(out);
	}
	if (d->changed.n)
		section(&t, "Changed", d->changed.n);
	for (size_t i = 0; i < d->changed.n; i++)
		text_changed(&t, &d->changed.items[i]);
	if (rv->expired.n)
		section(&t, "Expired triage decisions", rv->expired.n);
	for (size_t i = 0; i < rv->expired.n; i++) {
		const struct cvt_expiry *e = &rv->expired.items[i];
		line_start(&t, e->finding);
		sb_addstr(out, "expired ");
		term_add_safe(out, e->decision->expires);
		sb_addstr(out, " (");
		term_add_safe(out, e->decision->status);
		if (e->decision->author) {
			sb_addstr(out, ", ");
			term_add_safe(out, e->decision->author);
		}
		sb_addstr(out, ")");
		review_note(&t, (p->enabled & CVT_REVIEW_BIT(CVT_REVIEW_EXPIRED))
					? CVT_REVIEW_BIT(CVT_REVIEW_EXPIRED)
					: 0);
		sb_addch(out, '\n');
	}
	if (rv->incomplete == CVT_INCOMPLETE_NO_OS) {
		sb_addf(out, "%sScan incomplete:%s the old report names an OS (", c->bold,
			c->reset);
		term_add_safe(out, d->before->os);
		sb_addstr(out, "), the new one none\n");
	} else if (rv->incomplete == CVT_INCOMPLETE_NO_RESULTS) {
		sb_addf(out,
			"%sScan incomplete:%s the new scan has no results, the old report had "
			"%zu findings\n",
			c->bold, c->reset, d->before->n_findings);
	}
	if (rv->reasons) {
		sb_addf(out, "%sReview needed:%s ", c->red_bold, c->reset);
		for (size_t i = 0; i < rv->n_labels; i++) {
			sb_addstr(out, i ? ", " : "");
			term_add_safe(out, rv->labels[i]);
		}
		sb_addch(out, '\n');
	} else {
		sb_addstr(out, "No review needed.\n");
	}
}

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"markdown", no_argument, NULL, 'm'},
		{"triage", required_argument, NULL, 't'},
		{"exit-code", no_argument, NULL, 'e'},
		{"config", required_argument, NULL, 'c'},
		{"min-severity", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *ledger_path = DEFAULT_LEDGER, *config_path = NULL, *min_severity = NULL;
	const char *paths[2] = {NULL, NULL};
	enum diff_format format = FORMAT_TEXT;
	int opt, exit_code = 0, n_args = 0, n_formats = 0;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "-:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 1:
			if (n_args < 2)
				paths[n_args] = optarg;
			n_args++;
			break;
		case 'j':
			format = FORMAT_JSON;
			n_formats++;
			break;
		case 'm':
			format = FORMAT_MARKDOWN;
			n_formats++;
			break;
		case 't':
			ledger_path = optarg;
			break;
		case 'e':
			exit_code = 1;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 's':
			min_severity = optarg;
			break;
		case 'h':
			cmd_print_help(&cmd_diff_doc);
			return EXIT_OK;
		case ':':
			return cmd_usage_error("diff", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("diff", "unknown option '%s'", argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++, n_args++) /* after "--" */
		if (n_args < 2)
			paths[n_args] = argv[optind];
	if (n_args != 2)
		return cmd_usage_error("diff", "expected two reports OLD and NEW, got %d", n_args);
	if (n_formats > 1)
		return cmd_usage_error("diff", "--json and --markdown are exclusive");
	if (!strcmp(paths[0], "-") && !strcmp(paths[1], "-"))
		return cmd_usage_error("diff", "only one of OLD and NEW can be standard input");

	struct cvt_config config;
	struct cvt_ledger ledger;
	struct cvt_report before, after;
	struct cvt_diff diff;
	struct cvt_review review;
	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_date today;
	struct strbuf out = STRBUF_INIT;
	int status = EXIT_ERROR;
	cvt_config_init(&config);
	cvt_ledger_init(&ledger);
	cvt_report_init(&before);
	cvt_report_init(&after);
	cvt_diff_init(&diff);
	cvt_review_init(&review);

	if (cvt_config_load(&config, config_path ? config_path : CVT_CONFIG_DEFAULT_PATH,
			    config_path != NULL, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	if (min_severity &&
	    cvt_severity_parse_strict(min_severity, &config.policy.min_severity) < 0) {
		cmd_usage_error("diff",
				"--min-severity: expected CRITICAL, HIGH, MEDIUM, LOW or "
				"UNKNOWN, got '%s'",
				min_severity);
		goto out;
	}
	if (cvt_today(&today, &err) < 0 || cvt_ledger_load(&ledger, ledger_path, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	cvt_error_clear(&err);
	/* The two reports are read at once: a large one reads on two threads
	 * only while it is scanned, and the other fills the gaps. */
	if (cvt_load_report_pair(&before, paths[0], &after, paths[1], &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	cvt_error_clear(&err);
	cvt_diff_compute(&diff, &before, &after);
	cvt_policy_apply(&review, &diff, &ledger, &config.policy, today.text);

	if (format == FORMAT_JSON) {
		cvt_diff_write_json(&diff, &review, &out);
	} else if (format == FORMAT_MARKDOWN) {
		struct cvt_md_options md = {0};
		md.max_rows = config.summary_max_rows;
		if (strcmp(ledger_path, DEFAULT_LEDGER) != 0)
			md.triage_path = ledger_path;
		cvt_markdown_summary(&out, &diff, &review, &config.policy, &md);
	} else {
		write_text(&out, &diff, &review, &config.policy,
			   want_colour() ? &ansi_colour : &no_colour);
	}
	if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		cmd_die("cannot write to standard output");
		goto out;
	}
	status = exit_code && review.reasons ? EXIT_REVIEW : EXIT_OK;
out:
	sb_release(&out);
	cvt_review_release(&review);
	cvt_diff_release(&diff);
	cvt_report_release(&after);
	cvt_report_release(&before);
	cvt_ledger_release(&ledger);
	cvt_config_release(&config);
	cvt_error_release(&err);
	return status;
}
