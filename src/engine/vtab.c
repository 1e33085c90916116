/*
 * The lakeload virtual table: a lake table as SQLite sees it.
 *
 * The work is split as in SQLite's ext/misc/csv.c and series.c:
 *   planning  (xBestIndex) turns what SQLite offers into a plan string
 *             (idxStr): the columns the query uses (colUsed) and the
 *             constraints worth pruning with, plus an estimate of rows and
 *             cost;
 *   scanning  (xFilter, xNext) walks the table's files one at a time:
 *             footer first, row groups chosen by statistics, the used
 *             fields decoded one batch at a time;
 *   producing (xColumn) converts one value of the current row to SQL.
 *
 * Invariants: a cursor holds at most one open reader, one Parquet cursor and
 * one batch, so memory is bounded by a batch whatever the table size. A
 * declared column the current file lacks has slot -1 and reads as NULL.
 * A column the file lacks but its table format gives a value for
 * (file_constant) reads as that value, and no row-group statistics apply to
 * it. The rowid names the physical row (file index << 40 | row in the file),
 * never the position in a scan: SQLite may run several scans for one query
 * (an OR of constraints) and merges their rows by rowid, so a row must get
 * the same rowid whatever was pruned.
 * Constraints are never marked omitted: SQLite checks every row again, so
 * pruning only has to be conservative (prune.c).
 *
 * Joins: SQLite can only nest loops over virtual tables, rescanning the
 * inner table for each outer row. When it offers an equality whose right
 * side is not a literal (a join column), the plan keys on it ('j'): the
 * cursor's first scan keeps the table's used columns in a hash lookup
 * (lookup.c, within the engine's join memory) and each later scan for the
 * same plan probes it instead of reading files. A table that does not fit
 * is scanned from its files as before.
 *
 * colUsed has one bit per column up to 62 and one bit for "63 or later".
 * For the later columns the scan decodes those the SQL text names, or all
 * of them when the text has a `*` (sql_names.h); a column read anyway fails
 * the query with a message instead of reading as NULL.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "util/buf.h"
#include "util/time.h"

typedef struct ll_vtab {
	sqlite3_vtab base;
	ll_engine_scan_ctx *run;
	const ll_engine_decl *decl;
} ll_vtab;

typedef struct ll_vcursor {
	sqlite3_vtab_cursor base;
	ll_vtab *vt;
	/* plan of the current scan */
	bool *used; /* per declared column */
	ll_pred *preds;
	size_t npreds;
	/* position */
	size_t next_file;
	ll_parquet_reader *reader;
	ll_parquet_cursor *scan;
	const ll_parquet_batch *batch;
	size_t row;
	bool counting;         /* nothing to decode: rows are only counted */
	size_t count_rg;       /* counting: row group of the next row */
	uint64_t count_pos;    /* counting: its position in that row group */
	uint64_t batch_first;  /* row in the file of the batch's first row */
	size_t batch_rg;       /* row group of the batch */
	uint64_t row_in_file;  /* of the current row */
	ll_engine_deletes deletes; /* rows of the open file its table format removed */
	bool eof;
	/* per declared column, for the open file */
	long *slot;                      /* batch column, or -1: NULL in this file */
	const ll_parquet_field **fields; /* the file field feeding it */
	ll_value *constant;              /* slot -1: the value the table format gives, if */
	bool *has_constant;
	/* per open file */
	size_t *decode;     /* file fields to decode */
	bool *keep;         /* row groups to read */
	uint64_t *rg_first; /* row in the file of each row group's first row */
	size_t keep_cap;
	/* join lookup */
	long join_col;             /* declared column the plan keys on, -1: none */
	sqlite3_value *join_value; /* its value, during xFilter only */
	ll_lookup *lookup;
	char *lookup_plan;  /* the plan the lookup was built, or given up, for */
	long *lookup_slot;  /* per declared column: its cell in a lookup row, -1: unused */
	bool replay;        /* the rows come from the lookup */
	ll_lookup_iter iter;
	size_t replay_row;
} ll_vcursor;

static const ll_engine_column *decl_column(const ll_engine_decl *d, size_t i)
{
	return &d->table->columns[d->cols[i]];
}

/* ---- connecting ----------------------------------------------------------- */

static const char *sql_type(ll_data_type type)
{
	switch (ll_engine_domain_of(type)) {
	case LL_DOMAIN_INT:
		return "INTEGER";
	case LL_DOMAIN_REAL:
		return "REAL";
	case LL_DOMAIN_BLOB:
		return "BLOB";
	default:
		return "TEXT";
	}
}

static void put_quoted(ll_buf *b, const char *name)
{
	ll_buf_putc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			ll_buf_putc(b, '"');
		ll_buf_putc(b, *p);
	}
	ll_buf_putc(b, '"');
}

