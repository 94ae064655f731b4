#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "fleet.h"
#include "date.h"
#include "fileio.h"
#include "ingest.h"
#include "report.h"
#include "reportdir.h"
#include "triage.h"
#include "vex.h"

#define DEFAULT_REPORT "cvetrail-report.json"
#define DEFAULT_LEDGER ".cvetrail/triage.json"

static const struct cvt_option_doc vex_options[] = {
	{"--format FORMAT",
	 "openvex (default): an OpenVEX 0.2.0 document. cyclonedx: a CycloneDX 1.6 VEX BOM. "
	 "trivyignore: a .trivyignore file. trivyignore-yaml: a .trivyignore.yaml file."},
	{"--triage FILE",
	 "The ledger. Default: .cvetrail/triage.json (a missing ledger is empty)."},
	{"--author NAME", "The document's author (OpenVEX author, CycloneDX metadata.authors). "
			  "Default: cvetrail."},
	{"--product ID",
	 "The product the statements are about, as a purl or IRI, e.g. "
	 "pkg:oci/app?repository_url=ghcr.io%2Forg%2Fapp. Default: derived from the report's "
	 "artifact. Not with a folder of reports."},
	{"-o, --output OUT", "Write to OUT (replaced atomically) instead of standard output."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_vex_doc = {
	.name = "vex",
	.synopsis = "cvetrail vex [--format openvex|cyclonedx|trivyignore|trivyignore-yaml] "
		    "[--triage FILE] [--author NAME] [--product ID] [-o OUT] [REPORT|DIR]",
	.summary = "export triage decisions as OpenVEX, CycloneDX VEX or Trivy ignore files",
	.description =
		"Writes the triage ledger in a format other tools read. The report REPORT (default "
		"cvetrail-report.json, used when it exists) gives the context: the product (the "
		"image, as pkg:oci/NAME?repository_url=REGISTRY%2FREPOSITORY without digest or tag, so "
		"statements hold across rebuilds, when the artifact is an image reference; else the "
		"artifact name), the packages a decision for every package covers, and the other "
		"names of each vulnerability. Without a report, the package of a decision is itself "
		"the product. Given a folder DIR, every *.json report in it is one product.\n"
		"\n"
		"openvex: one statement per decision, the package as subcomponent of the image; "
		"not_affected keeps its justification and the reason as impact_statement, affected "
		"the reason as action_statement, fixed and under_investigation as status_notes. "
		"Decisions whose expiry date has passed are left out (VEX cannot say 'until'); an "
		"expiry is noted in status_notes.\n"
		"\n"
		"cyclonedx: one vulnerability per decision with analysis state (not_affected, "
		"exploitable, resolved, in_triage), justification (code_not_present, "
		"code_not_reachable, requires_environment, protected_by_mitigating_control), detail "
		"(the reason), affects (the package, or the image for a decision on every package), "
		"and cvetrail:author, cvetrail:expires, cvetrail:justification, cvetrail:severity "
		"properties. Expired decisions are left out.\n"
		"\n"
		"trivyignore, trivyignore-yaml: only the decisions that let a scanner hide a "
		"finding (not_affected, fixed); affected and under_investigation stay reported. "
		"Each entry carries 'STATUS (JUSTIFICATION): REASON (AUTHOR, DATE)' as comment or "
		"statement and its expiry (exp:, expired_at). A .trivyignore line cannot name a "
		"package: a decision on one package is listed only when the report shows the "
		"vulnerability in no other package still open; the others are noted in the file and "
		"on standard error. The YAML form names packages with purls.\n"
		"\n"
		"The output depends only on the ledger, the reports, the options and the date: the "
		"document time is SOURCE_DATE_EPOCH when set, else the latest decision date at "
		"00:00:00Z; document ids and serial numbers are derived from a SHA-256 of the "
		"content.\n"
		"\n"
		"Examples:\n"
		"\n"
		"cvetrail vex -o image.openvex.json && trivy image --vex image.openvex.json IMAGE\n"
		"\n"
		"cvetrail vex --format trivyignore-yaml -o .trivyignore.yaml",
	.options = vex_options,
};

struct report_set {
	struct cvt_report *reports;
	const struct cvt_report **views;
	char **images; /* a folder's file stems, for decisions scoped to an image */
	size_t n_images;
	size_t n;
	int folder;
};

static int load_reports(struct report_set *set, const char *path, int explicit,
			struct cvt_error *err)
{
	struct stat st;
	memset(set, 0, sizeof *set);
	if (!explicit && !cvt_file_exists(path))
		return 0;
	char **paths = NULL;
	size_t n = 0;
	int rc = 0;
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		set->folder = 1;
		rc = cvt_list_reports(path, &paths, &n, err);
		if (rc == 0 && n == 0) {
			cvt_error_set_file(err, path);
			rc = cvt_error_set(err, CVT_EINVAL, "no *.json report in this folder");
		}
	} else {
		paths = cvt_realloc_array(NULL, 1, sizeof *paths);
		paths[0] = strdup(path);
		if (!paths[0])
			cvt_oom();
		n = 1;
	}
	if (rc == 0) {
		set->reports = cvt_calloc(n, sizeof *set->reports);
		set->views = cvt_calloc(n, sizeof *set->views);
		if (set->folder) {
			set->images = cvt_calloc(n, sizeof *set->images);
			set->n_images = n;
		}
		for (size_t i = 0; rc == 0 && i < n; i++) {
			cvt_report_init(&set->reports[i]);
			set->n++;
			rc = cvt_load_report(&set->reports[i], paths[i], err);
			set->views[i] = &set->reports[i];
			if (rc == 0 && set->folder) {
				struct strbuf name = STRBUF_INIT;
				cvt_fleet_image_name(paths[i], &set->reports[i], &name);
				set->images[i] = sb_detach(&name, NULL);
			}
		}
	}
	cvt_free_paths(paths, n);
	return rc;
}

static void release_reports(struct report_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		cvt_report_release(&set->reports[i]);
	free(set->reports);
	free(set->views);
	if (set->images)
		cvt_free_paths(set->images, set->n_images);
}

/* Prints each line of `warnings` as a warning, made safe for a terminal (ids and reasons
 * come from the ledger and the reports). */
static void print_warnings(const struct strbuf *warnings)
{
	struct strbuf line = STRBUF_INIT, safe = STRBUF_INIT;
	const char *p = warnings->buf;
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		sb_reset(&line);
		sb_add(&line, p, len);
		sb_reset(&safe);
		term_add_safe(&safe, line.buf);
		fprintf(stderr, "cvetrail vex: warning: %s\n", safe.buf);
		p += len + (end ? 1 : 0);
	}
	sb_release(&line);
	sb_release(&safe);
}

