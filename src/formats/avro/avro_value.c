/*
 * Building and inspecting ll_avro_value trees. Records are addressed by
 * field name through their schema node, since a value does not carry one.
 */
#include "formats/avro/avro_internal.h"

#include "util/error.h"

ll_avro_value *ll_avro_values_new(ll_arena *arena, size_t count)
{
	if (count > SIZE_MAX / sizeof(ll_avro_value))
		return NULL;
	ll_avro_value *v = ll_arena_alloc(arena, (count ? count : 1) * sizeof(*v));
	for (size_t i = 0; v && i < count; i++)
		v[i] = ll_avro_null();
	return v;
}

ll_avro_map_entry *ll_avro_map_entries_new(ll_arena *arena, size_t count)
{
	if (count > SIZE_MAX / sizeof(ll_avro_map_entry))
		return NULL;
	ll_avro_map_entry *e = ll_arena_alloc(arena, (count ? count : 1) * sizeof(*e));
	for (size_t i = 0; e && i < count; i++)
		e[i] = (ll_avro_map_entry){ .key = "", .key_len = 0, .value = ll_avro_null() };
	return e;
}

ll_status ll_avro_record_new(ll_arena *arena, const ll_avro_node *record, ll_avro_value *out,
			     ll_error *err)
{
	if (record->type != LL_AVRO_RECORD)
		return ll_error_set(err, LL_EINVAL, "cannot make a record value for a %s",
				    ll_avro_type_name(record->type));
	ll_avro_value *fields = ll_avro_values_new(arena, record->nfields);
	if (!fields)
		return ll_error_oom(err);
	*out = ll_avro_record(fields, record->nfields);
	return LL_OK;
}

ll_status ll_avro_record_set(ll_avro_value *rec, const ll_avro_node *record, const char *name,
			     ll_avro_value v, ll_error *err)
{
	size_t i;
	if (!ll_avro_node_find_field(record, name, &i) || rec->type != LL_AVRO_RECORD ||
	    i >= rec->u.list.count)
		return ll_error_set(err, LL_EINVAL, "record %s has no field '%s'",
				    record->name ? record->name : "(not a record)", name);
	rec->u.list.items[i] = v;
	return LL_OK;
}

const ll_avro_value *ll_avro_record_get(const ll_avro_value *rec, const ll_avro_node *record,
					const char *name)
{
	size_t i;
	if (!ll_avro_node_find_field(record, name, &i) || rec->type != LL_AVRO_RECORD ||
	    i >= rec->u.list.count)
		return NULL;
	return &rec->u.list.items[i];
}

const char *ll_avro_codec_name(ll_avro_codec codec)
{
	switch (codec) {
	case LL_AVRO_CODEC_NULL: return "null";
	case LL_AVRO_CODEC_DEFLATE: return "deflate";
	case LL_AVRO_CODEC_SNAPPY: return "snappy";
	}
	return "unknown";
}
