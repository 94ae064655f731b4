#include "cmd.h"

/* Placeholder until the command lands; must not remain in a release. */
static const struct cvt_option_doc vex_options[] = {{NULL, NULL}};

const struct cvt_command_doc cmd_vex_doc = {
	.name = "vex",
	.synopsis = "cvetrail vex",
	.summary = "(not implemented yet)",
	.description = "Not implemented yet.",
	.options = vex_options,
};

int cmd_vex(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_die("vex: not implemented yet");
}