/* xCreate and xConnect: argv[3] is the index of the table's declaration in the run. */
static int vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
		      sqlite3_vtab **out, char **errmsg)
{
	ll_engine_scan_ctx *run = aux;
	char *end = NULL;
	unsigned long idx = argc == 4 ? strtoul(argv[3], &end, 10) : 0;
	if (argc != 4 || !end || *end || idx >= run->ndecls) {
		*errmsg = sqlite3_mprintf("lakeload tables are declared by the engine, not by SQL");
		return SQLITE_ERROR;
	}
	const ll_engine_decl *d = &run->decls[idx];
	ll_buf sql = LL_BUF_INIT;
	ll_buf_puts(&sql, "CREATE TABLE x(");
	for (size_t i = 0; i < d->ncols; i++) {
		const ll_engine_column *c = decl_column(d, i);
		if (i)
			ll_buf_puts(&sql, ", ");
		put_quoted(&sql, c->name);
		/* "<affinity> <lake type>[(p,s)]": the affinity word sets how SQLite
		   compares; the rest tells a result column's lake type
		   (ll_engine_sink.column_types) */
		ll_buf_printf(&sql, " %s %s", sql_type(c->type), ll_data_type_name(c->type));
		if (c->type == LL_TYPE_DECIMAL && c->precision)
			ll_buf_printf(&sql, "(%d,%d)", c->precision, c->scale);
	}
	ll_buf_putc(&sql, ')');
	if (ll_buf_oom(&sql)) {
		ll_buf_free(&sql);
		return SQLITE_NOMEM;
	}
	int rc = sqlite3_declare_vtab(db, sql.data);
	ll_buf_free(&sql);
	if (rc != SQLITE_OK) {
		*errmsg = sqlite3_mprintf("%s", sqlite3_errmsg(db));
		return rc;
	}
	ll_vtab *vt = sqlite3_malloc64(sizeof(*vt));
	if (!vt)
		return SQLITE_NOMEM;
	memset(vt, 0, sizeof(*vt));
	vt->run = run;
	vt->decl = d;
	*out = &vt->base;
	return SQLITE_OK;
}

static int vt_disconnect(sqlite3_vtab *base)
{
	sqlite3_free(base);
	return SQLITE_OK;
}

/* ---- planning ------------------------------------------------------------- */

/* Plan letters for the operators we prune with; 0 for the rest. */
static char plan_op(unsigned char op)
{
	switch (op) {
	case SQLITE_INDEX_CONSTRAINT_EQ:
		return '=';
	case SQLITE_INDEX_CONSTRAINT_LT:
		return '<';
	case SQLITE_INDEX_CONSTRAINT_LE:
		return '[';
	case SQLITE_INDEX_CONSTRAINT_GT:
		return '>';
	case SQLITE_INDEX_CONSTRAINT_GE:
		return ']';
	case SQLITE_INDEX_CONSTRAINT_ISNULL:
		return 'n';
	case SQLITE_INDEX_CONSTRAINT_ISNOTNULL:
		return 'N';
	default:
		return 0;
	}
}

static bool op_has_value(char op)
{
	return op != 'n' && op != 'N' && op != 'j';
}

/*
 * Whether constraint i can prune: its right side must be a literal (so only
 * the column's affinity applies to it, see prune.c) and text must compare
 * with the BINARY collation, the byte order of Parquet statistics.
 */
static bool constraint_prunes(sqlite3_index_info *info, int i, char op,
			      const ll_engine_column *col)
{
	ll_engine_domain dom = ll_engine_domain_of(col->type);
	if (!op_has_value(op))
		return true;
	if (dom == LL_DOMAIN_DECIMAL)
		return false;
	sqlite3_value *rhs = NULL;
	if (sqlite3_vtab_rhs_value(info, i, &rhs) != SQLITE_OK || !rhs)
		return false;
	if (dom == LL_DOMAIN_TEXT || dom == LL_DOMAIN_BLOB) {
		const char *coll = sqlite3_vtab_collation(info, i);
		if (coll && sqlite3_stricmp(coll, "BINARY") != 0)
			return false;
	}
	return true;
}

/* An equality with a column of another table (or any non-literal): a join key for a lookup. */
static bool constraint_joins(sqlite3_index_info *info, int i, const ll_engine_column *col)
{
	sqlite3_value *rhs = NULL;
	if (sqlite3_vtab_rhs_value(info, i, &rhs) == SQLITE_OK)
		return false;
	ll_engine_domain dom = ll_engine_domain_of(col->type);
	if (dom == LL_DOMAIN_INT || dom == LL_DOMAIN_REAL)
		return true;
	const char *coll = sqlite3_vtab_collation(info, i);
	return !coll || sqlite3_stricmp(coll, "BINARY") == 0;
}

/* Fraction of rows a constraint keeps, SQLite's usual guesses. */
static double op_selectivity(char op)
{
	switch (op) {
	case '=':
	case 'n':
		return 0.1;
	case 'N':
		return 0.9;
	default:
		return 0.33;
	}
}

