/*
 * The chess source; see run_chess.h. Each resource is a chain of requests
 * (ll_rest_chain) whose paths come from the players list or, for games,
 * from the archives of each player.
 */
#include "pipeline/run_chess.h"

#include <stdlib.h>
#include <string.h>

#include "extract/rest_http.h"

typedef struct chess {
	const ll_pipeline_file *f;
	ll_source_config *cfg;
	const ll_logger *logger;
	const char **players;
	size_t nplayers, next_player;
	const char *suffix;        /* "" profiles, "/games/archives" archives */
	/* players_games: the archives chain it reads URLs from */
	ll_plan_resource archives_res;
	ll_record_source *archives;
	ll_arena arena;
	const char *start_month, *end_month;
	json_t *loaded;            /* archive URLs loaded before and now */
} chess;

static ll_status next_player_path(void *user, ll_buf *path, ll_error *err)
{
	chess *c = user;
	if (c->next_player == c->nplayers)
		return LL_OK;
	ll_buf_puts(path, "player/");
	ll_rest_url_encode(path, c->players[c->next_player++]);
	ll_buf_puts(path, c->suffix);
	return ll_buf_oom(path) ? ll_error_oom(err) : LL_OK;
}

static bool archive_loaded(const json_t *loaded, const char *url)
{
	size_t i;
	json_t *v;
	json_array_foreach(loaded, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), url) == 0)
			return true;
	return false;
}

/* The next archive URL within the months asked for and not loaded before. */
static ll_status next_archive_path(void *user, ll_buf *path, ll_error *err)
{
	chess *c = user;
	for (;;) {
		const ll_json_value *rec;
		uint64_t line, column;
		ll_arena_reset(&c->arena);
		ll_status st = c->archives->next(c->archives->user, &c->arena, &rec, &line, &column, err);
		if (st != LL_OK || !rec)
			return st;
		const ll_json_value *url = ll_json_get(rec, "value");
		if (!url || url->kind != LL_JSON_STRING || url->u.s.len < 7)
			return ll_error_set(err, LL_EFORMAT, "chess: an archive of %s is not a URL ending "
					    "in YYYY/MM", c->archives->name);
		const char *month = url->u.s.ptr + url->u.s.len - 7;
		if ((c->start_month && strcmp(month, c->start_month) < 0) ||
		    (c->end_month && strcmp(month, c->end_month) > 0) ||
		    archive_loaded(c->loaded, url->u.s.ptr))
			continue;
		if (json_array_append_new(c->loaded, json_string(url->u.s.ptr)) != 0)
			return ll_error_oom(err);
		ll_buf_append(path, url->u.s.ptr, url->u.s.len);
		return ll_buf_oom(path) ? ll_error_oom(err) : LL_OK;
	}
}

/* res as a chain of single-page requests whose records are at selector. */
static ll_plan_resource chain_resource(const ll_plan_resource *res, const char *selector)
{
	ll_plan_resource r = *res;
	r.has_endpoint = true;
	r.endpoint = (ll_plan_endpoint){ .path = "", .data_selector = selector, .has_paginator = true };
	r.endpoint.paginator.kind = LL_PAGE_SINGLE;
	return r;
}

ll_status ll_chess_push(const ll_pipeline_file *f, const ll_plan_resource *res,
			ll_source_config *cfg, const ll_logger *logger, json_t *archives, ll_load *l,
			ll_error *err)
{
	chess c = { .f = f, .cfg = cfg, .logger = logger, .loaded = archives, .suffix = "" };
	ll_arena_init(&c.arena, 0);
	ll_status st = ll_source_config_get_list(cfg, "players", &c.players, &c.nplayers, err);
	if (st == LL_OK && c.nplayers == 0)
		st = ll_error_set(err, LL_EINVAL, "the chess source needs players: set players = [...] "
				  "in [sources.chess] of .dlt/config.toml or SOURCES__CHESS__PLAYERS");
	/* copied: the next lookup may reuse the text of the last */
	const char *start = ll_source_config_get(cfg, "start_month");
	char *start_copy = start ? strdup(start) : NULL;
	c.start_month = start_copy;
	c.end_month = ll_source_config_get(cfg, "end_month");
	const char *base = ll_source_config_get(cfg, "base_url");
	char *base_copy = strdup(base ? base : f->rest.base_url);
	if (st == LL_OK && ((start && !start_copy) || !base_copy))
		st = ll_error_oom(err);
	bool games = strcmp(res->name, "players_games") == 0;
	bool list = games || strcmp(res->name, "players_archives") == 0;
	if (list)
		c.suffix = "/games/archives";
	ll_plan_resource main_res = chain_resource(res, games ? "games" : list ? "archives" : NULL);
	c.archives_res = chain_resource(res, "archives");
	ll_rest_chain *outer = NULL, *archive_chain = NULL;
	ll_record_source *src = NULL;
	if (st == LL_OK && games)
		st = ll_rest_chain_open(f, &c.archives_res, cfg, logger, next_player_path, &c,
					&archive_chain, &c.archives, err);
	if (st == LL_OK)
		st = ll_rest_chain_open(f, &main_res, cfg, logger,
					games ? next_archive_path : next_player_path, &c, &outer, &src, err);
	if (st == LL_OK)
		st = ll_load_set_input(l, base_copy, NULL, err);
	if (st == LL_OK)
		st = ll_load_push_source(l, src, err);
	ll_rest_chain_close(outer);
	ll_rest_chain_close(archive_chain);
	ll_arena_free(&c.arena);
	free(start_copy);
	free(base_copy);
	return st;
}
