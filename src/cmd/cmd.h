#ifndef CVT_CMD_H
#define CVT_CMD_H

/*
 * The tool side: argument parsing, printing, exit codes. Each command lives
 * in its own file (src/cmd/NAME.c) as `int cmd_NAME(int argc, char **argv)`
 * returning the process exit code, and documents itself in a
 * `struct cvt_command_doc` from which both `--help` and the man page are
 * written.
 */

#include <stddef.h>

#include "error.h"

enum {
	EXIT_OK = 0,
	EXIT_REVIEW = 1, /* success, and something needs a human */
	EXIT_ERROR = 2,
};

struct cvt_option_doc {
	const char *flags;       /* "-o, --output FILE" */
	const char *description; /* one sentence or a few */
};

struct cvt_command_doc {
	const char *name;
	const char *synopsis;    /* "cvetrail normalize [-o OUT] [INPUT|-]" */
	const char *summary;     /* one line, lower-case start, no period */
	const char *description; /* paragraphs separated by blank lines */
	const struct cvt_option_doc *options; /* terminated by {NULL, NULL} */
	const char *exit_status; /* NULL: the common exit codes */
};

struct cvt_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const struct cvt_command_doc *doc;
};

/* The dispatch table (main.c), terminated by {NULL}. */
extern const struct cvt_command cvt_commands[];

/* Prints `--help` of a command to stdout. */
void cmd_print_help(const struct cvt_command_doc *doc);
/* Prints "cvetrail: <formatted error>" to stderr; returns EXIT_ERROR. */
int cmd_report_error(const struct cvt_error *err);
/* Prints "cvetrail: <message>" to stderr; returns EXIT_ERROR. */
int cmd_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "cvetrail CMD: <message>\nTry 'cvetrail CMD --help'." for bad usage; returns EXIT_ERROR. */
int cmd_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when argv holds -h or --help before a "--". */
int cmd_wants_help(int argc, char **argv);

struct strbuf;
/* Appends untrusted text made safe for a terminal (no escape sequences, no line
 * breaks, no bidi overrides); returns the number of characters written. */
size_t term_add_safe(struct strbuf *out, const char *s);

#define DECLARE_COMMAND(name)                                 \
	int cmd_##name(int argc, char **argv);                \
	extern const struct cvt_command_doc cmd_##name##_doc

DECLARE_COMMAND(normalize);
DECLARE_COMMAND(diff);
DECLARE_COMMAND(update);
DECLARE_COMMAND(scan);
DECLARE_COMMAND(ack);
DECLARE_COMMAND(unack);
DECLARE_COMMAND(status);
DECLARE_COMMAND(vex);
DECLARE_COMMAND(history);
DECLARE_COMMAND(dashboard);
DECLARE_COMMAND(help);

#endif
