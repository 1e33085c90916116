/*
 * An Iceberg table as lakeload works with it: a storage holding its files
 * and the metadata its catalog entry points at.
 *
 * Loading reads the metadata file the catalog names through the storage
 * (any location the storage can reach), parses it, and refuses what lakeload
 * cannot safely write on top of: a format version other than 1 or 2 is
 * LL_EFORMAT naming the file, so foreign metadata is never overwritten with
 * something its writer would not understand.
 */
#ifndef LL_ICEBERG_TABLE_H
#define LL_ICEBERG_TABLE_H

#include "formats/iceberg/metadata.h"
#include "storage/storage.h"

typedef struct ll_iceberg_table {
	ll_storage *storage;             /**< borrowed */
	char *metadata_location;         /**< the file md was read from */
	ll_iceberg_metadata *md;
} ll_iceberg_table;

/** Reads and parses the metadata at location into t. */
ll_status ll_iceberg_table_load(ll_iceberg_table *t, ll_storage *storage, const char *location,
				ll_error *err);

void ll_iceberg_table_release(ll_iceberg_table *t);

#endif
