#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "ingest.h"
#include "shape.h"

enum cvt_input_format cvt_detect_format(const struct json_value *root)
{
	if (json_is(root, JSON_NULL) || json_is(root, JSON_ARRAY))
		return CVT_FORMAT_TRIVY;
	if (!json_is(root, JSON_OBJECT))
		return CVT_FORMAT_UNKNOWN;
	const char *schema = json_get_str(root, "schema");
	if (schema && !strncmp(schema, "cvetrail/report/", 16))
		return CVT_FORMAT_CANONICAL;
	if (json_get(root, "ClusterName") || json_get(root, "Resources"))
		return CVT_FORMAT_TRIVY_K8S;
	if (json_get(root, "SchemaVersion") || json_get(root, "Results"))
		return CVT_FORMAT_TRIVY;
	if (json_get(root, "matches"))
		return CVT_FORMAT_GRYPE;
	return CVT_FORMAT_UNKNOWN;
}

int cvt_ingest(struct cvt_report *r, const struct json_value *root, struct cvt_error *err)
{
	switch (cvt_detect_format(root)) {
	case CVT_FORMAT_CANONICAL:
		return cvt_ingest_canonical(r, root, err);
	case CVT_FORMAT_TRIVY:
	case CVT_FORMAT_TRIVY_K8S:
		return cvt_ingest_trivy(r, root, err);
	case CVT_FORMAT_GRYPE:
		return cvt_ingest_grype(r, root, err);
	case CVT_FORMAT_UNKNOWN:
		break;
	}
	return cvt_error_set(err, CVT_EINVAL,
			     "not a scanner report: expected Trivy JSON (SchemaVersion 2, a legacy "
			     "array of results, or null), Grype JSON (matches) or a cvetrail report");
}

/*
 * The fast path for a regular file: read as a stream (json_stream.h), so
 * that neither the text nor its whole tree is ever in memory. Returns 0 when
 * `r` is loaded, 1 when the file must be read whole instead: it is not a
 * regular file, it is a format the stream does not serve, or anything at all
 * went wrong. Reading whole then gives the exact error (message, line,
 * column, byte offset) that the position-less stream cannot.
 */
int shape_load_streamed(struct cvt_report *r, const char *path, uint64_t parallel_min)
{
	struct cvt_error err = CVT_ERROR_INIT;
	struct json_stream s;
	struct shape_trivy_stream trivy;
	struct stat st;
	int rc;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return 1;
	}
	/* Trivy's vulnerabilities are taken during the scan; whatever the
	 * format turns out to be, what the scan took of them is then used or
	 * left. */
	shape_trivy_stream_init(&trivy, r);
	trivy.consumer.parallel_min = parallel_min;
	rc = json_stream_open_consuming(&s, fd, &trivy.consumer, &err);
	if (rc == 0) {
		switch (cvt_detect_format(s.root)) {
		case CVT_FORMAT_CANONICAL:
			r->n_findings = 0; /* what the Trivy consumer took is not this report's */
			rc = shape_ingest_canonical(r, s.root, &s, &err);
			break;
		case CVT_FORMAT_TRIVY:
			rc = shape_ingest_trivy(r, s.root, &s, &err);
			break;
		default:
			rc = 1;
			break;
		}
	}
	if (rc == 0)
		rc = json_stream_finish(&s, &err);
	json_stream_release(&s);
	shape_trivy_stream_release(&trivy);
	close(fd);
	cvt_error_release(&err);
	if (rc != 0) {
		cvt_report_release(r);
		cvt_report_init(r);
		return 1;
	}
	return 0;
}

int cvt_load_report(struct cvt_report *r, const char *path, struct cvt_error *err)
{
	if (strcmp(path, "-") != 0 && shape_load_streamed(r, path, SHAPE_TRIVY_PARALLEL_MIN) == 0) {
		cvt_error_set_file(err, path);
		return CVT_OK;
	}

	char *text = NULL;
	size_t len = 0;
	struct json_doc doc;
	int rc = cvt_read_file(path, &text, &len, err);
	if (rc < 0)
		return rc;
	if (len == 0) {
		free(text);
		return cvt_error_set(err, CVT_EINVAL, "empty file, expected a JSON scanner report");
	}
	rc = json_parse(&doc, text, len, err);
	if (rc < 0) {
		free(text);
		return rc;
	}
	rc = cvt_ingest(r, doc.root, err);
	json_doc_release(&doc);
	if (rc < 0) {
		free(text);
		return rc;
	}
	/* Findings point into the text: the report keeps it. */
	free(r->input);
	r->input = text;
	return CVT_OK;
}

static void *loading_run(void *arg)
{
	struct cvt_report_loading *l = arg;
	l->rc = cvt_load_report(l->r, l->path, &l->err);
	return NULL;
}

void cvt_load_report_start(struct cvt_report_loading *l, struct cvt_report *r, const char *path)
{
	l->r = r;
	l->path = path;
	cvt_error_init(&l->err);
	l->rc = 0;
	l->threaded = pthread_create(&l->thread, NULL, loading_run, l) == 0;
	if (!l->threaded)
		loading_run(l);
}

int cvt_load_report_wait(struct cvt_report_loading *l, struct cvt_error *err)
{
	if (l->threaded)
		pthread_join(l->thread, NULL);
	l->threaded = 0;
	if (l->rc < 0 && err) {
		cvt_error_release(err);
		*err = l->err;
	} else {
		cvt_error_release(&l->err);
	}
	return l->rc;
}

int cvt_load_report_pair(struct cvt_report *first, const char *first_path,
			 struct cvt_report *second, const char *second_path, struct cvt_error *err)
{
	struct cvt_report_loading loading;
	cvt_load_report_start(&loading, first, first_path);
	int rc = cvt_load_report(second, second_path, err);
	/* The first one's error wins, as when they are read in turn. */
	int first_rc = cvt_load_report_wait(&loading, err);
	return first_rc < 0 ? first_rc : rc;
}

int cvt_load_report_buffer(struct cvt_report *r, const char *data, size_t len, const char *name,
			   struct cvt_error *err)
{
	struct json_doc doc;
	char *text = NULL;
	int rc;
	if (len == 0) {
		rc = cvt_error_set(err, CVT_EINVAL, "empty file, expected a JSON scanner report");
		goto fail;
	}
	text = cvt_malloc(len + 1);
	memcpy(text, data, len);
	if ((rc = json_parse(&doc, text, len, err)) < 0)
		goto fail;
	rc = cvt_ingest(r, doc.root, err);
	json_doc_release(&doc);
	if (rc < 0)
		goto fail;
	free(r->input);
	r->input = text;
	return CVT_OK;
fail:
	free(text);
	cvt_error_about(err, name);
	return rc;
}
