/* cvetrail's own canonical report read back: normalize is idempotent, and
 * diff/status/vex take committed reports. */
#include <string.h>

#include "ingest.h"
#include "shape.h"

/* Strings a finding keeps are copied into the report's arena: a streamed
 * finding lives only until the next one. What findings share is copied
 * once: consecutive locations mostly share their target; consecutive
 * findings (sorted by key, so by id first) mostly the vulnerability's
 * text; findings of one package its name, purl and versions (pooled). */
struct canonical_ctx {
	struct cvt_report *r;
	struct json_stream *stream;
	struct shape_strings strings;
	struct shape_kept last_target, last_id, last_title, last_url, last_published, last_cvss;
	struct shape_pool *pool;
};

/* `s` kept, or the one `prev` holds when the same (NULL stays NULL). */
static const char *keep_like(struct canonical_ctx *c, struct shape_kept *prev, const char *s)
{
	return s ? shape_keep_like(&c->strings, prev, s, strlen(s)) : NULL;
}

static int read_location(struct canonical_ctx *c, struct cvt_finding *f, const struct json_value *loc,
			 const struct shape_path *path, struct cvt_error *err)
{
	struct cvt_report *r = c->r;
	const char *target, *pkg_path, *version;
	int rc;
	if (!json_is(loc, JSON_OBJECT))
		return shape_error(err, path, "a location object", loc);
	if ((rc = shape_opt_string(loc, "target", path, &target, err)) < 0 ||
	    (rc = shape_opt_string(loc, "path", path, &pkg_path, err)) < 0 ||
	    (rc = shape_opt_string(loc, "version", path, &version, err)) < 0)
		return rc;
	cvt_finding_add_location(r, f, keep_like(c, &c->last_target, target ? target : ""),
				 shape_keep_pooled(&c->strings, c->pool, pkg_path),
				 shape_keep_pooled(&c->strings, c->pool, version));
	return 0;
}

static int read_finding(struct canonical_ctx *c, const struct json_value *v,
			const struct shape_path *path, struct cvt_error *err)
{
	struct cvt_report *r = c->r;
	struct shape_strings *a = &c->strings;
	const struct json_value *pkg, *aliases, *locations, *cvss;
	const char *severity;
	int rc;
	if (!json_is(v, JSON_OBJECT))
		return shape_error(err, path, "a finding object", v);
	struct cvt_finding *f = cvt_report_add(r);
	struct shape_path pp = {path, "package", 0};
	if ((rc = shape_req_string(v, "id", path, &f->id, err)) < 0 ||
	    (rc = shape_opt_object(v, "package", path, &pkg, err)) < 0)
		return rc;
	if (!pkg)
		return shape_error(err, &pp, "an object", json_get(v, "package"));
	if ((rc = shape_opt_string(pkg, "name", &pp, &f->pkg_name, err)) < 0 ||
	    (rc = shape_req_string(pkg, "purl", &pp, &f->purl, err)) < 0 ||
	    (rc = shape_opt_string(v, "severity", path, &severity, err)) < 0 ||
	    (rc = shape_opt_string(v, "status", path, &f->status, err)) < 0 ||
	    (rc = shape_opt_string(v, "installed_version", path, &f->installed_version, err)) < 0 ||
	    (rc = shape_opt_string(v, "fixed_version", path, &f->fixed_version, err)) < 0 ||
	    (rc = shape_opt_string(v, "published", path, &f->published, err)) < 0 ||
	    (rc = shape_opt_string(v, "title", path, &f->title, err)) < 0 ||
	    (rc = shape_opt_string(v, "url", path, &f->url, err)) < 0 ||
	    (rc = shape_opt_array(v, "aliases", path, &aliases, err)) < 0 ||
	    (rc = shape_opt_array(v, "locations", path, &locations, err)) < 0)
		return rc;
	f->id = keep_like(c, &c->last_id, f->id);
	f->pkg_name = shape_keep_pooled(a, c->pool, f->pkg_name);
	f->purl = shape_keep_pooled(a, c->pool, f->purl);
	f->status = shape_keep_pooled(a, c->pool, f->status);
	f->installed_version = shape_keep_pooled(a, c->pool, f->installed_version);
	f->fixed_version = shape_keep_pooled(a, c->pool, f->fixed_version);
	f->published = keep_like(c, &c->last_published, f->published);
	f->title = keep_like(c, &c->last_title, f->title);
	f->url = keep_like(c, &c->last_url, f->url);
	/* The key is derived, so a hand-edited key cannot disagree with id and purl. */
	shape_make_key(a, f);
	f->severity = cvt_severity_parse(severity);
	cvss = json_get(v, "cvss");
	if (json_is(cvss, JSON_NUMBER))
		f->cvss = shape_keep_like(a, &c->last_cvss, cvss->u.str, cvss->len);
	else if (cvss && !json_is(cvss, JSON_NULL))
		return shape_error(err, &(struct shape_path){path, "cvss", 0}, "a number or null", cvss);
	struct shape_path ap = {path, "aliases", 0};
	for (uint32_t i = 0; aliases && i < aliases->len; i++) {
		const char *alias = shape_str(&aliases->u.items[i]);
		if (!alias)
			return shape_error(err, &(struct shape_path){&ap, NULL, i}, "a string",
					   &aliases->u.items[i]);
		if (*alias && strcmp(alias, f->id) != 0)
			cvt_finding_add_alias(r, f, shape_keep_pooled(a, c->pool, alias));
	}
	struct shape_path lp = {path, "locations", 0};
	for (uint32_t i = 0; locations && i < locations->len; i++) {
		struct shape_path ip = {&lp, NULL, i};
		if ((rc = read_location(c, f, &locations->u.items[i], &ip, err)) < 0)
			return rc;
	}
	return 0;
}

