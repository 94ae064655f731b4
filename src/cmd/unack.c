#include "cmd.h"

/* Placeholder until the command lands; must not remain in a release. */
static const struct cvt_option_doc unack_options[] = {{NULL, NULL}};

const struct cvt_command_doc cmd_unack_doc = {
	.name = "unack",
	.synopsis = "cvetrail unack",
	.summary = "(not implemented yet)",
	.description = "Not implemented yet.",
	.options = unack_options,
};

int cmd_unack(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_die("unack: not implemented yet");
}
