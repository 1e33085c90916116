/*
 * ll_storage: roots, keys and locations, and the dispatch of each operation
 * to the local or the S3 half (see storage.h for the contract and
 * storage_internal.h for the split).
 *
 * Locations are written without percent-encoding ("file:///d/lake/a b",
 * "s3://b/p/a b"): they are names lakeload and Iceberg readers pass around
 * as strings, and the S3 client encodes keys itself when it sends them.
 */
#include "storage/storage_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fs.h"

struct ll_storage {
	bool is_s3;
	char *root;      /* the root as a location, no trailing slash */
	char *dir;       /* local root: the absolute directory */
	char *bucket;    /* S3 root: the bucket */
	char *prefix;    /* S3 root: the key prefix without slashes around it, maybe "" */
	char *map_from, *map_to;
	ll_s3_pool *s3;  /* NULL when no S3 configuration was given */
};

static const char s3_scheme[] = "s3://";
static const char file_scheme[] = "file://";

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_location(const char *name)
{
	return name[0] == '/' || strstr(name, "://") != NULL;
}

void ll_storage_target_free(ll_storage_target *t)
{
	ll_buf_free(&t->path);
	ll_buf_free(&t->bucket);
	ll_buf_free(&t->location);
}

/* Splits "s3://bucket/key" into t; the key may be empty. */
static ll_status parse_s3(const char *location, ll_storage_target *t, ll_error *err)
{
	const char *bucket = location + strlen(s3_scheme);
	const char *slash = strchr(bucket, '/');
	size_t blen = slash ? (size_t)(slash - bucket) : strlen(bucket);
	if (blen == 0)
		return ll_error_set(err, LL_EINVAL, "%s names no bucket (expected s3://bucket/key)",
				    location);
	t->is_s3 = true;
	ll_buf_append(&t->bucket, bucket, blen);
	ll_buf_puts(&t->path, slash ? slash + 1 : "");
	return LL_OK;
}

/* Resolves a location (already mapped) to a local path or an S3 object. */
static ll_status parse_location(const char *location, ll_storage_target *t, ll_error *err)
{
	if (has_prefix(location, s3_scheme))
		return parse_s3(location, t, err);
	const char *path = has_prefix(location, file_scheme) ? location + strlen(file_scheme) : location;
	if (path[0] != '/')
		return ll_error_set(err, LL_EINVAL,
				    "cannot read %s: lakeload reaches local paths, file:///path and "
				    "s3://bucket/key locations only",
				    location);
	ll_buf_puts(&t->path, path);
	return LL_OK;
}

static ll_status resolve(const ll_storage *s, const char *name, ll_storage_target *t, ll_error *err)
{
	memset(t, 0, sizeof(*t));
	ll_status st;
	if (!is_location(name)) {
		ll_storage_location(s, name, &t->location);
		if (s->is_s3) {
			t->is_s3 = true;
			ll_buf_puts(&t->bucket, s->bucket);
			if (s->prefix[0])
				ll_buf_printf(&t->path, "%s/", s->prefix);
			ll_buf_puts(&t->path, name);
		} else {
			ll_path_join(&t->path, s->dir, name);
		}
		st = LL_OK;
	} else {
		ll_buf_puts(&t->location, name);
		if (s->map_from && has_prefix(name, s->map_from)) {
			ll_buf_clear(&t->location);
			ll_buf_printf(&t->location, "%s%s", s->map_to, name + strlen(s->map_from));
		}
		st = ll_buf_oom(&t->location) ? ll_error_oom(err)
					       : parse_location(t->location.data, t, err);
	}
	if (st == LL_OK && (ll_buf_oom(&t->path) || ll_buf_oom(&t->bucket) || ll_buf_oom(&t->location)))
		st = ll_error_oom(err);
	if (st == LL_OK && t->is_s3 && !s->s3)
		st = ll_error_set(err, LL_EINVAL,
				  "%s is in S3 but no S3 credentials are configured; give the lake's "
				  "S3 options (access key id and secret)",
				  ll_buf_cstr(&t->location));
	if (st != LL_OK)
		ll_storage_target_free(t);
	return st;
}

