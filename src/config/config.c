/*
 * dlt-style configuration: files, environment, flags; see config.h.
 */
#include "config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/aws_credentials.h"
#include "config/toml.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/log.h"

#define CREDENTIALS(section) \
	section ".credentials.aws_access_key_id", section ".credentials.aws_secret_access_key", \
	section ".credentials.aws_session_token", section ".credentials.region_name", \
	section ".credentials.profile_name", section ".credentials.endpoint_url"

const char *const ll_config_known_keys[] = {
	"destination.filesystem.bucket_url",
	"destination.filesystem.catalog",
	CREDENTIALS("destination.filesystem"),
	"destination.athena.query_result_bucket",
	"destination.athena.athena_work_group",
	"destination.athena.aws_data_catalog",
	"destination.athena.force_iceberg",
	CREDENTIALS("destination.athena"),
	"load.compact_after_delete_files",
	"normalize.detections",
	"normalize.workers",
	"pipeline.destination",
	NULL,
};

#define NKEYS (sizeof(ll_config_known_keys) / sizeof(ll_config_known_keys[0]) - 1)

typedef struct setting {
	char *value;
	char *origin;
} setting;

struct ll_config {
	setting values[NKEYS];
	ll_logger logger;
	char *dir;
	char *unknown; /* the first unknown key under a known section, as a message */
	struct ll_aws_provider *provider; /* renews the lake's temporary credentials; NULL: none */
};

bool ll_config_key_is_secret(const char *key)
{
	const char *dot = strrchr(key, '.');
	const char *name = dot ? dot + 1 : key;
	return strcmp(name, "aws_secret_access_key") == 0 || strcmp(name, "aws_session_token") == 0;
}

static long key_index(const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(ll_config_known_keys[i], key) == 0)
			return (long)i;
	return -1;
}

static ll_status put(ll_config *c, size_t i, const char *value, const char *origin, ll_error *err)
{
	char *v = strdup(value), *o = strdup(origin);
	if (!v || !o) {
		free(v);
		free(o);
		return ll_error_oom(err);
	}
	free(c->values[i].value);
	free(c->values[i].origin);
	c->values[i] = (setting){ v, o };
	return LL_OK;
}

/* ------------------------------------------------------------------ did you mean */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 128 || lb > 128)
		return SIZE_MAX;
	size_t row[129];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The known section (key without its last part) or key nearest to name, within 3 edits. */
static const char *nearest(const char *name, bool sections, char *buf, size_t size)
{
	const char *best = NULL;
	size_t best_d = 4;
	for (size_t i = 0; i < NKEYS; i++) {
		snprintf(buf, size, "%s", ll_config_known_keys[i]);
		if (sections)
			*strrchr(buf, '.') = '\0';
		size_t d = edit_distance(name, buf);
		if (d < best_d) {
			best_d = d;
			best = ll_config_known_keys[i];
		}
	}
	if (!best)
		return NULL;
	snprintf(buf, size, "%s", best);
	if (sections)
		*strrchr(buf, '.') = '\0';
	return buf;
}

static bool known_section(const char *section)
{
	size_t n = strlen(section);
	for (size_t i = 0; i < NKEYS; i++) {
		const char *k = ll_config_known_keys[i];
		if (strncmp(k, section, n) == 0 && k[n] == '.')
			return true;
	}
	return false;
}

/* Warns about a destination key lakeload does not know, naming the nearest known one. */
static void warn_unknown(ll_config *c, const char *key, const char *where)
{
	char section[512], buf[512];
	snprintf(section, sizeof(section), "%s", key);
	char *dot = strrchr(section, '.');
	if (dot)
		*dot = '\0';
	const char *hint = NULL;
	bool in_known_section = !dot || known_section(section);
	if (!in_known_section)
		hint = nearest(section, true, buf, sizeof(buf));
	else
		hint = nearest(key, false, buf, sizeof(buf));
	ll_buf msg = LL_BUF_INIT;
	if (hint)
		ll_buf_printf(&msg, "%s: unknown setting %s; did you mean %s?", where, key, hint);
	else
		ll_buf_printf(&msg, "%s: unknown setting %s is ignored", where, key);
	ll_log(&c->logger, LL_LOG_WARN, "%s", ll_buf_cstr(&msg));
	if (in_known_section && !c->unknown)
		c->unknown = ll_buf_detach(&msg);
	ll_buf_free(&msg);
}

