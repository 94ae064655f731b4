/*
 * What this machine charges for the two things normalize cannot avoid,
 * printed by `make bench` next to the ratios (not part of cvetrail):
 *
 *   machine FILE
 *
 * 1. Reading FILE: through one 256 KiB buffer used again and again (what
 *    cat and cvetrail do), against mapping it and reading the mapping.
 * 2. Memory: writing 64 MiB that the process never touched before, against
 *    writing the same 64 MiB again (on virtual machines the first write to
 *    a page can cost far more than the write).
 *
 * Each line: "<name> <milliseconds>".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { BUFFER = 256 * 1024, TOUCH = 64 * 1024 * 1024 };

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One byte in 64 of each page is enough to bring every page in. */
static unsigned long sample(const unsigned char *p, size_t n)
{
	unsigned long s = 0;
	for (size_t i = 0; i < n; i += 64)
		s += p[i];
	return s;
}

int main(int argc, char **argv)
{
	static unsigned char buffer[BUFFER];
	struct stat st;
	unsigned long seen = 0, mapped_seen;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: machine FILE\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) < 0 || st.st_size <= 0) {
		fprintf(stderr, "machine: cannot read %s\n", argv[1]);
		return 2;
	}
	size_t size = (size_t)st.st_size;

	double t0 = now_ms();
	for (off_t at = 0;;) {
		ssize_t n = pread(fd, buffer, sizeof buffer, at);
		if (n < 0) {
			fprintf(stderr, "machine: cannot read %s\n", argv[1]);
			return 2;
		}
		if (n == 0)
			break;
		seen += sample(buffer, (size_t)n);
		at += n;
	}
	double t1 = now_ms();
	const unsigned char *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, "machine: cannot map %s\n", argv[1]);
		return 2;
	}
	mapped_seen = sample(map, size);
	double t2 = now_ms();
	if (mapped_seen != seen) {
		fprintf(stderr, "machine: %s changed while it was read\n", argv[1]);
		return 2;
	}
	printf("read-buffer %.1f\nread-mapped %.1f\n", t1 - t0, t2 - t1);

	unsigned char *fresh = mmap(NULL, TOUCH, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fresh == MAP_FAILED) {
		fprintf(stderr, "machine: out of memory\n");
		return 2;
	}
	double t3 = now_ms();
	memset(fresh, 1, TOUCH);
	double t4 = now_ms();
	memset(fresh, 2, TOUCH);
	double t5 = now_ms();
	/* Read back, so that neither write can be left out. */
	if (sample(fresh, TOUCH) != 2ul * (TOUCH / 64)) {
		fprintf(stderr, "machine: memory reads back wrong\n");
		return 2;
	}
	printf("touch-fresh-64MiB %.1f\ntouch-again-64MiB %.1f\n", t4 - t3, t5 - t4);
	return 0;
}
