#include "cmd.h"

/* Placeholder until the command lands; must not remain in a release. */
static const struct cvt_option_doc diff_options[] = {{NULL, NULL}};

const struct cvt_command_doc cmd_diff_doc = {
	.name = "diff",
	.synopsis = "cvetrail diff",
	.summary = "(not implemented yet)",
	.description = "Not implemented yet.",
	.options = diff_options,
};

int cmd_diff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_die("diff: not implemented yet");
}
