#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dashboard.h"
#include "date.h"
#include "fileio.h"
#include "ingest.h"
#include "report.h"
#include "reportdir.h"
#include "triage.h"

#define DEFAULT_REPORT "cvetrail-report.json"
#define DEFAULT_LEDGER ".cvetrail/triage.json"

static const struct cvt_option_doc dashboard_options[] = {
	{"-o, --output FILE",
	 "Write the page to FILE (replaced atomically) instead of standard output."},
	{"--report FILE|DIR",
	 "The report (default cvetrail-report.json; canonical or any scanner output cvetrail "
	 "reads), or a folder of reports, one per image (the fleet)."},
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
		"Given a folder of reports, it adds the fleet: findings per image with untriaged "
		"criticals first, the vulnerabilities found in the most images, and the decisions "
		"that apply in several images. Each table shows its first 100 rows and says how many "
		"more there are, so the page stays small for any fleet.\n"
		"\n"
		"Every text from the reports, the ledger and the history (titles, packages, images, "
		"reasons) is HTML-escaped; advisory URLs are linked only when they are http or "
		"https. Today (for expiry) is taken from SOURCE_DATE_EPOCH when set.\n"
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
			return cmd_usage_error("dashboard", "unexpected argument '%s' (the report is "
							    "given with --report)", optarg);
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
			return cmd_usage_error("dashboard", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage_error("dashboard", "unexpected argument '%s' (the report is given "
						    "with --report)", argv[optind]);
	return -1;
}

/* "reports/web.json" -> "web" */
static const char *image_name(struct arena *a, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return arena_strndup(a, base, strlen(base) - strlen(".json"));
}

/* Adds every report of a folder, one loaded at a time. */
static int add_folder(struct cvt_dashboard *d, const char *dir, struct cvt_error *err)
{
	char **paths = NULL;
	size_t n = 0;
	int rc = cvt_list_reports(dir, &paths, &n, err);
	if (rc == 0 && n == 0) {
		cvt_error_set_file(err, dir);
		rc = cvt_error_set(err, CVT_EINVAL, "no *.json report in this folder");
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct cvt_report r;
		cvt_report_init(&r);
		rc = cvt_load_report(&r, paths[i], err);
		if (rc == 0)
			cvt_dashboard_add(d, image_name(&d->arena, paths[i]), &r);
		cvt_report_release(&r);
	}
	cvt_free_paths(paths, n);
	return rc;
}

static int write_page(const char *output, const struct strbuf *page, struct cvt_error *err)
{
	if (output)
		return cvt_write_file_atomic(output, page->buf, page->len, err);
	if (fwrite(page->buf, 1, page->len, stdout) != page->len || fflush(stdout) != 0) {
		cvt_error_set_file(err, "standard output");
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
	struct cvt_dashboard dash;
	struct strbuf page = STRBUF_INIT;
	struct cvt_dashboard_page about = {.history_note = "not available in this build"};
	int dash_ready = 0;
	status = EXIT_ERROR;
	cvt_ledger_init(&ledger);
	cvt_report_init(&report);
	if (cvt_today(&today, &err) < 0 || cvt_ledger_load(&ledger, a.ledger, &err) < 0)
		goto fail;
	cvt_dashboard_init(&dash, &ledger, today.text, NULL, 0);
	dash_ready = 1;
	if (cvt_is_dir(a.report)) {
		about.title = a.report;
		if (add_folder(&dash, a.report, &err) < 0)
			goto fail;
	} else {
		if (cvt_load_report(&report, a.report, &err) < 0)
			goto fail;
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
	if (dash_ready)
		cvt_dashboard_release(&dash);
	sb_release(&page);
	cvt_report_release(&report);
	cvt_ledger_release(&ledger);
	cvt_error_release(&err);
	return status;
}
