/*
 * ll_storage: the lake's files, in a local directory or under an S3 prefix,
 * behind one interface, so the loader, the catalog's garbage collection, the
 * Iceberg writer and the engine never ask which one they have.
 *
 * A storage is opened on a root URL: a directory path ("lake", "/data/lake"),
 * "file:///data/lake", or "s3://bucket/prefix". Objects are named by keys
 * relative to the root, '/'-separated, never starting with '/'. Where a full
 * location is needed (Iceberg metadata records absolute locations), the
 * storage renders one (ll_storage_location: "file:///data/lake/k" or
 * "s3://bucket/prefix/k") and every call that takes a key also takes such a
 * location back: a string with "://" or a leading '/' is a location, anything
 * else a key. A location outside the root is still readable when the
 * backend can reach it (another bucket through the same S3 client, another
 * local path), and `map_from`/`map_to` rewrite one location prefix before
 * that, which is how tests read tables written elsewhere
 * ("s3://hyperparam-iceberg/" -> "/testdata/iceberg-foreign/").
 *
 * Atomicity. A put is all-or-nothing: locally a temporary file in the same
 * directory is fsynced and renamed over the target; on S3 a PUT or a
 * completed multipart upload is atomic by itself, and a failed multipart
 * upload is aborted. There is no rename on S3, so nothing here promises a
 * create-only put: publishing is the catalog's compare-and-swap, and writers
 * give each new object a name nobody else uses.
 *
 * Errors name the location (never a credential). A missing object is
 * LL_ENOTFOUND; authorization failures are LL_EAUTH.
 *
 * An ll_storage may be used from several threads at once.
 */
#ifndef LL_STORAGE_STORAGE_H
#define LL_STORAGE_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/parquet/parquet_reader.h"
#include "storage/s3.h"
#include "util/buf.h"

typedef struct ll_storage ll_storage;

typedef struct ll_storage_options {
	/** How to reach S3 for s3:// roots and locations; NULL: not configured. */
	const ll_s3_config *s3;
	/** Rewrite locations starting with map_from to start with map_to instead. */
	const char *map_from;
	const char *map_to;
} ll_storage_options;

/**
 * Opens a storage on root. A local root directory is created when missing.
 * An s3:// root without opt->s3 is LL_EINVAL saying credentials are needed.
 */
ll_status ll_storage_open(ll_storage **out, const char *root, const ll_storage_options *opt,
			  ll_error *err);
void ll_storage_free(ll_storage *s);

/** True for a local directory root. */
bool ll_storage_is_local(const ll_storage *s);

/** The root as a location, without a trailing slash ("file:///d/lake", "s3://b/p"). */
const char *ll_storage_root(const ll_storage *s);

/** Appends the location of a key (or a location, unchanged) to out. */
void ll_storage_location(const ll_storage *s, const char *key, ll_buf *out);

/**
 * The key prefix of a folder location under the root, with a trailing '/'
 * ("" for the root itself), appended to key: the folder a catalog's table
 * Location names, to list. False (key unchanged) when the location is
 * outside the root.
 */
bool ll_storage_location_key(const ll_storage *s, const char *location, ll_buf *key);

/**
 * Stores the local file at local_path under key. With move, the local file
 * is consumed (renamed when the root is on the same local file system,
 * otherwise copied or uploaded, then removed). Large files go to S3 as a
 * parallel multipart upload.
 */
ll_status ll_storage_put_file(ll_storage *s, const char *key, const char *local_path, bool move,
			      ll_error *err);

/** Stores len bytes under key. */
ll_status ll_storage_put(ll_storage *s, const char *key, const void *data, size_t len,
			 ll_error *err);

/** Replaces out's contents with the whole object. */
ll_status ll_storage_get(ll_storage *s, const char *key, ll_buf *out, ll_error *err);

/** Whether the object exists, and its size when it does (size may be NULL). */
ll_status ll_storage_exists(ll_storage *s, const char *key, bool *exists, uint64_t *size,
			    ll_error *err);

/**
 * A Parquet source reading the object by range (footer, then column chunks),
 * for ll_parquet_reader_open_source. The source holds what it needs of s;
 * s must outlive it.
 */
ll_status ll_storage_open_source(ll_storage *s, const char *key, ll_parquet_source *out,
				 ll_error *err);

/**
 * Lists the keys under prefix (a key prefix, "" for everything), recursively,
 * sorted, as an array of n strings the caller frees with ll_storage_free_list.
 */
ll_status ll_storage_list(ll_storage *s, const char *prefix, char ***keys, size_t *n,
			  ll_error *err);
void ll_storage_free_list(char **keys, size_t n);

/** One object of a listing with what the store says about it. */
typedef struct ll_storage_entry {
	char *key;     /**< relative to the root, as ll_storage_list gives it */
	uint64_t size; /**< bytes */
	/**
	 * When the object was last written, in ms since the epoch: the file's
	 * mtime, or S3's LastModified (the server's clock, to the second on some
	 * stores). When S3 sends none that reads, the time of the listing, so an
	 * object of unknown age always counts as new.
	 */
	int64_t modified_ms;
} ll_storage_entry;

/**
 * ll_storage_list with each key's size and modification time: n entries,
 * sorted by key, freed with ll_storage_free_entries.
 */
ll_status ll_storage_list_entries(ll_storage *s, const char *prefix, ll_storage_entry **entries,
				  size_t *n, ll_error *err);
void ll_storage_free_entries(ll_storage_entry *entries, size_t n);

/** Deletes the objects; missing ones are not an error. */
ll_status ll_storage_delete(ll_storage *s, const char *const *keys, size_t n, ll_error *err);

#endif
