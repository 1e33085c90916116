/*
 * The normalizer's state, shared by its parts: the record walk
 * (normalize.c), the key cache and schema evolution (keys.c), coercion
 * (coerce.c) and the output files (files.c).
 *
 * Everything is addressed by 32-bit index, not pointer, because the arrays
 * grow while a record is walked: a pointer to a key, node or table is only
 * valid until the next call that may create one.
 *
 * The key cache maps (node, raw key bytes) to a key entry. A node is a
 * position in a table's rows: the table's top level or a nested object
 * under some key. The entry remembers what the key resolved to: the column
 * of scalar values, the node of nested objects, the child table of lists
 * and the variant column per value type. Names are computed when an entry
 * is created and never again.
 *
 * The row being built lives in its table: values[] holds the non-null
 * values in the order set, and slots[] say per column whether the current
 * row (generation gen) has a value and where, so setting a column twice
 * keeps the last value without a search.
 */
#ifndef LL_NORMALIZE_INTERNAL_H
#define LL_NORMALIZE_INTERNAL_H

#include <stdarg.h>
#include <string.h>

#include "normalize/normalize.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/keccak.h"

#define LL_NORM_NONE UINT32_MAX

/* ---- coercion (coerce.c) ---- */

typedef enum ll_coerce_result {
	LL_COERCE_OK = 0,
	LL_COERCE_NO,    /* the value does not fit the type: a variant column takes it */
	LL_COERCE_NOMEM,
} ll_coerce_result;

/** dlt's type of a JSON value: what it is coerced from and what its variant is named after. */
ll_data_type ll_norm_value_type(const ll_json_value *v);

/**
 * Sets type, precision and scale of a new column from its first value;
 * detections (ll_detection flags) say which strings become timestamp or date.
 */
void ll_norm_infer_column(const ll_json_value *v, unsigned detections, ll_column *col);

/**
 * Converts v (not null) into a value of col's type. Strings it builds are
 * allocated in arena; tmp is scratch.
 */
ll_coerce_result ll_norm_coerce(const ll_json_value *v, const ll_column *col, ll_arena *arena,
				ll_buf *tmp, ll_row_value *out);

/* ---- state ---- */

/*
 * Two cache lines, in an array aligned to them (keys.c): the first holds
 * all a record's walk reads for a known key, so each key costs it one line.
 */
typedef struct ll_norm_key {
	uint32_t node;          /* where the key occurs */
	uint32_t raw_len;
	char head[16];          /* the raw key's first 16 bytes, zero-padded: compared in place */
	const char *raw;        /* copy of the raw key, for longer ones */
	uint32_t next_guess;    /* the key that followed this one last time, for the fast path */
	uint32_t column;        /* column of scalar values */
	uint32_t object_node;   /* node of nested objects under this key */
	uint32_t seen_columns;  /* table's column count when `column` was last looked up */
	uint16_t direct_kinds;  /* bit per ll_json_kind that `column` takes as is; 0 until bound */
	uint8_t type;           /* its ll_data_type, once bound */
	bool bound;             /* `column` is known and owned by this key */
	uint32_t child;         /* table of lists under this key */
	uint64_t hash;
	/* the second line: names and what the walk needs only now and then */
	const char *norm;       /* normalized key (a path of identifiers) */
	const char *name;       /* column name: the node's path joined with norm, shortened */
	uint64_t null_piece; /* parallel loads: the piece whose first null of this key the load heard of */
	uint32_t variants[LL_TYPE_COUNT_];
} ll_norm_key;

#define LL_NORM_KEY_ALIGN 64
_Static_assert(sizeof(ll_norm_key) == 2 * LL_NORM_KEY_ALIGN, "a key entry is two cache lines");

typedef struct ll_norm_node {
	uint32_t table;
	uint32_t via_key;    /* key whose object this is; NONE at a table's top level */
	uint32_t first_guess; /* the first key of the last object seen here */
	const char *path;    /* unshortened path of normalized keys within the table ("" at top) */
} ll_norm_node;

/* Where a column's value is in the row being built; valid when gen is the row's. */
typedef struct ll_norm_slot {
	uint32_t gen;
	uint32_t pos;
} ll_norm_slot;

typedef struct ll_norm_table {
	ll_table *t;
	size_t name_len;  /* strlen(t->name): every child row id hashes the name */
	uint32_t parent;  /* NONE for the root */
	uint32_t top;     /* node of the table's top level */
	uint32_t via_key; /* key whose lists fill this table; NONE for the root */
	const char *path; /* unshortened path from the root's name; children are named from it */
	bool iceberg;
	ll_timestamp_unit unit; /* milliseconds for hive tables, microseconds for Iceberg */
	uint64_t id_seed;
	uint64_t rows;    /* rows produced in this load: the row id counter */
	uint32_t c_id, c_load_id, c_parent_id, c_list_idx, c_root_id;
	int32_t next_field_id; /* Iceberg tables: next free field id */
	/* the row being built */
	ll_row_value *values;
	size_t nvalues;
	ll_norm_slot *slots;
	uint32_t *owner; /* per column: key index + 1 that writes it, 0 while none has */
	size_t slots_cap;
	uint32_t gen;
	uint32_t *required; /* non-nullable columns the data must fill */
	size_t nrequired;
	/* the open file */
	void *file;
	size_t file_columns;
	size_t buffered;
	uint64_t last_write; /* rows_written when this table last wrote a row */
	uint32_t files; /* files started: seeds the next file id */
	char file_id[15];
	char *file_path;
} ll_norm_table;

