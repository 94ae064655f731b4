/*
 * Runs Trivy or Grype on an image reference and ingests what it wrote.
 *
 * The scanner is started with posix_spawnp (PATH lookup, no shell: the
 * reference is one argument whatever it holds), the caller's environment
 * (scanners read TRIVY_*, GRYPE_*, DOCKER_CONFIG, registry credentials and
 * cache locations from it), standard input from /dev/null, and standard
 * output and error into an unlinked temporary file whose last lines go into
 * the error message. Its report goes to a mkstemp file in $TMPDIR (default
 * /tmp), removed afterwards. It runs in its own process group, so a timeout
 * stops everything it started: SIGTERM to the group, SIGKILL after a grace
 * period. While it runs, SIGINT, SIGTERM and SIGHUP sent to cvetrail are
 * held and handed on to the scanner's group (cvetrail then fails), so an
 * interrupted CI job leaves no scanner behind.
 *
 * Arguments. Trivy: `trivy image --format=json --output=FILE --scanners=vuln
 * --quiet --exit-code=0 --severity=UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL
 * --ignore-unfixed=false --ignorefile=/dev/null --timeout=Ns -- REF`. The
 * history must see every finding, so the options that would hide some are
 * set back to their defaults whatever a trivy.yaml or TRIVY_* variable says,
 * and the ignore file is an empty one: a .trivyignore in the working
 * directory hides nothing (decisions live in the ledger). --exit-code=0 keeps
 * "vulnerabilities found" from looking like a failure; Trivy's own timeout
 * (5 minutes by default) is raised to ours. No --vex is passed.
 * Grype: `grype --output=json --file=FILE --only-fixed=false
 * --only-notfixed=false -- REF`. Grype's ignore rules (.grype.yaml, and its
 * built-in false-positive rules) move matches to ignoredMatches, which are
 * not findings.
 */
#include "scanner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "ingest.h"
#include "json.h"

#define DEFAULT_TIMEOUT_SECONDS 600
#define KILL_GRACE_MS           5000
#define STDERR_TAIL_LINES       20
#define STDERR_TAIL_BYTES       4096

struct scanner {
	const char *name;
	const char *install_url;
	enum cvt_input_format format;
	const char *report_kind; /* "a Trivy report" */
};

static const struct scanner scanners[] = {
	{"trivy", "https://aquasecurity.github.io/trivy/latest/getting-started/installation/",
	 CVT_FORMAT_TRIVY, "a Trivy report"},
	{"grype", "https://github.com/anchore/grype#installation", CVT_FORMAT_GRYPE,
	 "a Grype report"},
};

/* Everything one run owns, released in one place. */
struct scan_run {
	const struct scanner *scanner;
	const char *ref;
	int timeout_seconds;
	struct strbuf output_path; /* the scanner's report file; removed at the end */
	struct strbuf output_arg;
	struct strbuf timeout_arg;
	int stderr_fd;   /* scanner's standard output and error (unlinked file) */
	int null_fd;     /* /dev/null, the scanner's standard input */
	int exit_status; /* from waitpid */
	int timed_out;
	int interrupted_by; /* signal that made us stop the scanner, or 0 */
};

