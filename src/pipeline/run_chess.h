/*
 * The chess source, as dlt's verified chess source: the public chess.com
 * API (base_url https://api.chess.com/pub/, settings in [sources.chess]:
 * players, start_month, end_month, base_url).
 *
 *   players_profiles  GET player/{username} for each player
 *   players_archives  GET player/{username}/games/archives: one row per
 *                     monthly archive URL (column value)
 *   players_games     the games of each archive between start_month and
 *                     end_month ("YYYY/MM") that no earlier load fetched;
 *                     the archives loaded are kept in the pipeline state
 *                     (sources.chess.resources.players_games.archives)
 */
#ifndef LL_PIPELINE_RUN_CHESS_H
#define LL_PIPELINE_RUN_CHESS_H

#include <jansson.h>

#include "pipeline/run_rest.h"

/**
 * Pushes the records of chess resource res into l. For players_games,
 * archives is the state's list of loaded archive URLs: the archives read
 * now are appended to it.
 */
ll_status ll_chess_push(const ll_pipeline_file *f, const ll_plan_resource *res,
			ll_source_config *cfg, const ll_logger *logger, json_t *archives, ll_load *l,
			ll_error *err);

#endif
