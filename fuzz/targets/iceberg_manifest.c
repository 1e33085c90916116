/*
 * Fuzz target: an Iceberg manifest (an Avro file of manifest_entry records)
 * read for a table like the Spark "rename_column" test table. The first
 * byte picks what the manifest list said of it: bit 0 the partition spec
 * (0: unpartitioned, 1: bucket[4](id), identity(event_date)), bit 1 the
 * content (data or deletes); the rest is the manifest file.
 */
#include <jansson.h>
#include <stdlib.h>

#include "formats/iceberg/manifest.h"
#include "formats/iceberg/partition.h"
#include "formats/iceberg/type.h"
#include "fuzz.h"
#include "util/error.h"

static const char table_schema[] =
	"{\"type\":\"struct\",\"schema-id\":1,\"fields\":["
	"{\"id\":1,\"name\":\"id\",\"required\":false,\"type\":\"int\"},"
	"{\"id\":2,\"name\":\"name\",\"required\":false,\"type\":\"string\"},"
	"{\"id\":3,\"name\":\"event_date\",\"required\":false,\"type\":\"date\"},"
	"{\"id\":4,\"name\":\"price\",\"required\":false,\"type\":\"decimal(10, 2)\"},"
	"{\"id\":5,\"name\":\"active\",\"required\":false,\"type\":\"boolean\"}]}";
static const char *const table_specs[2] = {
	"{\"spec-id\":0,\"fields\":[]}",
	"{\"spec-id\":1,\"fields\":["
	"{\"name\":\"id_bucket\",\"transform\":\"bucket[4]\",\"source-id\":1,\"field-id\":1000},"
	"{\"name\":\"date\",\"transform\":\"identity\",\"source-id\":3,\"field-id\":1001}]}",
};

typedef struct fuzz_table {
	ll_arena arena;
	json_t *json[3];
	ll_iceberg_schema schema;
	ll_iceberg_partition_spec specs[2];
} fuzz_table;

/* Built once and kept for the life of the process. */
static const fuzz_table *table(void)
{
	static fuzz_table t;
	static bool ready;
	if (ready)
		return &t;
	ll_error err = { 0 };
	ll_arena_init(&t.arena, 0);
	t.json[0] = json_loads(table_schema, 0, NULL);
	if (ll_iceberg_schema_parse(t.json[0], &t.arena, "schema", true, 0, &t.schema, &err))
		abort();
	for (int i = 0; i < 2; i++) {
		t.json[i + 1] = json_loads(table_specs[i], 0, NULL);
		if (ll_iceberg_partition_spec_parse(t.json[i + 1], &t.arena, "spec", false, true,
						    &t.specs[i], &err))
			abort();
	}
	ready = true;
	return &t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const fuzz_table *t = table();
	const ll_iceberg_partition_spec *spec = &t->specs[data[0] & 1];
	ll_iceberg_manifest_file listed = {
		.manifest_path = "fuzz-m0.avro",
		.manifest_length = (int64_t)size - 1,
		.partition_spec_id = spec->spec_id,
		.content = data[0] & 2 ? LL_ICEBERG_CONTENT_POSITION_DELETES : LL_ICEBERG_CONTENT_DATA,
		.sequence_number = 2,
		.min_sequence_number = 1,
		.added_snapshot_id = 1,
	};
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_error err = { 0 };
	ll_iceberg_manifest_entry *entries = NULL;
	size_t n = 0;
	ll_iceberg_manifest_read(data + 1, size - 1, "fuzz-m0.avro", &listed, spec, &t->schema,
				 &arena, &entries, &n, &err);
	ll_arena_free(&arena);
	return 0;
}
