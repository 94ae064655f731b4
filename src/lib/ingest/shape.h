#ifndef CVT_INGEST_SHAPE_H
#define CVT_INGEST_SHAPE_H

/*
 * Shared by the scanner adapters: typed access to a parsed document that
 * turns a wrong type into an error naming the JSON path and what was
 * expected ("Results[2].Vulnerabilities[0].PkgName: expected a string, got
 * a number").
 */

#include "error.h"
#include "json.h"
#include "json_stream.h"
#include "report.h"

/* Path of the value being read, built only when an error is reported. */
struct shape_path {
	const struct shape_path *parent;
	const char *key; /* member name, or NULL for an array index */
	size_t index;
};

/* Formats the path as "Results[2].PkgName". */
void shape_path_format(const struct shape_path *p, struct strbuf *out);

int shape_error(struct cvt_error *err, const struct shape_path *p, const char *expected,
		const struct json_value *got);

/*
 * Reads an optional string member: absent, null or "" gives *out = NULL.
 * Any other non-string type is an error.
 */
int shape_opt_string(const struct json_value *obj, const char *key, const struct shape_path *parent,
		     const char **out, struct cvt_error *err);
/* As above, but absent/null/empty is an error. */
int shape_req_string(const struct json_value *obj, const char *key, const struct shape_path *parent,
		     const char **out, struct cvt_error *err);
/* The string of a value (an array item), or NULL when it is not a string or holds a NUL. */
const char *shape_str(const struct json_value *v);
/* An optional member that must be an array (or null/absent: *out = NULL). */
int shape_opt_array(const struct json_value *obj, const char *key, const struct shape_path *parent,
		    const struct json_value **out, struct cvt_error *err);
/* An optional member that must be an object (or null/absent: *out = NULL). */
int shape_opt_object(const struct json_value *obj, const char *key, const struct shape_path *parent,
		     const struct json_value **out, struct cvt_error *err);

/* "YYYY-MM-DD" prefix of an RFC 3339 date, copied into the arena; NULL if not a date. */
const char *shape_date_prefix(struct arena *a, const char *s);

/*
 * The array item `item` as a value: itself, or, when the document is read
 * as a stream (`stream` non-NULL) and `item` stands for an element, the
 * element parsed. A streamed element lives only until the next call: the
 * adapters copy every string they keep (shape_keep).
 */
int shape_element(struct json_stream *stream, const struct json_value *item,
		  const struct json_value **out, struct cvt_error *err);

/*
 * Where adapters copy the strings a report keeps: packed end to end in
 * chunks of the report's arena. The arena rounds every allocation up to 16
 * bytes, which for a report's hundreds of thousands of short strings is a
 * quarter of its memory, and fresh memory is what a large input costs most.
 */
struct shape_strings {
	struct arena *arena;
	char *next;
	size_t left;
};

void shape_strings_init(struct shape_strings *ss, struct arena *a);
/* `len` bytes of `s` and a NUL. */
const char *shape_keep_len(struct shape_strings *ss, const char *s, size_t len);
/* `s` copied (NULL stays NULL). */
const char *shape_keep(struct shape_strings *ss, const char *s);
/* As shape_set_key, with the key among the packed strings. */
void shape_make_key(struct shape_strings *ss, struct cvt_finding *f);

/*
 * Strings many findings share (package names, purls, versions, statuses),
 * kept once: a table of the strings kept lately, by a hash of their text,
 * in sets of SHAPE_POOL_WAYS, the least recently met one replaced. A string
 * met again while still in the table is not copied again.
 */
enum { SHAPE_POOL_SETS = 256, SHAPE_POOL_WAYS = 4 };
struct shape_pooled {
	const char *s;
	uint64_t hash;
};
struct shape_pool {
	struct shape_pooled set[SHAPE_POOL_SETS][SHAPE_POOL_WAYS]; /* most recent first */
};
/* `s` kept, or the equal string the pool holds (NULL stays NULL). */
const char *shape_keep_pooled(struct shape_strings *ss, struct shape_pool *pool, const char *s);
/* A kept string and its length. */
struct shape_kept {
	const char *s;
	size_t len;
};
/* `len` bytes of `s` kept, or the string `prev` holds when it is the same
 * (`prev` then holds the one returned): consecutive findings share much. */
const char *shape_keep_like(struct shape_strings *ss, struct shape_kept *prev, const char *s,
			    size_t len);

/*
 * Adapters that read a document as a stream: `stream` is the context the
 * skeleton `root` came from, or NULL for a document parsed whole (as
 * cvt_ingest_trivy and cvt_ingest_canonical pass).
 */
int shape_ingest_trivy(struct cvt_report *r, const struct json_value *root,
		       struct json_stream *stream, struct cvt_error *err);
int shape_ingest_canonical(struct cvt_report *r, const struct json_value *root,
			   struct json_stream *stream, struct cvt_error *err);

/*
 * One package result of a trivy k8s cluster report, with where it sits
 * ("<list_key>[resource].Results[result]", for errors) and the workload it
 * belongs to ("namespace/kind/name", prefixed to its locations' targets).
 */
struct shape_trivy_part {
	const struct json_value *result_value;
	const char *label;
	const char *list_key; /* "Resources", or "Vulnerabilities" in older reports */
	size_t resource, result;
};

/* Fills `r` (initialized) with the findings of these results and finishes it. */
int shape_ingest_trivy_parts(struct cvt_report *r, const struct shape_trivy_part *parts, size_t n,
			     struct cvt_error *err);

/*
 * Trivy read in one pass: the stream's scan hands each vulnerability over
 * as it meets it (json_stream_open_consuming with the consumer made here),
 * and shape_ingest_trivy, given that stream, completes the findings from
 * what was taken instead of reading the vulnerabilities again. A
 * vulnerability that is not what a finding needs is left to be read again
 * by shape_ingest_trivy, which then reports the error as it would have.
 */
struct trivy_taken;
struct trivy_recent_cve;
struct shape_trivy_stream {
	struct cvt_report *r;
	struct shape_strings strings;
	struct strbuf scratch;
	struct trivy_taken *taken; /* by element index */
	size_t n_taken, taken_alloc;
	struct json_stream_consumer consumer;
	/* Strings kept lately, shared rather than copied again: a
	 * vulnerability mostly has the package of the one before it, and a
	 * CVE is often found in several packages. */
	struct shape_kept last_name, last_installed, last_fixed, last_purl_given, last_path;
	const char *last_purl; /* versionless, of last_purl_given */
	struct trivy_recent_cve *recent; /* by a hash of the vulnerability id */
};
/* Files from this size on are read on two cores (json_stream_consumer.fork):
 * below it, starting a thread costs more than it saves. */
#ifndef SHAPE_TRIVY_PARALLEL_MIN
#define SHAPE_TRIVY_PARALLEL_MIN (8u << 20)
#endif
void shape_trivy_stream_init(struct shape_trivy_stream *t, struct cvt_report *r);

/*
 * cvt_load_report's path for a regular file, read as a stream, with a
 * second thread from `parallel_min` bytes on (0: never). Returns 0 when `r`
 * is loaded, 1 when the file must be read whole instead. Tests use it to
 * have small files read on two threads.
 */
int shape_load_streamed(struct cvt_report *r, const char *path, uint64_t parallel_min);
void shape_trivy_stream_release(struct shape_trivy_stream *t);

/* Builds f->key = "<id> <purl>" in the report's arena. */
void shape_set_key(struct cvt_report *r, struct cvt_finding *f);

#endif
