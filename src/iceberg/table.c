/*
 * Loading Iceberg table metadata through a storage; see table.h.
 */
#include "iceberg/table.h"

#include <stdlib.h>
#include <string.h>

ll_status ll_iceberg_table_load(ll_iceberg_table *t, ll_storage *storage, const char *location,
				ll_error *err)
{
	memset(t, 0, sizeof(*t));
	t->storage = storage;
	if (!(t->metadata_location = strdup(location)))
		return ll_error_oom(err);
	ll_buf text = LL_BUF_INIT;
	ll_status st = ll_storage_get(storage, location, &text, err);
	if (st == LL_OK)
		st = ll_iceberg_metadata_parse(text.data, text.len, location, &t->md, err);
	ll_buf_free(&text);
	if (st != LL_OK)
		ll_iceberg_table_release(t);
	return st;
}

void ll_iceberg_table_release(ll_iceberg_table *t)
{
	ll_iceberg_metadata_free(t->md);
	free(t->metadata_location);
	memset(t, 0, sizeof(*t));
}