/* ------------------------------------------------------------------ files */

/* A list of strings (detections = ["iso_timestamp", "iso_date"]) is kept comma-separated. */
static ll_status take_list(ll_config *c, size_t i, const char *key, const ll_toml_value *v,
			   const char *file, const char *where, ll_error *err)
{
	ll_buf joined = LL_BUF_INIT;
	for (size_t k = 0; k < v->u.arr.count; k++) {
		const ll_toml_value *item = v->u.arr.items[k];
		if (item->kind != LL_TOML_STRING) {
			ll_buf_free(&joined);
			ll_error_set_location(err, file, item->line, item->column);
			return ll_error_set(err, LL_EINVAL, "%s must be a list of strings, not of %s", key,
					    ll_toml_kind_name(item->kind));
		}
		if (k)
			ll_buf_putc(&joined, ',');
		ll_buf_puts(&joined, item->u.s.ptr);
	}
	ll_status st = ll_buf_oom(&joined) ? ll_error_oom(err) : put(c, i, ll_buf_cstr(&joined), where, err);
	ll_buf_free(&joined);
	return st;
}

static ll_status take_value(ll_config *c, const char *key, const ll_toml_value *v, const char *file,
			    ll_error *err)
{
	char where[1200], text[64];
	snprintf(where, sizeof(where), "%s:%llu", file, (unsigned long long)v->line);
	long i = key_index(key);
	if (i < 0) {
		if (strncmp(key, "destination.", 12) == 0)
			warn_unknown(c, key, where);
		return LL_OK;
	}
	const char *value = text;
	switch (v->kind) {
	case LL_TOML_STRING: value = v->u.s.ptr; break;
	case LL_TOML_BOOL: value = v->u.b ? "true" : "false"; break;
	case LL_TOML_INTEGER: snprintf(text, sizeof(text), "%lld", (long long)v->u.i); break;
	case LL_TOML_ARRAY: return take_list(c, (size_t)i, key, v, file, where, err);
	default:
		ll_error_set_location(err, file, v->line, v->column);
		return ll_error_set(err, LL_EINVAL, "%s must be a string, not a %s", key,
				    ll_toml_kind_name(v->kind));
	}
	return put(c, (size_t)i, value, where, err);
}

static ll_status walk(ll_config *c, const ll_toml_value *table, ll_buf *path, const char *file,
		      ll_error *err)
{
	ll_status st = LL_OK;
	for (size_t i = 0; i < table->u.table.count && st == LL_OK; i++) {
		const ll_toml_member *m = &table->u.table.members[i];
		size_t keep = path->len;
		if (path->len)
			ll_buf_putc(path, '.');
		ll_buf_append(path, m->key, m->key_len);
		if (ll_buf_oom(path))
			return ll_error_oom(err);
		if (m->value->kind == LL_TOML_TABLE)
			st = walk(c, m->value, path, file, err);
		else
			st = take_value(c, path->data, m->value, file, err);
		path->len = keep;
		path->data[keep] = '\0';
	}
	return st;
}

static ll_status read_file(ll_config *c, const char *name, ll_error *err)
{
	ll_buf path = LL_BUF_INIT, text = LL_BUF_INIT, keypath = LL_BUF_INIT;
	ll_path_join(&path, c->dir, name);
	ll_status st = ll_fs_read_all(ll_buf_cstr(&path), &text, err);
	if (st == LL_ENOTFOUND) {
		ll_buf_free(&path);
		return LL_OK;
	}
	ll_arena arena;
	ll_arena_init(&arena, 0);
	const ll_toml_value *root = NULL;
	if (st == LL_OK)
		st = ll_toml_parse(text.data ? text.data : "", text.len, path.data, &arena, &root, err);
	ll_buf_puts(&keypath, "");
	if (st == LL_OK)
		st = walk(c, root, &keypath, path.data, err);
	ll_arena_free(&arena);
	ll_buf_free(&keypath);
	ll_buf_free(&path);
	ll_buf_free(&text);
	return st;
}