static int ref_error(struct cvt_error *err, const char *ref)
{
	if (!ref || !*ref)
		return cvt_error_set(err, CVT_EUSAGE, "empty image reference");
	if (ref[0] == '-')
		return cvt_error_set(
			err, CVT_EUSAGE,
			"refusing image reference '%s': it begins with '-' and would be "
			"read as a scanner option",
			ref);
	for (const char *p = ref; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return cvt_error_set(err, CVT_EUSAGE,
					     "refusing image reference with a control character "
					     "(byte %zu)",
					     (size_t)(p - ref));
	return 0;
}

static const char *temp_dir(void)
{
	const char *dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

/* Creates a private temporary file "$TMPDIR/cvetrail-WHAT-XXXXXX"; returns its fd. */
static int make_temp(struct strbuf *path, const char *what, struct cvt_error *err)
{
	sb_reset(path);
	sb_addf(path, "%s/cvetrail-%s-XXXXXX", temp_dir(), what);
	int fd = mkostemp(path->buf, O_CLOEXEC);
	if (fd < 0) {
		int saved = errno;
		int rc = cvt_error_set(err, CVT_EIO, "cannot create a temporary file in %s: %s",
				       temp_dir(), strerror(saved));
		sb_reset(path);
		return rc;
	}
	return fd;
}

/* Appends the last lines the scanner printed, one line joined by " | ", with
 * control characters and terminal escapes removed. */
static void add_stderr_tail(const struct scan_run *run, struct strbuf *out)
{
	struct stat st;
	char buf[STDERR_TAIL_BYTES];
	if (run->stderr_fd < 0 || fstat(run->stderr_fd, &st) < 0 || st.st_size <= 0)
		return;
	off_t start = st.st_size > STDERR_TAIL_BYTES ? st.st_size - STDERR_TAIL_BYTES : 0;
	ssize_t n = pread(run->stderr_fd, buf, sizeof buf, start);
	if (n <= 0)
		return;
	size_t len = (size_t)n, i = 0;
	if (start > 0) /* the first line is cut: drop it */
		while (i < len && buf[i++] != '\n')
			;

	/* Clean lines, each ending at '\n'. */
	struct strbuf clean = STRBUF_INIT;
	for (; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (ch == 0x1b && i + 1 < len && buf[i + 1] == '[') {
			i += 2;
			while (i < len && !((buf[i] >= '@' && buf[i] <= '~')))
				i++;
			continue;
		}
		if (ch == '\r')
			ch = '\n';
		if (ch == '\n') {
			size_t line_start = clean.len;
			while (line_start && clean.buf[line_start - 1] != '\n')
				line_start--;
			if (clean.len > line_start) /* skip empty lines */
				sb_addch(&clean, '\n');
			continue;
		}
		sb_addch(&clean, (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch);
	}
	if (clean.len && clean.buf[clean.len - 1] != '\n')
		sb_addch(&clean, '\n');

	size_t lines = 0, from = clean.len;
	while (from > 0 && lines <= STDERR_TAIL_LINES) {
		from--;
		while (from > 0 && clean.buf[from - 1] != '\n')
			from--;
		lines++;
	}
	if (lines > STDERR_TAIL_LINES) {
		while (from < clean.len && clean.buf[from] != '\n')
			from++;
		from++;
	}
	int first = 1;
	for (size_t p = from; p < clean.len;) {
		const char *nl = memchr(clean.buf + p, '\n', clean.len - p);
		size_t line_len = (size_t)(nl - (clean.buf + p));
		sb_addstr(out, first ? ": " : " | ");
		sb_add(out, clean.buf + p, line_len);
		first = 0;
		p += line_len + 1;
	}
	sb_release(&clean);
}

/* Sets a scanner failure: `what` and the tail of its output. */
static int scanner_failure(struct cvt_error *err, const struct scan_run *run, const char *what)
{
	struct strbuf msg = STRBUF_INIT;
	sb_addstr(&msg, what);
	size_t before = msg.len;
	add_stderr_tail(run, &msg);
	if (msg.len == before)
		sb_addstr(&msg, " (it printed nothing)");
	int rc = cvt_error_set(err, CVT_ESCANNER, "%s", msg.buf);
	sb_release(&msg);
	return rc;
}

static void build_argv(struct scan_run *run, const char **argv)
{
	size_t n = 0;
	sb_addf(&run->timeout_arg, "--timeout=%ds", run->timeout_seconds);
	argv[n++] = run->scanner->name;
	if (!strcmp(run->scanner->name, "trivy")) {
		sb_addf(&run->output_arg, "--output=%s", run->output_path.buf);
		argv[n++] = "image";
		argv[n++] = "--format=json";
		argv[n++] = run->output_arg.buf;
		argv[n++] = "--scanners=vuln";
		argv[n++] = "--quiet";
		argv[n++] = "--exit-code=0";
		argv[n++] = "--severity=UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL";
		argv[n++] = "--ignore-unfixed=false";
		argv[n++] = "--ignorefile=/dev/null";
		argv[n++] = run->timeout_arg.buf;
	} else {
		sb_addf(&run->output_arg, "--file=%s", run->output_path.buf);
		argv[n++] = "--output=json";
		argv[n++] = run->output_arg.buf;
		argv[n++] = "--only-fixed=false";
		argv[n++] = "--only-notfixed=false";
	}
	argv[n++] = "--";
	argv[n++] = run->ref;
	argv[n] = NULL;
}

static int spawn_scanner(struct scan_run *run, pid_t *pid, struct cvt_error *err)
{
	const char *argv[20];
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	sigset_t empty, defaults;
	int rc;

	build_argv(run, argv);
	sigemptyset(&empty);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGHUP);
	sigaddset(&defaults, SIGQUIT);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, run->null_fd, 0);
	posix_spawn_file_actions_adddup2(&actions, run->stderr_fd, 1);
	posix_spawn_file_actions_adddup2(&actions, run->stderr_fd, 2);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &empty);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(pid, run->scanner->name, &actions, &attr, (char *const *)argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	if (rc == ENOENT)
		return cvt_error_set(err, CVT_ESCANNER, "%s not found in PATH; install it: %s",
				     run->scanner->name, run->scanner->install_url);
	if (rc != 0)
		return cvt_error_set(err, CVT_ESCANNER, "cannot run %s: %s", run->scanner->name,
				     strerror(rc));
	return 0;
}

static long long elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

/*
 * Waits for the scanner, polling waitpid and sleeping in sigtimedwait (which
 * also takes the held SIGINT/SIGTERM/SIGHUP). On timeout or interruption the
 * group gets SIGTERM, then SIGKILL after the grace period; once the scanner
 * has exited (seen with WNOWAIT, so its pid cannot be reused yet) whatever it
 * left in its group is killed before it is reaped.
 */
static int wait_scanner(struct scan_run *run, pid_t pid, const sigset_t *held,
			struct cvt_error *err)
{
	struct timespec start;
	long long timeout_ms = (long long)run->timeout_seconds * 1000, stop_at = -1;
	long interval_ms = 5;
	int killed = 0;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		siginfo_t info;
		memset(&info, 0, sizeof info);
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0 &&
		    errno != EINTR)
			return cvt_error_set(err, CVT_ESCANNER, "waiting for %s: %s",
					     run->scanner->name, strerror(errno));
		if (info.si_pid == pid) {
			if (stop_at >= 0)
				kill(-pid, SIGKILL);
			while (waitpid(pid, &run->exit_status, 0) < 0)
				if (errno != EINTR)
					return cvt_error_set(err, CVT_ESCANNER,
							     "waiting for %s: %s",
							     run->scanner->name, strerror(errno));
			return 0;
		}
		long long now = elapsed_ms(&start);
		if (stop_at < 0 && now >= timeout_ms) {
			run->timed_out = 1;
			stop_at = now;
			kill(-pid, SIGTERM);
		} else if (stop_at >= 0 && !killed && now - stop_at >= KILL_GRACE_MS) {
			killed = 1;
			kill(-pid, SIGKILL);
		}
		struct timespec nap = {0, interval_ms * 1000000L};
		int sig = sigtimedwait(held, NULL, &nap);
		if (sig > 0 && stop_at < 0) {
			run->interrupted_by = sig;
			stop_at = elapsed_ms(&start);
			kill(-pid, SIGTERM);
		}
		if (interval_ms < 100)
			interval_ms *= 2;
	}
}