typedef struct ll_norm_pending {
	uint32_t table;
	uint32_t key;
	const ll_json_value *list;
	size_t first_id; /* its rows' ids on the id stack; LL_NORM_NO_IDS until added */
} ll_norm_pending;

#define LL_NORM_NO_IDS SIZE_MAX
/* Child ids hashed together; a multiple of every implementation's lanes. */
#define LL_NORM_ID_QUEUE 32

/* The ids of the rows of pending lists (ids.c). */
typedef struct ll_norm_child_ids {
	char (*ids)[15]; /* a stack: a row's lists' ids lie above its parent's */
	size_t count, cap;
	/* messages waiting to be hashed together, and where their ids go */
	unsigned char msg[LL_NORM_ID_QUEUE][LL_SHAKE128_SHORT_MAX];
	ll_shake128_msg queued[LL_NORM_ID_QUEUE];
	size_t slot[LL_NORM_ID_QUEUE];
	size_t nqueued;
} ll_norm_child_ids;

struct ll_normalizer {
	ll_schema *schema;
	ll_row_sink sink;
	char *load_id;
	char *out_dir;
	ll_parquet_writer_options parquet;
	size_t budget;
	size_t buffered; /* across all open files */
	size_t max_open_files;
	size_t open_files;
	uint64_t rows_written; /* all tables: orders files by their last use */
	int max_nesting;
	const ll_logger *logger;
	uint64_t load_seed;
	bool root_key;  /* child rows get _dlt_root_id (dlt's root key propagation) */
	unsigned detections; /* LL_DETECT_* flags for new text columns */
	const char **key_columns; /* the root table's key columns (in names), not nullable */
	size_t *key_lens;
	size_t nkey_columns;
	/* SHAKE-128 of child row ids too long for one block, fetched and created on first use */
	struct evp_md_st *shake_md;
	struct evp_md_ctx_st *shake;
	ll_norm_child_ids child_ids;

	ll_norm_table *tables;
	size_t ntables, tables_cap;
	ll_norm_node *nodes;
	size_t nnodes, nodes_cap;
	ll_norm_key *keys;
	size_t nkeys, keys_cap;
	uint32_t *key_index; /* open addressing: key index + 1, 0 empty */
	size_t key_index_cap;
	ll_norm_pending *pending; /* lists found in rows whose children are not written yet */
	size_t npending, pending_cap;

	ll_arena names;   /* keys and names, for the normalizer's life */
	ll_arena scratch; /* per record */
	ll_buf tmp;
	ll_buf name;

	ll_job_file *done; /* finished files */
	size_t ndone, done_cap;

	uint32_t file_salt;
	const ll_normalize_sync *sync; /* parallel load; NULL: alone */
	bool synced;    /* acquire was called in this piece */
	uint64_t piece_serial; /* pieces begun, counting from 1 */
	bool has_ordinal; /* the record being pushed came with its root row's ordinal */
	uint64_t ordinal;

	/* the record being pushed, for messages */
	const char *source;
	uint64_t line, column;
	bool failed, finished;
};

/* ---- errors ---- */

/** Two keys normalize to one column (col NULL: child table): the error at a record's place. */
ll_status ll_norm_collision(ll_error *err, const char *source, uint64_t line, uint64_t column,
			    const char *owner_path, const char *key_path, const char *table,
			    const char *col);

/** Fills err with the current record's location, table, column and message. Returns code. */
ll_status ll_norm_fail(ll_normalizer *n, ll_error *err, ll_status code, const char *table,
		       const char *column, const char *fmt, ...) LL_PRINTF(6, 7);

/** Appends the raw path of a key from the record's top ("orders[].Sku"). */
void ll_norm_key_path(const ll_normalizer *n, uint32_t key, ll_buf *out);

/* ---- keys, tables and columns (keys.c) ---- */

/** Before an event that may change the schema: waits for the parallel load's turn (see normalize.h). */
ll_status ll_norm_acquire(ll_normalizer *n, ll_error *err);

/** Creates the table state for a schema table; *index receives its position. */
ll_status ll_norm_table_new(ll_normalizer *n, ll_table *t, uint32_t parent, uint32_t via_key,
			    const char *path, uint32_t *index, ll_error *err);

/** After the table's schema grew from outside (ll_normalizer_adopt): sizes and field ids. */
ll_status ll_norm_table_refresh(ll_normalizer *n, uint32_t table, ll_error *err);

/**
 * Finds or creates the key entry for raw key bytes at node by hash, and
 * remembers it as the key that follows prev (see ll_norm_key_guess).
 */
