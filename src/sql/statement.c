/*
 * The Athena statement reader: one statement's tokens into an
 * ll_sql_statement (see sql.h). DDL is tokenized with Hive's string rules,
 * everything else with Trino's; the leading words decide which.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/iceberg/partition.h"
#include "sql/translate.h"

typedef struct rd {
	ll_sql_tokens ts;
	size_t i;
	const ll_sql_context *ctx;
	ll_sql_statement *st;
	ll_error *err;
} rd;

const char *ll_sql_kind_name(ll_sql_kind kind)
{
	static const char *const names[] = {
		[LL_SQL_QUERY] = "SELECT",
		[LL_SQL_SHOW_TABLES] = "SHOW TABLES",
		[LL_SQL_SHOW_DATABASES] = "SHOW DATABASES",
		[LL_SQL_DESCRIBE] = "DESCRIBE",
		[LL_SQL_CREATE_DATABASE] = "CREATE DATABASE",
		[LL_SQL_DROP_DATABASE] = "DROP DATABASE",
		[LL_SQL_CREATE_EXTERNAL_TABLE] = "CREATE EXTERNAL TABLE",
		[LL_SQL_CREATE_ICEBERG_TABLE] = "CREATE TABLE",
		[LL_SQL_ALTER_ADD_COLUMNS] = "ALTER TABLE ADD COLUMNS",
		[LL_SQL_DROP_TABLE] = "DROP TABLE",
		[LL_SQL_DELETE] = "DELETE",
		[LL_SQL_INSERT] = "INSERT",
	};
	return (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

static const ll_sql_token *cur(const rd *r)
{
	return &r->ts.tok[r->i];
}

static ll_status fail(rd *r, ll_status code, const char *fmt, const char *what)
{
	ll_status s = ll_error_set(r->err, code, fmt, what);
	ll_sql_error_at(r->err, r->ts.text, cur(r)->pos);
	return s;
}

static const char *shown(const ll_sql_token *k)
{
	return k->kind == LL_TOK_END ? "the end" : k->value;
}

static bool accept(rd *r, const char *word)
{
	if (!ll_sql_tok_is(cur(r), word))
		return false;
	r->i++;
	return true;
}

static bool accept_punct(rd *r, const char *p)
{
	if (!ll_sql_tok_punct(cur(r), p))
		return false;
	r->i++;
	return true;
}

static ll_status expected(rd *r, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof(msg), "expected %s, found '%.64s'", what, shown(cur(r)));
	return fail(r, LL_EINVAL, "%s", msg);
}

static ll_status expect(rd *r, const char *word)
{
	return accept(r, word) ? LL_OK : expected(r, word);
}

static ll_status expect_punct(rd *r, const char *p)
{
	char what[8];
	snprintf(what, sizeof(what), "'%s'", p);
	return accept_punct(r, p) ? LL_OK : expected(r, what);
}

static ll_status read_string(rd *r, const char **out)
{
	if (cur(r)->kind != LL_TOK_STRING)
		return expected(r, "a string literal");
	*out = cur(r)->value;
	r->i++;
	return LL_OK;
}

static ll_status read_ident(rd *r, const char **out)
{
	if (cur(r)->kind != LL_TOK_WORD && cur(r)->kind != LL_TOK_QIDENT)
		return expected(r, "a name");
	*out = cur(r)->value;
	r->i++;
	return LL_OK;
}

/* Grows an arena array by one element; returns the new element or NULL. */
static void *push(rd *r, void **array, size_t *n, size_t size)
{
	char *grown = ll_arena_alloc(&r->st->arena, (*n + 1) * size);
	if (!grown)
		return NULL;
	if (*n)
		memcpy(grown, *array, *n * size);
	memset(grown + *n * size, 0, size);
	*array = grown;
	return grown + (*n)++ * size;
}

/*
 * [catalog.]database.table, or a bare table of the default database; with
 * table NULL, [catalog.]database.
 */