/* ------------------------------------------------------------------ environment */

static void env_name(const char *key, char *out, size_t size)
{
	size_t o = 0;
	for (const char *p = key; *p && o + 3 < size; p++) {
		if (*p == '.') {
			out[o++] = '_';
			out[o++] = '_';
		} else {
			out[o++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		}
	}
	out[o] = '\0';
}

static ll_status read_environment(ll_config *c, ll_error *err)
{
	char name[256], origin[300];
	for (size_t i = 0; i < NKEYS; i++) {
		env_name(ll_config_known_keys[i], name, sizeof(name));
		const char *v = getenv(name);
		if (!v)
			continue;
		snprintf(origin, sizeof(origin), "env %s", name);
		ll_status st = put(c, i, v, origin, err);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

/* ------------------------------------------------------------------ public */

ll_status ll_config_load(ll_config **out, const char *dir, ll_log_fn log, void *log_user,
			 ll_error *err)
{
	*out = NULL;
	ll_config *c = calloc(1, sizeof(*c));
	if (!c || !(c->dir = strdup(dir ? dir : "./.dlt"))) {
		free(c);
		return ll_error_oom(err);
	}
	c->logger = (ll_logger){ log, log_user, LL_LOG_INFO };
	ll_status st = read_file(c, "config.toml", err);
	if (st == LL_OK)
		st = read_file(c, "secrets.toml", err);
	if (st == LL_OK)
		st = read_environment(c, err);
	if (st != LL_OK) {
		ll_config_free(c);
		return st;
	}
	*out = c;
	return LL_OK;
}

void ll_config_free(ll_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < NKEYS; i++) {
		free(c->values[i].value);
		free(c->values[i].origin);
	}
	free(c->dir);
	free(c->unknown);
	ll_aws_provider_free(c->provider);
	free(c);
}

void ll_config_keep_provider(ll_config *c, struct ll_aws_provider *p)
{
	ll_aws_provider_free(c->provider);
	c->provider = p;
}

ll_status ll_config_check_destination_keys(const ll_config *c, ll_error *err)
{
	if (!c->unknown)
		return LL_OK;
	return ll_error_set(err, LL_EINVAL,
			    "%s (a misspelt destination setting would load somewhere else; fix it, "
			    "or name the lake with --lake)",
			    c->unknown);
}

ll_status ll_config_set(ll_config *c, const char *key, const char *value, const char *origin,
			ll_error *err)
{
	long i = key_index(key);
	if (i < 0)
		return ll_error_set(err, LL_EINVAL, "%s is not a setting lakeload knows", key);
	return put(c, (size_t)i, value, origin, err);
}

const char *ll_config_get(const ll_config *c, const char *key, const char **origin)
{
	long i = key_index(key);
	const setting *s = i >= 0 ? &c->values[i] : NULL;
	if (origin)
		*origin = s ? s->origin : NULL;
	return s ? s->value : NULL;
}

const char *ll_config_credential(const ll_config *c, const char *name, const char **origin)
{
	char key[160];
	snprintf(key, sizeof(key), "destination.athena.credentials.%s", name);
	const char *v = ll_config_get(c, key, origin);
	if (v)
		return v;
	snprintf(key, sizeof(key), "destination.filesystem.credentials.%s", name);
	return ll_config_get(c, key, origin);
}

bool ll_config_force_iceberg(const ll_config *c)
{
	const char *v = ll_config_get(c, "destination.athena.force_iceberg", NULL);
	return v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0);
}

ll_status ll_config_compact_after_delete_files(const ll_config *c, int64_t *out, ll_error *err)
{
	const char *origin = NULL;
	const char *v = ll_config_get(c, "load.compact_after_delete_files", &origin);
	*out = 0;
	if (!v)
		return LL_OK;
	char *end = NULL;
	long long n = *v >= '0' && *v <= '9' ? strtoll(v, &end, 10) : -1;
	if (n < 0 || *end)
		return ll_error_set(err, LL_EINVAL, "%s: load.compact_after_delete_files = \"%s\": give a "
				    "whole number of delete files (0: never compact)",
				    origin ? origin : "configuration", v);
	*out = n == 0 ? LL_COMPACT_NEVER : n;
	return LL_OK;
}
