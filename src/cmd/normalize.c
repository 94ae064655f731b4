#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "fileio.h"
#include "fleet.h"
#include "ingest.h"
#include "date.h"
#include "report.h"
#include "reportdir.h"
#include "sarif.h"
#include "triage.h"

static const struct cvt_option_doc normalize_options[] = {
	{"-o, --output OUT",
	 "Write the report to OUT (replaced atomically: a temporary file in the same directory, "
	 "fsync, rename). Without it the report goes to standard output. For a trivy k8s cluster "
	 "report OUT is a folder (created when missing): one report per image."},
	{"--format json|sarif",
	 "json (default): the canonical report. sarif: SARIF 2.1.0 for code scanning, one result per "
	 "finding with a partial fingerprint derived from the finding key (so an alert follows the "
	 "finding across base-image updates) and a suppression for each finding covered by an "
	 "unexpired triage decision. A result lists at most 1,000 locations, GitHub code scanning's "
	 "limit (its message gives the number of places in all). Code scanning also rejects a run "
	 "of more than 25,000 results: such a report is still written whole, with a warning."},
	{"--triage FILE",
	 "The triage ledger read for --format sarif (default .cvetrail/triage.json, when it exists)."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_normalize_doc = {
	.name = "normalize",
	.synopsis = "cvetrail normalize [--format json|sarif] [--triage FILE] [-o OUT] [INPUT|-]",
	.summary = "turn scanner JSON into the canonical report",
	.description =
		"Reads a scanner's JSON output (Trivy SchemaVersion 2, legacy Trivy arrays and null, "
		"Grype, or a cvetrail report; the format is detected) from INPUT, or standard input "
		"when INPUT is '-' or absent, and writes the canonical report: findings keyed by "
		"'<vulnerability id> <versionless purl>', sorted, each with its sorted locations, and "
		"without the fields that change when the vulnerability does not (layer digests, "
		"modification dates, scan timestamps, report ids).\n"
		"\n"
		"The output is byte-identical for the same findings whatever the scanner's order, and "
		"normalizing a canonical report gives it back unchanged.\n"
		"\n"
		"A trivy k8s cluster report (ClusterName, Resources) holds many images: it needs "
		"-o DIR and gives one canonical report per distinct image reference, DIR/<name>.json, "
		"the name made safe for any file system from the image reference (characters outside "
		"[A-Za-z0-9._-] replaced, no leading '.' or '-', bounded length, and a hash of the "
		"reference appended whenever it had to be changed, so two images never share a file). "
		"The findings of an image running in several workloads are one report whose locations "
		"name the workload ('namespace/kind/name: <target>'), so its keys are those of a direct "
		"scan of the image. Reports of images no longer in the cluster are left in DIR.\n"
		"\n"
		"Example: cvetrail normalize -o reports/ cluster.json",
	.options = normalize_options,
};

static int is_cluster_report(const struct cvt_report *r)
{
	return r->artifact_type && !strcmp(r->artifact_type, "kubernetes_cluster");
}

/*
 * One canonical report per image of a cluster report, DIR/<safe name>.json. Every image is
 * read once before anything is written, so an invalid report leaves DIR untouched.
 */
static int normalize_cluster(const char *input, const char *dir)
{
	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_fleet_reader *rd = NULL;
	struct cvt_report report;
	struct strbuf path = STRBUF_INIT;
	const char *image;
	int rc, status = EXIT_OK;
	cvt_report_init(&report);
	if ((rc = cvt_fleet_open(&rd, input, &err)) == 0) {
		while ((rc = cvt_fleet_next(rd, &report, &image, &err)) > 0)
			;
		cvt_fleet_rewind(rd);
	}
	if (rc == 0 && (rc = cvt_mkdirs(dir, &err)) == 0) {
		while ((rc = cvt_fleet_next(rd, &report, &image, &err)) > 0) {
			sb_reset(&path);
			sb_addf(&path, "%s/", dir);
			cvt_image_file_name(image, &path);
			sb_addstr(&path, ".json");
			if ((rc = cvt_report_write_file(&report, path.buf, &err)) < 0)
				break;
		}
	}
	if (rc < 0)
		status = cmd_report_error(&err);
	cvt_fleet_close(rd);
	cvt_report_release(&report);
	sb_release(&path);
	cvt_error_release(&err);
	return status;
}

static int refuse_cluster(void)
{
	return cmd_usage_error("normalize",
			       "a trivy k8s cluster report holds many images: use -o DIR to write "
			       "one canonical report per image into the folder DIR");
}

static int write_to_stdout(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

int cmd_normalize(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"triage", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *output = NULL, *format = "json", *triage_path = NULL;
	int opt;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			format = optarg;
			break;
		case 't':
			triage_path = optarg;
			break;
		case ':':
			return cmd_usage_error("normalize", "option '%s' needs a value", argv[optind - 1]);
		case 'o':
			output = optarg;
			break;
		case 'h':
			cmd_print_help(&cmd_normalize_doc);
			return EXIT_OK;
		default:
			return cmd_usage_error("normalize", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (strcmp(format, "json") != 0 && strcmp(format, "sarif") != 0)
		return cmd_usage_error("normalize", "unknown --format '%s' (expected json or sarif)", format);
	if (argc - optind > 1)
		return cmd_usage_error("normalize", "expected at most one INPUT, got %d", argc - optind);
	const char *input = optind < argc ? argv[optind] : "-";
	if (cvt_fleet_is_fleet(input) && !cvt_is_dir(input)) {
		if (!output || !*output || strcmp(format, "json") != 0 ||
		    (cvt_file_exists(output) && !cvt_is_dir(output)))
			return refuse_cluster();
		return normalize_cluster(input, output);
	}

	struct cvt_report report;
	struct cvt_error err = CVT_ERROR_INIT;
	struct strbuf out = STRBUF_INIT;
	struct cvt_ledger ledger;
	int status = EXIT_OK;
	cvt_report_init(&report);
	cvt_ledger_init(&ledger);
	if (cvt_load_report(&report, input, &err) < 0) {
		status = cmd_report_error(&err);
		goto out;
	}
	if (is_cluster_report(&report)) {
		status = refuse_cluster();
		goto out;
	}
	if (!strcmp(format, "sarif")) {
		struct cvt_date today;
		if (cvt_ledger_load(&ledger, triage_path ? triage_path : ".cvetrail/triage.json", &err) < 0 ||
		    cvt_today(&today, &err) < 0) {
			status = cmd_report_error(&err);
			goto out;
		}
		cvt_sarif_write(&report, &ledger, today.text, &out);
		if (output) {
			if (cvt_write_file_atomic(output, out.buf, out.len, &err) < 0)
				status = cmd_report_error(&err);
		} else if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
			status = cmd_die("cannot write to standard output");
		}
		if (status == EXIT_OK && report.n_findings > CVT_SARIF_MAX_RESULTS)
			fprintf(stderr,
				"cvetrail normalize: warning: %zu results in one SARIF run; GitHub code "
				"scanning rejects a run of more than %d (the file is still complete, "
				"valid SARIF)\n",
				report.n_findings, (int)CVT_SARIF_MAX_RESULTS);
		goto out;
	}
	/* The canonical report is written as it is laid out, a piece at a time. */
	if (output) {
		if (cvt_report_write_file(&report, output, &err) < 0)
			status = cmd_report_error(&err);
	} else if (cvt_report_write_ordered(&report, CVT_REPORT_PARALLEL_MIN, write_to_stdout, NULL) < 0 ||
		   fflush(stdout) != 0) {
		status = cmd_die("cannot write to standard output");
	}
out:
	sb_release(&out);
	cvt_ledger_release(&ledger);
	cvt_report_release(&report);
	cvt_error_release(&err);
	return status;
}
