#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "reportdir.h"
#include "date.h"
#include "fileio.h"
#include "fleet.h"
#include "gitconfig.h"
#include "ingest.h"
#include "lock.h"
#include "report.h"
#include "triage.h"
#include "vex_import.h"

#define DEFAULT_REPORT "cvetrail-report.json"
#define DEFAULT_LEDGER ".cvetrail/triage.json"

static const struct cvt_option_doc ack_options[] = {
	{"--package PURL",
	 "The package the decision is about. The version, qualifiers and subpath are dropped "
	 "(pkg:deb/debian/curl@7.88.1?arch=amd64 is stored as pkg:deb/debian/curl), so the "
	 "decision keeps matching after the package is upgraded. Without it the decision covers "
	 "the vulnerability in every package."},
	{"--image NAME",
	 "Scope the decision to one image: it then covers the finding only in an image whose "
	 "name equals NAME, with or without its tag and digest (the file name without .json in "
	 "a folder of reports, or the artifact name when normalize -o DIR named the file after "
	 "it; the image reference in a trivy k8s cluster report, the artifact "
	 "name of a single report). Without it the decision applies fleet-wide. A scoped "
	 "decision takes precedence over an unscoped one for the same id and package."},
	{"--reason TEXT", "Why: required, and kept in the ledger for reviewers and auditors."},
	{"--status S",
	 "The OpenVEX status: not_affected, affected, fixed or under_investigation. Default: "
	 "not_affected when --justification is given, else affected (an accepted risk)."},
	{"--justification J",
	 "The OpenVEX justification, required with not_affected and refused with any other "
	 "status: component_not_present, vulnerable_code_not_present, "
	 "vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary, "
	 "inline_mitigations_already_exist."},
	{"--expires YYYY-MM-DD",
	 "After this day the decision is expired: status exits 1 and update labels the pull "
	 "request 'triage expired' while the finding is present. Default: never expires. A date "
	 "already past is accepted with a warning."},
	{"--author NAME",
	 "Who decided. Default: $GIT_AUTHOR_NAME, else git's user.name (repository, global or "
	 "system configuration)."},
	{"--report FILE",
	 "The report the recorded severity is read from (canonical or raw scanner output, or a "
	 "folder of reports): the severity of the finding with that key, or without --package "
	 "the highest severity among the findings with that id or alias. Default: "
	 "cvetrail-report.json when it exists; without a report the severity is left empty (and "
	 "never counts as risen)."},
	{"--triage FILE",
	 "The ledger to write. Default: .cvetrail/triage.json (created when missing)."},
	{"--from FILE",
	 "Instead of one ID, import every decision of an OpenVEX document, a CycloneDX VEX BOM, a "
	 ".trivyignore or a .trivyignore.yaml file (detected from its content), so a team that "
	 "already keeps one adopts cvetrail without re-triaging. All or nothing: one invalid "
	 "statement and the ledger is left untouched."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_ack_doc = {
	.name = "ack",
	.synopsis =
		"cvetrail ack ID [--package PURL] [--image NAME] --reason TEXT [--status S] "
		"[--justification J] "
		"[--expires YYYY-MM-DD] [--author NAME] [--report FILE] [--triage FILE]\n"
		"cvetrail ack --from FILE [--author NAME] [--triage FILE]",
	.summary = "record a triage decision in the ledger",
	.description =
		"Records a human decision about the vulnerability ID (a CVE, GHSA or other id; a "
		"decision on one id also covers findings that list it as an alias) in the triage "
		"ledger, with the reason, the author, today's date (from SOURCE_DATE_EPOCH when set), "
		"an optional expiry date and the severity the finding has in the report now, so that "
		"status and update can tell when the severity rises above what was decided.\n"
		"\n"
		"A second ack of the same ID, package and image replaces the first. The ledger is sorted and "
		"written atomically; on any bad value nothing is written. When the report exists but "
		"has no finding the decision would cover, a warning is printed and the decision is "
		"recorded anyway (a decision made ahead of a scan is allowed).\n"
		"\n"
		"On success one line is printed, e.g. 'recorded: CVE-2023-38545 pkg:deb/debian/curl "
		"not_affected (expires 2027-02-28)'.\n"
		"\n"
		"Examples:\n"
		"\n"
		"cvetrail ack CVE-2023-38545 --package pkg:deb/debian/curl "
		"--justification vulnerable_code_not_in_execute_path "
		"--reason 'we never use a SOCKS5 proxy' --expires 2027-02-28\n"
		"\n"
		"cvetrail ack CVE-2024-0001 --reason 'accepted risk' --expires 2027-01-31",
	.options = ack_options,
	.exit_status =
		"0: the decision was recorded.\n"
		"2: bad usage or value (the message lists the allowed values), no author known, "
		"unreadable or invalid ledger or report; the ledger is left untouched.",
};

struct ack_options {
	const char *id;
	const char *package;
	const char *image;
	const char *reason;
	const char *status;
	const char *justification;
	const char *expires;
	const char *author;
	const char *report;
	const char *ledger;
	const char *from;
	int report_given;
};

/* Raises *max over the findings of `report` (of `image`) that `d` covers; counts them. */
static void scan_report(const struct cvt_report *report, const char *image,
			const struct cvt_decision *d, int *max, size_t *matched)
{
	for (size_t i = 0; i < report->n_findings; i++) {
		const struct cvt_finding *f = &report->findings[i];
		if (!cvt_decision_matches_in(d, f, image))
			continue;
		(*matched)++;
		if ((int)f->severity > *max)
			*max = (int)f->severity;
	}
}

/* The same over every image of a folder or cluster report, or over a single report. */
static int scan_reports(const char *path, const struct cvt_decision *d, int *max, size_t *matched,
			struct cvt_error *err)
{
	struct cvt_report report;
	int rc;
	cvt_report_init(&report);
	if (cvt_fleet_is_fleet(path)) {
		struct cvt_fleet_reader *rd;
		const char *image;
		if ((rc = cvt_fleet_open(&rd, path, err)) == 0) {
			while ((rc = cvt_fleet_next(rd, &report, &image, err)) > 0)
				scan_report(&report, image, d, max, matched);
			cvt_fleet_close(rd);
		}
	} else if ((rc = cvt_load_report(&report, path, err)) == 0) {
		scan_report(&report, report.artifact_name, d, max, matched);
	}
	cvt_report_release(&report);
	return rc < 0 ? rc : 0;
}

/* The severity to record: the highest among the findings the decision covers, or NULL. */
static int read_severity(const struct ack_options *o, const struct cvt_decision *d,
			 const char **severity, struct cvt_error *err)
{
	struct stat st;
	int max = -1, rc = 0;
	size_t matched = 0;
	*severity = NULL;
	if (stat(o->report, &st) < 0) {
		if (!o->report_given)
			return 0;
		cvt_error_about(err, o->report);
		return cvt_error_set(err, CVT_EIO, "cannot read the report: %s", strerror(errno));
	}
	rc = scan_reports(o->report, d, &max, &matched, err);
	if (rc < 0)
		return rc;
	if (!matched)
		fprintf(stderr,
			"cvetrail: warning: no finding in %s is covered by this decision (%s %s); "
			"recorded anyway, check the id and --package\n",
			o->report, d->id, d->package ? d->package : "in any package");
	else
		*severity = cvt_severity_name((enum cvt_severity)max);
	return 0;
}

static int resolve_author(const struct ack_options *o, struct strbuf *author)
{
	struct cvt_error err = CVT_ERROR_INIT;
	int status = EXIT_OK;
	const char *env = getenv("GIT_AUTHOR_NAME");
	if (o->author) {
		sb_addstr(author, o->author);
	} else if (env && *env) {
		sb_addstr(author, env);
	} else {
		int rc = cvt_git_user_name(".", author, &err);
		if (rc == CVT_ENOTFOUND)
			status = cmd_die("no author: pass --author or set git user.name");
		else if (rc < 0)
			status = cmd_report_error(&err);
	}
	cvt_error_release(&err);
	return status;
}

static int parse_options(int argc, char **argv, struct ack_options *o)
{
	static const struct option longopts[] = {
		{"package", required_argument, NULL, 'p'},
		{"image", required_argument, NULL, 'i'},
		{"reason", required_argument, NULL, 'r'},
		{"status", required_argument, NULL, 's'},
		{"justification", required_argument, NULL, 'j'},
		{"expires", required_argument, NULL, 'e'},
		{"author", required_argument, NULL, 'a'},
		{"report", required_argument, NULL, 'R'},
		{"triage", required_argument, NULL, 't'},
		{"from", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt, n_args = 0;
	opterr = 0;
	optind = 1;
	/* '-': operands come back in order as option 1, so "ack CVE-1 --reason x" works even
	 * under POSIXLY_CORRECT. */
	while ((opt = getopt_long(argc, argv, "-:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 1:
			if (n_args++ == 0)
				o->id = optarg;
			break;
		case 'p':
			o->package = optarg;
			break;
		case 'i':
			o->image = optarg;
			break;
		case 'r':
			o->reason = optarg;
			break;
		case 's':
			o->status = optarg;
			break;
		case 'j':
			o->justification = optarg;
			break;
		case 'e':
			o->expires = optarg;
			break;
		case 'a':
			o->author = optarg;
			break;
		case 'R':
			o->report = optarg;
			o->report_given = 1;
			break;
		case 't':
			o->ledger = optarg;
			break;
		case 'F':
			o->from = optarg;
			break;
		case 'h':
			cmd_print_help(&cmd_ack_doc);
			return EXIT_OK;
		case ':':
			return cmd_usage_error("ack", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("ack", "unknown option '%s'", argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++) /* after "--" */
		if (n_args++ == 0)
			o->id = argv[optind];
	if (o->from) {
		if (n_args || o->package || o->image || o->reason || o->status || o->justification || o->expires)
			return cmd_usage_error("ack", "--from FILE takes no ID and no decision options");
		return -1;
	}
	if (n_args != 1)
		return cmd_usage_error("ack", "expected one vulnerability ID, got %d arguments",
				       n_args);
	if (!o->reason)
		return cmd_usage_error("ack", "--reason TEXT is required: say why");
	if (!o->status)
		o->status = o->justification ? "not_affected" : "affected";
	return -1;
}

static int import_decisions(struct ack_options *o, struct cvt_ledger *ledger)
{
	struct cvt_error err = CVT_ERROR_INIT;
	struct strbuf author = STRBUF_INIT;
	struct cvt_date today;
	struct cvt_lock lock = CVT_LOCK_INIT;
	int status = EXIT_ERROR, n;
	if (cvt_today(&today, &err) < 0 ||
	    cvt_lock_acquire(&lock, o->ledger, CVT_LEDGER_LOCK_TIMEOUT_MS, &err) < 0 ||
	    cvt_ledger_load(ledger, o->ledger, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	if ((status = resolve_author(o, &author)) != EXIT_OK)
		goto out;
	status = EXIT_ERROR;
	if ((n = cvt_vex_import(ledger, o->from, author.buf, today.text, &err)) < 0 ||
	    cvt_ledger_save(ledger, o->ledger, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	printf("imported %d decision%s from %s into %s\n", n, n == 1 ? "" : "s", o->from, o->ledger);
	status = fflush(stdout) == 0 ? EXIT_OK : cmd_die("cannot write to standard output");
out:
	cvt_lock_release(&lock);
	sb_release(&author);
	cvt_error_release(&err);
	return status;
}

int cmd_ack(int argc, char **argv)
{
	struct ack_options o = {.report = DEFAULT_REPORT, .ledger = DEFAULT_LEDGER};
	struct cvt_error err = CVT_ERROR_INIT;
	struct strbuf package = STRBUF_INIT, author = STRBUF_INIT;
	struct cvt_ledger ledger;
	struct cvt_date today;
	struct cvt_decision d = {0};
	struct cvt_lock lock = CVT_LOCK_INIT;
	int status = parse_options(argc, argv, &o);
	cvt_ledger_init(&ledger);
	if (status >= 0)
		goto out;
	status = EXIT_ERROR;
	if (o.from) {
		status = import_decisions(&o, &ledger);
		goto out;
	}

	if (cvt_vuln_id_validate(o.id, &err) < 0 ||
	    (o.package && cvt_decision_package(o.package, "--package", &package, &err) < 0) ||
	    cvt_today(&today, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	if ((status = resolve_author(&o, &author)) != EXIT_OK)
		goto out;
	status = EXIT_ERROR;
	d = (struct cvt_decision){
		.id = o.id,
		.package = o.package ? package.buf : NULL,
		.image = o.image,
		.status = o.status,
		.justification = o.justification,
		.reason = o.reason,
		.author = author.buf,
		.date = today.text,
		.expires = o.expires,
	};
	/* Every value is checked before the report is read, so a typo fails fast. */
	if (cvt_decision_validate(&d, &err) < 0 ||
	    cvt_lock_acquire(&lock, o.ledger, CVT_LEDGER_LOCK_TIMEOUT_MS, &err) < 0 ||
	    cvt_ledger_load(&ledger, o.ledger, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	if (read_severity(&o, &d, &d.severity, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	if (d.expires && strcmp(d.expires, today.text) < 0)
		fprintf(stderr,
			"cvetrail: warning: --expires %s is already past (today is %s): status will "
			"report this decision as expired\n",
			d.expires, today.text);
	int replaced = cvt_ledger_find_in(&ledger, d.id, d.package, d.image) != (size_t)-1;
	cvt_ledger_put(&ledger, &d);
	if (cvt_ledger_save(&ledger, o.ledger, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	printf("recorded: %s %s", d.id, d.package ? d.package : "(every package)");
	if (d.image)
		printf(" in image %s", d.image);
	printf(" %s", d.status);
	if (d.expires)
		printf(" (expires %s)", d.expires);
	if (replaced)
		printf(", replacing the earlier decision");
	putchar('\n');
	status = fflush(stdout) == 0 ? EXIT_OK : cmd_die("cannot write to standard output");
out:
	cvt_lock_release(&lock);
	cvt_ledger_release(&ledger);
	sb_release(&package);
	sb_release(&author);
	cvt_error_release(&err);
	return status;
}
