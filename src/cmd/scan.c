#include "cmd.h"

/* Placeholder until the command lands; must not remain in a release. */
static const struct cvt_option_doc scan_options[] = {{NULL, NULL}};

const struct cvt_command_doc cmd_scan_doc = {
	.name = "scan",
	.synopsis = "cvetrail scan",
	.summary = "(not implemented yet)",
	.description = "Not implemented yet.",
	.options = scan_options,
};

int cmd_scan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_die("scan: not implemented yet");
}
