/*
 * Local file system operations with the durability the load protocol needs.
 *
 * "Atomic" here means: after a crash a reader sees either the old state or
 * the new one. Files are written to a temporary name in the same directory,
 * fsynced, renamed over the target, and the directory is fsynced, so a
 * completed call survives power loss. Errors name the path and the OS reason.
 * Inside a batch (fs_batch.h) the syncs of ll_fs_write_atomic and
 * ll_fs_sync_path wait for the batch's end, and a new file is written under
 * its own name.
 */
#ifndef LL_UTIL_FS_H
#define LL_UTIL_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/** Creates a directory and its missing parents (like mkdir -p). */
ll_status ll_fs_mkdirs(const char *path, ll_error *err);

/**
 * ll_fs_mkdirs, syncing the parent of every directory it creates (through
 * the open batch, if any), so that files later made durable in them cannot
 * lose their path in a crash: for directories a commit will refer to.
 */
ll_status ll_fs_mkdirs_durable(const char *path, ll_error *err);

/** Writes data to path atomically (temp file, fsync, rename, fsync dir). */
ll_status ll_fs_write_atomic(const char *path, const void *data, size_t len, ll_error *err);

/** Reads a whole (small) file into out, replacing its contents. */
ll_status ll_fs_read_all(const char *path, ll_buf *out, ll_error *err);

/** Renames and fsyncs the destination directory. */
ll_status ll_fs_rename(const char *from, const char *to, ll_error *err);

/** Copies a file (temp + rename at the destination, so the copy is atomic). */
ll_status ll_fs_copy(const char *from, const char *to, ll_error *err);

/** fsyncs a file or directory by path. */
ll_status ll_fs_sync_path(const char *path, ll_error *err);

/**
 * Asks the kernel to start writing bytes [offset, offset + len) of fd to
 * disk, without waiting: a file synced later (a package's job files, synced
 * together when it is sealed) then finds most of its data already written,
 * and a large load's disk writes overlap its computing instead of all
 * waiting for the final fsync. A hint only: no effect where unsupported.
 */
void ll_fs_start_writeback(int fd, uint64_t offset, uint64_t len);

/**
 * Creates a new, empty directory <$TMPDIR or /tmp>/<prefix>XXXXXX and puts
 * its path in out (cap bytes). Under $TMPDIR, as other programs' temporary
 * files: one that a killed process leaves behind is the system's to clean.
 */
ll_status ll_fs_make_temp_dir(char *out, size_t cap, const char *prefix, ll_error *err);

/** Removes a file or a directory tree; a missing path is not an error. */
ll_status ll_fs_remove_tree(const char *path, ll_error *err);

bool ll_fs_exists(const char *path);
bool ll_fs_is_dir(const char *path);

/** Size and modification time (ns) of a file. */
ll_status ll_fs_stat(const char *path, uint64_t *size, int64_t *mtime_ns, ll_error *err);

/**
 * Lists the entry names of a directory (no "." or ".."), sorted, as a
 * NULL-terminated array the caller frees with ll_fs_free_list. A missing
 * directory gives an empty list.
 */
ll_status ll_fs_list(const char *dir, char ***names, size_t *count, ll_error *err);
void ll_fs_free_list(char **names, size_t count);

/** Appends "a/b" to out (no doubled slash). */
void ll_path_join(ll_buf *out, const char *a, const char *b);

#endif