static ll_status read_name(rd *r, const char **database, const char **table)
{
	const char *parts[3];
	size_t n = 0, start = r->i;
	ll_status s;
	do {
		if (n == 3)
			return expected(r, "at most catalog.database.table");
		if ((s = read_ident(r, &parts[n++])) != LL_OK)
			return s;
	} while (accept_punct(r, "."));
	size_t want = table ? 2 : 1;
	if (n == want + 1) {
		if (strcasecmp(parts[0], ll_sql_catalog(r->ctx)) != 0) {
			r->i = start;
			return fail(r, LL_EUNSUPPORTED, "catalog %s is not supported", parts[0]);
		}
		memmove(parts, parts + 1, 2 * sizeof(*parts));
		n--;
	}
	if (n > want) {
		r->i = start;
		return expected(r, table ? "[catalog.]database.table" : "[catalog.]database");
	}
	if (!table) {
		*database = parts[0];
		return LL_OK;
	}
	if (n == 1) {
		if (!r->ctx || !r->ctx->database) {
			r->i = start;
			return fail(r, LL_EINVAL, "table %s needs a database: write database.table",
				    parts[0]);
		}
		*database = r->ctx->database;
		*table = parts[0];
	} else {
		*database = parts[0];
		*table = parts[1];
	}
	return LL_OK;
}

/* ------------------------------------------------------------------ types */

static const struct {
	const char *name;
	ll_data_type type;
} athena_types[] = {
	{ "string", LL_TYPE_TEXT },      { "varchar", LL_TYPE_TEXT },    { "char", LL_TYPE_TEXT },
	{ "bigint", LL_TYPE_BIGINT },    { "int", LL_TYPE_BIGINT },      { "integer", LL_TYPE_BIGINT },
	{ "smallint", LL_TYPE_BIGINT },  { "tinyint", LL_TYPE_BIGINT },  { "double", LL_TYPE_DOUBLE },
	{ "float", LL_TYPE_DOUBLE },     { "real", LL_TYPE_DOUBLE },     { "boolean", LL_TYPE_BOOL },
	{ "timestamp", LL_TYPE_TIMESTAMP }, { "date", LL_TYPE_DATE },    { "decimal", LL_TYPE_DECIMAL },
	{ "binary", LL_TYPE_BINARY },    { "varbinary", LL_TYPE_BINARY },
};

static ll_status read_type(rd *r, ll_sql_column *c)
{
	const ll_sql_token *k = cur(r);
	if (k->kind != LL_TOK_WORD)
		return expected(r, "a column type");
	size_t t = 0, n = sizeof(athena_types) / sizeof(athena_types[0]);
	while (t < n && strcasecmp(k->value, athena_types[t].name) != 0)
		t++;
	if (t == n || ll_sql_tok_punct(&r->ts.tok[r->i + 1], "<"))
		return fail(r, LL_EUNSUPPORTED, "column type %s is not supported", k->value);
	c->data_type = athena_types[t].type;
	r->i++;
	ll_buf text = LL_BUF_INIT;
	ll_buf_puts(&text, athena_types[t].name);
	int p = -1, s = -1;
	if (accept_punct(r, "(")) {
		if (cur(r)->kind != LL_TOK_NUMBER)
			return ll_buf_free(&text), expected(r, "a number");
		p = atoi(cur(r)->value);
		r->i++;
		if (accept_punct(r, ",")) {
			if (cur(r)->kind != LL_TOK_NUMBER)
				return ll_buf_free(&text), expected(r, "a number");
			s = atoi(cur(r)->value);
			r->i++;
		}
		ll_status st = expect_punct(r, ")");
		if (st != LL_OK)
			return ll_buf_free(&text), st;
		ll_buf_printf(&text, s >= 0 ? "(%d,%d)" : "(%d)", p, s);
	}
	if (c->data_type == LL_TYPE_DECIMAL) {
		/* Hive's decimal without arguments is decimal(10,0) */
		c->precision = p >= 0 ? p : 10;
		c->scale = s >= 0 ? s : 0;
		if (p < 0)
			ll_buf_puts(&text, "(10,0)");
	}
	c->type = ll_arena_strndup(&r->st->arena, ll_buf_cstr(&text), text.len);
	ll_buf_free(&text);
	return c->type ? LL_OK : ll_error_oom(r->err);
}

