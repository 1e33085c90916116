/*
 * The local half of ll_storage: objects are files under absolute paths.
 * Writes are atomic through util/fs (temporary file, fsync, rename, fsync of
 * the directory); a moved file is renamed when it is on the same file
 * system, else copied atomically and then removed, so the target never
 * holds half a file. Either way it arrives with the time of its arrival.
 */
#include "storage/storage_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"

/* Creates the directory that will hold path, durably: a commit will refer to what it holds. */
static ll_status make_parent(const char *path, ll_buf *dir, ll_error *err)
{
	const char *slash = strrchr(path, '/');
	ll_buf_append(dir, path, slash && slash != path ? (size_t)(slash - path) : 1);
	if (ll_buf_oom(dir))
		return ll_error_oom(err);
	return ll_fs_mkdirs_durable(dir->data, err);
}

/*
 * Gives a file about to be moved into the lake the current time: vacuum
 * keeps files younger than its cutoff since they may be a writer's about to
 * be committed, and a package normalized days before its load would
 * otherwise place files that look long abandoned. A missing file is left
 * to the move to report.
 */
static ll_status mark_arrival(const char *local_path, ll_error *err)
{
	if (utimensat(AT_FDCWD, local_path, NULL, 0) == 0 || errno == ENOENT)
		return LL_OK;
	return ll_error_set(err, LL_EIO, "cannot set the time of %s: %s", local_path,
			    strerror(errno));
}

ll_status ll_stl_put_file(const char *path, const char *local_path, bool move, ll_error *err)
{
	ll_buf dir = LL_BUF_INIT;
	ll_status st = make_parent(path, &dir, err);
	if (st == LL_OK && move)
		st = mark_arrival(local_path, err);
	if (st == LL_OK && move && rename(local_path, path) == 0) {
		st = ll_fs_sync_path(dir.data, err);
	} else if (st == LL_OK && move && errno != EXDEV) {
		st = ll_error_set(err, errno == ENOENT ? LL_ENOTFOUND : LL_EIO,
				  "cannot move %s to %s: %s", local_path, path, strerror(errno));
	} else if (st == LL_OK) {
		st = ll_fs_copy(local_path, path, err);
		if (st == LL_OK && move && unlink(local_path) != 0)
			st = ll_error_set(err, LL_EIO, "stored %s but cannot remove %s: %s", path,
					  local_path, strerror(errno));
	}
	ll_buf_free(&dir);
	return st;
}

ll_status ll_stl_put(const char *path, const void *data, size_t len, ll_error *err)
{
	ll_buf dir = LL_BUF_INIT;
	ll_status st = make_parent(path, &dir, err);
	if (st == LL_OK)
		st = ll_fs_write_atomic(path, data, len, err);
	ll_buf_free(&dir);
	return st;
}

ll_status ll_stl_exists(const char *path, bool *exists, uint64_t *size, ll_error *err)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return ll_error_set(err, LL_EIO, "cannot stat %s: %s", path, strerror(errno));
		*exists = false;
		return LL_OK;
	}
	*exists = S_ISREG(sb.st_mode);
	if (size)
		*size = *exists ? (uint64_t)sb.st_size : 0;
	return LL_OK;
}

/* Appends the file at path as key, unless it vanished since its directory was read. */
static ll_status add_file(ll_storage_entries *out, const char *path, const char *key,
			  ll_error *err)
{
	uint64_t size = 0;
	int64_t mtime_ns = 0;
	ll_error stat_err = { 0 };
	ll_status st = ll_fs_stat(path, &size, &mtime_ns, &stat_err);
	if (st == LL_ENOTFOUND)
		return LL_OK;
	if (st != LL_OK)
		return ll_error_set(err, st, "%s", stat_err.message);
	return ll_storage_entries_push(out, key, size, mtime_ns / 1000000, err);
}

ll_status ll_stl_walk(const char *dir, const char *rel, ll_storage_entries *out, ll_error *err)
{
	char **entries;
	size_t count;
	ll_status st = ll_fs_list(dir, &entries, &count, err);
	if (st != LL_OK)
		return st;
	ll_buf child = LL_BUF_INIT, child_rel = LL_BUF_INIT;
	for (size_t i = 0; i < count && st == LL_OK; i++) {
		ll_buf_clear(&child);
		ll_buf_clear(&child_rel);
		ll_path_join(&child, dir, entries[i]);
		if (*rel)
			ll_path_join(&child_rel, rel, entries[i]);
		else
			ll_buf_puts(&child_rel, entries[i]);
		if (ll_buf_oom(&child) || ll_buf_oom(&child_rel))
			st = ll_error_oom(err);
		else if (ll_fs_is_dir(child.data))
			st = ll_stl_walk(child.data, child_rel.data, out, err);
		else
			st = add_file(out, child.data, child_rel.data, err);
	}
	ll_fs_free_list(entries, count);
	ll_buf_free(&child);
	ll_buf_free(&child_rel);
	return st;
}

ll_status ll_stl_delete(const char *path, ll_error *err)
{
	if (unlink(path) != 0 && errno != ENOENT && errno != ENOTDIR)
		return ll_error_set(err, LL_EIO, "cannot delete %s: %s", path, strerror(errno));
	return LL_OK;
}