static void plan_estimate(const ll_vtab *vt, sqlite3_index_info *info, double sel, bool join)
{
	const ll_engine_table *t = vt->decl->table;
	/* a lake file holds about 100k rows when the catalog does not say */
	double rows = t->rows ? (double)t->rows : (double)t->nfiles * 100000.0;
	int nused = 0;
	for (int b = 0; b < 64; b++)
		nused += (info->colUsed >> b) & 1;
	/*
	 * Statistics skip whole row groups only where the data is clustered by
	 * the column, which we cannot know; assume half the benefit of the
	 * selectivity. Footers cost a read each.
	 */
	double fraction = (1.0 + sel) / 2.0;
	double scan = (double)t->nfiles * 10.0 + rows * fraction * (1.0 + nused) / 4.0;
	info->estimatedRows = (sqlite3_int64)(rows * sel) + 1;
	info->estimatedCost = scan;
	if (!join)
		return;
	/*
	 * A probe is a hash lookup returning a few rows (SQLite's own guess for
	 * an equality is 10). The one scan that builds the lookup cannot be
	 * charged once, so it is spread over an assumed thousand probes.
	 */
	info->estimatedRows = info->estimatedRows < 10 ? info->estimatedRows : 10;
	info->estimatedCost = 10.0 + scan / 1000.0;
}

static int vt_best_index(sqlite3_vtab *base, sqlite3_index_info *info)
{
	ll_vtab *vt = (ll_vtab *)base;
	ll_buf plan = LL_BUF_INIT;
	ll_buf_printf(&plan, "%llx;", (unsigned long long)info->colUsed);
	int argc = 0, join = -1;
	double sel = 1.0;
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		char op = plan_op(c->op);
		if (!c->usable || c->iColumn < 0 || (size_t)c->iColumn >= vt->decl->ncols || !op)
			continue;
		const ll_engine_column *col = decl_column(vt->decl, (size_t)c->iColumn);
		if (!constraint_prunes(info, i, op, col)) {
			if (op == '=' && join < 0 && constraint_joins(info, i, col))
				join = i;
			continue;
		}
		if (op_has_value(op))
			info->aConstraintUsage[i].argvIndex = ++argc;
		ll_buf_printf(&plan, "%d%c", c->iColumn, op);
		sel *= op_selectivity(op);
	}
	if (join >= 0) {
		info->aConstraintUsage[join].argvIndex = ++argc;
		ll_buf_printf(&plan, "%dj", info->aConstraint[join].iColumn);
	}
	if (ll_buf_oom(&plan)) {
		ll_buf_free(&plan);
		return SQLITE_NOMEM;
	}
	info->idxStr = sqlite3_mprintf("%s", plan.data);
	ll_buf_free(&plan);
	if (!info->idxStr)
		return SQLITE_NOMEM;
	info->needToFreeIdxStr = 1;
	plan_estimate(vt, info, sel, join >= 0);
	return SQLITE_OK;
}

/* ---- cursors -------------------------------------------------------------- */

static int vt_open(sqlite3_vtab *base, sqlite3_vtab_cursor **out)
{
	ll_vtab *vt = (ll_vtab *)base;
	size_t n = vt->decl->ncols;
	ll_vcursor *cur = sqlite3_malloc64(sizeof(*cur));
	if (!cur)
		return SQLITE_NOMEM;
	memset(cur, 0, sizeof(*cur));
	cur->vt = vt;
	cur->used = sqlite3_malloc64(n * sizeof(*cur->used));
	cur->slot = sqlite3_malloc64(n * sizeof(*cur->slot));
	cur->constant = sqlite3_malloc64(n * sizeof(*cur->constant));
	cur->has_constant = sqlite3_malloc64(n * sizeof(*cur->has_constant));
	cur->fields = sqlite3_malloc64(n * sizeof(*cur->fields));
	cur->decode = sqlite3_malloc64(n * sizeof(*cur->decode));
	cur->lookup_slot = sqlite3_malloc64(n * sizeof(*cur->lookup_slot));
	if (!cur->used || !cur->slot || !cur->fields || !cur->decode || !cur->lookup_slot ||
	    !cur->constant || !cur->has_constant) {
		sqlite3_free(cur->used);
		sqlite3_free(cur->slot);
		sqlite3_free(cur->constant);
		sqlite3_free(cur->has_constant);
		sqlite3_free(cur->fields);
		sqlite3_free(cur->decode);
		sqlite3_free(cur->lookup_slot);
		sqlite3_free(cur);
		return SQLITE_NOMEM;
	}
	memset(cur->has_constant, 0, n * sizeof(*cur->has_constant));
	cur->join_col = -1;
	cur->eof = true;
	*out = &cur->base;
	return SQLITE_OK;
}

static void cursor_close_file(ll_vcursor *cur)
{
	ll_parquet_cursor_free(cur->scan);
	ll_parquet_reader_free(cur->reader);
	cur->scan = NULL;
	cur->reader = NULL;
	cur->batch = NULL;
	cur->counting = false;
	cur->count_rg = 0;
	cur->count_pos = 0;
	cur->deletes = (ll_engine_deletes){ NULL, 0 };
}

static void cursor_clear_plan(ll_vcursor *cur)
{
	for (size_t i = 0; i < cur->npreds; i++)
		ll_pred_clear(&cur->preds[i]);
	sqlite3_free(cur->preds);
	cur->preds = NULL;
	cur->npreds = 0;
}

