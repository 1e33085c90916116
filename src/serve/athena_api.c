/*
 * The Athena actions of lakeload serve: StartQueryExecution (the query runs
 * on a worker thread, athena_run.c), GetQueryExecution, GetQueryResults,
 * StopQueryExecution, GetWorkGroup and ListWorkGroups.
 *
 * Query executions are kept in memory for the server's life, newest first;
 * a ClientRequestToken seen before gives back the execution it started, as
 * Athena's idempotence does. Work groups are "primary" and the ones the
 * server was configured with; results go to ResultConfiguration's
 * OutputLocation (required, as Athena requires one when the work group has
 * none) as <output>/<query id>.csv.
 *
 * GetQueryResults pages rows as Athena does: for a SELECT the first row of
 * the first page is the header (column labels), then the data; NextToken
 * is an offset; MaxResults at most 1000.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_internal.h"
#include "util/time.h"
#include "util/random.h"

#define ATHENA_MAX_PAGE 1000
#define ENGINE_VERSION "Athena engine version 3"

static const char *const state_names[] = { "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED" };

static serve_query *find_query(ll_serve *s, const char *id)
{
	for (serve_query *q = s->queries; id && q; q = q->next)
		if (strcmp(q->id, id) == 0)
			return q;
	return NULL;
}

static bool workgroup_known(const ll_serve *s, const char *name)
{
	if (strcmp(name, "primary") == 0)
		return true;
	for (size_t i = 0; i < s->nworkgroups; i++)
		if (strcmp(s->workgroups[i], name) == 0)
			return true;
	return false;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static serve_query *token_query(ll_serve *s, const char *token)
{
	for (serve_query *q = s->queries; token && q; q = q->next)
		if (q->token && strcmp(q->token, token) == 0)
			return q;
	return NULL;
}

static void start_query(ll_serve *s, const json_t *req, serve_reply *r)
{
	const char *sql = serve_str(req, "QueryString");
	const json_t *ctx = json_object_get(req, "QueryExecutionContext");
	const char *output = serve_str(json_object_get(req, "ResultConfiguration"), "OutputLocation");
	const char *workgroup = serve_str(req, "WorkGroup");
	const char *token = serve_str(req, "ClientRequestToken");
	workgroup = workgroup ? workgroup : "primary";
	if (!sql || !*sql) {
		serve_error(r, 400, "InvalidRequestException", "QueryString is required");
		return;
	}
	if (!workgroup_known(s, workgroup)) {
		serve_error(r, 400, "InvalidRequestException", "WorkGroup %s is not found.", workgroup);
		return;
	}
	if (!output || !*output) {
		serve_error(r, 400, "InvalidRequestException",
			    "No output location provided. An output location is required either "
			    "through the Workgroup result configuration setting or as an API input.");
		return;
	}
	pthread_mutex_lock(&s->mu);
	serve_query *q = token_query(s, token);
	if (!q && (q = calloc(1, sizeof(*q))) != NULL) {
		ll_random_uuid(q->id);
		q->sql = strdup(sql);
		q->database = dup_or_null(serve_str(ctx, "Database"));
		q->catalog = dup_or_null(serve_str(ctx, "Catalog"));
		q->output = strdup(output);
		q->workgroup = strdup(workgroup);
		q->token = dup_or_null(token);
		q->statement_type = "DML";
		q->submitted = ll_time_now_micros();
		q->server = s;
		q->next = s->queries;
		s->queries = q;
		q->has_thread = pthread_create(&q->thread, NULL, serve_query_run, q) == 0;
		if (!q->has_thread) {
			q->state = SQ_FAILED;
			q->reason = strdup("could not start a worker thread for the query");
		}
	}
	json_t *reply = q ? json_pack("{s:s}", "QueryExecutionId", q->id) : NULL;
	pthread_mutex_unlock(&s->mu);
	serve_ok(r, reply);
}

/* The query's result file: <output>/<id>.csv. */
static void result_location(const serve_query *q, ll_buf *out)
{
	size_t len = strlen(q->output);
	while (len > 0 && q->output[len - 1] == '/')
		len--;
	ll_buf_append(out, q->output, len);
	ll_buf_printf(out, "/%s.csv", q->id);
}

static json_t *epoch(int64_t micros)
{
	return json_real((double)micros / 1e6);
}

static json_t *statistics(const serve_query *q)
{
	int64_t end = q->completed ? q->completed : ll_time_now_micros();
	int64_t queued = (q->started ? q->started : end) - q->submitted;
	int64_t engine = q->started ? end - q->started : 0;
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "EngineExecutionTimeInMillis",
			 (json_int_t)(engine / 1000), "DataScannedInBytes", (json_int_t)0,
			 "TotalExecutionTimeInMillis", (json_int_t)((end - q->submitted) / 1000),
			 "QueryQueueTimeInMillis", (json_int_t)(queued / 1000),
			 "ServicePreProcessingTimeInMillis", (json_int_t)0,
			 "QueryPlanningTimeInMillis", (json_int_t)0,
			 "ServiceProcessingTimeInMillis", (json_int_t)0);
}

