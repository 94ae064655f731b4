#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "date.h"
#include "diff.h"
#include "fileio.h"
#include "ingest.h"
#include "lock.h"
#include "markdown.h"
#include "policy.h"
#include "report.h"
#include "scanner.h"
#include "triage.h"

#define DEFAULT_REPORT      "cvetrail-report.json"
#define DEFAULT_LEDGER      ".cvetrail/triage.json"
#define MAX_TIMEOUT_SECONDS (7 * 24 * 3600)

static const struct cvt_option_doc update_options[] = {
	{"--report FILE",
	 "The committed report to compare with and replace. Default: cvetrail-report.json. When "
	 "it does not exist (the first run) every finding is added. It is rewritten (atomically) "
	 "only when its bytes change."},
	{"--triage FILE",
	 "The triage ledger. Default: .cvetrail/triage.json (a missing ledger is empty)."},
	{"--summary FILE",
	 "Write the Markdown pull-request summary to FILE (atomically): a headline saying whether "
	 "and why a human must look, counts by severity before and after, the new findings with "
	 "the 'cvetrail ack' commands that would accept them, severity rises, expired and "
	 "expiring decisions, new findings covered by a decision, fixed findings and other "
	 "changes. Text from the scan is escaped so that it cannot add links, HTML, mentions or "
	 "table cells; long tables are cut, and the whole stays under GitHub's 65536-character "
	 "limit on a pull-request body."},
	{"--exit-code", "Exit 1 when something needs a human, 0 otherwise."},
	{"--config FILE",
	 "Read the policy and label texts from FILE (format below). Default: .cvetrail/config "
	 "when it exists."},
	{"--min-severity S",
	 "Added or risen findings below severity S (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN) need "
	 "no review. Overrides review.min-severity of the config."},
	{"--image REF",
	 "Scan the image REF instead of reading INPUT (see 'cvetrail scan'). A REF that begins "
	 "with '-' is refused."},
	{"--scanner trivy|grype", "With --image: the scanner to run (default: trivy)."},
	{"--timeout SECONDS", "With --image: stop the scanner after SECONDS (default: 600)."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_update_doc = {
	.name = "update",
	.synopsis =
		"cvetrail update [--report FILE] [--triage FILE] [--summary FILE] [--exit-code] "
		"[--config FILE] [--min-severity S] (INPUT | --image REF [--scanner trivy|grype] "
		"[--timeout SECONDS])",
	.summary = "the daily step: compare a new scan with the committed report and replace it",
	.description =
		"Reads the scanner output INPUT ('-' for standard input; any format cvetrail "
		"reads) or "
		"scans the image REF, normalizes it, compares it with the committed report as "
		"'cvetrail diff' does, then writes the new report over the old one, the Markdown "
		"summary (--summary), and prints a short summary. Nothing needs a human when no "
		"label applies; otherwise the labels say why: 'new CVE', 'severity changed', "
		"'triage expired', 'scan incomplete' (see 'cvetrail diff --help').\n"
		"\n"
		"When the environment variable GITHUB_OUTPUT names a file, these lines are "
		"appended "
		"to it: review=true|false, labels=<labels separated by commas>, added=N, "
		"removed=N, "
		"changed=N.\n"
		"\n"
		"A scan that fails or cannot be read (scanner error, unreadable file, invalid or "
		"truncated JSON, not a report) exits 2 and leaves the report, the summary and "
		"GITHUB_OUTPUT untouched: a broken scan must never look like every CVE was fixed.\n"
		"\n"
		"Two updates of one report run one after the other: the report is read, compared "
		"and replaced under the lock file REPORT.lock (waiting up to 30 seconds for "
		"another update). A lock left by a process that no longer runs is reported "
		"(exit 2), not waited on.\n"
		"\n"
		"The config file (.cvetrail/config) holds 'key = value' lines, '#' comments and "
		"optional '[section]' headers (under '[label]', 'new = ...' means 'label.new = "
		"...'). Keys: label.new, label.severity, label.expired, label.incomplete (label "
		"texts: 1 to 50 characters, no commas or control characters; defaults 'new CVE', "
		"'severity changed', 'triage expired', 'scan incomplete'); review.min-severity "
		"(default UNKNOWN); review.new, review.severity, review.expired, review.incomplete "
		"(true or false: whether that reason needs review; default true); "
		"review.expiring-days (decisions listed as expiring soon, default 14); "
		"summary.max-rows (rows per summary table, default 50). Unknown keys are errors.\n"
		"\n"
		"Examples:\n"
		"\n"
		"trivy image --format json --scanners vuln -o scan.json IMAGE && cvetrail update "
		"--summary pr-body.md scan.json\n"
		"\n"
		"cvetrail update --image registry.example.com/shop/api:1.4 --summary pr-body.md",
	.options = update_options,
	.exit_status = "0: success (with --exit-code: nothing needs a human).\n"
		       "1: with --exit-code, something needs a human.\n"
		       "2: bad usage, a failed scan, or an unreadable or invalid input, report, "
		       "ledger or config; nothing was written.",
};

static int parse_timeout(const char *text, int *seconds)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno || end == text || *end || value <= 0 || value > MAX_TIMEOUT_SECONDS)
		return -1;
	*seconds = (int)value;
	return 0;
}