static int vt_close(sqlite3_vtab_cursor *base)
{
	ll_vcursor *cur = (ll_vcursor *)base;
	cursor_close_file(cur);
	cursor_clear_plan(cur);
	sqlite3_free(cur->used);
	sqlite3_free(cur->slot);
	sqlite3_free(cur->constant);
	sqlite3_free(cur->has_constant);
	sqlite3_free(cur->fields);
	sqlite3_free(cur->decode);
	sqlite3_free(cur->keep);
	sqlite3_free(cur->rg_first);
	sqlite3_free(cur->lookup_slot);
	sqlite3_free(cur->lookup_plan);
	ll_lookup_free(cur->lookup);
	ll_lookup_iter_free(&cur->iter);
	sqlite3_free(cur);
	return SQLITE_OK;
}

/* Records a scan failure for the engine and hands SQLite its message. */
static int cursor_fail(ll_vcursor *cur, ll_error *err)
{
	ll_vtab *vt = cur->vt;
	const ll_engine_table *t = vt->decl->table;
	if (err->code == LL_ENOMEM)
		return SQLITE_NOMEM;
	ll_error_prefix(err, "reading table %s.%s", t->dataset, t->name);
	if (!err->table[0]) {
		char name[256];
		snprintf(name, sizeof(name), "%s.%s", t->dataset, t->name);
		ll_error_set_table(err, name, NULL);
	}
	if (!vt->run->failed) {
		vt->run->err = *err;
		vt->run->failed = true;
	}
	sqlite3_free(vt->base.zErrMsg);
	vt->base.zErrMsg = sqlite3_mprintf("%s", err->message);
	return SQLITE_ERROR;
}

/* ---- values ---------------------------------------------------------------- */

/*
 * Times as text into buf (48 bytes). A value too far out to be a calendar
 * time (beyond about year 146000, or a time of day outside 0-24h) comes back
 * as its raw number rather than as text that would sort wrongly.
 */
static void temporal_cell(int64_t v, ll_data_type type, int digits, char *buf, ll_cell *out)
{
	size_t n;
	if (type == LL_TYPE_TIMESTAMP && v > -(INT64_C(1) << 62) && v < (INT64_C(1) << 62))
		n = ll_time_format_timestamp(v, digits, ' ', false, buf);
	else if (type == LL_TYPE_DATE && v > -(INT64_C(1) << 31) && v < (INT64_C(1) << 31))
		n = ll_time_format_date(v, buf);
	else if (type == LL_TYPE_TIME && v >= 0 && v < INT64_C(86400000000))
		n = ll_engine_format_time(v, buf);
	else {
		out->kind = LL_CELL_INT;
		out->i = v;
		return;
	}
	out->kind = LL_CELL_TEXT;
	out->s = buf;
	out->len = n;
}

/*
 * One value as SQL sees it, converted by the type the file stores it as
 * (the catalog's type may differ). Text may point into buf or the batch.
 */
static void value_cell(const ll_value *v, const ll_parquet_field *f, const ll_engine_column *col,
		       char *buf, ll_cell *out)
{
	memset(out, 0, sizeof(*out));
	if (v->is_null)
		return;
	switch (f->nested ? LL_TYPE_JSON : f->type) {
	case LL_TYPE_BIGINT:
	case LL_TYPE_BOOL:
		out->kind = LL_CELL_INT;
		out->i = f->type == LL_TYPE_BOOL ? v->i != 0 : v->i;
		break;
	case LL_TYPE_DOUBLE:
		out->kind = LL_CELL_REAL;
		out->d = v->d;
		break;
	case LL_TYPE_TIMESTAMP:
		temporal_cell(v->i, LL_TYPE_TIMESTAMP,
			      col->type == LL_TYPE_TIMESTAMP ? ll_engine_ts_digits(col)
			      : f->unit == LL_TS_MILLIS     ? 3
							    : 6,
			      buf, out);
		break;
	case LL_TYPE_DATE:
	case LL_TYPE_TIME:
		temporal_cell(v->i, f->type, 0, buf, out);
		break;
	default:
		out->kind = f->type == LL_TYPE_BINARY && !f->nested ? LL_CELL_BLOB : LL_CELL_TEXT;
		out->s = v->s ? v->s : "";
		out->len = v->len;
		break;
	}
}

static void cell_result(sqlite3_context *ctx, const ll_cell *c)
{
	switch (c->kind) {
	case LL_CELL_INT:
		sqlite3_result_int64(ctx, c->i);
		break;
	case LL_CELL_REAL:
		sqlite3_result_double(ctx, c->d);
		break;
	case LL_CELL_TEXT:
		sqlite3_result_text64(ctx, c->s, c->len, SQLITE_TRANSIENT, SQLITE_UTF8);
		break;
	case LL_CELL_BLOB:
		sqlite3_result_blob64(ctx, c->s, c->len, SQLITE_TRANSIENT);
		break;
	case LL_CELL_NULL:
		sqlite3_result_null(ctx);
		break;
	}
}