/* (name type [COMMENT 'text'], ...) */
static ll_status read_columns(rd *r, ll_sql_column **cols, size_t *n)
{
	ll_status s = expect_punct(r, "(");
	do {
		if (s != LL_OK)
			return s;
		ll_sql_column *c = push(r, (void **)cols, n, sizeof(*c));
		if (!c)
			return ll_error_oom(r->err);
		if ((s = read_ident(r, &c->name)) != LL_OK || (s = read_type(r, c)) != LL_OK)
			return s;
		if (accept(r, "comment") && (s = read_string(r, &c->comment)) != LL_OK)
			return s;
	} while (accept_punct(r, ","));
	return expect_punct(r, ")");
}

/* ('key'='value', ...) */
static ll_status read_properties(rd *r)
{
	ll_sql_statement *st = r->st;
	ll_status s = expect_punct(r, "(");
	do {
		if (s != LL_OK)
			return s;
		ll_sql_property *p = push(r, (void **)&st->properties, &st->nproperties, sizeof(*p));
		if (!p)
			return ll_error_oom(r->err);
		if ((s = read_string(r, &p->key)) != LL_OK || (s = expect_punct(r, "=")) != LL_OK ||
		    (s = read_string(r, &p->value)) != LL_OK)
			return s;
	} while (accept_punct(r, ","));
	return expect_punct(r, ")");
}

/* An Iceberg partition: col, transform(col) or transform(n, col), checked and kept as text. */
static ll_status read_partition_expr(rd *r)
{
	ll_sql_statement *st = r->st;
	size_t start = r->i;
	ll_buf text = LL_BUF_INIT;
	const char *name = "";
	ll_status s = read_ident(r, &name);
	if (s == LL_OK && accept_punct(r, "(")) {
		ll_buf_printf(&text, "%s(", name);
		if (cur(r)->kind == LL_TOK_NUMBER) {
			ll_buf_printf(&text, "%s, ", cur(r)->value);
			r->i++;
			s = expect_punct(r, ",");
		}
		if (s == LL_OK && (s = read_ident(r, &name)) == LL_OK)
			s = expect_punct(r, ")");
		ll_buf_printf(&text, "%s)", name);
	} else {
		ll_buf_puts(&text, name);
	}
	ll_iceberg_partition_expr e;
	if (s == LL_OK && ll_iceberg_partition_expr_parse(ll_buf_cstr(&text), &e, NULL) != LL_OK) {
		r->i = start;
		s = fail(r, LL_EUNSUPPORTED, "partition %s is not supported", ll_buf_cstr(&text));
	}
	const char **slot = s == LL_OK ? push(r, (void **)&st->partition, &st->npartition,
					       sizeof(*slot))
				       : NULL;
	if (s == LL_OK && (!slot || !(*slot = ll_arena_strndup(&st->arena, ll_buf_cstr(&text),
								 text.len))))
		s = ll_error_oom(r->err);
	ll_buf_free(&text);
	return s;
}

/* ------------------------------------------------------------- statements */

static ll_status read_if_not_exists(rd *r)
{
	if (!accept(r, "if"))
		return LL_OK;
	r->st->if_not_exists = true;
	ll_status s = expect(r, "not");
	return s == LL_OK ? expect(r, "exists") : s;
}

static ll_status read_if_exists(rd *r)
{
	if (!accept(r, "if"))
		return LL_OK;
	r->st->if_exists = true;
	return expect(r, "exists");
}

