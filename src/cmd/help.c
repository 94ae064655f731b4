#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "strbuf.h"

static const struct cvt_option_doc help_options[] = {
	{"--man", "Print the manual page (roff) built from the same text as every --help."},
	{NULL, NULL},
};

const struct cvt_command_doc cmd_help_doc = {
	.name = "help",
	.synopsis = "cvetrail help [--man] [COMMAND]",
	.summary = "show help for a command, or the manual page",
	.description = "Without arguments, lists the commands. With a COMMAND, prints its help, as "
		       "'cvetrail COMMAND --help' does.",
	.options = help_options,
};

static const char common_exit_status[] =
	"0: success. For diff and update with --exit-code, and for status: nothing needs a human.\n"
	"1: success, and something needs a human (only diff/update with --exit-code, and status).\n"
	"2: error: bad usage, unreadable or invalid input, scanner failure. One line on stderr names "
	"the file and, for JSON, the line, column and byte offset. Nothing is written on error.";

/* Wraps `text` at 78 columns with `indent` spaces; blank lines separate paragraphs. */
static void print_wrapped(FILE *out, const char *text, int indent)
{
	const char *p = text;
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int col = 0;
		size_t i = 0;
		if (len == 0)
			fputc('\n', out);
		while (i < len) {
			while (i < len && p[i] == ' ')
				i++;
			size_t w = i;
			while (w < len && p[w] != ' ')
				w++;
			if (w == i)
				break;
			int word = (int)(w - i);
			if (col == 0) {
				fprintf(out, "%*s", indent, "");
				col = indent;
			} else if (col + 1 + word > 78) {
				fprintf(out, "\n%*s", indent, "");
				col = indent;
			} else {
				fputc(' ', out);
				col++;
			}
			fwrite(p + i, 1, (size_t)word, out);
			col += word;
			i = w;
		}
		if (len)
			fputc('\n', out);
		p += len;
		if (*p == '\n')
			p++;
	}
}

void cmd_print_help(const struct cvt_command_doc *doc)
{
	const char *line = doc->synopsis;
	for (int first = 1; *line; first = 0) {
		size_t len = strcspn(line, "\n");
		printf("%s%.*s\n", first ? "usage: " : "   or: ", (int)len, line);
		line += len + (line[len] == '\n');
	}
	putchar('\n');
	print_wrapped(stdout, doc->description, 0);
	if (doc->options && doc->options[0].flags) {
		printf("\nOptions:\n");
		for (const struct cvt_option_doc *o = doc->options; o->flags; o++) {
			printf("  %s\n", o->flags);
			print_wrapped(stdout, o->description, 6);
		}
		printf("  -h, --help\n      Show this help.\n");
	}
	printf("\nExit status:\n");
	print_wrapped(stdout, doc->exit_status ? doc->exit_status : common_exit_status, 2);
}

int cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

int cmd_report_error(const struct cvt_error *err)
{
	struct strbuf line = STRBUF_INIT;
	struct strbuf safe = STRBUF_INIT;
	cvt_error_format(err, &line);
	/* One line, and no escape sequence from quoted input reaches the terminal. */
	term_add_safe(&safe, line.buf);
	fprintf(stderr, "cvetrail: %s\n", safe.buf);
	sb_release(&safe);
	sb_release(&line);
	return EXIT_ERROR;
}

int cmd_die(const char *fmt, ...)
{
	va_list ap;
	fputs("cvetrail: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERROR;
}

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "cvetrail %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'cvetrail %s --help'.\n", cmd);
	return EXIT_ERROR;
}

/* roff: escape backslashes and hyphens, and a leading '.' or '\'' that would be a request. */
static void roff_text(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\\')
			fputs("\\e", out);
		else if (c == '-')
			fputs("\\-", out);
		else if ((c == '.' || c == '\'') && (i == 0 || s[i - 1] == '\n'))
			fputs("\\&", out), fputc(c, out);
		else
			fputc(c, out);
	}
}

static void roff_paragraphs(FILE *out, const char *text)
{
	const char *p = text;
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0) {
			fputs(".PP\n", out);
		} else {
			roff_text(out, p, len);
			fputc('\n', out);
		}
		p += len;
		if (*p == '\n')
			p++;
	}
}

static const char man_description[] =
	"cvetrail turns a vulnerability scanner's JSON output (Trivy, Grype) into a canonical "
	"report that only changes when a vulnerability really changes, compares it with the "
	"report committed before by a stable finding identity, decides whether a human must "
	"look, keeps the triage decisions (why a finding is ignored, by whom, until when) in a "
	"ledger under git, and exports them in the formats other tools read.\n"
	"\n"
	"A finding is one vulnerability in one package, whatever the version or place of the "
	"package. Its key is the vulnerability id and the package URL without version, "
	"qualifiers and subpath, e.g. 'CVE-2023-38545 pkg:deb/debian/curl'. A base-image update "
	"therefore keeps every key whose vulnerability is still there.";

static const char man_environment[] =
	"SOURCE_DATE_EPOCH: when set, today's date (for expiry and for dates written) is taken "
	"from it instead of the clock.\n"
	"\n"
	"GITHUB_OUTPUT: when set, update appends review=, labels=, added=, removed= and changed= "
	"lines to that file.\n"
	"\n"
	"NO_COLOR: when set, terminal output is never coloured.";