/* Declared column i of the current file row (NULL or the format's constant when the file lacks it). */
static void row_cell(const ll_vcursor *cur, size_t i, char *buf, ll_cell *out)
{
	long s = cur->slot[i];
	if (s < 0 && cur->has_constant[i]) {
		const ll_engine_column *col = decl_column(cur->vt->decl, i);
		const ll_parquet_field as_declared = { .type = col->type, .unit = col->unit };
		value_cell(&cur->constant[i], &as_declared, col, buf, out);
		return;
	}
	if (s < 0 || cur->counting || !cur->batch || (size_t)s >= cur->batch->ncolumns) {
		memset(out, 0, sizeof(*out));
		return;
	}
	value_cell(&cur->batch->columns[s][cur->row], cur->fields[i], decl_column(cur->vt->decl, i),
		   buf, out);
}

static sqlite3_int64 file_rowid(const ll_vcursor *cur)
{
	return (sqlite3_int64)(((uint64_t)(cur->next_file - 1) << 40) | cur->row_in_file);
}

/* ---- scanning ------------------------------------------------------------- */

static ll_pred_op pred_op(char op)
{
	switch (op) {
	case '<':
		return LL_PRED_LT;
	case '[':
		return LL_PRED_LE;
	case '>':
		return LL_PRED_GT;
	case ']':
		return LL_PRED_GE;
	case 'n':
		return LL_PRED_ISNULL;
	case 'N':
		return LL_PRED_NOTNULL;
	default:
		return LL_PRED_EQ;
	}
}

/* Which declared columns the scan must produce (see the note on colUsed above). */
static void cursor_set_used(ll_vcursor *cur, unsigned long long col_used)
{
	const ll_engine_decl *d = cur->vt->decl;
	const ll_sql_names *names = cur->vt->run->names;
	bool high = (col_used >> 63) & 1;
	for (size_t i = 0; i < d->ncols; i++) {
		if (i < 63)
			cur->used[i] = (col_used >> i) & 1;
		else
			cur->used[i] = high && (names->star ||
						ll_sql_names_has(names, decl_column(d, i)->name));
	}
}

/* Reads the plan string of vt_best_index and the constants SQLite passes for it. */
static int cursor_set_plan(ll_vcursor *cur, const char *plan, int argc, sqlite3_value **argv)
{
	const ll_engine_decl *d = cur->vt->decl;
	char *end;
	cur->join_col = -1;
	cur->join_value = NULL;
	cursor_set_used(cur, strtoull(plan, &end, 16));
	const char *p = *end == ';' ? end + 1 : "";
	cur->preds = sqlite3_malloc64((strlen(p) / 2 + 1) * sizeof(*cur->preds));
	if (!cur->preds)
		return SQLITE_NOMEM;
	int k = 0;
	while (*p) {
		unsigned long col = strtoul(p, &end, 10);
		char op = *end;
		if (end == p || !op || col >= d->ncols)
			break;
		p = end + 1;
		sqlite3_value *v = NULL;
		if (op_has_value(op) || op == 'j') {
			if (k >= argc)
				continue;
			v = argv[k++];
		}
		if (op == 'j') {
			cur->join_col = (long)col;
			cur->join_value = v;
			continue;
		}
		ll_pred *pr = &cur->preds[cur->npreds];
		memset(pr, 0, sizeof(*pr));
		pr->col = col;
		pr->op = pred_op(op);
		cur->npreds++;
		if (!ll_pred_set_value(pr, decl_column(d, col)->type, v))
			return SQLITE_NOMEM;
	}
	return SQLITE_OK;
}

/* Finds the file fields of the used columns; fills slot, fields and decode. */
/* The file field feeding declared column i: by field id for Iceberg files, else by name. */
static long find_column_field(const ll_vcursor *cur, size_t i)
{
	const ll_engine_decl *d = cur->vt->decl;
	const ll_engine_table *t = d->table;
	int32_t id = t->field_ids ? t->field_ids[d->cols[i]] : 0;
	size_t n = ll_parquet_reader_field_count(cur->reader);
	bool file_has_ids = false;
	for (size_t f = 0; id > 0 && f < n; f++) {
		int32_t fid = ll_parquet_reader_field(cur->reader, f)->field_id;
		if (fid == id)
			return (long)f;
		file_has_ids = file_has_ids || fid >= 0;
	}
	return file_has_ids ? -1 : ll_parquet_reader_find_field(cur->reader, decl_column(d, i)->name);
}

static size_t cursor_map_fields(ll_vcursor *cur)
{
	const ll_engine_decl *d = cur->vt->decl;
	size_t n = 0;
	for (size_t i = 0; i < d->ncols; i++) {
		cur->slot[i] = -1;
		cur->fields[i] = NULL;
		if (!cur->used[i])
			continue;
		long f = find_column_field(cur, i);
		if (f < 0)
			continue;
		/* declared names are distinct (SQLite insists), so each field is listed once */
		cur->decode[n] = (size_t)f;
		cur->slot[i] = (long)n++;
		cur->fields[i] = ll_parquet_reader_field(cur->reader, (size_t)f);
	}
	return n;
}

