/*
 * ll_s3_client: objects in Amazon S3 and S3-compatible stores (MinIO, Ceph,
 * s3rver), over libcurl, signed with our own SigV4 (storage/sigv4.h).
 *
 * What it does: put (from memory or streamed from a file, as a multipart
 * upload above a size threshold), get (whole, or a byte range), head, list
 * (ListObjectsV2, every page), delete in batches, copy, and a random-access
 * source for the Parquet reader.
 *
 * Addressing: with no endpoint_url the client talks to
 * https://s3.<region>.amazonaws.com. Path style (endpoint/bucket/key) or
 * virtual-host style (bucket.endpoint/key) follows path_style; AUTO picks
 * path style when endpoint_url is set (local emulators and gateways rarely
 * have wildcard DNS) or when the bucket name has a dot or is not a DNS label
 * (a dotted bucket breaks the TLS wildcard certificate).
 *
 * Keys are sent URI-encoded exactly once, segment by segment, so keys with
 * spaces, "+", "=", "%", "//" or any UTF-8 reach S3 as written.
 *
 * Bodies are signed: x-amz-content-sha256 is the SHA-256 of the body (a file
 * is hashed before it is sent), never UNSIGNED-PAYLOAD, so a body damaged in
 * transit is rejected by S3 rather than stored.
 *
 * Retries: 5xx, 429, SlowDown, RequestTimeout, InternalError (also inside a
 * 200 response to CompleteMultipartUpload or CopyObject), connection resets
 * and timeouts are retried up to max_retries times with jittered exponential
 * backoff; every attempt is signed again. Other 4xx are not retried.
 *
 * Errors: every call returns an ll_status and fills ll_error with the
 * operation, s3://bucket/key, the HTTP status and S3 error code and message:
 * 403 is LL_EAUTH, 404 is LL_ENOTFOUND, 400 and 301 (a bucket in another
 * region; the message names it) are LL_EINVAL, 409/412 are LL_ECONFLICT,
 * anything else (including 5xx after the retries) is LL_EIO.
 * The secret access key and the session token never appear in a message.
 *
 * Threads: a client is used by one thread at a time. It keeps its curl
 * handles and their connections from call to call, so consecutive requests
 * to the same endpoint reuse connections; a multipart upload runs its parts
 * in parallel on the same pool.
 */
#ifndef LL_STORAGE_S3_H
#define LL_STORAGE_S3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/parquet/parquet_reader.h"
#include "lakeload.h"
#include "util/buf.h"
#include "util/log.h"

/** Smallest part S3 accepts in a multipart upload (all but the last part). */
#define LL_S3_MIN_PART_SIZE (UINT64_C(5) << 20)
/** Largest object a single PUT or copy can write. */
#define LL_S3_MAX_PUT_SIZE (UINT64_C(5) << 30)
/** Most keys DeleteObjects takes in one request. */
#define LL_S3_DELETE_BATCH 1000

typedef enum ll_s3_path_style {
	LL_S3_PATH_STYLE_AUTO = 0, /**< path style with endpoint_url or a dotted bucket */
	LL_S3_PATH_STYLE_ON,       /**< always endpoint/bucket/key */
	LL_S3_PATH_STYLE_OFF,      /**< always bucket.endpoint/key */
} ll_s3_path_style;

/**
 * Supplies the credentials to sign with. The client asks again for every
 * request it signs, so temporary credentials can be renewed during a long
 * transfer; it is called from whichever thread uses a client, so it must be
 * thread-safe. Fills the three buffers (session_token stays empty for
 * long-term credentials); the client wipes them after signing.
 */
typedef ll_status (*ll_s3_credentials_fn)(void *user, ll_buf *access_key_id,
					  ll_buf *secret_access_key, ll_buf *session_token,
					  ll_error *err);

/**
 * How to reach S3. Start from ll_s3_config_init, which sets the defaults
 * noted below, then fill in credentials. Strings are copied by
 * ll_s3_client_open; the config may be freed afterwards.
 */
typedef struct ll_s3_config {
	/** "http[s]://host[:port][/base]" of an S3-compatible store; NULL: AWS. */
	const char *endpoint_url;
	const char *region; /**< default "us-east-1" */
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token; /**< NULL: long-term credentials */
	/** Asked at every request instead of the three fields above; NULL: those. */
	ll_s3_credentials_fn credentials;
	void *credentials_user; /**< for credentials; must outlive every client */
	ll_s3_path_style path_style;
	/** Attempts after the first for a retryable failure. Default 5. */
	int max_retries;
	/** First backoff delay; each retry doubles it, with jitter. Default 200. */
	long retry_base_delay_ms;
	/** Ceiling of one backoff delay. Default 20000. */
	long retry_max_delay_ms;
	/** Connecting (TCP and TLS) may take this long. Default 10000. */
	long connect_timeout_ms;
	/**
	 * A request that sends or receives nothing for this long is abandoned
	 * and retried. Rounded up to whole seconds. Default 30000.
	 */
	long idle_timeout_ms;
	/** Bodies larger than this go up as a multipart upload. Default 64 MiB. */
	uint64_t multipart_threshold;
	/** Size of each part but the last; at least 5 MiB. Default 16 MiB. */
	uint64_t part_size;
	/** Parts uploaded at the same time. Default 4. */
	int max_parallel;
	/** Receives a line per retry (LL_LOG_WARN); borrowed; NULL: silent. */
	const ll_logger *logger;
} ll_s3_config;

