/*
 * Finding the rows of data files whose key is in a set: the rows a merge
 * removes from a table (its primary or merge keys arrive again, or their
 * root row goes).
 *
 * The files' row groups are read on several threads at once, one per
 * processor, each reading only the key columns. With one integer key column
 * (ids, timestamps, dates) the keys are an ll_intset: a row group whose
 * Parquet statistics hold none of them is not read, and the rest are read
 * as plain integers and looked up without encoding (an extra column wanted
 * of the hits is read in a second pass, only where there are hits). Other
 * keys are tuples encoded with ll_keyset_encode_value and looked up in
 * ll_keysets. A key column a file lacks reads as null, as in
 * ll_iceberg_read_rows; a file with none of the key columns has no hits.
 *
 * Hits reach the callback on the calling thread, file by file in the order
 * given and by position within a file, whatever the threads did first.
 */
#ifndef LL_ICEBERG_KEY_SCAN_H
#define LL_ICEBERG_KEY_SCAN_H

#include "formats/iceberg/manifest.h"
#include "iceberg/keyset.h"
#include "storage/storage.h"

typedef struct ll_key_scan {
	ll_storage *storage;
	/* the key columns by field id: npk of the first key, then nmk of the second */
	const int32_t *ids;
	size_t npk, nmk;
	/* a row whose first key tuple is in pk, or else second in mk, is hit; NULL: none */
	const ll_keyset *pk, *mk;
	/*
	 * The same keys as pk when that is one integer column and no key is
	 * null; NULL otherwise. Used where a file holds that column as integers.
	 */
	const ll_intset *ints;
	/* not NULL: the encoded value of field extra_id of each hit row is put into extra */
	ll_keyset *extra;
	int32_t extra_id;
} ll_key_scan;

/** Receives a hit: the row at pos of file. */
typedef ll_status (*ll_key_scan_hit_fn)(void *user, const ll_iceberg_data_file *file, int64_t pos,
					ll_error *err);

/** Calls fn for every row of files[0..nfiles) whose key is in the scan's sets. */
ll_status ll_key_scan_files(const ll_key_scan *ks, const ll_iceberg_data_file *const *files,
			    size_t nfiles, ll_key_scan_hit_fn fn, void *user, ll_error *err);

#endif
