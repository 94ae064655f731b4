#ifndef CVT_TEST_HARNESS_H
#define CVT_TEST_HARNESS_H

/*
 * A minimal unit-test harness: CHECK records a failure and goes on,
 * TEST_MAIN runs the listed tests and prints "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

static int harness_checks_failed;
static int harness_current_failed;

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			harness_current_failed = 1;                                     \
			harness_checks_failed++;                                        \
		}                                                                       \
	} while (0)

#define CHECK_STR(a, b)                                                                 \
	do {                                                                            \
		const char *check_a_ = (a), *check_b_ = (b);                            \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {        \
			fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\" (%s)\n", __FILE__, \
				__LINE__, check_b_ ? check_b_ : "(null)",               \
				check_a_ ? check_a_ : "(null)", #a);                    \
			harness_current_failed = 1;                                     \
			harness_checks_failed++;                                        \
		}                                                                       \
	} while (0)

struct harness_test {
	const char *name;
	void (*fn)(void);
};

#define TEST(name) {#name, name}

static inline int harness_run(const char *suite, const struct harness_test *tests, size_t n)
{
	int passed = 0, failed = 0;
	for (size_t i = 0; i < n; i++) {
		harness_current_failed = 0;
		tests[i].fn();
		if (harness_current_failed) {
			fprintf(stderr, "FAIL %s.%s\n", suite, tests[i].name);
			failed++;
		} else {
			passed++;
		}
	}
	printf("%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}

#define TEST_MAIN(suite, ...)                                                           \
	int main(void)                                                                  \
	{                                                                               \
		static const struct harness_test tests[] = {__VA_ARGS__};               \
		return harness_run(suite, tests, sizeof tests / sizeof tests[0]);       \
	}

#endif
