#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

const struct cvt_command cvt_commands[] = {
	{"normalize", cmd_normalize, &cmd_normalize_doc},
	{"diff", cmd_diff, &cmd_diff_doc},
	{"update", cmd_update, &cmd_update_doc},
	{"scan", cmd_scan, &cmd_scan_doc},
	{"ack", cmd_ack, &cmd_ack_doc},
	{"unack", cmd_unack, &cmd_unack_doc},
	{"status", cmd_status, &cmd_status_doc},
	{"vex", cmd_vex, &cmd_vex_doc},
	{"history", cmd_history, &cmd_history_doc},
	{"dashboard", cmd_dashboard, &cmd_dashboard_doc},
	{"help", cmd_help, &cmd_help_doc},
	{NULL, NULL, NULL},
};

static void print_main_usage(FILE *out)
{
	fprintf(out, "usage: cvetrail [--version] [--help] <command> [<args>]\n\n"
		     "Keeps the vulnerability history of container images in git.\n\n"
		     "Commands:\n");
	for (const struct cvt_command *c = cvt_commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->doc->summary);
	fprintf(out, "\nSee 'cvetrail <command> --help' or 'man cvetrail' for more.\n");
}

/*
 * Memory freed is kept for the next allocation instead of being handed
 * back to the system: on virtual machines the first touch of a page is a
 * costly fault, and reading a fleet frees and takes back the same memory
 * for every report (glibc's own thresholds handed it back after each one,
 * and status of 1,000 reports spent a third of its time faulting it in).
 * Blocks below 32 MiB come from the heap, so they are reused too.
 */
static void keep_freed_memory(void)
{
#if defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD)
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

int main(int argc, char **argv)
{
	keep_freed_memory();
	if (argc < 2) {
		print_main_usage(stderr);
		return EXIT_ERROR;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("cvetrail %s\n", CVT_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		print_main_usage(stdout);
		return EXIT_OK;
	}
	for (const struct cvt_command *c = cvt_commands; c->name; c++) {
		if (!strcmp(c->name, name))
			return c->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "cvetrail: '%s' is not a cvetrail command. See 'cvetrail --help'.\n", name);
	return EXIT_ERROR;
}