static json_t *query_status(const serve_query *q)
{
	json_t *status = json_pack("{s:s,s:o}", "State", state_names[q->state], "SubmissionDateTime",
				   epoch(q->submitted));
	if (q->completed)
		json_object_set_new(status, "CompletionDateTime", epoch(q->completed));
	if (q->reason) {
		json_object_set_new(status, "StateChangeReason", json_string(q->reason));
		if (q->state == SQ_FAILED)
			json_object_set_new(status, "AthenaError",
					    json_pack("{s:i,s:i,s:b,s:s}", "ErrorCategory", 2,
						      "ErrorType", 1006, "Retryable", 0,
						      "ErrorMessage", q->reason));
	}
	return status;
}

static json_t *execution_doc(const serve_query *q)
{
	ll_buf location = LL_BUF_INIT;
	result_location(q, &location);
	json_t *context = json_object();
	if (q->database)
		json_object_set_new(context, "Database", json_string(q->database));
	json_object_set_new(context, "Catalog", json_string(q->catalog ? q->catalog : "AwsDataCatalog"));
	json_t *doc = json_pack(
		"{s:s,s:s,s:s,s:{s:s},s:o,s:o,s:o,s:s,s:{s:s,s:s}}", "QueryExecutionId", q->id,
		"Query", q->sql, "StatementType", q->statement_type, "ResultConfiguration",
		"OutputLocation", ll_buf_cstr(&location), "QueryExecutionContext", context, "Status",
		query_status(q), "Statistics", statistics(q), "WorkGroup", q->workgroup,
		"EngineVersion", "SelectedEngineVersion", ENGINE_VERSION, "EffectiveEngineVersion",
		ENGINE_VERSION);
	ll_buf_free(&location);
	return doc;
}

static serve_query *requested_query(ll_serve *s, const json_t *req, serve_reply *r)
{
	const char *id = serve_str(req, "QueryExecutionId");
	serve_query *q = find_query(s, id);
	if (!q)
		serve_error(r, 400, "InvalidRequestException", "QueryExecution %s was not found",
			    id ? id : "(no QueryExecutionId)");
	return q;
}

static void get_query_execution(ll_serve *s, const json_t *req, serve_reply *r)
{
	pthread_mutex_lock(&s->mu);
	serve_query *q = requested_query(s, req, r);
	if (q)
		serve_ok(r, json_pack("{s:o}", "QueryExecution", execution_doc(q)));
	pthread_mutex_unlock(&s->mu);
}

static json_t *row_doc(const char *const *cells, size_t n)
{
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(data, cells[i] ? json_pack("{s:s}", "VarCharValue", cells[i])
						      : json_object());
	return json_pack("{s:o}", "Data", data);
}

static json_t *column_info(const serve_query *q)
{
	json_t *info = json_array();
	for (size_t i = 0; i < q->ncols; i++) {
		const char *type = q->types[i];
		bool decimal = strcmp(type, "decimal") == 0;
		json_array_append_new(
			info, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:b}", "CatalogName", "hive",
					"SchemaName", "", "TableName", "", "Name", q->names[i], "Label",
					q->names[i], "Type", type, "Precision", decimal ? q->precision[i] : 0,
					"Scale", decimal ? q->scale[i] : 0, "Nullable", "UNKNOWN",
					"CaseSensitive", strcmp(type, "varchar") == 0));
	}
	return info;
}

static bool page_start(const json_t *req, size_t *start, size_t *max, serve_reply *r)
{
	const char *token = serve_str(req, "NextToken");
	char *end = NULL;
	*start = token && *token ? strtoull(token, &end, 10) : 0;
	if (token && *token && (!end || *end)) {
		serve_error(r, 400, "InvalidRequestException", "NextToken %s is not one this server gave",
			    token);
		return false;
	}
	json_int_t m = json_integer_value(json_object_get(req, "MaxResults"));
	*max = m > 0 && m < ATHENA_MAX_PAGE ? (size_t)m : ATHENA_MAX_PAGE;
	return true;
}

/* One page of rows; a SELECT's row 0 is the header. */
static json_t *result_page(const serve_query *q, size_t start, size_t max)
{
	bool header = strcmp(q->statement_type, "DML") == 0;
	size_t total = q->nrows + (header ? 1 : 0);
	json_t *rows = json_array();
	for (size_t i = start; i < total && i < start + max; i++) {
		if (header && i == 0)
			json_array_append_new(rows, row_doc((const char *const *)q->names, q->ncols));
		else
			json_array_append_new(rows, row_doc((const char *const *)q->cells +
								    (i - header) * q->ncols, q->ncols));
	}
	json_t *reply = json_pack("{s:I,s:{s:o,s:{s:o}}}", "UpdateCount", (json_int_t)q->update_count, "ResultSet",
				  "Rows", rows, "ResultSetMetadata", "ColumnInfo", column_info(q));
	if (start + max < total) {
		char next[32];
		snprintf(next, sizeof(next), "%zu", start + max);
		json_object_set_new(reply, "NextToken", json_string(next));
	}
	return reply;
}

