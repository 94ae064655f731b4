/*
 * Conformance against JSONTestSuite (github.com/nst/JSONTestSuite):
 * y_* must parse, n_* must fail with a message, i_* may do either but must
 * not crash. Accepted texts are also written back compact and parsed again,
 * so the writer is held to the same corpus.
 *
 * The directory comes from JSONTESTSUITE_DIR, else the shared test data next
 * to the checkout; without it the suite is skipped, not failed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define DEFAULT_DIR "../shared/testdata/JSONTestSuite/test_parsing"

struct counts {
	int total;
	int ok;
};

static int read_whole(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char chunk[65536];
	size_t n;
	int ret = -1;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_add(&sb, chunk, n);
	if (ferror(f))
		goto out;
	/* The strbuf's terminating NUL is the spare byte json_parse wants. */
	*data = sb_detach(&sb, len);
	ret = 0;
out:
	fclose(f);
	sb_release(&sb);
	return ret;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes the tree compact, parses that again and writes it again: both
 * writes must agree. Returns 0 when they do. */
static int round_trip(const struct json_value *root)
{
	struct strbuf first = STRBUF_INIT, second = STRBUF_INIT;
	struct json_writer w;
	struct json_doc doc;
	int ret = -1;

	json_writer_init(&w, &first, 0);
	json_value(&w, root);
	char *copy = malloc(first.len + 1);
	if (!copy)
		goto out;
	memcpy(copy, first.buf, first.len);
	if (json_parse(&doc, copy, first.len, NULL) == 0) {
		json_writer_init(&w, &second, 0);
		json_value(&w, doc.root);
		ret = first.len == second.len && memcmp(first.buf, second.buf, first.len) == 0 ? 0
											      : -1;
		json_doc_release(&doc);
	}
	free(copy);
out:
	sb_release(&first);
	sb_release(&second);
	return ret;
}

/* Parses one file; returns 0 when its outcome is what its prefix asks. */
static int run_case(const char *dir, const char *name, struct counts *y, struct counts *n,
		    struct counts *i, int *i_accepted)
{
	struct strbuf path = STRBUF_INIT;
	struct cvt_error err = CVT_ERROR_INIT;
	struct json_doc doc;
	char *data = NULL;
	size_t len = 0;
	int rc, ret = -1;

	sb_addf(&path, "%s/%s", dir, name);
	if (read_whole(path.buf, &data, &len)) {
		fprintf(stderr, "FAIL %s: cannot read: %s\n", name, strerror(errno));
		if (name[0] == 'y')
			y->total++;
		else if (name[0] == 'n')
			n->total++;
		else
			i->total++;
		goto out;
	}
	rc = json_parse(&doc, data, len, &err);
	if (rc == 0 && round_trip(doc.root)) {
		fprintf(stderr, "FAIL %s: written output does not round-trip\n", name);
		json_doc_release(&doc);
		y->total += name[0] == 'y';
		n->total += name[0] == 'n';
		i->total += name[0] == 'i';
		goto out;
	}
	switch (name[0]) {
	case 'y':
		y->total++;
		if (rc == 0) {
			y->ok++;
			ret = 0;
		} else {
			fprintf(stderr, "FAIL %s: rejected: %s (byte %zu)\n", name, err.message.buf,
				err.offset);
		}
		break;
	case 'n':
		n->total++;
		if (rc != 0 && err.message.len) {
			n->ok++;
			ret = 0;
		} else if (rc != 0) {
			fprintf(stderr, "FAIL %s: rejected without a message\n", name);
		} else {
			fprintf(stderr, "FAIL %s: accepted\n", name);
		}
		break;
	default:
		i->total++;
		i->ok++;
		ret = 0;
		if (rc == 0) {
			(*i_accepted)++;
			printf("  %s: accepted\n", name);
		} else {
			printf("  %s: rejected: %s (byte %zu)\n", name, err.message.buf, err.offset);
		}
		break;
	}
	if (rc == 0)
		json_doc_release(&doc);
out:
	free(data);
	sb_release(&path);
	cvt_error_release(&err);
	return ret;
}

int main(void)
{
	const char *dir = getenv("JSONTESTSUITE_DIR");
	struct counts y = {0, 0}, n = {0, 0}, i = {0, 0};
	int i_accepted = 0, passed = 0, failed = 0;
	char **names = NULL;
	size_t count = 0, alloc = 0;
	struct dirent *de;
	DIR *d;

	if (!dir || !*dir)
		dir = DEFAULT_DIR;
	d = opendir(dir);
	if (!d) {
		printf("jsontestsuite: skipped (../shared/testdata/JSONTestSuite not found)\n");
		printf("jsontestsuite: 0 passed, 0 failed\n");
		return 0;
	}
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		size_t len = strlen(name);
		if (len < 7 || name[1] != '_' || !strchr("yni", name[0]) ||
		    strcmp(name + len - 5, ".json") != 0)
			continue;
		if (count == alloc) {
			alloc = alloc ? alloc * 2 : 512;
			names = cvt_realloc_array(names, alloc, sizeof *names);
		}
		names[count++] = strdup(name);
	}
	closedir(d);
	if (count)
		qsort(names, count, sizeof *names, compare_names);

	printf("jsontestsuite: %s\n", dir);
	for (size_t k = 0; k < count; k++) {
		if (run_case(dir, names[k], &y, &n, &i, &i_accepted) == 0)
			passed++;
		else
			failed++;
		free(names[k]);
	}
	free(names);

	printf("y_: %d/%d accepted\n", y.ok, y.total);
	printf("n_: %d/%d rejected\n", n.ok, n.total);
	printf("i_: %d/%d without crash (%d accepted, %d rejected)\n", i.ok, i.total, i_accepted,
	       i.ok - i_accepted);
	if (!count) {
		fprintf(stderr, "jsontestsuite: no test files in %s\n", dir);
		failed++;
	}
	printf("jsontestsuite: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
