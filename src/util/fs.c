/*
 * File system helpers; see fs.h for the durability contract.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sync_file_range under a strict -std=c17 */
#endif
#include "util/fs.h"
#include "util/fs_batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static ll_status os_error(ll_error *err, const char *what, const char *path)
{
	int e = errno;
	return ll_error_set(err, e == ENOMEM ? LL_ENOMEM : LL_EIO, "cannot %s %s: %s", what, path,
			    strerror(e));
}

static void dir_of(const char *path, ll_buf *out)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		ll_buf_puts(out, ".");
	else if (slash == path)
		ll_buf_puts(out, "/");
	else
		ll_buf_append(out, path, (size_t)(slash - path));
}

ll_status ll_fs_sync_path(const char *path, ll_error *err)
{
	if (ll_fs_batch_open())
		return ll_fs_batch_note(path, err);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return os_error(err, "open", path);
	int rc = fsync(fd);
	/* some file systems refuse fsync on directories; that is not a failure */
	if (rc != 0 && errno != EINVAL && errno != EROFS) {
		ll_status st = os_error(err, "sync", path);
		close(fd);
		return st;
	}
	close(fd);
	return LL_OK;
}

void ll_fs_start_writeback(int fd, uint64_t offset, uint64_t len)
{
#ifdef SYNC_FILE_RANGE_WRITE
	sync_file_range(fd, (off_t)offset, (off_t)len, SYNC_FILE_RANGE_WRITE);
#else
	(void)fd;
	(void)offset;
	(void)len;
#endif
}

static ll_status sync_parent(const char *path, ll_error *err)
{
	ll_buf dir = LL_BUF_INIT;
	dir_of(path, &dir);
	if (ll_buf_oom(&dir))
		return ll_error_oom(err);
	ll_status st = ll_fs_sync_path(dir.data, err);
	ll_buf_free(&dir);
	return st;
}

/*
 * mkdir of tmp: LL_OK when it was made (with durable, its entry in its
 * parent synced) or was there already, *missing set when its parent is not.
 */
static ll_status make_dir(const char *tmp, bool durable, bool *missing, ll_error *err)
{
	*missing = false;
	if (mkdir(tmp, 0777) == 0)
		return durable ? sync_parent(tmp, err) : LL_OK;
	if (errno == EEXIST)
		return LL_OK;
	*missing = errno == ENOENT;
	return *missing ? LL_OK : os_error(err, "create directory", tmp);
}

/*
 * Makes the directory tmp names and the parents it lacks: mkdir itself
 * first, its parent only when that is missing too, so a directory made in
 * one that exists is one call. With durable, the parent of each directory it
 * makes is synced after the mkdir. tmp is cut and restored on the way.
 */
static ll_status make_dirs(char *tmp, bool durable, ll_error *err)
{
	bool missing;
	ll_status st = make_dir(tmp, durable, &missing, err);
	char *slash = strrchr(tmp, '/');
	if (st == LL_OK && missing && slash && slash != tmp) {
		*slash = '\0';
		st = make_dirs(tmp, durable, err);
		*slash = '/';
		if (st == LL_OK)
			st = make_dir(tmp, durable, &missing, err);
	}
	if (st == LL_OK && missing) {
		errno = ENOENT;
		return os_error(err, "create directory", tmp);
	}
	return st;
}

static ll_status mkdirs(const char *path, bool durable, ll_error *err)
{
	/* nearly always it exists: one stat */
	if (ll_fs_is_dir(path))
		return LL_OK;
	char *tmp = strdup(path);
	if (!tmp)
		return ll_error_oom(err);
	ll_status st = make_dirs(tmp, durable, err);
	free(tmp);
	if (st == LL_OK && !ll_fs_is_dir(path))
		return ll_error_set(err, LL_EIO, "cannot create directory %s: a file is in the way", path);
	return st;
}

ll_status ll_fs_mkdirs(const char *path, ll_error *err)
{
	return mkdirs(path, false, err);
}

ll_status ll_fs_mkdirs_durable(const char *path, ll_error *err)
{
	return mkdirs(path, true, err);
}

static ll_status write_fd_all(int fd, const void *data, size_t len, const char *path, ll_error *err)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return os_error(err, "write", path);
		}
		p += w;
		len -= (size_t)w;
	}
	return LL_OK;
}

/*
 * Inside a batch (fs_batch.h) a file that does not exist yet is written
 * under its own name and its sync deferred: nothing reads it before the
 * batch ends. *written says whether it was; false means it already exists.
 */
static ll_status write_new_deferred(const char *path, const void *data, size_t len,
				    bool *written, ll_error *err)
{
	*written = false;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return errno == EEXIST ? LL_OK : os_error(err, "create", path);
	ll_status st = write_fd_all(fd, data, len, path, err);
	if (close(fd) != 0 && st == LL_OK)
		st = os_error(err, "write", path);
	if (st == LL_OK)
		st = ll_fs_batch_note(path, err);
	if (st == LL_OK)
		st = sync_parent(path, err);
	if (st != LL_OK)
		unlink(path);
	*written = st == LL_OK;
	return st;
}

ll_status ll_fs_write_atomic(const char *path, const void *data, size_t len, ll_error *err)
{
	if (ll_fs_batch_open()) {
		bool written;
		ll_status st = write_new_deferred(path, data, len, &written, err);
		if (st != LL_OK || written)
			return st;
	}
	ll_buf tmp = LL_BUF_INIT;
	ll_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if (ll_buf_oom(&tmp))
		return ll_error_oom(err);
	ll_status st = LL_OK;
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		st = os_error(err, "create", tmp.data);
		goto done;
	}
	st = write_fd_all(fd, data, len, tmp.data, err);
	if (st == LL_OK && fsync(fd) != 0)
		st = os_error(err, "sync", tmp.data);
	close(fd);
	if (st == LL_OK && rename(tmp.data, path) != 0)
		st = os_error(err, "rename into place", path);
	if (st == LL_OK)
		st = sync_parent(path, err);
	if (st != LL_OK)
		unlink(tmp.data);
