/*
 * Sample schemas and records shared by the Avro tests, and comparisons of
 * decoded values with the values written and with the normalized JSON that
 * avro_check.py prints (see that script for the form).
 */
#ifndef LL_TESTS_AVRO_SAMPLES_H
#define LL_TESTS_AVRO_SAMPLES_H

#include <jansson.h>

#include "formats/avro/avro.h"

/* An Iceberg v2 manifest entry partitioned by day, as Iceberg writes it. */
extern const char *const sample_manifest_schema;
/* Every Avro type, logical types and a custom attribute; same as avro_check.py's. */
extern const char *const sample_all_types_schema;

/* Iceberg's manifest header metadata. */
extern const ll_avro_meta sample_manifest_meta[];
extern const size_t sample_manifest_meta_count;

/* Parses one of the schemas above, failing the test run if it does not parse. */
ll_avro_schema *sample_schema(const char *text);

/* Manifest entry number i, allocated in arena. */
ll_avro_value sample_manifest_entry(ll_arena *arena, const ll_avro_schema *s, uint32_t i);

/* A pseudo-random record of the all-types schema for seed i. */
ll_avro_value sample_all_types_record(ll_arena *arena, const ll_avro_schema *s, uint32_t i);

/* Whether a and b are the same datum of type n; prints the first difference. */
bool sample_value_equal(const ll_avro_node *n, const ll_avro_value *a, const ll_avro_value *b);

/* Whether v is the datum j describes in avro_check.py's form; prints the first difference. */
bool sample_value_matches_json(const ll_avro_node *n, const ll_avro_value *v, const json_t *j);

#endif
