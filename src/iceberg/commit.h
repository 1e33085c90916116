/*
 * Committing a change to an Iceberg table as exactly one new snapshot.
 *
 * A commit is optimistic. It loads the table the catalog points at (or
 * starts a new table), asks the caller to compute its change against that
 * base (prepare: which data and delete files to add, whether every live
 * file goes), writes the manifests, the manifest list and a new metadata
 * file under names nobody else uses, and publishes the metadata with the
 * catalog's compare-and-swap. When another writer committed first, it loads
 * the table again and repeats; prepare is called again then, so a merge
 * recomputes its deletes against the rows that are there now. Only a lost
 * swap is retried: a prepare that fails ends the commit. A change that
 * removes rows (a merge, a delete, a replace) does not retry over a
 * concurrent change that removed rows too: that is a real conflict, reported
 * as LL_ECONFLICT naming the other snapshot, and nothing is committed. A
 * "replace" snapshot (files rewritten, rows unchanged) is not such a change;
 * the rewrite itself checks what was committed under it (iceberg/rewrite.h).
 *
 * Exactly once. Every snapshot lakeload writes for a load carries the load
 * id and the load package's nonce in its summary ("lakeload.load-id",
 * "lakeload.load-nonce"); a commit whose load is already among the table's
 * snapshots does nothing and says so, which makes finishing an interrupted
 * load safe (unless the target asks to commit again; prepare is then told).
 * A load id alone does not name a load: it is a timestamp, as dlt's are,
 * and two pipelines starting a load in the same microsecond get the same
 * one. The nonce, drawn at random for each package, tells their
 * loads apart. A snapshot or a package without a nonce (from versions
 * before it) matches on the load id alone.
 *
 * Tables lakeload creates are format version 2, with the table's columns
 * (field ids from the lakeload schema), the partition spec of the
 * partition expressions given, and the location <lake>/<dataset>/<table>.
 * Columns new in the lakeload schema become a new Iceberg schema (new
 * schema id, same field ids); a column is never dropped or retyped. Files
 * live under <location>/metadata/ ("00003-<uuid>.metadata.json",
 * "<uuid>-m0.avro", "snap-<id>-1-<uuid>.avro") and <location>/data/.
 */
#ifndef LL_ICEBERG_COMMIT_H
#define LL_ICEBERG_COMMIT_H

#include "catalog/catalog.h"
#include "formats/iceberg/manifest.h"
#include "iceberg/table.h"
#include "schema/schema.h"

/** What one snapshot changes, computed by prepare against a base. */
typedef struct ll_iceberg_change {
	const char *operation;             /**< "append", "overwrite", "delete" or "replace" */
	bool remove_all;                   /**< every live file of the base goes (replace) */
	/*
	 * Live files of the base that go (a rewrite), data or delete files, by
	 * location: the manifests holding them are written anew, with these
	 * entries DELETED and the others EXISTING. Every one must be live in the
	 * base (LL_ETERMINAL naming the first that is not).
	 */
	const char *const *remove;
	size_t nremove;
	const ll_iceberg_data_file *data;  /**< data files to add */
	size_t ndata;
	const ll_iceberg_data_file *deletes; /**< position delete files to add */
	size_t ndeletes;
	/*
	 * Expiry (operation NULL): no new snapshot; the new metadata drops these
	 * snapshots (never the current one) and the metadata-log entries older
	 * than log_after_ms, the base's own entry included.
	 */
	const int64_t *expire;
	size_t nexpire;
	int64_t log_after_ms;
	bool nothing;                      /**< nothing to change: no snapshot is committed */
} ll_iceberg_change;

/** The state a change is computed against. */
typedef struct ll_iceberg_base {
	const ll_iceberg_table *table;     /**< the loaded table; md NULL for a new table */
	const ll_iceberg_schema *schema;   /**< the schema the new snapshot is written with */
	const ll_iceberg_partition_spec *spec; /**< the spec new files are partitioned by */
	const char *location;              /**< the table location */
	bool load_done;                    /**< the target's load is in the table already (again) */
} ll_iceberg_base;

typedef ll_status (*ll_iceberg_prepare_fn)(void *ctx, const ll_iceberg_base *base,
					   ll_arena *arena, ll_iceberg_change *out,
					   ll_error *err);

typedef struct ll_iceberg_commit_target {
	ll_catalog *catalog;
	ll_storage *storage;
	const char *dataset;
	const ll_table *table;             /**< the lakeload table: name, columns, partition hints */
	const char *load_id;               /**< NULL: no exactly-once check */
	const char *load_nonce;            /**< the package's nonce; NULL or "": none */
	/**
	 * Commits even when the load is in the table already: prepare, told so
	 * by ll_iceberg_base.load_done, computes what the load still has to
	 * change (a merge's removal of child rows planned anew), usually nothing.
	 */
	bool again;
	int max_attempts;                  /**< 0: 20 */
} ll_iceberg_commit_target;

typedef struct ll_iceberg_commit_result {
	bool already;                      /**< the load id was committed before */
	int64_t snapshot_id;
	uint64_t added_data_files;         /**< by the new snapshot; 0 when already */
	int attempts;
} ll_iceberg_commit_result;

ll_status ll_iceberg_commit(const ll_iceberg_commit_target *target, ll_iceberg_prepare_fn prepare,
			    void *ctx, ll_iceberg_commit_result *result, ll_error *err);

/**
 * Runs prepare against the table as it is now without committing anything
 * (to learn what a change would do). The change it computes is dropped.
 */
ll_status ll_iceberg_plan(const ll_iceberg_commit_target *target, ll_iceberg_prepare_fn prepare,
			  void *ctx, ll_error *err);

/**
 * Whether snapshot s was written by the load load_id of the package with
 * nonce load_nonce (NULL or "": a package without one).
 */
bool ll_iceberg_snapshot_is_load(const ll_iceberg_snapshot *s, const char *load_id,
				 const char *load_nonce);

/** The id of the load that wrote snapshot s, or NULL. */
const char *ll_iceberg_snapshot_load_id(const ll_iceberg_snapshot *s);

/** The table location lakeload gives a table: <root>/<dataset>/<table>. */
void ll_iceberg_table_location(ll_storage *storage, const char *dataset, const char *table,
			       ll_buf *out);

#endif