/* Asks the table format for the values of the declared columns the open file lacks. */
static void cursor_map_constants(ll_vcursor *cur)
{
	const ll_engine_decl *d = cur->vt->decl;
	const ll_engine_table_format *fmt = d->table->format;
	for (size_t i = 0; i < d->ncols; i++) {
		cur->has_constant[i] = false;
		if (!fmt || !fmt->file_constant || find_column_field(cur, i) >= 0)
			continue;
		memset(&cur->constant[i], 0, sizeof(cur->constant[i]));
		cur->has_constant[i] = fmt->file_constant(fmt->ctx, cur->next_file - 1, d->cols[i],
							  &cur->constant[i]);
	}
}

/* Marks the row groups no constraint rules out and counts them. */
static ll_status cursor_choose_row_groups(ll_vcursor *cur, size_t *kept, ll_error *err)
{
	const ll_engine_decl *d = cur->vt->decl;
	ll_engine_stats *stats = cur->vt->run->stats;
	size_t nrg = ll_parquet_reader_row_group_count(cur->reader);
	if (nrg > cur->keep_cap) {
		bool *keep = sqlite3_realloc64(cur->keep, nrg * sizeof(*keep));
		if (keep)
			cur->keep = keep;
		uint64_t *first = sqlite3_realloc64(cur->rg_first, nrg * sizeof(*first));
		if (first)
			cur->rg_first = first;
		if (!keep || !first)
			return ll_error_oom(err);
		cur->keep_cap = nrg;
	}
	for (size_t k = 0; k < cur->npreds; k++)
		cur->preds[k].field = find_column_field(cur, cur->preds[k].col);
	*kept = 0;
	uint64_t first = 0;
	for (size_t rg = 0; rg < nrg; rg++) {
		cur->rg_first[rg] = first;
		first += ll_parquet_reader_row_group_rows(cur->reader, rg);
		bool keep = true;
		for (size_t k = 0; keep && k < cur->npreds; k++) {
			const ll_pred *p = &cur->preds[k];
			if (p->field < 0 && cur->has_constant[p->col])
				continue; /* not in the file, so its statistics say nothing */
			keep = !ll_pred_rules_out(p, decl_column(d, p->col), cur->reader, rg, p->field);
		}
		cur->keep[rg] = keep;
		*kept += keep;
	}
	stats->row_groups_scanned += *kept;
	stats->row_groups_skipped += nrg - *kept;
	return LL_OK;
}

static ll_status open_reader(const ll_engine_provider *provider, const char *path,
			     ll_parquet_reader **r, ll_error *err)
{
	if (!provider->open_source)
		return ll_parquet_reader_open(r, path, err);
	ll_parquet_source src;
	ll_status st = provider->open_source(provider->ctx, path, &src, err);
	return st == LL_OK ? ll_parquet_reader_open_source(r, src, path, err) : st;
}

/* Opens the next file: footer, row-group choice, then a cursor over the used fields. */
static ll_status cursor_open_file(ll_vcursor *cur, ll_error *err)
{
	const ll_engine_table *t = cur->vt->decl->table;
	ll_engine_stats *stats = cur->vt->run->stats;
	const char *path = t->files[cur->next_file++];
	ll_parquet_reader *r = NULL;
	ll_status st = open_reader(cur->vt->run->provider, path, &r, err);
	if (st != LL_OK) {
		if (!err->file[0])
			ll_error_set_location(err, path, 0, 0);
		return st;
	}
	cur->reader = r;
	stats->files_opened++;
	cursor_map_constants(cur);
	size_t kept = 0;
	st = cursor_choose_row_groups(cur, &kept, err);
	if (st != LL_OK || kept == 0) {
		stats->files_skipped += st == LL_OK;
		cursor_close_file(cur);
		return st;
	}
	const ll_engine_table_format *fmt = t->format;
	if (fmt && fmt->file_deletes) {
		st = fmt->file_deletes(fmt->ctx, cur->next_file - 1, &cur->deletes, err);
		if (st != LL_OK) {
			cursor_close_file(cur);
			return st;
		}
	}
	size_t n = cursor_map_fields(cur);
	stats->fields_decoded += n;
	if (n == 0) {
		cur->counting = true;
		return LL_OK;
	}
	cur->batch_rg = SIZE_MAX;
	st = ll_parquet_cursor_open(r, cur->decode, n, cur->keep, &cur->scan, err);
	if (st != LL_OK) {
		cur->scan = NULL;
		cursor_close_file(cur);
	}
	return st;
}

/* Counting mode: steps through the rows of the chosen row groups without decoding. */
static ll_status cursor_count_in_file(ll_vcursor *cur, bool *have)
{
	size_t nrg = ll_parquet_reader_row_group_count(cur->reader);
	while (cur->count_rg < nrg &&
	       (!cur->keep[cur->count_rg] ||
		cur->count_pos >= ll_parquet_reader_row_group_rows(cur->reader, cur->count_rg))) {
		cur->count_rg++;
		cur->count_pos = 0;
	}
	*have = cur->count_rg < nrg;
	if (*have)
		cur->row_in_file = cur->rg_first[cur->count_rg] + cur->count_pos++;
	return LL_OK;
}