static ll_status read_table_clauses(rd *r, bool external)
{
	ll_sql_statement *st = r->st;
	bool parquet = false;
	ll_status s = LL_OK;
	while (s == LL_OK && cur(r)->kind != LL_TOK_END) {
		const char *comment;
		if (accept(r, "comment")) {
			s = read_string(r, &comment);
		} else if (accept(r, "partitioned")) {
			if ((s = expect(r, "by")) != LL_OK)
				break;
			if (external) {
				s = read_columns(r, &st->partition_columns, &st->npartition_columns);
				continue;
			}
			s = expect_punct(r, "(");
			do {
				if (s == LL_OK)
					s = read_partition_expr(r);
			} while (s == LL_OK && accept_punct(r, ","));
			if (s == LL_OK)
				s = expect_punct(r, ")");
		} else if (external && accept(r, "stored")) {
			if ((s = expect(r, "as")) == LL_OK && !(parquet = accept(r, "parquet")))
				s = fail(r, LL_EUNSUPPORTED,
					 "STORED AS %s is not supported (only PARQUET)", shown(cur(r)));
		} else if (accept(r, "location")) {
			s = read_string(r, &st->location);
		} else if (accept(r, "tblproperties")) {
			s = read_properties(r);
		} else {
			return fail(r, LL_EUNSUPPORTED, "table clause %s is not supported",
				    shown(cur(r)));
		}
	}
	if (s != LL_OK)
		return s;
	if (external && !parquet)
		return fail(r, LL_EUNSUPPORTED, "%s", "an external table must be STORED AS PARQUET");
	if (!st->location)
		return expected(r, "LOCATION 's3://...'");
	return LL_OK;
}

static bool is_iceberg(const ll_sql_statement *st)
{
	for (size_t i = 0; i < st->nproperties; i++)
		if (strcasecmp(st->properties[i].key, "table_type") == 0 &&
		    strcasecmp(st->properties[i].value, "iceberg") == 0)
			return true;
	return false;
}

static ll_status read_create_table(rd *r, bool external)
{
	ll_sql_statement *st = r->st;
	st->kind = external ? LL_SQL_CREATE_EXTERNAL_TABLE : LL_SQL_CREATE_ICEBERG_TABLE;
	ll_status s = read_if_not_exists(r);
	if (s == LL_OK)
		s = read_name(r, &st->database, &st->table);
	if (s != LL_OK)
		return s;
	if (ll_sql_tok_is(cur(r), "as") || ll_sql_tok_is(cur(r), "with"))
		return fail(r, LL_EUNSUPPORTED, "%s is not supported", "CREATE TABLE AS SELECT");
	if ((s = read_columns(r, &st->columns, &st->ncolumns)) != LL_OK ||
	    (s = read_table_clauses(r, external)) != LL_OK)
		return s;
	if (!external && !is_iceberg(st))
		return fail(r, LL_EUNSUPPORTED, "%s",
			    "CREATE TABLE needs TBLPROPERTIES ('table_type'='ICEBERG'); other tables "
			    "are CREATE EXTERNAL TABLE");
	return LL_OK;
}

static ll_status read_create(rd *r)
{
	ll_sql_statement *st = r->st;
	if (accept(r, "external")) {
		ll_status s = expect(r, "table");
		return s == LL_OK ? read_create_table(r, true) : s;
	}
	if (accept(r, "table"))
		return read_create_table(r, false);
	if (!accept(r, "database") && !accept(r, "schema"))
		return fail(r, LL_EUNSUPPORTED, "CREATE %s is not supported", shown(cur(r)));
	st->kind = LL_SQL_CREATE_DATABASE;
	ll_status s = read_if_not_exists(r);
	if (s == LL_OK)
		s = read_name(r, &st->database, NULL);
	while (s == LL_OK && cur(r)->kind != LL_TOK_END) {
		const char *comment;
		if (accept(r, "comment"))
			s = read_string(r, &comment);
		else if (accept(r, "location"))
			s = read_string(r, &st->location);
		else if (accept(r, "with") && (s = expect(r, "dbproperties")) == LL_OK)
			s = read_properties(r);
		else if (s == LL_OK)
			return expected(r, "COMMENT, LOCATION or WITH DBPROPERTIES");
	}
	return s;
}