static const char man_limits[] =
	"JSON input: strict RFC 8259 in UTF-8 (no byte order mark, no comments, no trailing commas, "
	"no invalid UTF-8 or raw control characters in strings). Nesting depth is limited only by "
	"memory: the parser keeps its stack on the heap, never recursing, and 10 million nested "
	"arrays parse. One string, array or object holds at most 4294967295 bytes or elements; "
	"beyond that the input is refused with an error, never truncated.\n"
	"\n"
	"Memory: a Trivy or canonical report given as a regular file is read as a stream through "
	"a small window, its vulnerabilities one at a time, so memory grows with the findings kept "
	"(about the size of the canonical report), not with the size of the scanner's JSON. Grype "
	"reports and standard input are read whole into memory. Out of memory ends the process "
	"with 'cvetrail: out of memory' before anything is written.\n"
	"\n"
	"Threads: a Trivy report of 8 MB or more is read on two threads (a second one takes the "
	"vulnerabilities of the second half of the file, and the first adopts them only where its "
	"own reading meets them, so the result is the one-thread result), and a report of 20,000 "
	"findings or more is sorted and laid out on two threads (to standard output, the pieces "
	"are written in order as they are ready). Smaller inputs use one. diff reads its two "
	"reports at once, and status, dashboard and ack read the reports of a folder two at a "
	"time.\n"
	"\n"
	"Measured (tests/e2e/limits.sh, x86-64, 2 cores): a 2.9 GB Trivy report of 1,000,000 "
	"vulnerabilities normalizes in about 3 s with a peak of about 500 MB (its canonical "
	"report is 0.7 GB); a canonical report of 1,000,000 findings normalizes, diffs against "
	"itself and shows its status with peaks of 400 to 650 MB; a 100 MB title is kept whole, with a peak of about 2 "
	"to 3 times its size. JSON nested 100,000 deep is read like any other JSON: it is refused "
	"where a report, a ledger or a VEX document has no such value.\n"
	"\n"
	"Writes: every file cvetrail writes is a temporary file in the same folder, fsync'ed and "
	"renamed over the old one, so a crash leaves the old file or the new one, whole; the "
	"folder itself is not fsync'ed (as git does not), so the new name may need the file "
	"system's next commit, seconds later, to survive a power cut. A killed writer's "
	"temporary file is removed by the next writer. "
	"ack and unack hold FILE.lock while they change the ledger, update holds REPORT.lock while "
	"it reads, compares and replaces the report; each waits up to 30 seconds for another "
	"writer. A lock left by a process that is no longer running is reported, with the "
	"command that removes it, not waited on.";

static const char man_files[] =
	"cvetrail-report.json: the default canonical report.\n"
	"\n"
	".cvetrail/triage.json: the triage ledger, read by every command when it exists.";

static void print_man(void)
{
	FILE *out = stdout;
	fprintf(out, ".TH CVETRAIL 1 \"\" \"cvetrail %s\" \"User Commands\"\n", CVT_VERSION);
	fputs(".SH NAME\ncvetrail \\- keep the vulnerability history of container images in git\n", out);
	fputs(".SH SYNOPSIS\n", out);
	for (const struct cvt_command *c = cvt_commands; c->name; c++) {
		fputs(".nf\n", out);
		roff_text(out, c->doc->synopsis, strlen(c->doc->synopsis));
		fputs("\n.fi\n", out);
	}
	fputs(".SH DESCRIPTION\n", out);
	roff_paragraphs(out, man_description);
	fputs(".SH COMMANDS\n", out);
	for (const struct cvt_command *c = cvt_commands; c->name; c++) {
		const struct cvt_command_doc *d = c->doc;
		fputs(".SS \"", out);
		roff_text(out, d->synopsis, strlen(d->synopsis));
		fputs("\"\n", out);
		roff_paragraphs(out, d->description);
		for (const struct cvt_option_doc *o = d->options; o && o->flags; o++) {
			fputs(".TP\n.B ", out);
			roff_text(out, o->flags, strlen(o->flags));
			fputc('\n', out);
			roff_paragraphs(out, o->description);
		}
		if (d->exit_status) {
			fputs(".PP\nExit status: ", out);
			roff_paragraphs(out, d->exit_status);
		}
	}
	fputs(".SH EXIT STATUS\n", out);
	roff_paragraphs(out, common_exit_status);
	fputs(".SH ENVIRONMENT\n", out);
	roff_paragraphs(out, man_environment);
	fputs(".SH LIMITS\n", out);
	roff_paragraphs(out, man_limits);
	fputs(".SH FILES\n", out);
	roff_paragraphs(out, man_files);
	fputs(".SH SEE ALSO\ntrivy(1), grype(1), git(1)\n", out);
}

int cmd_help(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--man")) {
		print_man();
		return EXIT_OK;
	}
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		cmd_print_help(&cmd_help_doc);
		return EXIT_OK;
	}
	if (argc >= 2) {
		for (const struct cvt_command *c = cvt_commands; c->name; c++) {
			if (!strcmp(c->name, argv[1])) {
				cmd_print_help(c->doc);
				return EXIT_OK;
			}
		}
		return cmd_usage_error("help", "'%s' is not a cvetrail command", argv[1]);
	}
	printf("usage: cvetrail [--version] [--help] <command> [<args>]\n\nCommands:\n");
	for (const struct cvt_command *c = cvt_commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->doc->summary);
	return EXIT_OK;
}