/* Moves to the next row of the open file; *have is false at its end. */
static ll_status cursor_next_in_file(ll_vcursor *cur, bool *have, ll_error *err)
{
	*have = false;
	if (cur->counting)
		return cursor_count_in_file(cur, have);
	if (cur->batch && cur->row + 1 < cur->batch->rows) {
		cur->row++;
		cur->row_in_file++;
		*have = true;
		return LL_OK;
	}
	uint64_t after = cur->batch ? cur->batch_first + cur->batch->rows : 0;
	ll_status st = ll_parquet_cursor_next(cur->scan, LL_ENGINE_BATCH_ROWS, &cur->batch, err);
	if (st != LL_OK) {
		cur->batch = NULL;
		return st;
	}
	if (!cur->batch || !cur->batch->rows)
		return LL_OK;
	/* a batch continues its row group or starts a new one at its first row */
	size_t rg = ll_parquet_cursor_row_group(cur->scan);
	if (rg != cur->batch_rg && rg < ll_parquet_reader_row_group_count(cur->reader))
		after = cur->rg_first[rg];
	cur->batch_rg = rg;
	cur->batch_first = after;
	cur->row = 0;
	cur->row_in_file = after;
	*have = true;
	return LL_OK;
}

/* Whether the current row of the open file is one its table format deleted. */
static bool cursor_row_deleted(const ll_vcursor *cur)
{
	const ll_engine_deletes *d = &cur->deletes;
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->positions[mid] < cur->row_in_file)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n && d->positions[lo] == cur->row_in_file;
}

/* Whether the table format's statistics rule out file `file` for some constraint. */
static bool cursor_file_pruned(const ll_vcursor *cur, size_t file)
{
	const ll_engine_decl *d = cur->vt->decl;
	const ll_engine_table_format *fmt = d->table->format;
	if (!fmt || !fmt->file_stats)
		return false;
	for (size_t k = 0; k < cur->npreds; k++) {
		const ll_pred *p = &cur->preds[k];
		ll_engine_file_stats fs;
		memset(&fs, 0, sizeof(fs));
		if (fmt->file_stats(fmt->ctx, file, d->cols[p->col], &fs) &&
		    ll_pred_rules_out_file(p, decl_column(d, p->col), &fs))
			return true;
	}
	return false;
}

static int cursor_advance(ll_vcursor *cur)
{
	const ll_engine_table *t = cur->vt->decl->table;
	ll_error err;
	ll_error_clear(&err);
	for (;;) {
		if (cur->reader) {
			bool have;
			if (cursor_next_in_file(cur, &have, &err) != LL_OK)
				return cursor_fail(cur, &err);
			if (have && cursor_row_deleted(cur))
				continue;
			if (have) {
				cur->vt->run->stats->rows_scanned++;
				return SQLITE_OK;
			}
			cursor_close_file(cur);
		}
		if (cur->next_file >= t->nfiles) {
			cur->eof = true;
			return SQLITE_OK;
		}
		if (cursor_file_pruned(cur, cur->next_file)) {
			cur->next_file++;
			cur->vt->run->stats->files_pruned++;
			continue;
		}
		if (cursor_open_file(cur, &err) != LL_OK)
			return cursor_fail(cur, &err);
	}
}

/* ---- joins ------------------------------------------------------------------- */

/* Scans every file once, keeping the used columns of each row in a new lookup. */
static int cursor_fill_lookup(ll_vcursor *cur, ll_lookup *l, size_t nused, bool *fits)
{
	ll_cell *cells = sqlite3_malloc64(nused * sizeof(*cells) + 1);
	char *bufs = sqlite3_malloc64(nused * 48 + 1);
	if (!cells || !bufs) {
		sqlite3_free(cells);
		sqlite3_free(bufs);
		return SQLITE_NOMEM;
	}
	cur->next_file = 0;
	cur->eof = false;
	*fits = true;
	int rc = cursor_advance(cur);
	while (rc == SQLITE_OK && !cur->eof && *fits) {
		for (size_t i = 0; i < cur->vt->decl->ncols; i++)
			if (cur->lookup_slot[i] >= 0)
				row_cell(cur, i, bufs + 48 * cur->lookup_slot[i],
					 &cells[cur->lookup_slot[i]]);
		*fits = ll_lookup_add(l, file_rowid(cur), cells);
		if (*fits)
			rc = cursor_advance(cur);
	}
	cursor_close_file(cur);
	sqlite3_free(cells);
	sqlite3_free(bufs);
	return rc;
}

/*
 * Builds the lookup for this plan. Leaves cur->lookup NULL when the table
 * does not fit the join memory, so scans for this plan read the files.
 */
static int cursor_build_lookup(ll_vcursor *cur, const char *plan)
{
	const ll_engine_decl *d = cur->vt->decl;
	ll_engine_scan_ctx *ctx = cur->vt->run;
	ll_lookup_free(cur->lookup);
	cur->lookup = NULL;
	sqlite3_free(cur->lookup_plan);
	cur->lookup_plan = sqlite3_mprintf("%s", plan);
	if (!cur->lookup_plan)
		return SQLITE_NOMEM;
	size_t nused = 0;
	for (size_t i = 0; i < d->ncols; i++)
		cur->lookup_slot[i] = cur->used[i] ? (long)nused++ : -1;
	long key = cur->lookup_slot[cur->join_col];
	if (key < 0 || ctx->join_memory == 0)
		return SQLITE_OK;
	ll_lookup *l = ll_lookup_new(nused, (size_t)key,
				     ll_engine_domain_of(decl_column(d, (size_t)cur->join_col)->type),
				     ctx->join_memory);
	if (!l)
		return SQLITE_NOMEM;
	bool fits;
	int rc = cursor_fill_lookup(cur, l, nused, &fits);
	if (rc == SQLITE_OK && fits && ll_lookup_seal(l)) {
		cur->lookup = l;
		ctx->stats->join_lookups++;
	} else {
		ll_lookup_free(l);
	}
	return rc;
}

