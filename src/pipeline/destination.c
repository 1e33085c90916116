/*
 * Choosing the destination: local (the SQLite catalog, the embedded engine)
 * or athena (the Glue catalog, Athena), once, from --destination or the
 * configuration's [pipeline] destination, and the athena destination's
 * settings from the configuration (dlt's [destination.athena]).
 */
#include <string.h>

#include "config/config.h"
#include "lakeload.h"
#include "util/error.h"

ll_status ll_config_destination(const ll_config *c, const char *flag, bool *athena, ll_error *err)
{
	const char *origin = "flag --destination";
	const char *v = flag;
	if (!v && c)
		v = ll_config_get(c, "pipeline.destination", &origin);
	*athena = false;
	if (!v || strcmp(v, "local") == 0)
		return LL_OK;
	if (strcmp(v, "athena") == 0) {
		*athena = true;
		return LL_OK;
	}
	return ll_error_set(err, LL_EINVAL, "unknown destination \"%s\" (from %s); use local or athena",
			    v, origin);
}

ll_status ll_config_athena_options(const ll_config *c, const ll_s3_options *s3,
				   ll_athena_options *out, ll_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!s3)
		return ll_error_set(err, LL_EINVAL,
				    "the athena destination needs an s3:// lake (Athena reads tables "
				    "from S3); set bucket_url in [destination.filesystem] or pass "
				    "--lake s3://BUCKET/PREFIX");
	out->endpoint_url = ll_config_credential(c, "endpoint_url", NULL);
	out->region = s3->region;
	out->access_key_id = s3->access_key_id;
	out->secret_access_key = s3->secret_access_key;
	out->session_token = s3->session_token;
	out->credentials_provider = s3->credentials_provider;
	out->data_catalog = ll_config_get(c, "destination.athena.aws_data_catalog", NULL);
	out->query_result_bucket = ll_config_get(c, "destination.athena.query_result_bucket", NULL);
	out->work_group = ll_config_get(c, "destination.athena.athena_work_group", NULL);
	return LL_OK;
}