static ll_status read_drop(rd *r)
{
	ll_sql_statement *st = r->st;
	ll_status s;
	if (accept(r, "table")) {
		st->kind = LL_SQL_DROP_TABLE;
		if ((s = read_if_exists(r)) != LL_OK)
			return s;
		return read_name(r, &st->database, &st->table);
	}
	if (!accept(r, "database") && !accept(r, "schema"))
		return fail(r, LL_EUNSUPPORTED, "DROP %s is not supported", shown(cur(r)));
	st->kind = LL_SQL_DROP_DATABASE;
	if ((s = read_if_exists(r)) != LL_OK || (s = read_name(r, &st->database, NULL)) != LL_OK)
		return s;
	st->cascade = accept(r, "cascade");
	if (!st->cascade)
		accept(r, "restrict");
	return LL_OK;
}

static ll_status read_show(rd *r)
{
	ll_sql_statement *st = r->st;
	ll_status s = LL_OK;
	if (accept(r, "tables")) {
		st->kind = LL_SQL_SHOW_TABLES;
		st->database = r->ctx ? r->ctx->database : NULL;
		if (accept(r, "in") || accept(r, "from"))
			s = read_name(r, &st->database, NULL);
		if (s == LL_OK && !st->database)
			return expected(r, "IN database (there is no default database)");
	} else if (accept(r, "databases") || accept(r, "schemas")) {
		st->kind = LL_SQL_SHOW_DATABASES;
	} else {
		return fail(r, LL_EUNSUPPORTED, "SHOW %s is not supported", shown(cur(r)));
	}
	if (s == LL_OK && (accept(r, "like") || cur(r)->kind == LL_TOK_STRING))
		s = read_string(r, &st->like);
	return s;
}

/* Translates the rest of the statement (Trino) into st->sql. */
static ll_status translate_rest(rd *r)
{
	ll_buf out = LL_BUF_INIT;
	ll_status s = ll_sql_translate_tokens(&r->ts, r->i, r->ts.n, r->ctx, &out, r->err);
	if (s == LL_OK && !(r->st->sql = ll_arena_strndup(&r->st->arena, ll_buf_cstr(&out), out.len)))
		s = ll_error_oom(r->err);
	ll_buf_free(&out);
	r->i = r->ts.n;
	return s;
}

static bool starts_query(const ll_sql_token *k)
{
	return ll_sql_tok_is(k, "select") || ll_sql_tok_is(k, "with") ||
	       ll_sql_tok_is(k, "values") || ll_sql_tok_punct(k, "(");
}

static ll_status read_insert(rd *r)
{
	ll_sql_statement *st = r->st;
	st->kind = LL_SQL_INSERT;
	ll_status s = expect(r, "into");
	if (s == LL_OK)
		s = read_name(r, &st->database, &st->table);
	if (s == LL_OK && ll_sql_tok_punct(cur(r), "(") && !starts_query(&r->ts.tok[r->i + 1])) {
		r->i++;
		do {
			const char **c = push(r, (void **)&st->insert_columns, &st->ninsert_columns,
					      sizeof(*c));
			if (!c)
				return ll_error_oom(r->err);
			if ((s = read_ident(r, c)) != LL_OK)
				return s;
		} while (accept_punct(r, ","));
		s = expect_punct(r, ")");
	}
	if (s == LL_OK && !starts_query(cur(r)))
		return expected(r, "SELECT or VALUES");
	return s == LL_OK ? translate_rest(r) : s;
}

