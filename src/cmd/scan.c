#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fileio.h"
#include "report.h"
#include "scanner.h"

#define MAX_TIMEOUT_SECONDS (7 * 24 * 3600)

static const struct cvt_option_doc scan_options[] = {
	{"--scanner trivy|grype", "The scanner to run (default: trivy). It must be in PATH."},
	{"--timeout SECONDS",
	 "Stop the scanner after SECONDS (default: 600): SIGTERM to it and everything it "
	 "started, SIGKILL 5 seconds later; the scan then fails."},
	{"-o, --output OUT",
	 "Write the report to OUT (replaced atomically: a temporary file in the same directory, "
	 "fsync, rename). Without it the report goes to standard output. On any failure OUT is "
	 "left as it was."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_scan_doc = {
	.name = "scan",
	.synopsis = "cvetrail scan [--scanner trivy|grype] [--timeout SECONDS] [-o OUT] REF",
	.summary = "run a scanner on an image and write the canonical report",
	.description =
		"Runs the scanner on the image reference REF and writes the canonical report of what "
		"it found (as 'cvetrail normalize' would write it).\n"
		"\n"
		"The scanner is run directly, never through a shell: REF reaches it as one argument "
		"whatever it contains. A REF that begins with '-' (it would be read as an option), is "
		"empty or holds control characters is refused. The scanner inherits the environment "
		"(TRIVY_* and GRYPE_* settings, DOCKER_CONFIG, registry credentials, cache "
		"directories) and the working directory; its standard input is /dev/null and its "
		"report goes to a private temporary file in $TMPDIR (default /tmp), removed "
		"afterwards.\n"
		"\n"
		"Trivy runs as 'trivy image --format=json --output=FILE --scanners=vuln --quiet "
		"--exit-code=0 --severity=UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL --ignore-unfixed=false "
		"--ignorefile=/dev/null --timeout=SECONDSs -- REF'; Grype as 'grype --output=json "
		"--file=FILE --only-fixed=false --only-notfixed=false -- REF'. The history must see "
		"every finding, so options that would hide some (a severity filter, unfixed findings "
		"ignored, a .trivyignore in the working directory) are set back to their defaults "
		"whatever the scanner's configuration file or environment says; triage decisions "
		"live in cvetrail's ledger.\n"
		"\n"
		"A failed scan must never look like a clean image: a scanner that is not installed, "
		"exits with a non-zero status, is killed, runs past the timeout, writes nothing, or "
		"writes something that is not its JSON report is an error, reported in one line that "
		"ends with the last lines the scanner printed.\n"
		"\n"
		"Examples:\n"
		"\n"
		"cvetrail scan -o cvetrail-report.json alpine:3.19\n"
		"\n"
		"cvetrail scan --scanner grype --timeout 1200 registry.example.com/app@sha256:...",
	.options = scan_options,
	.exit_status =
		"0: the scan succeeded and the report was written.\n"
		"2: bad usage, a refused reference, or a scanner failure (not installed, non-zero "
		"exit, killed, timed out, no or invalid output); nothing was written.",
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

int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"scanner", required_argument, NULL, 's'},
		{"timeout", required_argument, NULL, 't'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cvt_scan_options options = {"trivy", NULL, 0};
	const char *output = NULL;
	int opt;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (strcmp(optarg, "trivy") && strcmp(optarg, "grype"))
				return cmd_usage_error(
					"scan", "unknown scanner '%s' (expected trivy or grype)",
					optarg);
			options.scanner = optarg;
			break;
		case 't':
			if (parse_timeout(optarg, &options.timeout_seconds) < 0)
				return cmd_usage_error(
					"scan",
					"--timeout expects a number of seconds from 1 to %d, "
					"got '%s'",
					MAX_TIMEOUT_SECONDS, optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			cmd_print_help(&cmd_scan_doc);
			return EXIT_OK;
		case ':':
			return cmd_usage_error("scan", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("scan", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error("scan", "expected one image reference, got %d",
				       argc - optind);
	options.ref = argv[optind];

	struct cvt_report report;
	struct cvt_error err = CVT_ERROR_INIT;
	struct strbuf out = STRBUF_INIT;
	int status = EXIT_OK;
	cvt_report_init(&report);
	if (cvt_scan(&report, &options, &err) < 0) {
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
