#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dashboard.h"
#include "date.h"
#include "fileio.h"
#include "fleet.h"
#include "history.h"
#include "ingest.h"
#include "report.h"
#include "triage.h"

#define DEFAULT_REPORT "cvetrail-report.json"
#define DEFAULT_LEDGER ".cvetrail/triage.json"

static const struct cvt_option_doc dashboard_options[] = {
	{"-o, --output FILE",
	 "Write the page to FILE (replaced atomically) instead of standard output."},
	{"--report FILE|DIR",
	 "The report (default cvetrail-report.json; canonical or any scanner output cvetrail "
	 "reads), or a fleet: a folder of reports, one per image, or a trivy k8s cluster report."},
	{"--triage FILE",
	 "The ledger. Default: .cvetrail/triage.json (a missing ledger is empty)."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_dashboard_doc = {
	.name = "dashboard",
	.synopsis = "cvetrail dashboard [-o FILE] [--report FILE|DIR] [--triage FILE]",
	.summary = "write one self-contained static HTML page about the findings",
	.description =
		"Writes one HTML page that needs nothing else: no script, no font, style or image "
		"from elsewhere (inline CSS and SVG, and a Content-Security-Policy that refuses any "
		"outside resource), so it reads the same from a file, an artifact store or GitHub "
		"Pages, with JavaScript off.\n"
		"\n"
		"It shows the open findings now by severity; a chart of open findings over time by "
		"severity, with the same numbers as a table, from the git history of the report "
		"(without history, because the report is not in a git repository or was never "
		"committed, the page says so and shows the current counts); what needs attention: "
		"untriaged findings (newest first, by the date they first appeared), decisions "
		"expired while their finding is present, findings now above the severity their "
		"decision recorded; the decisions of the ledger with status, justification, reason, "
		"author, date and expiry; the findings fixed recently with the days they were open, "
		"the median and 90th percentile time to fix per severity, and decisions per author.\n"
		"\n"
		"Given a fleet (a folder of reports, one per image, or a trivy k8s cluster report), "
		"it adds the fleet: findings per image with untriaged "
		"criticals first, the vulnerabilities found in the most images, and the decisions "
		"that apply in several images. Each table shows its first 100 rows and says how many "
		"more there are, so the page stays small for any fleet.\n"
		"\n"
		"Every text from the reports, the ledger and the history (titles, packages, images, "
		"reasons) is HTML-escaped; advisory URLs are linked only when they are http or "
		"https. Today (for expiry) is taken from SOURCE_DATE_EPOCH when set.\n"
		"\n"
		"The history is that of the report (or folder) and the ledger in their git "
		"repository; a report outside any git repository, or never committed, gives a page "
		"without history. A history that cannot be read (an invalid report in some commit, "
		"a ledger outside the report's work tree) is an error.\n"
		"\n"
		"Examples:\n"
		"\n"
		"cvetrail dashboard -o public/index.html\n"
		"\n"
		"cvetrail dashboard --report reports/ -o fleet.html",
	.options = dashboard_options,
	.exit_status = "0: the page was written.\n"
		       "2: bad usage, or an unreadable or invalid report or ledger; nothing is "
		       "written.",
};

struct dashboard_args {
	const char *output;
	const char *report;
	const char *ledger;
};

static int parse_args(struct dashboard_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"report", required_argument, NULL, 'r'},
		{"triage", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;
	a->output = NULL;
	a->report = DEFAULT_REPORT;
	a->ledger = DEFAULT_LEDGER;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "-:ho:", longopts, NULL)) != -1) {
		switch (opt) {
		case 1:
			return cmd_usage_error("dashboard",
					       "unexpected argument '%s' (the report is "
					       "given with --report)",
					       optarg);
		case 'o':
			a->output = optarg;
			break;
		case 'r':
			a->report = optarg;
			break;
		case 't':
			a->ledger = optarg;
			break;
		case 'h':
			cmd_print_help(&cmd_dashboard_doc);
			return EXIT_OK;
		case ':':
			return cmd_usage_error("dashboard", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("dashboard", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage_error("dashboard",
				       "unexpected argument '%s' (the report is given "
				       "with --report)",
				       argv[optind]);
	return -1;
}

/* Adds every image of a fleet, one loaded at a time, to the page and to the fleet aggregate. */
static int add_fleet(struct cvt_dashboard *d, struct cvt_fleet *fleet, const char *path,
		     struct cvt_error *err)
{
	struct cvt_fleet_reader *rd = NULL;
	struct cvt_report r;
	const char *image;
	int rc = cvt_fleet_open(&rd, path, err);
	cvt_report_init(&r);
	while (rc == 0 && (rc = cvt_fleet_next(rd, &r, &image, err)) == 1) {
		cvt_dashboard_add(d, image, &r);
		cvt_fleet_add(fleet, image, &r);
		rc = 0;
	}
	cvt_report_release(&r);
	if (rd)
		cvt_fleet_close(rd);
	if (rc == 0)
		cvt_fleet_finish(fleet);
	return rc;
}

/*
 * Reads the history of the report and ledger. No history at all (not in a git repository,
 * never committed) is not an error: *note says why, for the page. Anything else is.
 */
static int read_history(struct cvt_history *h, const struct dashboard_args *a, struct strbuf *note,
			struct cvt_error *err)
{
	struct cvt_history_options o = {.report = a->report, .ledger = a->ledger};
	int rc = cvt_history_compute(h, &o, err);
	if (rc != CVT_ENOTFOUND)
		return rc;
	cvt_error_format(err, note);
	cvt_error_clear(err);
	return 1;
}

static int write_page(const char *output, const struct strbuf *page, struct cvt_error *err)
{
	if (output)
		return cvt_write_file_atomic(output, page->buf, page->len, err);
	if (fwrite(page->buf, 1, page->len, stdout) != page->len || fflush(stdout) != 0) {
		cvt_error_about(err, "standard output");
		return cvt_error_set(err, CVT_EIO, "cannot write");
	}
	return 0;
}

int cmd_dashboard(int argc, char **argv)
{
	struct dashboard_args a;
	int status = parse_args(&a, argc, argv);
	if (status >= 0)
		return status;

	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_ledger ledger;
	struct cvt_report report;
	struct cvt_date today;
	struct cvt_history history;
	struct cvt_fleet fleet;
	struct cvt_dashboard dash;
	struct strbuf page = STRBUF_INIT, history_note = STRBUF_INIT;
	struct cvt_dashboard_page about = {.title = NULL};
	int is_fleet = cvt_fleet_is_fleet(a.report), rc;
	status = EXIT_ERROR;
	cvt_ledger_init(&ledger);
	cvt_report_init(&report);
	cvt_history_init(&history);
	memset(&dash, 0, sizeof dash);
	memset(&fleet, 0, sizeof fleet);
	/* The report first: a missing or invalid one is the error to name, not its history. */
	if (cvt_today(&today, &err) < 0 || cvt_ledger_load(&ledger, a.ledger, &err) < 0 ||
	    (!is_fleet && cvt_load_report(&report, a.report, &err) < 0) ||
	    (rc = read_history(&history, &a, &history_note, &err)) < 0)
		goto fail;
	if (rc > 0)
		about.history_note = history_note.buf;
	cvt_dashboard_init(&dash, &ledger, today.text, rc == 0 ? &history : NULL, 0);
	cvt_fleet_init(&fleet, &ledger, today.text);
	if (is_fleet) {
		about.title = a.report;
		about.fleet = &fleet;
		if (add_fleet(&dash, &fleet, a.report, &err) < 0)
			goto fail;
	} else {
		about.title = report.artifact_name;
		cvt_dashboard_add(&dash, NULL, &report);
	}
	cvt_dashboard_write(&dash, &about, &page);
	if (write_page(a.output, &page, &err) < 0)
		goto fail;
	status = EXIT_OK;
	goto out;
fail:
	cmd_report_error(&err);
out:
	cvt_dashboard_release(&dash);
	cvt_fleet_release(&fleet);
	cvt_history_release(&history);
	sb_release(&page);
	sb_release(&history_note);
	cvt_report_release(&report);
	cvt_ledger_release(&ledger);
	cvt_error_release(&err);
	return status;
}