/* ---------------------------------------------------------------- open */

static ll_status open_local_root(ll_storage *s, const char *root, ll_error *err)
{
	const char *dir = has_prefix(root, file_scheme) ? root + strlen(file_scheme) : root;
	if (dir != root && dir[0] != '/')
		return ll_error_set(err, LL_EINVAL, "lake %s: a file:// URL needs an absolute path "
				    "(file:///data/lake)", root);
	ll_status st = ll_fs_mkdirs_durable(dir, err);
	if (st != LL_OK)
		return st;
	char resolved[PATH_MAX];
	if (!realpath(dir, resolved))
		return ll_error_set(err, LL_EIO, "cannot resolve lake path %s: %s", dir, strerror(errno));
	ll_buf loc = LL_BUF_INIT;
	ll_buf_printf(&loc, "%s%s", file_scheme, strcmp(resolved, "/") == 0 ? "" : resolved);
	s->dir = strdup(resolved);
	s->root = ll_buf_detach(&loc);
	return s->dir && s->root ? LL_OK : ll_error_oom(err);
}

static ll_status open_s3_root(ll_storage *s, const char *root, ll_error *err)
{
	ll_storage_target t = { 0 };
	ll_status st = parse_s3(root, &t, err);
	if (st == LL_OK) {
		size_t start = strspn(t.path.data, "/"), len = strlen(t.path.data + start);
		while (len && t.path.data[start + len - 1] == '/')
			len--;
		s->is_s3 = true;
		s->bucket = strdup(t.bucket.data);
		s->prefix = strndup(t.path.data + start, len);
		ll_buf loc = LL_BUF_INIT;
		ll_buf_printf(&loc, "%s%s%s%s", s3_scheme, t.bucket.data, len ? "/" : "",
			      s->prefix ? s->prefix : "");
		s->root = ll_buf_detach(&loc);
		if (!s->bucket || !s->prefix || !s->root)
			st = ll_error_oom(err);
	}
	ll_storage_target_free(&t);
	return st;
}

static ll_status open_root(ll_storage *s, const char *root, const ll_storage_options *opt,
			   ll_error *err)
{
	if (has_prefix(root, s3_scheme)) {
		if (!opt || !opt->s3)
			return ll_error_set(err, LL_EINVAL,
					    "lake %s is in S3: it needs S3 credentials (an access key id "
					    "and secret, and the endpoint for a store other than AWS)",
					    root);
		return open_s3_root(s, root, err);
	}
	if (strstr(root, "://") && !has_prefix(root, file_scheme))
		return ll_error_set(err, LL_EINVAL,
				    "lake %s: lakeload stores lakes in a directory, file:///path or "
				    "s3://bucket/prefix",
				    root);
	return open_local_root(s, root, err);
}

ll_status ll_storage_open(ll_storage **out, const char *root, const ll_storage_options *opt,
			  ll_error *err)
{
	*out = NULL;
	ll_storage *s = calloc(1, sizeof(*s));
	if (!s)
		return ll_error_oom(err);
	ll_status st = open_root(s, root, opt, err);
	if (st == LL_OK && opt && opt->map_from && opt->map_to) {
		s->map_from = strdup(opt->map_from);
		s->map_to = strdup(opt->map_to);
		if (!s->map_from || !s->map_to)
			st = ll_error_oom(err);
	}
	if (st == LL_OK && opt && opt->s3)
		st = ll_s3_pool_open(&s->s3, opt->s3, err);
	if (st != LL_OK) {
		ll_storage_free(s);
		return st;
	}
	*out = s;
	return LL_OK;
}

