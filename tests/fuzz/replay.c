/*
 * Replays a fuzz target without libFuzzer, for `make check`: runs
 * LLVMFuzzerTestOneInput (linked from tests/fuzz/FUZZ_TARGET.c) on every
 * file of tests/fuzz/corpus/FUZZ_TARGET/ (the seeds kept in git) and
 * tests/fuzz/regressions/FUZZ_TARGET/ (each input a fuzzer once crashed on),
 * each in its own process so that one abort names its file and the others
 * still run. Prints "FUZZ_TARGET-replay: N passed, N failed".
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET='\"fuzz_name\"'"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	struct cvt_error err = CVT_ERROR_INIT;
	char *data = NULL;
	size_t len = 0;
	if (cvt_read_file(path, &data, &len, &err) < 0) {
		struct strbuf msg = STRBUF_INIT;
		cvt_error_format(&err, &msg);
		fprintf(stderr, "%s\n", msg.buf);
		sb_release(&msg);
		cvt_error_release(&err);
		return 1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		free(data);
		exit(0); /* not _exit: LeakSanitizer checks at exit */
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = -1;
	free(data);
	cvt_error_release(&err);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void replay_dir(const char *dir, int *passed, int *failed)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (replay_file(path)) {
			fprintf(stderr, "FAIL %s: %s\n", FUZZ_TARGET, path);
			(*failed)++;
		} else {
			(*passed)++;
		}
	}
	closedir(d);
}

int main(void)
{
	int passed = 0, failed = 0;
	replay_dir("tests/fuzz/corpus/" FUZZ_TARGET, &passed, &failed);
	replay_dir("tests/fuzz/regressions/" FUZZ_TARGET, &passed, &failed);
	if (passed + failed == 0) {
		fprintf(stderr, "%s: no input in tests/fuzz/corpus/%s or tests/fuzz/regressions/%s\n",
			FUZZ_TARGET, FUZZ_TARGET, FUZZ_TARGET);
		failed = 1;
	}
	printf("%s-replay: %d passed, %d failed\n", FUZZ_TARGET, passed, failed);
	return failed != 0;
}
