#ifndef CVT_INGEST_H
#define CVT_INGEST_H

#include <pthread.h>
#include <stddef.h>

#include "error.h"
#include "json.h"
#include "report.h"

/*
 * Scanner output in, findings model out. Each format is an adapter
 * (ingest/trivy.c, ingest/grype.c, ingest/canonical.c); cvt_ingest detects
 * which one a document is. Nothing downstream knows which scanner ran.
 */

enum cvt_input_format {
	CVT_FORMAT_UNKNOWN,
	CVT_FORMAT_CANONICAL,    /* cvetrail/report/1 */
	CVT_FORMAT_TRIVY,        /* SchemaVersion 2, legacy array, or null */
	CVT_FORMAT_TRIVY_K8S,    /* trivy k8s cluster report */
	CVT_FORMAT_GRYPE,
};

enum cvt_input_format cvt_detect_format(const struct json_value *root);

/* Each fills a fresh (initialized) report and finishes it; on error returns
 * CVT_EINVAL with a message saying what was expected where. */
int cvt_ingest_trivy(struct cvt_report *r, const struct json_value *root, struct cvt_error *err);
int cvt_ingest_grype(struct cvt_report *r, const struct json_value *root, struct cvt_error *err);
int cvt_ingest_canonical(struct cvt_report *r, const struct json_value *root, struct cvt_error *err);

/*
 * A trivy k8s cluster report, image by image: one image per distinct image
 * reference (from a result's Target "nginx:1.25 (debian 12)", else the
 * resource's metadata, else the workload "namespace/kind/name" itself).
 * `images` are sorted and distinct; strings point into `root` and the
 * arena, so the parsed document must outlive the cluster.
 */
struct cvt_k8s_cluster {
	struct arena arena;
	const char *cluster_name; /* NULL when absent */
	const char **images;
	size_t n_images;
	void *private_data;
};

/* Call cvt_k8s_cluster_release whatever it returns. */
int cvt_k8s_cluster_read(struct cvt_k8s_cluster *cl, const struct json_value *root,
			 struct cvt_error *err);
/* Fills `r` (initialized) with image i: its findings in every workload, each location's target
 * "namespace/kind/name: <Target>"; artifact name the image reference. */
int cvt_k8s_cluster_image(const struct cvt_k8s_cluster *cl, size_t i, struct cvt_report *r,
			  struct cvt_error *err);
void cvt_k8s_cluster_release(struct cvt_k8s_cluster *cl);
/* The whole cluster as one report (artifact: the cluster), for commands that read one report. */
int cvt_ingest_trivy_k8s(struct cvt_report *r, const struct json_value *root, struct cvt_error *err);

/* Detects the format and dispatches. */
int cvt_ingest(struct cvt_report *r, const struct json_value *root, struct cvt_error *err);

/*
 * Reads and parses `path` ("-" for stdin) and ingests it into `r`
 * (initialized by the caller). Errors carry the file name and, for JSON,
 * the position.
 */
int cvt_load_report(struct cvt_report *r, const char *path, struct cvt_error *err);

/*
 * cvt_load_report on a second thread, while the caller does something else
 * (reads another report): started, then waited for. It runs in the
 * caller's thread, at the start, when no thread can be started.
 */
struct cvt_report_loading {
	struct cvt_report *r;
	const char *path;
	struct cvt_error err;
	int rc;
	int threaded;
	pthread_t thread;
};
void cvt_load_report_start(struct cvt_report_loading *l, struct cvt_report *r, const char *path);
/* Its result; when it failed, its error replaces `err`. */
int cvt_load_report_wait(struct cvt_report_loading *l, struct cvt_error *err);

/*
 * cvt_load_report of two files at once, the first on a second thread (at
 * most one of them "-"). Returns 0 when both are read; else the first
 * one's error when it failed, the second one's otherwise.
 */
int cvt_load_report_pair(struct cvt_report *first, const char *first_path,
			 struct cvt_report *second, const char *second_path, struct cvt_error *err);

/*
 * The same for a report already in memory (a git blob): `len` bytes of
 * `data` are copied (the parser decodes in place and the report's strings
 * point into the copy). `name` is what errors call the text, e.g.
 * "<commit>:<path>".
 */
int cvt_load_report_buffer(struct cvt_report *r, const char *data, size_t len, const char *name,
			   struct cvt_error *err);

#endif
