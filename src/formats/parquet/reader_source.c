/*
 * The default ll_parquet_source: a local file read with pread, so the reader
 * fetches the footer and then each column chunk it needs by range, never
 * the whole file.
 */
#include "formats/parquet/reader_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct file_ctx {
	int fd;
	char *path;
} file_ctx;

static ll_status file_read_at(void *ctx, uint64_t offset, void *buf, size_t len, ll_error *err)
{
	file_ctx *f = ctx;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(f->fd, (char *)buf + done, len - done, (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ll_error_set(err, LL_EIO, "cannot read %s: %s", f->path, strerror(errno));
		if (n == 0)
			return ll_error_set(err, LL_EIO, "%s ended early (was it truncated while being read?)",
					    f->path);
		done += (size_t)n;
	}
	return LL_OK;
}

static void file_close(void *ctx)
{
	file_ctx *f = ctx;
	close(f->fd);
	free(f->path);
	free(f);
}

ll_status ll_parquet_file_source(const char *path, ll_parquet_source *out, ll_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		ll_error_set_location(err, path, 0, 0);
		return ll_error_set(err, e == ENOENT ? LL_ENOTFOUND : LL_EIO, "cannot open %s: %s", path,
				    strerror(e));
	}
	struct stat st;
	file_ctx *f = malloc(sizeof(*f));
	char *copy = strdup(path);
	if (!f || !copy || fstat(fd, &st) != 0) {
		int e = errno;
		free(f);
		free(copy);
		close(fd);
		return f && copy ? ll_error_set(err, LL_EIO, "cannot stat %s: %s", path, strerror(e))
				 : ll_error_oom(err);
	}
	f->fd = fd;
	f->path = copy;
	out->ctx = f;
	out->size = (uint64_t)st.st_size;
	out->read_at = file_read_at;
	out->close = file_close;
	return LL_OK;
}
