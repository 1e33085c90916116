/*
 * What the engine's query runner (engine.c) shares with its virtual table
 * module (vtab.c) and the row-group pruning (prune.c).
 *
 * One ll_engine_scan_ctx lives for one query. It owns nothing the provider
 * listed (tables stay the provider's until the run ends) and outlives the
 * SQLite connection it is registered with, so every virtual table and
 * cursor may point into it.
 */
#ifndef LL_ENGINE_INTERNAL_H
#define LL_ENGINE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "engine/sql_names.h"
#include "formats/parquet/parquet_reader.h"
#include "util/buf.h"

/* Rows decoded per batch: bounds a scan's memory together with the reader's column chunks. */
#define LL_ENGINE_BATCH_ROWS 2048

/* SQLite's module name for lake tables: CREATE VIRTUAL TABLE s.t USING lakeload(<decl>). */
#define LL_ENGINE_MODULE "lakeload"

/* A table as declared to SQLite for this query: all its columns, or the named subset. */
typedef struct ll_engine_decl {
	const ll_engine_table *table;
	size_t *cols; /* declared column i is table->columns[cols[i]] */
	size_t ncols;
} ll_engine_decl;

typedef struct ll_engine_scan_ctx {
	const ll_engine_provider *provider;
	ll_engine_stats *stats;
	size_t join_memory; /* byte budget of each join lookup */
	const ll_sql_names *names;
	ll_engine_decl *decls;
	size_t ndecls;
	/* the first failure inside a scan, kept with its own status and file */
	ll_error err;
	bool failed;
} ll_engine_scan_ctx;

/** Registers the lakeload module on db; run must outlive db. Returns an SQLite code. */
int ll_engine_vtab_register(sqlite3 *db, ll_engine_scan_ctx *run);

/** How SQLite sees values of a column type (its affinity and storage class). */
typedef enum ll_engine_domain {
	LL_DOMAIN_INT,  /* bigint, bool: INTEGER */
	LL_DOMAIN_REAL, /* double: REAL */
	LL_DOMAIN_TEXT, /* text, json, timestamp, date, time: TEXT */
	LL_DOMAIN_BLOB, /* binary */
	LL_DOMAIN_DECIMAL, /* TEXT whose order is not the numeric order: never pruned */
} ll_engine_domain;

ll_engine_domain ll_engine_domain_of(ll_data_type type);

/** Digits of a timestamp column's fraction: 3 for milliseconds, 6 for microseconds. */
int ll_engine_ts_digits(const ll_engine_column *col);

/** Formats a time of day (micros, 0 <= t < 24h) as HH:MM:SS.ffffff; buf needs 40 bytes. */
size_t ll_engine_format_time(int64_t micros, char *buf);

typedef enum ll_pred_op {
	LL_PRED_EQ,
	LL_PRED_LT,
	LL_PRED_LE,
	LL_PRED_GT,
	LL_PRED_GE,
	LL_PRED_ISNULL,
	LL_PRED_NOTNULL,
} ll_pred_op;

/*
 * A pushed-down constraint: declared column `col` compared with a constant,
 * the constant already converted the way SQLite converts it for this
 * column's affinity. `usable` false: no conversion was certain, so the
 * predicate rules nothing out. `never`: the constant is NULL, so no row
 * satisfies the comparison.
 */
typedef struct ll_pred {
	size_t col;
	ll_pred_op op;
	bool usable;
	bool never;
	ll_cell_kind kind; /* of the constant: INT, REAL, TEXT or BLOB */
	int64_t i;
	double d;
	char *s; /* owned copy, sqlite3_malloc'ed */
	size_t len;
	long field; /* the field holding the column in the open file, -1: none */
} ll_pred;

/** Fills p's constant from v for a column of type `type` (v may be NULL for IS [NOT] NULL). */
bool ll_pred_set_value(ll_pred *p, ll_data_type type, sqlite3_value *v);

void ll_pred_clear(ll_pred *p);

/*
 * True when no row of row group rg can satisfy p. field is the file field
 * holding the column, or -1 when the file lacks it (all NULL). Anything
 * uncertain (no statistics, a type the file stores differently, a bound
 * outside the range where text order matches value order) rules nothing out.
 */
bool ll_pred_rules_out(const ll_pred *p, const ll_engine_column *col,
		       const ll_parquet_reader *r, size_t rg, long field);

/*
 * True when no row of a whole file can satisfy p, by the statistics its
 * table format gives for the column (ll_engine_table_format.file_stats).
 */
bool ll_pred_rules_out_file(const ll_pred *p, const ll_engine_column *col,
			    const ll_engine_file_stats *fs);

/*
 * Join lookups (lookup.c): a table's used columns held in memory and hashed
 * on the join column, built on a cursor's first scan for a join and probed
 * by each later one.
 */
typedef struct ll_lookup ll_lookup;

typedef struct ll_lookup_iter {
	bool all;    /* the probe matches every row (SQLite sorts it out) */
	size_t next; /* all: next row; else: next entry of the hash chain */
	int key_tag;
	int64_t i;
	double d;
	ll_buf bytes; /* text or blob key, owned */
} ll_lookup_iter;

/** A lookup of rows with nused cells each, keyed on cell key_slot; NULL when out of memory. */
ll_lookup *ll_lookup_new(size_t nused, size_t key_slot, ll_engine_domain domain, size_t budget);

/** Copies a row in; false when it would pass the budget or memory ran out. */
bool ll_lookup_add(ll_lookup *l, sqlite3_int64 rowid, const ll_cell *cells);

/** Builds the hash once every row is in; false when out of memory. */
bool ll_lookup_seal(ll_lookup *l);

/** Starts an iteration over the rows that may equal v. */
void ll_lookup_probe(const ll_lookup *l, sqlite3_value *v, ll_lookup_iter *it);

bool ll_lookup_next(const ll_lookup *l, ll_lookup_iter *it, size_t *row);
const ll_cell *ll_lookup_row(const ll_lookup *l, size_t row);
sqlite3_int64 ll_lookup_rowid(const ll_lookup *l, size_t row);
void ll_lookup_iter_free(ll_lookup_iter *it);
void ll_lookup_free(ll_lookup *l);

#endif
