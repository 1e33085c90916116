/*
 * What the manifest reader and writer share: the Avro schemas of manifest
 * entries and manifest lists as the Java library writes them, and the
 * mapping between partition values and their Avro form.
 */
#ifndef LL_FORMATS_ICEBERG_MANIFEST_INTERNAL_H
#define LL_FORMATS_ICEBERG_MANIFEST_INTERNAL_H

#include "formats/avro/avro.h"
#include "formats/iceberg/manifest.h"

/**
 * Appends the Avro schema (JSON) of a manifest entry whose partition struct
 * has the spec's fields, typed by their transforms' results over schema.
 */
ll_status ll_manifest_entry_schema(int format_version, const ll_iceberg_partition_spec *spec,
				   const ll_iceberg_schema *schema, ll_buf *out, ll_error *err);

/** Appends the Avro schema (JSON) of a manifest list entry. */
void ll_manifest_list_schema(int format_version, ll_buf *out);

/** The result type of each spec field over schema, into types[spec->nfields]. */
ll_status ll_manifest_partition_types(const ll_iceberg_partition_spec *spec,
				      const ll_iceberg_schema *schema,
				      const ll_iceberg_type **types, ll_error *err);

/** The Avro value of a partition value of type t (bytes borrowed or in arena). */
ll_avro_value ll_manifest_partition_to_avro(const ll_iceberg_type *t, const ll_iceberg_value *v,
					    ll_arena *arena);

/** A partition value of type t from its Avro value; false when they do not fit. */
bool ll_manifest_partition_from_avro(const ll_iceberg_type *t, const ll_avro_value *a,
				     ll_iceberg_value *out);

#endif
