/*
 * Opening a lake for pipelines and queries: its storage, from the public S3
 * options, and its catalog, chosen here once. The athena destination's is
 * AWS Glue. The local destination's is a SQLite file where the options say
 * or where it lives by default: a local lake keeps it at <lake>/catalog.db;
 * an S3 lake's is a local file under the lakeload home,
 * catalogs/<bucket>/<prefix>/catalog.db, because S3 offers no atomic
 * compare-and-swap to publish a catalog with.
 */
#include "pipeline/pipeline_internal.h"

#include <string.h>

#include "aws/athena.h"
#include "aws/glue.h"
#include "config/aws_credentials.h"
#include "util/fs.h"

static void s3_config_from(const ll_s3_options *o, const ll_logger *logger, ll_s3_config *cfg)
{
	ll_s3_config_init(cfg);
	cfg->endpoint_url = o->endpoint_url;
	if (o->region)
		cfg->region = o->region;
	cfg->access_key_id = o->access_key_id;
	cfg->secret_access_key = o->secret_access_key;
	cfg->session_token = o->session_token;
	cfg->path_style = o->path_style ? LL_S3_PATH_STYLE_ON : LL_S3_PATH_STYLE_AUTO;
	cfg->logger = logger;
	if (o->credentials_provider) {
		cfg->credentials = ll_aws_provider_s3_credentials;
		cfg->credentials_user = o->credentials_provider;
	}
}

void ll_lake_catalog_path(const ll_storage *storage, const char *home, ll_buf *out)
{
	const char *root = ll_storage_root(storage);
	if (ll_storage_is_local(storage)) {
		ll_path_join(out, root + strlen("file://"), "catalog.db");
		return;
	}
	ll_pipeline_home(home, out);
	ll_buf_printf(out, "/catalogs/%s/catalog.db", root + strlen("s3://"));
}

/* A local lake directory that does not exist yet: nothing was ever loaded into it. */
static ll_status check_local_lake(const char *lake, ll_error *err)
{
	const char *dir = strncmp(lake, "file://", 7) == 0 ? lake + 7 : lake;
	if (strstr(lake, "://") && dir == lake)
		return LL_OK;
	if (!ll_fs_is_dir(dir))
		return ll_error_set(err, LL_ENOTFOUND,
				    "lake %s does not exist; load data first or pass --lake DIR", lake);
	return LL_OK;
}

/* The catalog of a lake being read must be there: loads create it. */
static ll_status check_catalog(const char *path, const char *lake, ll_error *err)
{
	if (ll_fs_exists(path))
		return LL_OK;
	return ll_error_set(err, LL_ENOTFOUND,
			    "lake %s has no catalog at %s; load data first, or name the catalog "
			    "file its loads used",
			    lake, path);
}

static void glue_config_from(const ll_athena_options *a, const ll_logger *logger,
			     ll_aws_json_config *cfg)
{
	ll_aws_json_config_init(cfg, LL_AWS_GLUE);
	cfg->endpoint_url = a->endpoint_url;
	if (a->region && a->region[0])
		cfg->region = a->region;
	cfg->access_key_id = a->access_key_id;
	cfg->secret_access_key = a->secret_access_key;
	cfg->session_token = a->session_token;
	if (a->credentials_provider) {
		cfg->credentials = ll_aws_provider_s3_credentials;
		cfg->credentials_user = a->credentials_provider;
	}
	cfg->logger = logger;
}

void ll_lake_athena_config(const ll_athena_options *a, const ll_logger *logger,
			   ll_athena_config *cfg)
{
	ll_athena_config_init(cfg);
	glue_config_from(a, logger, &cfg->aws);
	cfg->aws.service = LL_AWS_ATHENA;
	cfg->work_group = a->work_group;
	cfg->output_location = a->query_result_bucket;
	cfg->catalog = a->data_catalog;
}

/* The Glue catalog id of aws_data_catalog: none, an account id, or what Athena says. */
static ll_status glue_catalog_id(const ll_athena_options *a, const ll_logger *logger, ll_buf *out,
				 ll_error *err)
{
	const char *id = NULL;
	if (ll_glue_catalog_id_for(a->data_catalog, &id)) {
		if (id)
			ll_buf_puts(out, id);
		return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
	}
	ll_athena_config cfg;
	ll_lake_athena_config(a, logger, &cfg);
	ll_athena *athena = NULL;
	ll_status st = ll_athena_open(&athena, &cfg, err);
	if (st == LL_OK)
		st = ll_athena_glue_catalog_id(athena, a->data_catalog, out, err);
	ll_athena_free(athena);
	return st;
}

static ll_status open_glue(const ll_athena_options *a, const ll_logger *logger,
			   ll_storage *storage, ll_catalog **catalog, ll_error *err)
{
	ll_buf id = LL_BUF_INIT;
	ll_status st = glue_catalog_id(a, logger, &id, err);
	ll_aws_json_config cfg;
	glue_config_from(a, logger, &cfg);
	ll_catalog_glue_options go = { &cfg, id.len ? id.data : NULL };
	if (st == LL_OK)
		st = ll_catalog_open_glue(catalog, &go, storage, err);
	ll_buf_free(&id);
	return st;
}

ll_status ll_lake_open(const ll_lake_options *opt, const ll_logger *logger, bool create,
		       ll_storage **storage, ll_catalog **catalog, ll_error *err)
{
	*storage = NULL;
	*catalog = NULL;
	if (!create && !opt->catalog && !opt->athena) {
		ll_status st = check_local_lake(opt->lake, err);
		if (st != LL_OK)
			return st;
	}
	ll_s3_config cfg;
	if (opt->s3)
		s3_config_from(opt->s3, logger, &cfg);
	ll_storage_options sopt = { .s3 = opt->s3 ? &cfg : NULL };
	ll_status st = ll_storage_open(storage, opt->lake, &sopt, err);
	if (st != LL_OK)
		return st;
	if (opt->athena) {
		st = open_glue(opt->athena, logger, *storage, catalog, err);
		if (st != LL_OK) {
			ll_storage_free(*storage);
			*storage = NULL;
		}
		return st;
	}
	ll_buf path = LL_BUF_INIT;
	if (opt->catalog)
		ll_buf_puts(&path, opt->catalog);
	else
		ll_lake_catalog_path(*storage, opt->home, &path);
	st = ll_buf_oom(&path) ? ll_error_oom(err) : LL_OK;
	if (st == LL_OK && !create && (opt->catalog || !ll_storage_is_local(*storage)))
		st = check_catalog(path.data, opt->lake, err);
	if (st == LL_OK)
		st = ll_catalog_open_file(catalog, path.data, NULL, *storage, err);
	ll_buf_free(&path);
	if (st != LL_OK) {
		ll_storage_free(*storage);
		*storage = NULL;
	}
	return st;
}

ll_status ll_lake_ref_open(ll_lake_ref *r, const ll_lake_options *opt, const char *table,
			   bool create, ll_error *err)
{
	memset(r, 0, sizeof(*r));
	ll_status st = ll_split_table_ref(table, r->buf, sizeof(r->buf), &r->dataset, &r->name, err);
	if (st == LL_OK)
		st = ll_lake_open(opt, NULL, create, &r->storage, &r->catalog, err);
	return st;
}

void ll_lake_ref_close(ll_lake_ref *r)
{
	ll_catalog_free(r->catalog);
	ll_storage_free(r->storage);
}