static void get_query_results(ll_serve *s, const json_t *req, serve_reply *r)
{
	size_t start, max;
	if (!page_start(req, &start, &max, r))
		return;
	pthread_mutex_lock(&s->mu);
	serve_query *q = requested_query(s, req, r);
	if (q && q->state == SQ_SUCCEEDED)
		serve_ok(r, result_page(q, start, max));
	else if (q && q->state < SQ_SUCCEEDED)
		serve_error(r, 400, "InvalidRequestException",
			    "Query has not yet finished. Current state: %s", state_names[q->state]);
	else if (q)
		serve_error(r, 400, "InvalidRequestException",
			    "Query did not finish successfully. Final query state: %s%s%s",
			    state_names[q->state], q->reason ? ": " : "", q->reason ? q->reason : "");
	pthread_mutex_unlock(&s->mu);
}

static void stop_query(ll_serve *s, const json_t *req, serve_reply *r)
{
	pthread_mutex_lock(&s->mu);
	serve_query *q = requested_query(s, req, r);
	if (q) {
		__atomic_store_n(&q->cancel, true, __ATOMIC_RELAXED);
		if (q->state < SQ_SUCCEEDED) {
			q->state = SQ_CANCELLED;
			q->completed = ll_time_now_micros();
			free(q->reason);
			q->reason = strdup("Query was cancelled by user");
		}
		serve_ok(r, json_object());
	}
	pthread_mutex_unlock(&s->mu);
}

static json_t *workgroup_summary(const char *name)
{
	return json_pack("{s:s,s:s,s:s,s:f,s:{s:s,s:s}}", "Name", name, "State", "ENABLED",
			 "Description", strcmp(name, "primary") == 0 ? "default work group" : "",
			 "CreationTime", 0.0, "EngineVersion", "SelectedEngineVersion", ENGINE_VERSION,
			 "EffectiveEngineVersion", ENGINE_VERSION);
}

static void get_workgroup(ll_serve *s, const json_t *req, serve_reply *r)
{
	const char *name = serve_str(req, "WorkGroup");
	if (!name || !workgroup_known(s, name)) {
		serve_error(r, 400, "InvalidRequestException", "WorkGroup %s is not found.",
			    name ? name : "(no WorkGroup)");
		return;
	}
	json_t *wg = workgroup_summary(name);
	json_object_del(wg, "EngineVersion");
	json_object_set_new(wg, "Configuration",
			    json_pack("{s:{},s:b,s:b,s:b,s:{s:s,s:s}}", "ResultConfiguration",
				      "EnforceWorkGroupConfiguration", 0,
				      "PublishCloudWatchMetricsEnabled", 0,
				      "RequesterPaysEnabled", 0, "EngineVersion",
				      "SelectedEngineVersion", ENGINE_VERSION,
				      "EffectiveEngineVersion", ENGINE_VERSION));
	serve_ok(r, json_pack("{s:o}", "WorkGroup", wg));
}

static void list_workgroups(ll_serve *s, const json_t *req, serve_reply *r)
{
	(void)req;
	json_t *groups = json_array();
	json_array_append_new(groups, workgroup_summary("primary"));
	for (size_t i = 0; i < s->nworkgroups; i++)
		json_array_append_new(groups, workgroup_summary(s->workgroups[i]));
	serve_ok(r, json_pack("{s:o}", "WorkGroups", groups));
}

void serve_athena_dispatch(ll_serve *s, const char *action, const json_t *req, serve_reply *r)
{
	static const struct {
		const char *name;
		void (*run)(ll_serve *, const json_t *, serve_reply *);
	} actions[] = {
		{ "StartQueryExecution", start_query },  { "GetQueryExecution", get_query_execution },
		{ "GetQueryResults", get_query_results }, { "StopQueryExecution", stop_query },
		{ "GetWorkGroup", get_workgroup },        { "ListWorkGroups", list_workgroups },
	};
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(action, actions[i].name) == 0) {
			actions[i].run(s, req, r);
			return;
		}
	}
	serve_error(r, 400, "UnknownOperationException",
		    "AmazonAthena.%s is not an action lakeload serve implements", action);
}

void serve_queries_free(ll_serve *s)
{
	pthread_mutex_lock(&s->mu);
	for (serve_query *q = s->queries; q; q = q->next)
		__atomic_store_n(&q->cancel, true, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&s->mu);
	while (s->queries) {
		serve_query *q = s->queries;
		s->queries = q->next;
		if (q->has_thread)
			pthread_join(q->thread, NULL);
		for (size_t i = 0; i < q->ncols; i++)
			free(q->names[i]);
		for (size_t i = 0; i < q->nrows * q->ncols; i++)
			free(q->cells[i]);
		free(q->names);
		free(q->types);
		free(q->precision);
		free(q->scale);
		free(q->cells);
		free(q->sql);
		free(q->database);
		free(q->catalog);
		free(q->output);
		free(q->workgroup);
		free(q->token);
		free(q->reason);
		free(q);
	}
}
