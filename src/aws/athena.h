/*
 * AWS Athena: run a query and deliver its rows to the same row callback the
 * embedded engine uses (ll_row_fn), so the table/csv/json printers print
 * Athena's results unchanged.
 *
 *   StartQueryExecution  QueryString, QueryExecutionContext {Database,
 *                        Catalog}, ResultConfiguration.OutputLocation (dlt's
 *                        query_result_bucket), WorkGroup, ClientRequestToken
 *                        (given, or random per query, and the same on every
 *                        retry of the call, so a retried start never runs a
 *                        query twice)
 *   GetQueryExecution    polled with backoff (poll_initial_ms doubling to
 *                        poll_max_ms) until SUCCEEDED, FAILED or CANCELLED;
 *                        a failure's Status.StateChangeReason is the error
 *                        (LL_ESQL), naming the query id
 *   GetQueryResults      paged (NextToken, MaxResults); the column types of
 *                        ResultSetMetadata.ColumnInfo pick the cell kinds:
 *                        integers and booleans LL_CELL_INT, floating point
 *                        LL_CELL_REAL, varbinary LL_CELL_BLOB (Athena sends
 *                        it as hex), everything else (decimal, date,
 *                        timestamp, varchar, json, arrays) LL_CELL_TEXT as
 *                        Athena renders it; a missing VarCharValue is NULL.
 *                        A SELECT's first page starts with a header row
 *                        (the column labels); it is dropped.
 *   StopQueryExecution   cancels.
 *
 * Results need an output location: when neither output_location nor the
 * work group's configuration has one, ll_athena_query fails with LL_EINVAL
 * naming query_result_bucket before it starts anything (GetWorkGroup tells).
 */
#ifndef LL_AWS_ATHENA_H
#define LL_AWS_ATHENA_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/aws_json.h"
#include "lakeload.h"
#include "util/buf.h"

/* Longest ColumnInfo list a result set may have (Athena's own limit is lower). */
#define LL_ATHENA_MAX_COLUMNS 4096

typedef struct ll_athena_config {
	ll_aws_json_config aws;      /**< service LL_AWS_ATHENA is forced */
	const char *work_group;      /**< NULL: "primary" */
	const char *output_location; /**< query_result_bucket; NULL: the work group's */
	const char *catalog;         /**< aws_data_catalog; NULL: "awsdatacatalog" */
	long poll_initial_ms;        /**< first wait between polls; default 200 */
	long poll_max_ms;            /**< longest wait between polls; default 5000 */
	int page_size;               /**< GetQueryResults MaxResults, 1..1000; default 1000 */
	/**
	 * Looked at every 50 ms while a query runs (a signal handler may set it):
	 * once set, the query is stopped (StopQueryExecution) and the wait ends
	 * with LL_ESQL. NULL: never.
	 */
	const volatile sig_atomic_t *cancel;
} ll_athena_config;

void ll_athena_config_init(ll_athena_config *cfg);

typedef struct ll_athena ll_athena;

/** Prepares a client; nothing is sent. */
ll_status ll_athena_open(ll_athena **out, const ll_athena_config *cfg, ll_error *err);
void ll_athena_free(ll_athena *a);

ll_aws_json_client *ll_athena_client(ll_athena *a);

/**
 * Makes sure query results have somewhere to go: output_location, or else
 * the work group's (one GetWorkGroup, remembered). LL_EINVAL naming
 * query_result_bucket and the work group otherwise.
 */
ll_status ll_athena_check_output(ll_athena *a, ll_error *err);

/**
 * Starts sql in database (NULL: none). token is the ClientRequestToken
 * (32 to 128 characters; NULL: a random one). The query id goes to
 * query_id (replacing its contents).
 */
ll_status ll_athena_start(ll_athena *a, const char *sql, const char *database, const char *token,
			  ll_buf *query_id, ll_error *err);

typedef struct ll_athena_execution {
	char state[16];          /**< QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED */
	char statement_type[16]; /**< DDL, DML, UTILITY; "" when not given */
	char reason[768];        /**< Status.StateChangeReason */
	char output_location[512];
} ll_athena_execution;

/** One GetQueryExecution. */
ll_status ll_athena_get_execution(ll_athena *a, const char *query_id, ll_athena_execution *out,
				  ll_error *err);

/**
 * Polls until the query ends. SUCCEEDED is LL_OK; FAILED and CANCELLED are
 * LL_ESQL with the reason and the query id; so is a wait the config's cancel
 * flag ended, after stopping the query.
 */
ll_status ll_athena_wait(ll_athena *a, const char *query_id, ll_athena_execution *out,
			 ll_error *err);

/**
 * Delivers every row of a finished query to fn. skip_header: drop the first
 * row of the first page when it repeats the column labels (pass true for a
 * DML statement).
 */
ll_status ll_athena_results(ll_athena *a, const char *query_id, bool skip_header, ll_row_fn fn,
			    void *user, ll_error *err);

/** Check, start, wait, results: one query's rows to fn. */
ll_status ll_athena_query(ll_athena *a, const char *sql, const char *database, ll_row_fn fn,
			  void *user, ll_error *err);

ll_status ll_athena_stop(ll_athena *a, const char *query_id, ll_error *err);

/**
 * The Glue catalog id behind an Athena data catalog (dlt's aws_data_catalog):
 * out is left empty for the default catalog, gets the account id for a
 * Glue-type catalog (GetDataCatalog's Parameters catalog-id). A catalog of
 * another type (Lambda, Hive) is LL_EUNSUPPORTED.
 */
ll_status ll_athena_glue_catalog_id(ll_athena *a, const char *catalog, ll_buf *out,
				    ll_error *err);

/**
 * Turning GetQueryResults pages into rows, kept apart from the calls so
 * tests and fuzzing drive it with documents. Start with
 * ll_athena_rows_init, feed pages in order, free at the end.
 */
typedef struct ll_athena_rows {
	bool skip_header;
	bool first_page_done;
	size_t ncols;
	char **names;
	ll_cell_kind *kinds;
	uint64_t delivered;
	ll_buf scratch; /* blob bytes of the current row */
} ll_athena_rows;

void ll_athena_rows_init(ll_athena_rows *r, bool skip_header);
void ll_athena_rows_free(ll_athena_rows *r);

/**
 * Delivers the rows of one page; *stop is set when fn asked to stop.
 * LL_EFORMAT when the page is not of GetQueryResults' shape.
 */
ll_status ll_athena_rows_page(ll_athena_rows *r, const json_t *page, ll_row_fn fn, void *user,
			      bool *stop, ll_error *err);

/** The cell kind for an Athena column type ("bigint", "decimal", "varchar"). */
ll_cell_kind ll_athena_cell_kind(const char *type);

#endif