static int run_scanner(struct scan_run *run, struct cvt_error *err)
{
	sigset_t held, saved;
	struct sigaction child_default, child_saved;
	pid_t pid;
	int rc;
	/* SIGCHLD ignored (inherited through exec) would reap the scanner before us. */
	memset(&child_default, 0, sizeof child_default);
	child_default.sa_handler = SIG_DFL;
	sigemptyset(&child_default.sa_mask);
	sigaction(SIGCHLD, &child_default, &child_saved);
	sigemptyset(&held);
	sigaddset(&held, SIGINT);
	sigaddset(&held, SIGTERM);
	sigaddset(&held, SIGHUP);
	sigprocmask(SIG_BLOCK, &held, &saved);
	rc = spawn_scanner(run, &pid, err);
	if (rc == 0)
		rc = wait_scanner(run, pid, &held, err);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	sigaction(SIGCHLD, &child_saved, NULL);
	if (rc < 0)
		return rc;

	const char *name = run->scanner->name;
	struct strbuf what = STRBUF_INIT;
	if (run->interrupted_by) {
		sb_addf(&what, "scan of '%s' interrupted by %s; %s was stopped", run->ref,
			strsignal(run->interrupted_by), name);
	} else if (run->timed_out) {
		sb_addf(&what, "%s did not finish scanning '%s' within %d second%s and was stopped",
			name, run->ref, run->timeout_seconds, run->timeout_seconds == 1 ? "" : "s");
	} else if (WIFSIGNALED(run->exit_status)) {
		sb_addf(&what, "%s was killed by signal %d (%s) while scanning '%s'", name,
			WTERMSIG(run->exit_status), strsignal(WTERMSIG(run->exit_status)),
			run->ref);
	} else if (!WIFEXITED(run->exit_status) || WEXITSTATUS(run->exit_status) != 0) {
		sb_addf(&what, "%s failed on '%s' (exit status %d)", name, run->ref,
			WIFEXITED(run->exit_status) ? WEXITSTATUS(run->exit_status) : -1);
	}
	if (what.len)
		rc = scanner_failure(err, run, what.buf);
	sb_release(&what);
	return rc;
}