typedef struct ll_s3_client ll_s3_client;

/** What HEAD (or a listing) says about an object. */
typedef struct ll_s3_object_info {
	uint64_t size;
	char etag[80];          /**< as S3 sends it, quotes included */
	char last_modified[40]; /**< as S3 sends it */
} ll_s3_object_info;

/** One listed object, or one common prefix when listing with a delimiter. */
typedef struct ll_s3_list_entry {
	const char *key;           /**< the key, or the prefix up to the delimiter */
	bool is_prefix;            /**< a CommonPrefixes entry; the rest is empty */
	uint64_t size;
	const char *etag;          /**< quotes included */
	const char *last_modified; /**< ISO 8601, as S3 sends it */
	/**
	 * last_modified in ms since the epoch; when it is missing or does not
	 * read as an ISO 8601 date-time, the time the listing began (so an
	 * object of unknown age counts as new, never as old).
	 */
	int64_t last_modified_ms;
} ll_s3_list_entry;

/**
 * Receives listed entries in key order; the entry is borrowed for the call.
 * Return 0 to go on, non-zero to stop the listing (the call then succeeds).
 */
typedef int (*ll_s3_list_fn)(void *user, const ll_s3_list_entry *entry);

/** Fills cfg with the defaults and no endpoint or credentials. */
void ll_s3_config_init(ll_s3_config *cfg);

/**
 * Checks cfg and prepares a client; no request is sent. Fails with LL_EAUTH
 * when the access key id or secret is missing (and no credentials function
 * is given), LL_EINVAL for a malformed
 * endpoint or a setting out of range. Free with ll_s3_client_free.
 */
ll_status ll_s3_client_open(ll_s3_client **out, const ll_s3_config *cfg, ll_error *err);

/** Closes the connections and wipes the credentials. NULL is fine. */
void ll_s3_client_free(ll_s3_client *c);

/**
 * Writes len bytes as the object bucket/key, replacing it if it exists.
 * Above the multipart threshold the data goes up in parts. data is borrowed
 * for the call.
 */
ll_status ll_s3_put_object(ll_s3_client *c, const char *bucket, const char *key, const void *data,
			   size_t len, ll_error *err);

/**
 * Uploads the file at path as bucket/key, streaming it (it is read twice:
 * once to hash, once to send); above the multipart threshold as a multipart
 * upload whose parts go up in parallel. A failed multipart upload is aborted
 * so no parts stay behind; if even the abort fails, the message names the
 * upload id. The file must not change during the call.
 */
ll_status ll_s3_put_file(ll_s3_client *c, const char *bucket, const char *key, const char *path,
			 ll_error *err);

/** Reads the whole object into out (replacing its contents). */
ll_status ll_s3_get_object(ll_s3_client *c, const char *bucket, const char *key, ll_buf *out,
			   ll_error *err);

/**
 * Reads exactly len bytes at offset into buf. A range that runs past the
 * end of the object fails with LL_EINVAL (nothing to read at offset) or
 * LL_EIO (fewer bytes than asked).
 */
ll_status ll_s3_get_range(ll_s3_client *c, const char *bucket, const char *key, uint64_t offset,
			  size_t len, void *buf, ll_error *err);

/** Size, ETag and modification time of an object; LL_ENOTFOUND if absent. */
ll_status ll_s3_head_object(ll_s3_client *c, const char *bucket, const char *key,
			    ll_s3_object_info *info, ll_error *err);

/**
 * Lists the objects whose key starts with prefix (NULL or "": all), page by
 * page, calling fn for each. With a delimiter (NULL: none), keys that have
 * it after the prefix are rolled up into one is_prefix entry per distinct
 * prefix; those come after the objects of their page.
 */
ll_status ll_s3_list_objects_v2(ll_s3_client *c, const char *bucket, const char *prefix,
				const char *delimiter, ll_s3_list_fn fn, void *user, ll_error *err);

/**
 * Deletes the keys, up to LL_S3_DELETE_BATCH per request. Missing keys are
 * not an error (S3 reports them deleted). When S3 refuses some keys, the
 * call fails naming the first refused key, its error code, and how many
 * failed; the other keys are deleted.
 */
ll_status ll_s3_delete_objects(ll_s3_client *c, const char *bucket, const char *const *keys,
			       size_t nkeys, ll_error *err);

/** Copies an object of up to 5 GiB inside S3, without downloading it. */
ll_status ll_s3_copy_object(ll_s3_client *c, const char *src_bucket, const char *src_key,
			    const char *dst_bucket, const char *dst_key, ll_error *err);

/**
 * A Parquet reader source over bucket/key: one HEAD now for the size and
 * ETag, then a ranged GET per read. Reads are pinned to that ETag with
 * If-Match, so an object replaced while it is being read fails with
 * LL_ECONFLICT instead of mixing two files. The source borrows the client,
 * which must outlive it and is used from the reader's thread.
 */
ll_status ll_s3_parquet_source(ll_s3_client *c, const char *bucket, const char *key,
			       ll_parquet_source *out, ll_error *err);

#endif
