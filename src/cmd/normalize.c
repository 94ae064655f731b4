#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "fileio.h"
#include "ingest.h"
#include "report.h"

static const struct cvt_option_doc normalize_options[] = {
	{"-o, --output OUT",
	 "Write the report to OUT (replaced atomically: a temporary file in the same directory, "
	 "fsync, rename). Without it the report goes to standard output."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_normalize_doc = {
	.name = "normalize",
	.synopsis = "cvetrail normalize [-o OUT] [INPUT|-]",
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
		"normalizing a canonical report gives it back unchanged.",
	.options = normalize_options,
};

int cmd_normalize(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *output = NULL;
	int opt;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:h", longopts, NULL)) != -1) {
		switch (opt) {
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
	if (argc - optind > 1)
		return cmd_usage_error("normalize", "expected at most one INPUT, got %d", argc - optind);
	const char *input = optind < argc ? argv[optind] : "-";

	struct cvt_report report;
	struct cvt_error err = CVT_ERROR_INIT;
	struct strbuf out = STRBUF_INIT;
	int status = EXIT_OK;
	cvt_report_init(&report);
	if (cvt_load_report(&report, input, &err) < 0) {
		status = cmd_report_error(&err);
		goto out;
	}
	cvt_report_write(&report, &out);
	if (output) {
		if (cvt_write_file_atomic(output, out.buf, out.len, &err) < 0)
			status = cmd_report_error(&err);
	} else if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		status = cmd_die("cannot write to standard output");
	}
out:
	sb_release(&out);
	cvt_report_release(&report);
	cvt_error_release(&err);
	return status;
}