static int cursor_replay_next(ll_vcursor *cur)
{
	if (ll_lookup_next(cur->lookup, &cur->iter, &cur->replay_row))
		cur->vt->run->stats->rows_scanned++;
	else
		cur->eof = true;
	return SQLITE_OK;
}

/* Answers a scan of a join plan from the lookup, building it on the first scan. */
static int cursor_join(ll_vcursor *cur, const char *plan)
{
	if (!cur->lookup_plan || strcmp(cur->lookup_plan, plan) != 0) {
		int rc = cursor_build_lookup(cur, plan);
		if (rc != SQLITE_OK)
			return rc;
		cur->next_file = 0;
		cur->eof = false;
	}
	if (!cur->lookup)
		return SQLITE_OK;
	ll_lookup_probe(cur->lookup, cur->join_value, &cur->iter);
	cur->replay = true;
	return cursor_replay_next(cur);
}

/* ---- the scan ------------------------------------------------------------------ */

static int vt_filter(sqlite3_vtab_cursor *base, int idx_num, const char *idx_str, int argc,
		     sqlite3_value **argv)
{
	ll_vcursor *cur = (ll_vcursor *)base;
	(void)idx_num;
	cursor_close_file(cur);
	cursor_clear_plan(cur);
	cur->next_file = 0;
	cur->eof = false;
	cur->replay = false;
	/* without a plan, produce every column */
	const char *plan = idx_str ? idx_str : "ffffffffffffffff;";
	int rc = cursor_set_plan(cur, plan, argc, argv);
	if (rc != SQLITE_OK)
		return rc;
	for (size_t k = 0; k < cur->npreds; k++) {
		if (cur->preds[k].never) {
			cur->eof = true;
			return SQLITE_OK;
		}
	}
	if (cur->join_col >= 0) {
		rc = cursor_join(cur, plan);
		cur->join_value = NULL;
		if (rc != SQLITE_OK || cur->replay)
			return rc;
	}
	return cursor_advance(cur);
}

static int vt_next(sqlite3_vtab_cursor *base)
{
	ll_vcursor *cur = (ll_vcursor *)base;
	return cur->replay ? cursor_replay_next(cur) : cursor_advance(cur);
}

static int vt_eof(sqlite3_vtab_cursor *base)
{
	return ((ll_vcursor *)base)->eof;
}

static int vt_rowid(sqlite3_vtab_cursor *base, sqlite3_int64 *rowid)
{
	const ll_vcursor *cur = (const ll_vcursor *)base;
	*rowid = cur->replay ? ll_lookup_rowid(cur->lookup, cur->replay_row) : file_rowid(cur);
	return SQLITE_OK;
}

/* ---- producing ------------------------------------------------------------ */

static int vt_column(sqlite3_vtab_cursor *base, sqlite3_context *ctx, int i)
{
	ll_vcursor *cur = (ll_vcursor *)base;
	const ll_engine_decl *d = cur->vt->decl;
	if (cur->eof || i < 0 || (size_t)i >= d->ncols) {
		sqlite3_result_null(ctx);
		return SQLITE_OK;
	}
	if (!cur->used[i]) {
		ll_error err;
		ll_error_clear(&err);
		ll_error_set(&err, LL_EUNSUPPORTED,
			     "column %s is used but not named in the query text; name it explicitly",
			     decl_column(d, (size_t)i)->name);
		return cursor_fail(cur, &err);
	}
	if (cur->replay) {
		cell_result(ctx, &ll_lookup_row(cur->lookup, cur->replay_row)[cur->lookup_slot[i]]);
		return SQLITE_OK;
	}
	char buf[48];
	ll_cell c;
	row_cell(cur, (size_t)i, buf, &c);
	cell_result(ctx, &c);
	return SQLITE_OK;
}

static const sqlite3_module ll_vtab_module = {
	.iVersion = 0,
	.xCreate = vt_connect,
	.xConnect = vt_connect,
	.xBestIndex = vt_best_index,
	.xDisconnect = vt_disconnect,
	.xDestroy = vt_disconnect,
	.xOpen = vt_open,
	.xClose = vt_close,
	.xFilter = vt_filter,
	.xNext = vt_next,
	.xEof = vt_eof,
	.xColumn = vt_column,
	.xRowid = vt_rowid,
};

int ll_engine_vtab_register(sqlite3 *db, ll_engine_scan_ctx *run)
{
	return sqlite3_create_module_v2(db, LL_ENGINE_MODULE, &ll_vtab_module, run, NULL);
}
