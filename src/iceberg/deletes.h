/*
 * Equality deletes of a planned scan, resolved one data file at a time.
 *
 * An equality delete file removes the rows of older data files (data
 * sequence number strictly below its own) in its partition, or anywhere
 * when its spec is unpartitioned, whose equality columns (by field id)
 * equal one of its rows; nulls equal nulls. Resolving means reading those
 * columns of the data file and noting the positions whose key is in the
 * delete file's key set.
 *
 * A scan collects the equality delete files while planning and resolves a
 * data file only when a reader is about to read it, so files a query never
 * opens are never read for their keys. Each delete file's key set is read
 * once, on first need, and kept until the set is freed: memory grows with
 * the keys of the delete files that apply, not with the data.
 */
#ifndef LL_ICEBERG_DELETES_H
#define LL_ICEBERG_DELETES_H

#include "formats/iceberg/manifest.h"
#include "formats/iceberg/metadata.h"
#include "storage/storage.h"

/** A growable array of row positions. */
typedef struct ll_iceberg_positions {
	uint64_t *v;
	size_t n, cap;
} ll_iceberg_positions;

/** Appends pos; false when out of memory. */
bool ll_iceberg_positions_push(ll_iceberg_positions *p, uint64_t pos);

/** Sorts the positions and drops repeats. */
void ll_iceberg_positions_sort_unique(ll_iceberg_positions *p);

void ll_iceberg_positions_free(ll_iceberg_positions *p);

typedef struct ll_iceberg_equality_deletes ll_iceberg_equality_deletes;

/**
 * An empty set of equality delete files of a table whose metadata md
 * (borrowed) types their partitions, read through storage (borrowed).
 * NULL when out of memory. Free with ll_iceberg_equality_deletes_free.
 */
ll_iceberg_equality_deletes *ll_iceberg_equality_deletes_new(ll_storage *storage,
							     const ll_iceberg_metadata *md);

/**
 * Adds an equality delete file (borrowed, as the manifest gives it) with
 * its data sequence number and partition spec id. LL_EFORMAT when it names
 * no equality columns or more than the reader takes.
 */
ll_status ll_iceberg_equality_deletes_add(ll_iceberg_equality_deletes *d,
					  const ll_iceberg_data_file *file, int64_t sequence_number,
					  int32_t spec_id, ll_error *err);

/** Whether any delete file added applies to a data file with this sequence number and partition. */
bool ll_iceberg_equality_deletes_touch(const ll_iceberg_equality_deletes *d,
				       const ll_iceberg_data_file *data, int64_t sequence_number,
				       int32_t spec_id);

/**
 * Appends to out the positions of the rows of data file `data` that the
 * delete files remove (unsorted, possibly repeated). Fails naming the delete
 * or data file that cannot be read.
 */
ll_status ll_iceberg_equality_deletes_resolve(ll_iceberg_equality_deletes *d,
					      const ll_iceberg_data_file *data,
					      int64_t sequence_number, int32_t spec_id,
					      ll_iceberg_positions *out, ll_error *err);

/** Delete files whose keys were read so far. */
size_t ll_iceberg_equality_deletes_loaded(const ll_iceberg_equality_deletes *d);

void ll_iceberg_equality_deletes_free(ll_iceberg_equality_deletes *d);

#endif
