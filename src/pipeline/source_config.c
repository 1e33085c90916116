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

const char *ll_source_config_get(ll_source_config *c, const char *key)
{
	char env[256];
	size_t o = (size_t)snprintf(env, sizeof(env), "SOURCES__%s__%s", c->name, key);
	for (size_t i = 0; i < o && i < sizeof(env); i++)
		env[i] = (char)toupper((unsigned char)env[i]);
	const char *v = o < sizeof(env) ? getenv(env) : NULL;
	if (v)
		return v;
	v = scalar_text(c, c->secrets ? ll_toml_get(c->secrets, key) : NULL);
	return v ? v : scalar_text(c, c->config ? ll_toml_get(c->config, key) : NULL);
}