/* Reads the scanner's report file into `r`; the report keeps the text. */
static int ingest_output(struct cvt_report *r, struct scan_run *run, struct cvt_error *err)
{
	const char *name = run->scanner->name;
	struct cvt_error inner = CVT_ERROR_INIT;
	struct strbuf detail = STRBUF_INIT;
	struct json_doc doc;
	char *text = NULL;
	size_t len = 0;
	int rc, parsed = 0;

	rc = cvt_read_file(run->output_path.buf, &text, &len, &inner);
	if (rc < 0) {
		rc = cvt_error_set(err, CVT_ESCANNER, "cannot read what %s wrote: %s", name,
				   inner.message.buf);
		goto out;
	}
	if (len == 0) {
		struct strbuf what = STRBUF_INIT;
		sb_addf(&what, "%s produced no output for '%s'", name, run->ref);
		rc = scanner_failure(err, run, what.buf);
		sb_release(&what);
		goto out;
	}
	if ((rc = json_parse(&doc, text, len, &inner)) < 0)
		goto invalid;
	parsed = 1;
	if (cvt_detect_format(doc.root) != run->scanner->format) {
		rc = cvt_error_set(&inner, CVT_EINVAL, "not %s", run->scanner->report_kind);
		goto invalid;
	}
	rc = run->scanner->format == CVT_FORMAT_TRIVY ? cvt_ingest_trivy(r, doc.root, &inner)
						      : cvt_ingest_grype(r, doc.root, &inner);
	if (rc < 0)
		goto invalid;
	free(r->input);
	r->input = text;
	text = NULL;
	goto out;

invalid:
	if (inner.has_position)
		sb_addf(&detail, "%zu:%zu: %s (byte %zu)", inner.line, inner.column,
			inner.message.buf, inner.offset);
	else
		sb_add(&detail, inner.message.buf, inner.message.len);
	rc = cvt_error_set(err, CVT_EINVAL, "%s output for '%s' is not a valid report: %s", name,
			   run->ref, detail.buf);
out:
	if (parsed)
		json_doc_release(&doc);
	free(text);
	sb_release(&detail);
	cvt_error_release(&inner);
	return rc;
}

int cvt_scan(struct cvt_report *r, const struct cvt_scan_options *o, struct cvt_error *err)
{
	struct scan_run run = {
		.ref = o->ref,
		.timeout_seconds = o->timeout_seconds,
		.output_path = STRBUF_INIT,
		.output_arg = STRBUF_INIT,
		.timeout_arg = STRBUF_INIT,
		.stderr_fd = -1,
		.null_fd = -1,
	};
	const char *name = o->scanner ? o->scanner : "trivy";
	struct strbuf stderr_path = STRBUF_INIT;
	int rc, fd;

	for (size_t i = 0; i < sizeof scanners / sizeof scanners[0]; i++)
		if (!strcmp(name, scanners[i].name))
			run.scanner = &scanners[i];
	if (!run.scanner)
		return cvt_error_set(err, CVT_EUSAGE,
				     "unknown scanner '%s' (expected trivy or grype)", name);
	if ((rc = ref_error(err, o->ref)) < 0)
		return rc;
	if (run.timeout_seconds <= 0)
		run.timeout_seconds = DEFAULT_TIMEOUT_SECONDS;

	if ((fd = make_temp(&run.output_path, "scan", err)) < 0) {
		rc = fd;
		goto out;
	}
	close(fd);
	if ((run.stderr_fd = make_temp(&stderr_path, "scan-log", err)) < 0) {
		rc = run.stderr_fd;
		goto out;
	}
	unlink(stderr_path.buf);
	if ((run.null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		rc = cvt_error_set(err, CVT_EIO, "cannot open /dev/null: %s", strerror(errno));
		goto out;
	}

	rc = run_scanner(&run, err);
	if (rc == 0)
		rc = ingest_output(r, &run, err);
out:
	if (run.output_path.len)
		unlink(run.output_path.buf);
	if (run.stderr_fd >= 0)
		close(run.stderr_fd);
	if (run.null_fd >= 0)
		close(run.null_fd);
	if (rc < 0) {
		/* Nothing half-read is left for a caller that ignores the error. */
		cvt_report_release(r);
		cvt_report_init(r);
	}
	sb_release(&run.output_path);
	sb_release(&run.output_arg);
	sb_release(&run.timeout_arg);
	sb_release(&stderr_path);
	return rc;
}
