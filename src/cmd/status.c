#include "cmd.h"

/* Placeholder until the command lands; must not remain in a release. */
static const struct cvt_option_doc status_options[] = {{NULL, NULL}};

const struct cvt_command_doc cmd_status_doc = {
	.name = "status",
	.synopsis = "cvetrail status",
	.summary = "(not implemented yet)",
	.description = "Not implemented yet.",
	.options = status_options,
};

int cmd_status(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_die("status: not implemented yet");
}
