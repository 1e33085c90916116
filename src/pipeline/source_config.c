/*
 * Source settings from the environment and the .dlt files; see
 * source_config.h.
 */
#include "pipeline/source_config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/fs.h"

/* The [sources.<name>] table of dir/file, NULL when the file or table is absent. */
static ll_status read_section(ll_source_config *c, const char *dir, const char *file,
			      const ll_toml_value **out, ll_error *err)
{
	ll_buf path = LL_BUF_INIT, text = LL_BUF_INIT;
	ll_path_join(&path, dir ? dir : ".dlt", file);
	*out = NULL;
	ll_status st = ll_fs_read_all(ll_buf_cstr(&path), &text, err);
	const ll_toml_value *root = NULL;
	if (st == LL_ENOTFOUND)
		st = LL_OK;
	else if (st == LL_OK)
		st = ll_toml_parse(text.data ? text.data : "", text.len, path.data, &c->arena, &root, err);
	const ll_toml_value *sources = root ? ll_toml_get(root, "sources") : NULL;
	const ll_toml_value *section = sources ? ll_toml_get(sources, c->name) : NULL;
	if (section && section->kind == LL_TOML_TABLE)
		*out = section;
	ll_buf_free(&path);
	ll_buf_free(&text);
	return st;
}

ll_status ll_source_config_open(ll_source_config *c, const char *dir, const char *name,
				ll_error *err)
{
	memset(c, 0, sizeof(*c));
	ll_arena_init(&c->arena, 0);
	c->name = name;
	ll_status st = read_section(c, dir, "secrets.toml", &c->secrets, err);
	if (st == LL_OK)
		st = read_section(c, dir, "config.toml", &c->config, err);
	return st;
}

void ll_source_config_close(ll_source_config *c)
{
	ll_arena_free(&c->arena);
}

static const char *scalar_text(ll_source_config *c, const ll_toml_value *v)
{
	switch (v ? v->kind : 0) {
	case LL_TOML_STRING:
		return v->u.s.ptr;
	case LL_TOML_INTEGER:
		snprintf(c->text, sizeof(c->text), "%lld", (long long)v->u.i);
		return c->text;
	case LL_TOML_FLOAT:
		snprintf(c->text, sizeof(c->text), "%.17g", v->u.d);
		return c->text;
	case LL_TOML_BOOL:
		return v->u.b ? "true" : "false";
	default:
		return NULL;
	}
}

/* SOURCES__<NAME>__<KEY> */
static const char *env_value(const ll_source_config *c, const char *key)
{
	char env[256];
	size_t o = (size_t)snprintf(env, sizeof(env), "SOURCES__%s__%s", c->name, key);
	for (size_t i = 0; i < o && i < sizeof(env); i++)
		env[i] = (char)toupper((unsigned char)env[i]);
	return o < sizeof(env) ? getenv(env) : NULL;
}

const char *ll_source_config_get(ll_source_config *c, const char *key)
{
	const char *v = env_value(c, key);
	if (v)
		return v;
	v = scalar_text(c, c->secrets ? ll_toml_get(c->secrets, key) : NULL);
	return v ? v : scalar_text(c, c->config ? ll_toml_get(c->config, key) : NULL);
}

/* Splits an environment value: a JSON-like ["a", "b"] or a,b. */
static ll_status split_env_list(ll_source_config *c, const char *v, const char ***items, size_t *n,
				ll_error *err)
{
	size_t cap = 1;
	for (const char *p = v; *p; p++)
		cap += *p == ',';
	const char **list = ll_arena_alloc(&c->arena, (cap + 1) * sizeof(*list));
	if (!list)
		return ll_error_oom(err);
	size_t count = 0;
	for (const char *p = v; *p;) {
		size_t len = strcspn(p, ",");
		const char *s = p, *e = p + len;
		while (s < e && strchr(" \t[\"'", *s))
			s++;
		while (e > s && strchr(" \t]\"'", e[-1]))
			e--;
		if (e > s && !(list[count++] = ll_arena_strndup(&c->arena, s, (size_t)(e - s))))
			return ll_error_oom(err);
		p += len + (p[len] == ',');
	}
	list[count] = NULL;
	*items = list;
	*n = count;
	return LL_OK;
}

ll_status ll_source_config_get_list(ll_source_config *c, const char *key, const char ***items,
				    size_t *n, ll_error *err)
{
	*items = NULL;
	*n = 0;
	const char *v = env_value(c, key);
	if (v)
		return split_env_list(c, v, items, n, err);
	const ll_toml_value *t = c->secrets ? ll_toml_get(c->secrets, key) : NULL;
	if (!t && c->config)
		t = ll_toml_get(c->config, key);
	if (!t)
		return LL_OK;
	if (t->kind == LL_TOML_STRING)
		return split_env_list(c, t->u.s.ptr, items, n, err);
	const char **list = t->kind == LL_TOML_ARRAY
				    ? ll_arena_alloc(&c->arena, (t->u.arr.count + 1) * sizeof(*list))
				    : NULL;
	if (t->kind != LL_TOML_ARRAY)
		return ll_error_set(err, LL_EINVAL, "sources.%s.%s must be a list of strings", c->name, key);
	if (!list)
		return ll_error_oom(err);
	for (size_t i = 0; i < t->u.arr.count; i++) {
		if (t->u.arr.items[i]->kind != LL_TOML_STRING)
			return ll_error_set(err, LL_EINVAL, "sources.%s.%s must be a list of strings",
					    c->name, key);
		list[i] = t->u.arr.items[i]->u.s.ptr;
	}
	list[t->u.arr.count] = NULL;
	*items = list;
	*n = t->u.arr.count;
	return LL_OK;
}

static bool secret_key(const char *key)
{
	return strcmp(key, "token") == 0 || strcmp(key, "api_key") == 0 ||
	       strcmp(key, "password") == 0;
}

/* Where key's value comes from, in the order ll_source_config_get looks. */
static const char *origin(const ll_source_config *c, const char *key)
{
	if (env_value(c, key))
		return "environment";
	if (c->secrets && ll_toml_get(c->secrets, key))
		return "secrets.toml";
	if (c->config && ll_toml_get(c->config, key))
		return "config.toml";
	return NULL;
}

ll_status ll_source_config_show(ll_source_config *c, const char *const *keys, FILE *out,
				ll_error *err)
{
	for (size_t k = 0; keys[k]; k++) {
		const char *from = origin(c, keys[k]);
		fprintf(out, "sources.%s.%s = ", c->name, keys[k]);
		const ll_toml_value *t = NULL;
		if (from && !env_value(c, keys[k]))
			t = ll_toml_get(c->secrets && ll_toml_get(c->secrets, keys[k]) ? c->secrets : c->config,
					keys[k]);
		if (!from)
			fprintf(out, "(unset)");
		else if (secret_key(keys[k]))
			fprintf(out, "****");
		else if (t && t->kind == LL_TOML_ARRAY) {
			const char **items;
			size_t n;
			ll_status st = ll_source_config_get_list(c, keys[k], &items, &n, err);
			if (st != LL_OK)
				return st;
			for (size_t i = 0; i < n; i++)
				fprintf(out, "%s%s", i ? ", " : "", items[i]);
		} else {
			fprintf(out, "%s", ll_source_config_get(c, keys[k]));
		}
		if (from)
			fprintf(out, "  (%s)", from);
		fputc('\n', out);
	}
	return LL_OK;
}
