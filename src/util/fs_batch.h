/*
 * Grouped fsyncs for files that nothing refers to yet.
 *
 * Writing a handful of small files durably one after another costs one
 * journal commit and one device flush per fsync, and on most disks that
 * latency, not the bytes, is the whole cost. Between ll_fs_batch_begin and
 * ll_fs_batch_end on one thread, util/fs defers the syncs: ll_fs_write_atomic
 * creates a file that does not exist yet directly under its name (an existing
 * one is still replaced atomically, at once) and ll_fs_sync_path only notes
 * the path. ll_fs_batch_end then fsyncs every noted file and directory
 * together, from a few threads, so the file system commits them in one go.
 *
 * The contract for callers: inside a batch, write only files that no reader
 * looks for until the caller publishes them (an Iceberg snapshot's files
 * before the catalog pointer moves), and publish them only after
 * ll_fs_batch_end returned LL_OK. A crash inside a batch leaves files that
 * nothing refers to, possibly short ones, never a changed one.
 */
#ifndef LL_UTIL_FS_BATCH_H
#define LL_UTIL_FS_BATCH_H

#include <stdbool.h>

#include "util/error.h"

/* Opens a batch on this thread; batches nest, the outermost end closes it. */
void ll_fs_batch_begin(void);

/*
 * Makes every file and directory noted so far durable, whatever the nesting
 * depth (it is the barrier before publishing), and leaves one level. On an
 * error the paths are dropped all the same; the error names the first path
 * that failed.
 */
ll_status ll_fs_batch_end(ll_error *err);

/*
 * Ends a batch around work that returned st: st when the work failed (the
 * noted paths are synced all the same, an error of theirs dropped), else
 * what ll_fs_batch_end returns.
 */
ll_status ll_fs_batch_end_after(ll_status st, ll_error *err);

/* Whether a batch is open on this thread (util/fs asks before deferring). */
bool ll_fs_batch_open(void);

/* Notes a path to fsync at the end of the open batch (duplicates are synced once). */
ll_status ll_fs_batch_note(const char *path, ll_error *err);

#endif