int cvt_ingest_canonical(struct cvt_report *r, const struct json_value *root, struct cvt_error *err)
{
	return shape_ingest_canonical(r, root, NULL, err);
}

int shape_ingest_canonical(struct cvt_report *r, const struct json_value *root,
			   struct json_stream *stream, struct cvt_error *err)
{
	struct canonical_ctx c = {.r = r, .stream = stream};
	shape_strings_init(&c.strings, &r->arena);
	const struct json_value *artifact, *scanner, *findings;
	int rc;
	const char *schema = json_get_str(root, "schema");
	if (!schema || strcmp(schema, "cvetrail/report/1") != 0)
		return cvt_error_set(err, CVT_EINVAL, "not a cvetrail report (expected schema \"cvetrail/report/1\")");
	struct shape_path ap = {NULL, "artifact", 0}, sp = {NULL, "scanner", 0}, fp = {NULL, "findings", 0};
	if ((rc = shape_opt_object(root, "artifact", NULL, &artifact, err)) < 0 ||
	    (rc = shape_opt_object(root, "scanner", NULL, &scanner, err)) < 0 ||
	    (rc = shape_opt_array(root, "findings", NULL, &findings, err)) < 0)
		return rc;
	if (artifact &&
	    ((rc = shape_opt_string(artifact, "name", &ap, &r->artifact_name, err)) < 0 ||
	     (rc = shape_opt_string(artifact, "type", &ap, &r->artifact_type, err)) < 0 ||
	     (rc = shape_opt_string(artifact, "os", &ap, &r->os, err)) < 0))
		return rc;
	r->artifact_name = shape_keep(&c.strings, r->artifact_name);
	r->artifact_type = shape_keep(&c.strings, r->artifact_type);
	r->os = shape_keep(&c.strings, r->os);
	if (scanner) {
		if ((rc = shape_opt_string(scanner, "name", &sp, &r->scanner_name, err)) < 0)
			return rc;
		r->scanner_name = shape_keep(&c.strings, r->scanner_name);
		const struct json_value *results = json_get(scanner, "results");
		if (json_is(results, JSON_NUMBER))
			r->results = (size_t)json_number(results);
		else if (results && !json_is(results, JSON_NULL))
			return shape_error(err, &(struct shape_path){&sp, "results", 0}, "a number", results);
	}
	/* On the stack: freeing it could hand the heap's top back to the
	 * system, to be faulted in again for the next report of a fleet. */
	struct shape_pool pool;
	memset(&pool, 0, sizeof pool);
	c.pool = &pool;
	rc = 0;
	for (uint32_t i = 0; findings && i < findings->len; i++) {
		struct shape_path ip = {&fp, NULL, i};
		const struct json_value *v;
		if ((rc = shape_element(stream, &findings->u.items[i], &v, err)) < 0 ||
		    (rc = read_finding(&c, v, &ip, err)) < 0)
			break;
	}
	if (rc < 0)
		return rc;
	cvt_report_finish(r);
	return 0;
}
