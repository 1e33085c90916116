/*
 * The rest_api source of `lakeload run`: the records of one endpoint, page
 * after page, as a record source.
 *
 * Requests: base_url (sources.<name>.base_url from the environment or .dlt
 * wins over pipeline.toml's) joined with the endpoint's path, its params,
 * the incremental start_param and the paginator's parameters; the source's
 * headers and auth. 429 and 5xx answers are retried (5 attempts) after
 * Retry-After or a doubling wait. Anything else that is not 2xx, a body that
 * is not JSON, a redirect loop or a timeout fails the read with the URL
 * (secrets hidden) and the status.
 */
#ifndef LL_PIPELINE_RUN_REST_H
#define LL_PIPELINE_RUN_REST_H

#include <jansson.h>

#include "pipeline/pipeline_internal.h"
#include "pipeline/pipeline_toml.h"
#include "pipeline/source_config.h"

typedef struct ll_rest_source ll_rest_source;

/**
 * Opens the endpoint of res (nothing is requested yet). start is the
 * incremental start value sent as start_param (NULL: none). A missing
 * base_url or auth secret is LL_EINVAL / LL_EAUTH saying where to set it.
 */
ll_status ll_rest_source_open(const ll_pipeline_file *f, const ll_plan_resource *res,
			      ll_source_config *cfg, const ll_logger *logger, const json_t *start,
			      ll_rest_source **out, ll_record_source **src, ll_error *err);
void ll_rest_source_close(ll_rest_source *s);

/** The endpoint's first URL, secrets hidden: what the load's manifest names as its source. */
const char *ll_rest_source_name(const ll_rest_source *s);

/**
 * Gives the path (or absolute URL) of a chain's next request into path,
 * cleared by the caller; an empty path ends the chain.
 */
typedef ll_status (*ll_rest_path_fn)(void *user, ll_buf *path, ll_error *err);

/** Records from many requests: a dependent resource's, or a built-in source's. */
typedef struct ll_rest_chain ll_rest_chain;

/**
 * A record source reading, for each path next_path gives, every page of
 * res's endpoint with that path. A record that is not an object becomes
 * {"value": record}, as dlt makes it.
 */
ll_status ll_rest_chain_open(const ll_pipeline_file *f, const ll_plan_resource *res,
			     ll_source_config *cfg, const ll_logger *logger, ll_rest_path_fn next_path,
			     void *user, ll_rest_chain **out, ll_record_source **src, ll_error *err);
void ll_rest_chain_close(ll_rest_chain *c);

#endif