done:
	ll_buf_free(&tmp);
	return st;
}

ll_status ll_fs_read_all(const char *path, ll_buf *out, ll_error *err)
{
	ll_buf_clear(out);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return ll_error_set(err, LL_ENOTFOUND, "%s does not exist", path);
		return os_error(err, "open", path);
	}
	for (;;) {
		if (!ll_buf_reserve(out, 65536)) {
			close(fd);
			return ll_error_oom(err);
		}
		ssize_t r = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ll_status st = os_error(err, "read", path);
			close(fd);
			return st;
		}
		if (r == 0)
			break;
		out->len += (size_t)r;
		out->data[out->len] = '\0';
	}
	close(fd);
	return LL_OK;
}

ll_status ll_fs_rename(const char *from, const char *to, ll_error *err)
{
	if (rename(from, to) != 0) {
		int e = errno;
		return ll_error_set(err, LL_EIO, "cannot rename %s to %s: %s", from, to, strerror(e));
	}
	return sync_parent(to, err);
}

ll_status ll_fs_copy(const char *from, const char *to, ll_error *err)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return os_error(err, "open", from);
	ll_buf tmp = LL_BUF_INIT;
	ll_buf_printf(&tmp, "%s.tmp.%ld", to, (long)getpid());
	char *chunk = malloc(1 << 20);
	ll_status st = LL_OK;
	int out = -1;
	if (!chunk || ll_buf_oom(&tmp)) {
		st = ll_error_oom(err);
		goto done;
	}
	out = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (out < 0) {
		st = os_error(err, "create", tmp.data);
		goto done;
	}
	for (;;) {
		ssize_t r = read(in, chunk, 1 << 20);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			st = os_error(err, "read", from);
			break;
		}
		if (r == 0)
			break;
		st = write_fd_all(out, chunk, (size_t)r, tmp.data, err);
		if (st != LL_OK)
			break;
	}
	if (st == LL_OK && fsync(out) != 0)
		st = os_error(err, "sync", tmp.data);
	close(out);
	if (st == LL_OK && rename(tmp.data, to) != 0)
		st = os_error(err, "rename into place", to);
	if (st == LL_OK)
		st = sync_parent(to, err);
	if (st != LL_OK)
		unlink(tmp.data);
done:
	close(in);
	free(chunk);
	ll_buf_free(&tmp);
	return st;
}

ll_status ll_fs_make_temp_dir(char *out, size_t cap, const char *prefix, ll_error *err)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(out, cap, "%s/%sXXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
	if (!mkdtemp(out))
		return ll_error_set(err, LL_EIO, "cannot create a temporary directory %s: %s", out,
				    strerror(errno));
	return LL_OK;
}

ll_status ll_fs_remove_tree(const char *path, ll_error *err)
{
	struct stat sb;
	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? LL_OK : os_error(err, "inspect", path);
	if (!S_ISDIR(sb.st_mode)) {
		if (unlink(path) != 0 && errno != ENOENT)
			return os_error(err, "remove", path);
		return LL_OK;
	}
	char **names;
	size_t n;
	ll_status st = ll_fs_list(path, &names, &n, err);
	if (st != LL_OK)
		return st;
	ll_buf child = LL_BUF_INIT;
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		ll_buf_clear(&child);
		ll_path_join(&child, path, names[i]);
		st = ll_buf_oom(&child) ? ll_error_oom(err) : ll_fs_remove_tree(child.data, err);
	}
	ll_buf_free(&child);
	ll_fs_free_list(names, n);
	if (st == LL_OK && rmdir(path) != 0 && errno != ENOENT)
		st = os_error(err, "remove directory", path);
	return st;
}

bool ll_fs_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

bool ll_fs_is_dir(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

ll_status ll_fs_stat(const char *path, uint64_t *size, int64_t *mtime_ns, ll_error *err)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return ll_error_set(err, LL_ENOTFOUND, "%s does not exist", path);
		return os_error(err, "inspect", path);
	}
	if (size)
		*size = (uint64_t)sb.st_size;
	if (mtime_ns)
		*mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
	return LL_OK;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

ll_status ll_fs_list(const char *dir, char ***names, size_t *count, ll_error *err)
{
	*names = NULL;
	*count = 0;
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return LL_OK;
		return os_error(err, "list", dir);
	}
	size_t n = 0, cap = 0;
	char **list = NULL;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 16;
			char **grown = realloc(list, cap * sizeof(*list));
			if (!grown)
				goto oom;
			list = grown;
		}
		if (!(list[n] = strdup(e->d_name)))
			goto oom;
		n++;
	}
	closedir(d);
	if (list) {
		qsort(list, n, sizeof(*list), compare_names);
		list[n] = NULL;
	}
	*names = list;
	*count = n;
	return LL_OK;
oom:
	closedir(d);
	ll_fs_free_list(list, n);
	return ll_error_oom(err);
}

void ll_fs_free_list(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

void ll_path_join(ll_buf *out, const char *a, const char *b)
{
	ll_buf_puts(out, a);
	if (out->len && out->data[out->len - 1] != '/')
		ll_buf_putc(out, '/');
	while (*b == '/')
		b++;
	ll_buf_puts(out, b);
}
