#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "lock.h"
#include "triage.h"

#define DEFAULT_LEDGER ".cvetrail/triage.json"

static const struct cvt_option_doc unack_options[] = {
	{"--package PURL",
	 "Remove the decision about this package (version, qualifiers and subpath are ignored, as "
	 "in ack). Without it, the decision that covers every package is removed."},
	{"--image NAME",
	 "Remove the decision scoped to this image (as recorded by 'ack --image'). Without it, "
	 "the decision without image scope (fleet-wide) is removed."},
	{"--triage FILE", "The ledger. Default: .cvetrail/triage.json."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_unack_doc = {
	.name = "unack",
	.synopsis = "cvetrail unack ID [--package PURL] [--image NAME] [--triage FILE]",
	.summary = "remove a triage decision from the ledger",
	.description =
		"Removes the decision recorded for the vulnerability ID and the package (or, without "
		"--package, the one for every package) and rewrites the ledger atomically. The finding "
		"it covered is untriaged again. 'cvetrail status' lists the decisions whose finding is "
		"gone: those are the usual candidates.\n"
		"\n"
		"When no decision has that ID and package, nothing is written and the message lists "
		"the decisions that exist for the ID.\n"
		"\n"
		"Example:\n"
		"\n"
		"cvetrail unack CVE-2023-38545 --package pkg:deb/debian/curl",
	.options = unack_options,
	.exit_status =
		"0: the decision was removed.\n"
		"2: bad usage, no such decision, or an unreadable or invalid ledger; the ledger "
		"is left untouched.",
};

/* "no decision for ID PKG in FILE; decisions for ID: a, b" */
static int no_such_decision(const struct cvt_ledger *l, const char *ledger_path, const char *id,
			    const char *package, const char *image)
{
	struct strbuf msg = STRBUF_INIT;
	size_t listed = 0;
	sb_addf(&msg, "no decision for %s %s", id, package ? package : "(every package)");
	if (image)
		sb_addf(&msg, " in image %s", image);
	sb_addf(&msg, " in %s", ledger_path);
	for (size_t i = 0; i < l->n_decisions; i++) {
		const struct cvt_decision *d = &l->decisions[i];
		if (strcmp(d->id, id) != 0)
			continue;
		sb_addstr(&msg, listed++ ? ", " : "; decisions for this id: ");
		if (d->package)
			sb_addf(&msg, "--package %s", d->package);
		else
			sb_addstr(&msg, "(every package, no --package)");
		if (d->image)
			sb_addf(&msg, " --image %s", d->image);
	}
	if (!listed)
		sb_addstr(&msg, "; there is no decision for this id at all");
	struct cvt_error err = CVT_ERROR_INIT;
	cvt_error_set(&err, CVT_ENOTFOUND, "%s", msg.buf);
	int status = cmd_report_error(&err);
	cvt_error_release(&err);
	sb_release(&msg);
	return status;
}

int cmd_unack(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"package", required_argument, NULL, 'p'},
		{"image", required_argument, NULL, 'i'},
		{"triage", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *package_arg = NULL, *ledger_path = DEFAULT_LEDGER, *id = NULL, *image = NULL;
	int opt, n_args = 0;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "-:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 1:
			if (n_args++ == 0)
				id = optarg;
			break;
		case 'p':
			package_arg = optarg;
			break;
		case 'i':
			image = optarg;
			break;
		case 't':
			ledger_path = optarg;
			break;
		case 'h':
			cmd_print_help(&cmd_unack_doc);
			return EXIT_OK;
		case ':':
			return cmd_usage_error("unack", "option '%s' needs a value",
					       argv[optind - 1]);
		default:
			return cmd_usage_error("unack", "unknown option '%s'", argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++) /* after "--" */
		if (n_args++ == 0)
			id = argv[optind];
	if (n_args != 1)
		return cmd_usage_error("unack", "expected one vulnerability ID, got %d arguments",
				       n_args);

	struct cvt_error err = CVT_ERROR_INIT;
	struct strbuf package = STRBUF_INIT;
	struct cvt_ledger ledger;
	struct cvt_lock lock = CVT_LOCK_INIT;
	int status = EXIT_ERROR;
	cvt_ledger_init(&ledger);
	if (cvt_vuln_id_validate(id, &err) < 0 ||
	    (package_arg && cvt_decision_package(package_arg, "--package", &package, &err) < 0) ||
	    (image && cvt_image_scope_validate(image, "--", &err) < 0) ||
	    cvt_lock_acquire(&lock, ledger_path, CVT_LEDGER_LOCK_TIMEOUT_MS, &err) < 0 ||
	    cvt_ledger_load(&ledger, ledger_path, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	const char *pkg = package_arg ? package.buf : NULL;
	if (!cvt_ledger_remove_in(&ledger, id, pkg, image)) {
		no_such_decision(&ledger, ledger_path, id, pkg, image);
		goto out;
	}
	if (cvt_ledger_save(&ledger, ledger_path, &err) < 0) {
		cmd_report_error(&err);
		goto out;
	}
	printf("removed: %s %s", id, pkg ? pkg : "(every package)");
	if (image)
		printf(" in image %s", image);
	putchar('\n');
	status = fflush(stdout) == 0 ? EXIT_OK : cmd_die("cannot write to standard output");
out:
	cvt_lock_release(&lock);
	cvt_ledger_release(&ledger);
	sb_release(&package);
	cvt_error_release(&err);
	return status;
}