ll_status ll_norm_key_find(ll_normalizer *n, uint32_t node, uint32_t prev, const char *raw,
			   size_t len, uint32_t *key, ll_error *err);

/**
 * The key entry for raw key bytes at node if it is the one that followed
 * prev (the key before it in its object; NONE for the first) last time,
 * else NONE: then ll_norm_key_find. Records of one source tend to repeat
 * their key order, so this settles most keys inline.
 */
static inline uint32_t ll_norm_key_guess(const ll_normalizer *n, uint32_t node, uint32_t prev,
					 const char *raw, size_t len)
{
	uint32_t guess = prev == LL_NORM_NONE ? n->nodes[node].first_guess : n->keys[prev].next_guess;
	if (guess == LL_NORM_NONE)
		return LL_NORM_NONE;
	const ll_norm_key *k = &n->keys[guess];
	const char *known = len <= sizeof(k->head) ? k->head : k->raw;
	return k->node == node && k->raw_len == len && ll_bytes_equal(known, raw, len) ? guess
											 : LL_NORM_NONE;
}

/** ll_norm_object_node on first use: creates the node. */
ll_status ll_norm_object_node_new(ll_normalizer *n, uint32_t key, uint32_t *node, ll_error *err);

/** The node of nested objects under key (created on first use). */
static inline ll_status ll_norm_object_node(ll_normalizer *n, uint32_t key, uint32_t *node,
					    ll_error *err)
{
	*node = n->keys[key].object_node;
	return *node != LL_NORM_NONE ? LL_OK : ll_norm_object_node_new(n, key, node, err);
}

/** The child table of lists under key (created on first use). */
ll_status ll_norm_child_table(ll_normalizer *n, uint32_t key, uint32_t *table, ll_error *err);

/** ll_norm_key_column when the key's table grew since it last looked: looks again. */
uint32_t ll_norm_key_column_lookup(ll_normalizer *n, uint32_t key);

/** The column a key's scalar values go to, if it exists yet; NONE otherwise. */
static inline uint32_t ll_norm_key_column(ll_normalizer *n, uint32_t key)
{
	const ll_norm_key *k = &n->keys[key];
	/* a column of this name can only have appeared if the table grew since the last look */
	if (k->bound || k->seen_columns == n->tables[n->nodes[k->node].table].t->ncolumns)
		return k->column;
	return ll_norm_key_column_lookup(n, key);
}

/** Keeps the root table's key columns (ll_normalize_options.key_columns) in n's names. */
ll_status ll_norm_set_key_columns(ll_normalizer *n, const char *const *names, size_t count,
				  ll_error *err);

/** The key's column for value v: found or created with v's type, and owned by key. */
ll_status ll_norm_bind_column(ll_normalizer *n, uint32_t key, const ll_json_value *v,
			      uint32_t *column, ll_error *err);

/** Makes key the owner of column c of table, or fails naming the key that owns it. */
ll_status ll_norm_own_column(ll_normalizer *n, uint32_t table, uint32_t key, uint32_t c,
			     ll_error *err);

/**
 * A null of key for column c, which no key of this normalizer owns: in a
 * parallel load, fails like ll_norm_own_column when another key took c
 * earlier in the input, as a null may not blank out another key's value.
 */
ll_status ll_norm_check_null_owner(ll_normalizer *n, uint32_t table, uint32_t key, uint32_t c,
				   ll_error *err);

/** The key's variant column for v's type: found or created, and owned by key. */
ll_status ll_norm_variant_column(ll_normalizer *n, uint32_t key, const ll_json_value *v,
				 uint32_t *column, ll_error *err);

/** A link column (_dlt_id, ...) of a table, found or created, with its expected type. */
ll_status ll_norm_link_column(ll_normalizer *n, uint32_t table, uint32_t *slot, const char *name,
			      ll_data_type type, ll_error *err);

/* ---- row ids (ids.c) ---- */

/**
 * Adds the _dlt_ids of a list's count rows in table under parent_id (dlt's
 * digest of parent id, child table name and list index) to the id stack:
 * row i's id is n->child_ids.ids[*first + i], valid after
 * ll_norm_child_ids_hash and until the stack is cut below it.
 */
ll_status ll_norm_child_ids_add(ll_normalizer *n, const char *parent_id, size_t parent_len,
				uint32_t table, size_t count, size_t *first, ll_error *err);

/** Hashes the ids added since the last call. */
void ll_norm_child_ids_hash(ll_normalizer *n);

/** Frees the id stack and libcrypto's digest. */
void ll_norm_child_ids_free(ll_normalizer *n);

/* ---- output (files.c) ---- */

/** Hands the table's current row to its file, opening or splitting files as needed. */
ll_status ll_norm_write_row(ll_normalizer *n, uint32_t table, ll_error *err);

/** Hands every open file's buffered rows to its writer's thread as a row group. */
ll_status ll_norm_flush_files(ll_normalizer *n, ll_error *err);

/** Closes every open file into n->done (flushing them all first). */
ll_status ll_norm_close_files(ll_normalizer *n, ll_error *err);

/** Discards open files and removes finished ones. */
void ll_norm_discard_files(ll_normalizer *n);

#endif
