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
/* An optional member that must be an array (or null/absent: *out = NULL). */
int shape_opt_array(const struct json_value *obj, const char *key, const struct shape_path *parent,
		    const struct json_value **out, struct cvt_error *err);
/* An optional member that must be an object (or null/absent: *out = NULL). */
int shape_opt_object(const struct json_value *obj, const char *key, const struct shape_path *parent,
		     const struct json_value **out, struct cvt_error *err);

/* "YYYY-MM-DD" prefix of an RFC 3339 date, copied into the arena; NULL if not a date. */
const char *shape_date_prefix(struct arena *a, const char *s);

/* Builds f->key = "<id> <purl>" in the report's arena. */
void shape_set_key(struct cvt_report *r, struct cvt_finding *f);

#endif