static ll_status read_statement(rd *r)
{
	ll_sql_statement *st = r->st;
	ll_status s;
	if (starts_query(cur(r))) {
		st->kind = LL_SQL_QUERY;
		return translate_rest(r);
	}
	if (accept(r, "show"))
		return read_show(r);
	if (accept(r, "describe") || accept(r, "desc")) {
		st->kind = LL_SQL_DESCRIBE;
		if (!accept(r, "formatted"))
			accept(r, "extended");
		return read_name(r, &st->database, &st->table);
	}
	if (accept(r, "create"))
		return read_create(r);
	if (accept(r, "drop"))
		return read_drop(r);
	if (accept(r, "alter")) {
		st->kind = LL_SQL_ALTER_ADD_COLUMNS;
		if ((s = expect(r, "table")) != LL_OK ||
		    (s = read_name(r, &st->database, &st->table)) != LL_OK)
			return s;
		if (!accept(r, "add"))
			return fail(r, LL_EUNSUPPORTED, "ALTER TABLE ... %s is not supported",
				    shown(cur(r)));
		if ((s = expect(r, "columns")) != LL_OK)
			return s;
		return read_columns(r, &st->columns, &st->ncolumns);
	}
	if (accept(r, "delete")) {
		st->kind = LL_SQL_DELETE;
		if ((s = expect(r, "from")) != LL_OK ||
		    (s = read_name(r, &st->database, &st->table)) != LL_OK)
			return s;
		if (cur(r)->kind == LL_TOK_END)
			return LL_OK;
		if ((s = expect(r, "where")) != LL_OK)
			return s;
		if (cur(r)->kind == LL_TOK_END)
			return expected(r, "a condition");
		return translate_rest(r);
	}
	if (accept(r, "insert"))
		return read_insert(r);
	if (cur(r)->kind == LL_TOK_END)
		return fail(r, LL_EINVAL, "%s", "no statement");
	return fail(r, LL_EUNSUPPORTED, "statement %s is not supported", shown(cur(r)));
}

/* Hive parses these; Trino the rest. */
static bool is_hive_statement(const ll_sql_tokens *lead)
{
	static const char *const hive[] = { "show", "describe", "desc", "create", "alter", "drop" };
	for (size_t k = 0; k < sizeof(hive) / sizeof(hive[0]); k++)
		if (lead->n && ll_sql_tok_is(&lead->tok[0], hive[k]))
			return true;
	return false;
}

ll_status ll_sql_read(const char *text, const ll_sql_context *ctx, ll_sql_statement *out,
		      ll_error *err)
{
	memset(out, 0, sizeof(*out));
	ll_arena_init(&out->arena, 0);
	rd r = { .ctx = ctx, .st = out, .err = err };
	ll_sql_tokens lead;
	ll_status s = ll_sql_lex(text, false, 1, &out->arena, &lead, err);
	if (s != LL_OK)
		return s;
	if ((s = ll_sql_lex(text, is_hive_statement(&lead), 0, &out->arena, &r.ts, err)) != LL_OK)
		return s;
	if (r.ts.n && ll_sql_tok_punct(&r.ts.tok[r.ts.n - 1], ";")) {
		r.ts.n--;
		r.ts.tok[r.ts.n] = (ll_sql_token){ .kind = LL_TOK_END,
						   .pos = r.ts.tok[r.ts.n].pos,
						   .value = "" };
	}
	if ((s = read_statement(&r)) != LL_OK)
		return s;
	if (cur(&r)->kind != LL_TOK_END)
		return fail(&r, LL_EINVAL, "unexpected '%s' after the statement", shown(cur(&r)));
	return LL_OK;
}

void ll_sql_statement_free(ll_sql_statement *st)
{
	ll_arena_free(&st->arena);
	memset(st, 0, sizeof(*st));
}

ll_status ll_sql_translate_query(const char *text, const ll_sql_context *ctx, ll_buf *out,
				 ll_error *err)
{
	ll_sql_statement st;
	ll_status s = ll_sql_read(text, ctx, &st, err);
	if (s == LL_OK && st.kind != LL_SQL_QUERY)
		s = ll_error_set(err, LL_EINVAL, "%s is not a query", ll_sql_kind_name(st.kind));
	if (s == LL_OK) {
		ll_buf_clear(out);
		ll_buf_puts(out, st.sql);
		if (ll_buf_oom(out))
			s = ll_error_oom(err);
	}
	ll_sql_statement_free(&st);
	return s;
}
