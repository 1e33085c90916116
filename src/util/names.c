/*
 * Names of the public enums, as dlt spells them, and their parsers.
 */
#include "lakeload.h"

#include <string.h>

static const char *const type_names[LL_TYPE_COUNT_] = {
	[LL_TYPE_TEXT] = "text",
	[LL_TYPE_BIGINT] = "bigint",
	[LL_TYPE_DOUBLE] = "double",
	[LL_TYPE_BOOL] = "bool",
	[LL_TYPE_TIMESTAMP] = "timestamp",
	[LL_TYPE_DATE] = "date",
	[LL_TYPE_TIME] = "time",
	[LL_TYPE_DECIMAL] = "decimal",
	[LL_TYPE_BINARY] = "binary",
	[LL_TYPE_JSON] = "json",
};

const char *ll_data_type_name(ll_data_type type)
{
	return (unsigned)type < LL_TYPE_COUNT_ ? type_names[type] : "unknown";
}

bool ll_data_type_parse(const char *name, ll_data_type *out)
{
	for (int i = 0; i < LL_TYPE_COUNT_; i++) {
		if (strcmp(name, type_names[i]) == 0) {
			*out = (ll_data_type)i;
			return true;
		}
	}
	/* dlt's older name for json columns */
	if (strcmp(name, "complex") == 0) {
		*out = LL_TYPE_JSON;
		return true;
	}
	return false;
}

static const char *const disposition_names[] = { "append", "replace", "merge" };

const char *ll_write_disposition_name(ll_write_disposition d)
{
	return (unsigned)d < 3 ? disposition_names[d] : "unknown";
}

bool ll_write_disposition_parse(const char *name, ll_write_disposition *out)
{
	for (int i = 0; i < 3; i++) {
		if (strcmp(name, disposition_names[i]) == 0) {
			*out = (ll_write_disposition)i;
			return true;
		}
	}
	return false;
}

const char *ll_table_format_name(ll_table_format f)
{
	return f == LL_FORMAT_ICEBERG ? "iceberg" : "hive";
}

bool ll_table_format_parse(const char *name, ll_table_format *out)
{
	if (strcmp(name, "iceberg") == 0)
		*out = LL_FORMAT_ICEBERG;
	else if (strcmp(name, "hive") == 0 || strcmp(name, "parquet") == 0)
		*out = LL_FORMAT_HIVE;
	else
		return false;
	return true;
}