struct update_args {
	const char *report_path;
	const char *ledger_path;
	const char *summary_path;
	const char *config_path;
	const char *min_severity;
	const char *input;
	const char *image;
	const char *scanner;
	int timeout_seconds;
	int exit_code;
};

/* Parses argv into `a`; returns 0, 1 after printing --help, -1 after a usage error. */
static int parse_args(int argc, char **argv, struct update_args *a)
{
	static const struct option longopts[] = {
		{"report", required_argument, NULL, 'r'},
		{"triage", required_argument, NULL, 't'},
		{"summary", required_argument, NULL, 'S'},
		{"exit-code", no_argument, NULL, 'e'},
		{"config", required_argument, NULL, 'c'},
		{"min-severity", required_argument, NULL, 's'},
		{"image", required_argument, NULL, 'i'},
		{"scanner", required_argument, NULL, 'n'},
		{"timeout", required_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt, n_args = 0, timeout_given = 0;
	memset(a, 0, sizeof *a);
	a->report_path = DEFAULT_REPORT;
	a->ledger_path = DEFAULT_LEDGER;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "-:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 1:
			if (n_args++ == 0)
				a->input = optarg;
			break;
		case 'r':
			a->report_path = optarg;
			break;
		case 't':
			a->ledger_path = optarg;
			break;
		case 'S':
			a->summary_path = optarg;
			break;
		case 'e':
			a->exit_code = 1;
			break;
		case 'c':
			a->config_path = optarg;
			break;
		case 's':
			a->min_severity = optarg;
			break;
		case 'i':
			a->image = optarg;
			break;
		case 'n':
			a->scanner = optarg;
			break;
		case 'T':
			if (parse_timeout(optarg, &a->timeout_seconds) < 0) {
				cmd_usage_error("update",
						"--timeout: expected a number of seconds from "
						"1 to %d, got '%s'",
						MAX_TIMEOUT_SECONDS, optarg);
				return -1;
			}
			timeout_given = 1;
			break;
		case 'h':
			cmd_print_help(&cmd_update_doc);
			return 1;
		case ':':
			cmd_usage_error("update", "option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			cmd_usage_error("update", "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	for (; optind < argc; optind++) /* after "--" */
		if (n_args++ == 0)
			a->input = argv[optind];
	if (n_args > 1 || (n_args == 1 && a->image)) {
		cmd_usage_error("update", "expected one INPUT or --image REF, got %d argument%s%s",
				n_args, n_args == 1 ? "" : "s", a->image ? " and --image" : "");
		return -1;
	}
	if (!a->input && !a->image) {
		cmd_usage_error("update", "expected the scanner output INPUT, or --image REF");
		return -1;
	}
	if (a->image && (a->image[0] == '-' || a->image[0] == '\0')) {
		cmd_usage_error("update", "refusing image reference '%s': it %s", a->image,
				a->image[0]
					? "begins with '-' (it would be read as a scanner option)"
					: "is empty");
		return -1;
	}
	if (!a->image && (a->scanner || timeout_given)) {
		cmd_usage_error("update", "--scanner and --timeout need --image");
		return -1;
	}
	if (a->scanner && strcmp(a->scanner, "trivy") != 0 && strcmp(a->scanner, "grype") != 0) {
		cmd_usage_error("update", "--scanner: expected trivy or grype, got '%s'",
				a->scanner);
		return -1;
	}
	return 0;
}

/* The GitHub outputs, one "name=value" per line. Labels were validated: no newline, no comma. */
static void format_outputs(struct strbuf *out, const struct cvt_diff *d,
			   const struct cvt_review *rv)
{
	sb_addf(out, "review=%s\nlabels=", rv->reasons ? "true" : "false");
	for (size_t i = 0; i < rv->n_labels; i++) {
		if (i)
			sb_addch(out, ',');
		sb_addstr(out, rv->labels[i]);
	}
	sb_addf(out, "\nadded=%zu\nremoved=%zu\nchanged=%zu\n", d->added.n, d->removed.n,
		d->changed.n);
}

/* Opens GITHUB_OUTPUT for appending, before anything is written, so that it cannot fail after. */
static int open_output(const char *path, int *fd, struct cvt_error *err)
{
	*fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (*fd >= 0)
		return 0;
	cvt_error_about(err, path);
	return cvt_error_set(err, CVT_EIO, "cannot open for appending: %s", strerror(errno));
}

/* One write() where possible: GitHub reads the file after the step, lines must be whole. */
static int append_all(int fd, const char *path, const struct strbuf *text, struct cvt_error *err)
{
	size_t done = 0;
	while (done < text->len) {
		ssize_t n = write(fd, text->buf + done, text->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			cvt_error_about(err, path);
			return cvt_error_set(err, CVT_EIO, "cannot write: %s",
					     strerror(n < 0 ? errno : EIO));
		}
		done += (size_t)n;
	}
	return 0;
}

/* Loads the committed report; a missing one is the first run (an empty report). */
static int load_previous(struct cvt_report *before, const char *path, struct cvt_error *err)
{
	if (!cvt_file_exists(path))
		return 0;
	return cvt_load_report(before, path, err);
}

static void print_summary(const struct update_args *a, const struct cvt_diff *d,
			  const struct cvt_review *rv, int report_written)
{
	const char *name = d->after->artifact_name;
	struct strbuf line = STRBUF_INIT;
	sb_addstr(&line, "cvetrail: ");
	for (const char *p = name ? name : a->report_path; *p; p++)
		sb_addch(&line, (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
	sb_addf(&line, ": %zu added, %zu removed, %zu changed\n", d->added.n, d->removed.n,
		d->changed.n);
	if (rv->reasons) {
		sb_addstr(&line, "review needed: ");
		for (size_t i = 0; i < rv->n_labels; i++) {
			sb_addstr(&line, i ? ", " : "");
			sb_addstr(&line, rv->labels[i]);
		}
		sb_addch(&line, '\n');
	} else {
		sb_addstr(&line, "no review needed\n");
	}
	sb_addf(&line, "%s %s\n", a->report_path, report_written ? "updated" : "unchanged");
	fwrite(line.buf, 1, line.len, stdout);
	sb_release(&line);
}

static int next_step(int rc, struct cvt_error *err)
{
	if (rc == 0)
		cvt_error_clear(err);
	return rc;
}

int cmd_update(int argc, char **argv)
{
	struct update_args a;
	int parsed = parse_args(argc, argv, &a);
	if (parsed != 0)
		return parsed > 0 ? EXIT_OK : EXIT_ERROR;

	struct cvt_config config;
	struct cvt_ledger ledger;
	struct cvt_report before, after;
	struct cvt_diff diff;
	struct cvt_review review;
	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_lock lock = CVT_LOCK_INIT;
	struct cvt_date today;
	struct strbuf summary = STRBUF_INIT, outputs = STRBUF_INIT;
	int unchanged = 0;
	int status = EXIT_ERROR, report_written = 0, output_fd = -1;
	const char *github_output = getenv("GITHUB_OUTPUT");
	cvt_config_init(&config);
	cvt_ledger_init(&ledger);
	cvt_report_init(&before);
	cvt_report_init(&after);
	cvt_diff_init(&diff);
	cvt_review_init(&review);

	if (next_step(cvt_config_load(&config,
				      a.config_path ? a.config_path : CVT_CONFIG_DEFAULT_PATH,
				      a.config_path != NULL, &err),
		      &err) < 0)
		goto fail;
	if (a.min_severity &&
	    cvt_severity_parse_strict(a.min_severity, &config.policy.min_severity) < 0) {
		cmd_usage_error("update",
				"--min-severity: expected CRITICAL, HIGH, MEDIUM, LOW or "
				"UNKNOWN, got '%s'",
				a.min_severity);
		goto out;
	}
	/* Everything is read and checked before anything is written. */
	if (next_step(cvt_today(&today, &err), &err) < 0 ||
	    next_step(cvt_ledger_load(&ledger, a.ledger_path, &err), &err) < 0)
		goto fail;
	if (a.image) {
		struct cvt_scan_options so = {a.scanner, a.image, a.timeout_seconds};
		if (next_step(cvt_scan(&after, &so, &err), &err) < 0)
			goto fail;
	} else if (next_step(cvt_load_report(&after, a.input, &err), &err) < 0) {
		goto fail;
	}
	/* The report is read, compared and replaced under its lock, so that two
	 * updates of one report each diff against what the other wrote. The
	 * scan runs before: a long scan holds no one up. */
	if (next_step(cvt_lock_acquire(&lock, a.report_path, CVT_REPORT_LOCK_TIMEOUT_MS, &err),
		      &err) < 0 ||
	    next_step(load_previous(&before, a.report_path, &err), &err) < 0)
		goto fail;
	/* The report file is replaced only when its text changes, so a scan
	 * with nothing new makes no commit. Compared piece by piece: neither
	 * text is held whole. */
	if ((unchanged = cvt_report_matches_file(&after, a.report_path, &err)) < 0)
		goto fail;

	cvt_diff_compute(&diff, &before, &after);
	cvt_policy_apply(&review, &diff, &ledger, &config.policy, today.text);
	if (a.summary_path) {
		struct cvt_md_options md = {0};
		md.max_rows = config.summary_max_rows;
		if (strcmp(a.report_path, DEFAULT_REPORT) != 0)
			md.report_path = a.report_path;
		if (strcmp(a.ledger_path, DEFAULT_LEDGER) != 0)
			md.triage_path = a.ledger_path;
		cvt_markdown_summary(&summary, &diff, &review, &config.policy, &md);
	}
	format_outputs(&outputs, &diff, &review);

	if (github_output && *github_output && open_output(github_output, &output_fd, &err) < 0)
		goto fail;
	if (a.summary_path &&
	    cvt_write_file_atomic(a.summary_path, summary.buf, summary.len, &err) < 0)
		goto fail;
	if (!unchanged) {
		if (cvt_report_write_file(&after, a.report_path, &err) < 0)
			goto fail;
		report_written = 1;
	}
	if (output_fd >= 0) {
		int rc = append_all(output_fd, github_output, &outputs, &err);
		int closed = close(output_fd);
		output_fd = -1;
		if (rc < 0)
			goto fail;
		if (closed != 0) {
			cvt_error_about(&err, github_output);
			cvt_error_set(&err, CVT_EIO, "cannot write: %s", strerror(errno));
			goto fail;
		}
	}
	print_summary(&a, &diff, &review, report_written);
	if (fflush(stdout) != 0) {
		cmd_die("cannot write to standard output");
		goto out;
	}
	status = a.exit_code && review.reasons ? EXIT_REVIEW : EXIT_OK;
	goto out;
fail:
	cmd_report_error(&err);
out:
	if (output_fd >= 0)
		close(output_fd);
	cvt_lock_release(&lock);
	sb_release(&summary);
	sb_release(&outputs);
	cvt_review_release(&review);
	cvt_diff_release(&diff);
	cvt_report_release(&after);
	cvt_report_release(&before);
	cvt_ledger_release(&ledger);
	cvt_config_release(&config);
	cvt_error_release(&err);
	return status;
}
