#include "ingest.h"

int cvt_ingest_grype(struct cvt_report *r, const struct json_value *root, struct cvt_error *err)
{
	(void)r;
	(void)root;
	return cvt_error_set(err, CVT_EINVAL, "Grype reports are not supported yet");
}
