/*
 * Queries of the athena destination run on Athena: started in the dataset's
 * database (QueryExecutionContext, the data catalog and work group from the
 * options, results under query_result_bucket), polled until they end, and
 * their rows handed to the same row callbacks and printers as the embedded
 * engine's. ll_lake_query_cancel (safe in a signal handler) stops the
 * running query with StopQueryExecution.
 */
#include <signal.h>

#include "aws/athena.h"
#include "pipeline/pipeline_internal.h"

static volatile sig_atomic_t cancel_requested;

void ll_lake_query_cancel(void)
{
	cancel_requested = 1;
}

ll_status ll_lake_athena_query(const ll_lake_options *opt, const char *sql, ll_row_fn fn,
			       void *user, ll_error *err)
{
	ll_athena_config cfg;
	ll_lake_athena_config(opt->athena, NULL, &cfg);
	cfg.cancel = &cancel_requested;
	cancel_requested = 0;
	ll_athena *a = NULL;
	ll_status st = ll_athena_open(&a, &cfg, err);
	if (st == LL_OK)
		st = ll_athena_query(a, sql, opt->dataset, fn, user, err);
	ll_athena_free(a);
	return st;
}
