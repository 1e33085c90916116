/*
 * The DDL lakeload sends to Athena and shows, rendered as dlt's Athena
 * destination renders it (dlt/destinations/impl/athena/athena.py): Hive
 * quoting, dlt's type mapping, Iceberg partition transforms applied to the
 * quoted column name.
 */
#include "sql/sql.h"

#include "formats/iceberg/partition.h"

ll_status ll_sql_athena_type(const ll_table *t, const ll_column *c, ll_buf *out, ll_error *err)
{
	switch (c->type) {
	case LL_TYPE_TEXT:
	case LL_TYPE_JSON: ll_buf_puts(out, "string"); break;
	case LL_TYPE_BIGINT: ll_buf_puts(out, "bigint"); break;
	case LL_TYPE_DOUBLE: ll_buf_puts(out, "double"); break;
	case LL_TYPE_BOOL: ll_buf_puts(out, "boolean"); break;
	case LL_TYPE_TIMESTAMP: ll_buf_puts(out, "timestamp"); break;
	case LL_TYPE_DATE: ll_buf_puts(out, "date"); break;
	case LL_TYPE_BINARY: ll_buf_puts(out, "binary"); break;
	case LL_TYPE_DECIMAL:
		/* 0 means dlt's default decimal precision (38, 9) */
		ll_buf_printf(out, "decimal(%d,%d)", c->precision ? c->precision : 38,
			      c->precision ? c->scale : 9);
		break;
	case LL_TYPE_TIME:
	default:
		ll_error_set_table(err, t->name, c->name);
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "table %s column %s: Athena cannot read time columns. Please "
				    "convert `datetime.time` objects in your data to `str` or "
				    "`datetime.datetime`.",
				    t->name, c->name);
	}
	return LL_OK;
}

static void put_table_name(ll_buf *out, const char *database, const char *table)
{
	ll_sql_hive_ident(out, database);
	ll_buf_putc(out, '.');
	ll_sql_hive_ident(out, table);
}

/* "(`a` bigint, `b` string)" for the columns from index first on. */
static ll_status put_columns(ll_buf *out, const ll_table *t, size_t first, ll_error *err)
{
	ll_buf_putc(out, '(');
	for (size_t i = first; i < t->ncolumns; i++) {
		if (i > first)
			ll_buf_puts(out, ", ");
		ll_sql_hive_ident(out, t->columns[i].name);
		ll_buf_putc(out, ' ');
		ll_status s = ll_sql_athena_type(t, &t->columns[i], out, err);
		if (s != LL_OK)
			return s;
	}
	ll_buf_putc(out, ')');
	return LL_OK;
}

static ll_status finish(const ll_buf *out, ll_error *err)
{
	return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
}

ll_status ll_sql_render_create_external(const char *database, const ll_table *t,
					const char *location, ll_buf *out, ll_error *err)
{
	ll_buf_puts(out, "CREATE EXTERNAL TABLE IF NOT EXISTS ");
	put_table_name(out, database, t->name);
	ll_buf_putc(out, ' ');
	ll_status s = put_columns(out, t, 0, err);
	if (s != LL_OK)
		return s;
	ll_buf_puts(out, " STORED AS PARQUET LOCATION ");
	ll_sql_hive_string_literal(out, location);
	return finish(out, err);
}

/* A partition hint ("bucket(16, user_id)") with its column quoted, as dlt's template does. */
static ll_status put_partition(ll_buf *out, const ll_table *t, const char *hint, ll_error *err)
{
	ll_iceberg_partition_expr e;
	ll_status s = ll_iceberg_partition_expr_parse(hint, &e, err);
	if (s != LL_OK)
		return ll_error_prefix(err, "table %s", t->name);
	ll_buf col = LL_BUF_INIT;
	ll_buf_append(&col, e.column, e.column_len);
	static const char *const names[] = {
		[LL_ICEBERG_TRANSFORM_YEAR] = "year", [LL_ICEBERG_TRANSFORM_MONTH] = "month",
		[LL_ICEBERG_TRANSFORM_DAY] = "day", [LL_ICEBERG_TRANSFORM_HOUR] = "hour",
	};
	switch (e.transform.kind) {
	case LL_ICEBERG_TRANSFORM_IDENTITY:
		ll_sql_hive_ident(out, ll_buf_cstr(&col));
		break;
	case LL_ICEBERG_TRANSFORM_BUCKET:
	case LL_ICEBERG_TRANSFORM_TRUNCATE:
		ll_buf_printf(out, "%s(%d, ",
			      e.transform.kind == LL_ICEBERG_TRANSFORM_BUCKET ? "bucket" : "truncate",
			      (int)e.transform.param);
		ll_sql_hive_ident(out, ll_buf_cstr(&col));
		ll_buf_putc(out, ')');
		break;
	case LL_ICEBERG_TRANSFORM_YEAR:
	case LL_ICEBERG_TRANSFORM_MONTH:
	case LL_ICEBERG_TRANSFORM_DAY:
	case LL_ICEBERG_TRANSFORM_HOUR:
		ll_buf_printf(out, "%s(", names[e.transform.kind]);
		ll_sql_hive_ident(out, ll_buf_cstr(&col));
		ll_buf_putc(out, ')');
		break;
	default:
		ll_buf_free(&col);
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "table %s: Athena cannot partition by '%s'", t->name, hint);
	}
	ll_buf_free(&col);
	return LL_OK;
}

ll_status ll_sql_render_create_iceberg(const char *database, const ll_table *t,
				       const char *location, ll_buf *out, ll_error *err)
{
	ll_buf_puts(out, "CREATE TABLE ");
	put_table_name(out, database, t->name);
	ll_buf_putc(out, ' ');
	ll_status s = put_columns(out, t, 0, err);
	if (s != LL_OK)
		return s;
	if (t->npartition) {
		ll_buf_puts(out, " PARTITIONED BY (");
		for (size_t i = 0; i < t->npartition; i++) {
			if (i)
				ll_buf_puts(out, ", ");
			if ((s = put_partition(out, t, t->partition[i], err)) != LL_OK)
				return s;
		}
		ll_buf_putc(out, ')');
	}
	ll_buf_puts(out, " LOCATION ");
	ll_sql_hive_string_literal(out, location);
	ll_buf_puts(out, " TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet')");
	return finish(out, err);
}

ll_status ll_sql_render_add_columns(const char *database, const ll_table *t, size_t first,
				    ll_buf *out, ll_error *err)
{
	if (first >= t->ncolumns)
		return ll_error_set(err, LL_EINVAL, "table %s: no new columns to add", t->name);
	ll_buf_puts(out, "ALTER TABLE ");
	put_table_name(out, database, t->name);
	ll_buf_puts(out, " ADD COLUMNS ");
	ll_status s = put_columns(out, t, first, err);
	if (s != LL_OK)
		return s;
	return finish(out, err);
}

void ll_sql_render_drop_table(const char *database, const char *table, ll_buf *out)
{
	ll_buf_puts(out, "DROP TABLE IF EXISTS ");
	put_table_name(out, database, table);
}
