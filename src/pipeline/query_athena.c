/*
 * Queries of the athena destination run on Athena: started in the dataset's
 * database (QueryExecutionContext, the data catalog and work group from the
 * options, results under query_result_bucket), polled until they end, and
 * their rows handed to the same row callbacks and printers as the embedded
 * engine's. ll_lake_query_cancel (safe in a signal handler) stops the
 * running query with StopQueryExecution.
 */
#include <signal.h>
#include <string.h>
#include <time.h>

#include "aws/athena.h"
#include "pipeline/pipeline_internal.h"

static volatile sig_atomic_t cancel_requested;

void ll_lake_query_cancel(void)
{
	cancel_requested = 1;
}

/* Waits up to ms; a signal (Ctrl-C) ends the wait early. */
static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Polls the query until it ends, stopping it when cancelled. */
static ll_status wait_or_stop(ll_athena *a, const ll_athena_config *cfg, const char *id,
			      ll_athena_execution *ex, ll_error *err)
{
	long delay = cfg->poll_initial_ms;
	for (;;) {
		if (cancel_requested) {
			ll_error stop_err;
			ll_status st = ll_athena_stop(a, id, &stop_err);
			return ll_error_set(err, LL_ESQL, "Athena query %s was cancelled%s%s", id,
					    st == LL_OK ? "" : "; stopping it failed: ",
					    st == LL_OK ? "" : stop_err.message);
		}
		ll_status st = ll_athena_get_execution(a, id, ex, err);
		if (st != LL_OK)
			return st;
		if (strcmp(ex->state, "SUCCEEDED") == 0)
			return LL_OK;
		if (strcmp(ex->state, "FAILED") == 0 || strcmp(ex->state, "CANCELLED") == 0)
			return ll_error_set(err, LL_ESQL, "Athena query %s %s: %s", id,
					    strcmp(ex->state, "FAILED") == 0 ? "failed" : "was cancelled",
					    ex->reason[0] ? ex->reason : "no reason given");
		pause_ms(delay);
		delay = delay * 2 > cfg->poll_max_ms ? cfg->poll_max_ms : delay * 2;
	}
}

ll_status ll_lake_athena_query(const ll_lake_options *opt, const char *sql, ll_row_fn fn,
			       void *user, ll_error *err)
{
	ll_athena_config cfg;
	ll_lake_athena_config(opt->athena, NULL, &cfg);
	ll_athena *a = NULL;
	ll_buf id = LL_BUF_INIT;
	ll_athena_execution ex;
	cancel_requested = 0;
	ll_status st = ll_athena_open(&a, &cfg, err);
	if (st == LL_OK)
		st = ll_athena_check_output(a, err);
	if (st == LL_OK)
		st = ll_athena_start(a, sql, opt->dataset, NULL, &id, err);
	if (st == LL_OK)
		st = wait_or_stop(a, &cfg, ll_buf_cstr(&id), &ex, err);
	if (st == LL_OK)
		st = ll_athena_results(a, ll_buf_cstr(&id), strcmp(ex.statement_type, "DML") == 0, fn,
				       user, err);
	ll_buf_free(&id);
	ll_athena_free(a);
	return st;
}
