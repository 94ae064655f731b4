#include "cmd.h"

/* Placeholder until the command lands; must not remain in a release. */
static const struct cvt_option_doc update_options[] = {{NULL, NULL}};

const struct cvt_command_doc cmd_update_doc = {
	.name = "update",
	.synopsis = "cvetrail update",
	.summary = "(not implemented yet)",
	.description = "Not implemented yet.",
	.options = update_options,
};

int cmd_update(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_die("update: not implemented yet");
}