void ll_storage_free(ll_storage *s)
{
	if (!s)
		return;
	ll_s3_pool_free(s->s3);
	free(s->root);
	free(s->dir);
	free(s->bucket);
	free(s->prefix);
	free(s->map_from);
	free(s->map_to);
	free(s);
}

bool ll_storage_is_local(const ll_storage *s)
{
	return !s->is_s3;
}

const char *ll_storage_root(const ll_storage *s)
{
	return s->root;
}

void ll_storage_location(const ll_storage *s, const char *key, ll_buf *out)
{
	if (is_location(key))
		ll_buf_puts(out, key);
	else
		ll_buf_printf(out, "%s/%s", s->root, key);
}

bool ll_storage_location_key(const ll_storage *s, const char *location, ll_buf *key)
{
	const char *root = s->root, *rest = NULL;
	size_t rlen = strlen(root);
	if (strncmp(location, root, rlen) == 0)
		rest = location + rlen;
	else if (strncmp(root, "file://", 7) == 0 && strncmp(location, root + 7, rlen - 7) == 0)
		rest = location + rlen - 7;
	if (!rest || (*rest && *rest != '/'))
		return false;
	while (*rest == '/')
		rest++;
	ll_buf_puts(key, rest);
	if (key->len && key->data[key->len - 1] != '/')
		ll_buf_putc(key, '/');
	return true;
}

/* ---------------------------------------------------------- operations */

/* Runs an S3 call on a pooled client: CALL uses `client`. */
#define WITH_CLIENT(s, st, err, CALL)                                   \
	do {                                                            \
		ll_s3_client *client;                                   \
		(st) = ll_s3_pool_acquire((s)->s3, &client, (err));     \
		if ((st) == LL_OK) {                                    \
			(st) = (CALL);                                  \
			ll_s3_pool_release((s)->s3, client);            \
		}                                                       \
	} while (0)

ll_status ll_storage_put_file(ll_storage *s, const char *key, const char *local_path, bool move,
			      ll_error *err)
{
	ll_storage_target t;
	ll_status st = resolve(s, key, &t, err);
	if (st != LL_OK)
		return st;
	if (!t.is_s3) {
		st = ll_stl_put_file(t.path.data, local_path, move, err);
	} else {
		WITH_CLIENT(s, st, err, ll_s3_put_file(client, t.bucket.data, t.path.data, local_path, err));
		if (st == LL_OK && move && unlink(local_path) != 0)
			st = ll_error_set(err, LL_EIO, "stored %s but cannot remove %s: %s",
					  t.location.data, local_path, strerror(errno));
	}
	ll_storage_target_free(&t);
	return st;
}

ll_status ll_storage_put(ll_storage *s, const char *key, const void *data, size_t len,
			 ll_error *err)
{
	ll_storage_target t;
	ll_status st = resolve(s, key, &t, err);
	if (st != LL_OK)
		return st;
	if (!t.is_s3)
		st = ll_stl_put(t.path.data, data, len, err);
	else
		WITH_CLIENT(s, st, err, ll_s3_put_object(client, t.bucket.data, t.path.data, data, len, err));
	ll_storage_target_free(&t);
	return st;
}

ll_status ll_storage_get(ll_storage *s, const char *key, ll_buf *out, ll_error *err)
{
	ll_storage_target t;
	ll_status st = resolve(s, key, &t, err);
	if (st != LL_OK)
		return st;
	if (!t.is_s3)
		st = ll_fs_read_all(t.path.data, out, err);
	else
		WITH_CLIENT(s, st, err, ll_s3_get_object(client, t.bucket.data, t.path.data, out, err));
	ll_storage_target_free(&t);
	return st;
}

static ll_status s3_exists(ll_s3_client *client, const ll_storage_target *t, bool *exists,
			   uint64_t *size, ll_error *err)
{
	ll_s3_object_info info;
	ll_status st = ll_s3_head_object(client, t->bucket.data, t->path.data, &info, err);
	*exists = st == LL_OK;
	if (size)
		*size = *exists ? info.size : 0;
	if (st == LL_ENOTFOUND) {
		ll_error_clear(err);
		st = LL_OK;
	}
	return st;
}

