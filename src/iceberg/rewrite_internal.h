/*
 * One round of a rewrite (rewrite.h), apart from its commit: plan the
 * current snapshot, pick the files, write the new ones, and check the
 * rewrite against a table that changed meanwhile. Kept apart from the
 * commit because the scan plan's names (plan.h) and the commit's
 * (commit.h) cannot meet in one file.
 */
#ifndef LL_ICEBERG_REWRITE_INTERNAL_H
#define LL_ICEBERG_REWRITE_INTERNAL_H

#include "formats/iceberg/manifest.h"
#include "iceberg/rewrite.h"

typedef struct ll_rewrite_round ll_rewrite_round;

/** What a round works on. */
typedef struct ll_rewrite_setup {
	ll_storage *storage;
	const char *dataset;
	const ll_table *table;
	const ll_iceberg_rewrite_options *opt;
	const char *name;                  /**< new files are <name>.<n>.parquet; unique per round */
} ll_rewrite_setup;

/**
 * Plans the snapshot current in the metadata at location and picks the
 * data files to rewrite and the delete files to remove. Free *out with
 * ll_rewrite_round_free, also on failure.
 */
ll_status ll_rewrite_round_plan(ll_rewrite_round **out, const ll_rewrite_setup *setup,
				const char *location, ll_error *err);

/** The snapshot planned, and how many data files were picked and delete files dropped. */
int64_t ll_rewrite_round_snapshot(const ll_rewrite_round *r, size_t *picked, size_t *dropped);

/** Writes the new files into the table's data folder. */
ll_status ll_rewrite_round_write(ll_rewrite_round *r, ll_error *err);

/** The new files, and the locations of the files that go. */
void ll_rewrite_round_change(const ll_rewrite_round *r, const ll_iceberg_data_file **data,
			     size_t *ndata, const char *const **remove, size_t *nremove);

/**
 * Checks the round against the table whose metadata is at location: every
 * rewritten file live with the deletes applied to it, every dropped delete
 * file live. LL_ETERMINAL naming the first change otherwise, and
 * ll_rewrite_round_conflict becomes true.
 */
ll_status ll_rewrite_round_check(ll_rewrite_round *r, const char *location, ll_error *err);

bool ll_rewrite_round_conflict(const ll_rewrite_round *r);

void ll_rewrite_round_free(ll_rewrite_round *r);

#endif
