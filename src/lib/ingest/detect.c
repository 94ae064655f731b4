#include <stdlib.h>
#include <string.h>

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

int cvt_load_report(struct cvt_report *r, const char *path, struct cvt_error *err)
{
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