ll_status ll_storage_exists(ll_storage *s, const char *key, bool *exists, uint64_t *size,
			    ll_error *err)
{
	ll_storage_target t;
	ll_status st = resolve(s, key, &t, err);
	if (st != LL_OK)
		return st;
	if (!t.is_s3)
		st = ll_stl_exists(t.path.data, exists, size, err);
	else
		WITH_CLIENT(s, st, err, s3_exists(client, &t, exists, size, err));
	ll_storage_target_free(&t);
	return st;
}

ll_status ll_storage_open_source(ll_storage *s, const char *key, ll_parquet_source *out,
				 ll_error *err)
{
	ll_storage_target t;
	ll_status st = resolve(s, key, &t, err);
	if (st != LL_OK)
		return st;
	if (!t.is_s3)
		st = ll_parquet_file_source(t.path.data, out, err);
	else
		st = ll_s3_pool_source(s->s3, t.bucket.data, t.path.data, out, err);
	ll_storage_target_free(&t);
	return st;
}

/* ---------------------------------------------------------------- list */

ll_status ll_storage_entries_push(ll_storage_entries *list, const char *key, uint64_t size,
				  int64_t modified_ms, ll_error *err)
{
	if (list->n == list->cap) {
		size_t grown = list->cap ? list->cap * 2 : 256;
		ll_storage_entry *more = realloc(list->items, grown * sizeof(*more));
		if (!more)
			return ll_error_oom(err);
		list->items = more;
		list->cap = grown;
	}
	char *copy = strdup(key);
	if (!copy)
		return ll_error_oom(err);
	list->items[list->n++] = (ll_storage_entry){ copy, size, modified_ms };
	return LL_OK;
}

/* An S3 listing in progress: the entries so far, keys relative to the root. */
typedef struct s3_listing {
	ll_storage_entries *out;
	size_t strip; /* bytes of the S3 root prefix to drop from each key */
	ll_status st;
	ll_error *err;
} s3_listing;

static int collect_s3_entry(void *user, const ll_s3_list_entry *entry)
{
	s3_listing *l = user;
	if (entry->is_prefix)
		return 0;
	l->st = ll_storage_entries_push(l->out, entry->key + l->strip, entry->size,
					entry->last_modified_ms, l->err);
	return l->st != LL_OK;
}

static ll_status list_s3(ll_storage *s, const char *prefix, ll_storage_entries *out,
			 ll_error *err)
{
	ll_buf full = LL_BUF_INIT;
	if (s->prefix[0])
		ll_buf_printf(&full, "%s/", s->prefix);
	s3_listing l = { out, full.len, LL_OK, err };
	ll_buf_puts(&full, prefix);
	ll_status st = ll_buf_oom(&full) ? ll_error_oom(err) : LL_OK;
	if (st == LL_OK)
		WITH_CLIENT(s, st, err, ll_s3_list_objects_v2(client, s->bucket, full.data, NULL,
							     collect_s3_entry, &l, err));
	if (st == LL_OK)
		st = l.st;
	ll_buf_free(&full);
	return st;
}

/* Walks the directory holding prefix's last segment and keeps the keys under prefix. */
static ll_status list_local(ll_storage *s, const char *prefix, ll_storage_entries *out,
			    ll_error *err)
{
	const char *slash = strrchr(prefix, '/');
	ll_buf rel = LL_BUF_INIT, dir = LL_BUF_INIT;
	if (slash)
		ll_buf_append(&rel, prefix, (size_t)(slash - prefix));
	if (rel.len)
		ll_path_join(&dir, s->dir, rel.data);
	else
		ll_buf_puts(&dir, s->dir);
	ll_status st = ll_buf_oom(&rel) || ll_buf_oom(&dir)
			       ? ll_error_oom(err)
			       : ll_stl_walk(dir.data, ll_buf_cstr(&rel), out, err);
	size_t kept = 0;
	for (size_t i = 0; i < out->n; i++) {
		if (has_prefix(out->items[i].key, prefix))
			out->items[kept++] = out->items[i];
		else
			free(out->items[i].key);
	}
	out->n = kept;
	ll_buf_free(&rel);
	ll_buf_free(&dir);
	return st;
}

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const ll_storage_entry *)a)->key, ((const ll_storage_entry *)b)->key);
}