int cmd_vex(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"triage", required_argument, NULL, 't'},
		{"author", required_argument, NULL, 'a'},
		{"product", required_argument, NULL, 'p'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *ledger_path = DEFAULT_LEDGER, *output = NULL;
	enum cvt_vex_format format = CVT_VEX_OPENVEX;
	struct cvt_vex_options options = {0};
	int opt;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (cvt_vex_format_parse(optarg, &format) < 0)
				return cmd_usage_error(
					"vex",
					"unknown format '%s' (expected openvex, cyclonedx, "
					"trivyignore or trivyignore-yaml)",
					optarg);
			break;
		case 't':
			ledger_path = optarg;
			break;
		case 'a':
			if (!*optarg)
				return cmd_usage_error("vex", "--author needs a name");
			options.author = optarg;
			break;
		case 'p':
			if (!*optarg)
				return cmd_usage_error("vex", "--product needs a purl or IRI");
			options.product = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			cmd_print_help(&cmd_vex_doc);
			return EXIT_OK;
		case ':':
			return cmd_usage_error("vex", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("vex", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return cmd_usage_error("vex", "expected at most one REPORT, got %d", argc - optind);
	int explicit_report = optind < argc;
	const char *report_path = explicit_report ? argv[optind] : DEFAULT_REPORT;

	struct cvt_error err = CVT_ERROR_INIT;
	struct cvt_ledger ledger;
	struct cvt_date today;
	struct report_set reports;
	struct strbuf out = STRBUF_INIT, warnings = STRBUF_INIT;
	char timestamp[21];
	int status = EXIT_ERROR;
	memset(&reports, 0, sizeof reports);
	cvt_ledger_init(&ledger);
	int have_time;
	if (cvt_today(&today, &err) < 0 || (have_time = cvt_vex_source_date(timestamp, &err)) < 0 ||
	    cvt_ledger_load(&ledger, ledger_path, &err) < 0 ||
	    load_reports(&reports, report_path, explicit_report, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	if (reports.folder && options.product) {
		status = cmd_usage_error("vex", "--product names one product; a folder has one per "
						"report");
		goto out;
	}
	options.today = today.text;
	options.images = (const char *const *)reports.images;
	options.timestamp = have_time ? timestamp : NULL;
	cvt_vex_write(format, &ledger, reports.views, reports.n, &options, &out, &warnings);
	print_warnings(&warnings);
	if (output) {
		if (cvt_write_file_atomic(output, out.buf, out.len, &err) < 0) {
			cmd_report_error(&err);
			goto out;
		}
	} else if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		cmd_die("cannot write to standard output");
		goto out;
	}
	status = EXIT_OK;
out:
	sb_release(&out);
	sb_release(&warnings);
	release_reports(&reports);
	cvt_ledger_release(&ledger);
	cvt_error_release(&err);
	return status;
}
