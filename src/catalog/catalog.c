/*
 * The catalog interface: what every implementation shares (the lake, where
 * the catalog is, the lake's storage) and the calls, passed on to the
 * implementation's operations. See catalog.h.
 */
#include "catalog/catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/hash.h"

struct ll_catalog {
	const ll_catalog_ops *ops;
	void *ctx;
	char *lake;
	char *path;
	bool is_file;
	ll_storage *storage;
};

ll_status ll_catalog_wrap(ll_catalog **out, const ll_catalog_ops *ops, void *ctx, const char *lake,
			  const char *path, bool is_file, ll_storage *storage, ll_error *err)
{
	*out = NULL;
	ll_catalog *c = calloc(1, sizeof(*c));
	if (c) {
		c->lake = strdup(lake);
		c->path = strdup(path);
	}
	if (!c || !c->lake || !c->path) {
		if (c) {
			free(c->lake);
			free(c->path);
		}
		free(c);
		ops->free(ctx);
		return ll_error_oom(err);
	}
	c->ops = ops;
	c->ctx = ctx;
	c->is_file = is_file;
	c->storage = storage;
	*out = c;
	return LL_OK;
}

char *ll_catalog_lake_name(const char *root)
{
	static const char file_scheme[] = "file://";
	if (strncmp(root, file_scheme, strlen(file_scheme)) == 0)
		return strdup(root[strlen(file_scheme)] ? root + strlen(file_scheme) : "/");
	return strdup(root);
}

void ll_catalog_free(ll_catalog *c)
{
	if (!c)
		return;
	c->ops->free(c->ctx);
	free(c->lake);
	free(c->path);
	free(c);
}

const char *ll_catalog_lake(const ll_catalog *c)
{
	return c->lake;
}

const char *ll_catalog_path(const ll_catalog *c)
{
	return c->path;
}

bool ll_catalog_is_file(const ll_catalog *c)
{
	return c->is_file;
}

ll_storage *ll_catalog_storage(const ll_catalog *c)
{
	return c->storage;
}

ll_status ll_catalog_commit_load(ll_catalog *c, const ll_catalog_load *load, bool *already,
				 ll_error *err)
{
	return c->ops->commit_load(c->ctx, load, already, err);
}

ll_status ll_catalog_collect_garbage(ll_catalog *c, ll_error *err)
{
	return c->ops->collect_garbage(c->ctx, err);
}

ll_status ll_catalog_lock_tree(ll_catalog *c, const char *dataset, const char *root, int *lock,
			       ll_error *err)
{
	*lock = -1;
	if (!c->is_file)
		return LL_OK;
	ll_buf key = LL_BUF_INIT, path = LL_BUF_INIT;
	/* a hash names the file: table names may be longer than a file name can be */
	ll_buf_puts(&key, dataset);
	ll_buf_append(&key, "", 1);
	ll_buf_puts(&key, root);
	ll_buf_printf(&path, "%s.locks", c->path);
	ll_status st = ll_buf_oom(&key) || ll_buf_oom(&path) ? ll_error_oom(err)
							      : ll_fs_mkdirs(path.data, err);
	if (st == LL_OK) {
		ll_buf_printf(&path, "/%016llx.lock",
			      (unsigned long long)ll_hash64(key.data, key.len, 0));
		*lock = ll_buf_oom(&path) ? -1 : open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (*lock < 0)
			st = ll_error_set(err, LL_EIO, "cannot open the lock of table %s.%s (%s): %s",
					  dataset, root, ll_buf_cstr(&path), strerror(errno));
	}
	while (st == LL_OK && flock(*lock, LOCK_EX) != 0) {
		if (errno != EINTR)
			st = ll_error_set(err, LL_EIO, "cannot lock table %s.%s (%s): %s", dataset,
					  root, path.data, strerror(errno));
	}
	if (st != LL_OK && *lock >= 0) {
		close(*lock);
		*lock = -1;
	}
	ll_buf_free(&key);
	ll_buf_free(&path);
	return st;
}

void ll_catalog_unlock_tree(int lock)
{
	if (lock >= 0)
		close(lock);
}

ll_status ll_catalog_list_tables(ll_catalog *c, const char *dataset, ll_catalog_table **tables,
				 size_t *n, ll_error *err)
{
	return c->ops->list_tables(c->ctx, dataset, tables, n, err);
}

ll_status ll_catalog_drop_table(ll_catalog *c, const char *dataset, const char *table,
				bool *found, ll_error *err)
{
	return c->ops->drop_table(c->ctx, dataset, table, found, err);
}

ll_status ll_catalog_iceberg_location(ll_catalog *c, const char *dataset, const char *table,
				      char **location, ll_error *err)
{
	return c->ops->iceberg_location(c->ctx, dataset, table, location, err);
}

ll_status ll_catalog_iceberg_commit(ll_catalog *c, const char *dataset, const ll_table *t,
				    const char *table, const char *expected,
				    const char *new_location, ll_error *err)
{
	return c->ops->iceberg_commit(c->ctx, dataset, t, table, expected, new_location, err);
}

bool ll_catalog_load_has_file(const ll_catalog_load *load, const char *table, const char *key)
{
	for (size_t i = 0; i < load->nfiles; i++)
		if (strcmp(load->files[i].table, table) == 0 && strcmp(load->files[i].path, key) == 0)
			return true;
	return false;
}

void ll_catalog_tables_free(ll_catalog_table *tables, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ll_catalog_table *t = &tables[i];
		for (size_t k = 0; k < t->ncolumns; k++) {
			free(t->columns[k].name);
			free(t->columns[k].variant_of);
		}
		free(t->columns);
		for (size_t k = 0; k < t->nfiles; k++)
			free(t->files[k]);
		free(t->files);
		free(t->metadata_location);
		free(t->location);
		free(t->unreadable);
		free(t->dataset);
		free(t->name);
	}
	free(tables);
}