ll_status ll_storage_list_entries(ll_storage *s, const char *prefix, ll_storage_entry **entries,
				  size_t *n, ll_error *err)
{
	ll_storage_entries list = { 0 };
	ll_status st = s->is_s3 ? list_s3(s, prefix ? prefix : "", &list, err)
				: list_local(s, prefix ? prefix : "", &list, err);
	if (st != LL_OK) {
		ll_storage_free_entries(list.items, list.n);
		return st;
	}
	if (list.n)
		qsort(list.items, list.n, sizeof(*list.items), compare_entries);
	*entries = list.items;
	*n = list.n;
	return LL_OK;
}

void ll_storage_free_entries(ll_storage_entry *entries, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(entries[i].key);
	free(entries);
}

ll_status ll_storage_list(ll_storage *s, const char *prefix, char ***keys, size_t *n,
			  ll_error *err)
{
	ll_storage_entry *entries;
	size_t count;
	ll_status st = ll_storage_list_entries(s, prefix, &entries, &count, err);
	if (st != LL_OK)
		return st;
	char **names = calloc(count + 1, sizeof(*names));
	if (!names) {
		ll_storage_free_entries(entries, count);
		return ll_error_oom(err);
	}
	for (size_t i = 0; i < count; i++)
		names[i] = entries[i].key;
	free(entries);
	*keys = names;
	*n = count;
	return LL_OK;
}

void ll_storage_free_list(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* -------------------------------------------------------------- delete */

/* Deletes the S3 targets of one bucket (the first not done) in batches. */
static ll_status delete_bucket_run(ll_storage *s, ll_storage_target *ts, bool *done, size_t n,
				   size_t first, ll_error *err)
{
	const char **keys = calloc(n, sizeof(*keys));
	if (!keys)
		return ll_error_oom(err);
	size_t nkeys = 0;
	const char *bucket = ts[first].bucket.data;
	for (size_t i = first; i < n; i++) {
		if (!done[i] && ts[i].is_s3 && strcmp(ts[i].bucket.data, bucket) == 0) {
			keys[nkeys++] = ts[i].path.data;
			done[i] = true;
		}
	}
	ll_status st;
	WITH_CLIENT(s, st, err, ll_s3_delete_objects(client, bucket, keys, nkeys, err));
	free(keys);
	return st;
}

ll_status ll_storage_delete(ll_storage *s, const char *const *keys, size_t n, ll_error *err)
{
	ll_storage_target *ts = calloc(n + 1, sizeof(*ts));
	bool *done = calloc(n + 1, sizeof(*done));
	ll_status st = ts && done ? LL_OK : ll_error_oom(err);
	size_t resolved = 0;
	for (; resolved < n && st == LL_OK; resolved++)
		st = resolve(s, keys[resolved], &ts[resolved], err);
	if (st != LL_OK && resolved)
		resolved--;
	for (size_t i = 0; i < resolved && st == LL_OK; i++) {
		if (done[i])
			continue;
		if (ts[i].is_s3) {
			st = delete_bucket_run(s, ts, done, resolved, i, err);
		} else {
			st = ll_stl_delete(ts[i].path.data, err);
			done[i] = true;
		}
	}
	for (size_t i = 0; i < resolved; i++)
		ll_storage_target_free(&ts[i]);
	free(ts);
	free(done);
	return st;
}
