#include "cmd.h"

/* Placeholder until the command lands; must not remain in a release. */
static const struct cvt_option_doc ack_options[] = {{NULL, NULL}};

const struct cvt_command_doc cmd_ack_doc = {
	.name = "ack",
	.synopsis = "cvetrail ack",
	.summary = "(not implemented yet)",
	.description = "Not implemented yet.",
	.options = ack_options,
};

int cmd_ack(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_die("ack: not implemented yet");
}
