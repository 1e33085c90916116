#!/usr/bin/env bash
# `lakeload init SOURCE DESTINATION`: the files a dlt user expects, valid TOML
# (read back by Python's tomllib), the Athena secrets template of dlt's page,
# no overwriting without --force, and usage errors with exit status 2.
source "$(dirname "$0")/lib.sh"

toml_ok() { /usr/bin/python3 -c 'import sys, tomllib
for f in sys.argv[1:]:
    tomllib.load(open(f, "rb"))' "$@"; }
# A value from a TOML file, by a dotted path (list items by index).
toml_get() { /usr/bin/python3 -c 'import sys, tomllib
v = tomllib.load(open(sys.argv[1], "rb"))
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1" "$2"; }

for source in chess rest_api filesystem; do
	for dest in athena local; do
		D="$T/$source-$dest"
		mkdir "$D"
		out=$(cd "$D" && ll init "$source" "$dest")
		check_contains "$source $dest: next steps" "$out" "lakeload run pipeline.toml"
		if toml_ok "$D/.dlt/config.toml" "$D/.dlt/secrets.toml" "$D/pipeline.toml"; then
			PASS=$((PASS + 1))
		else
			FAIL=$((FAIL + 1))
			echo "FAIL $source $dest: TOML that tomllib rejects" >&2
		fi
		check_eq "$source $dest: destination" "$(toml_get "$D/pipeline.toml" pipeline.destination)" "$dest"
		check_eq "$source $dest: .gitignore" "$(grep -c '^.dlt/secrets.toml$' "$D/.gitignore")" 1
		# lakeload reads what it wrote without a warning
		cfg=$(cd "$D" && ll config show 2>&1)
		if [[ $cfg == *warning* ]]; then
			FAIL=$((FAIL + 1))
			echo "FAIL $source $dest: config show warns: $cfg" >&2
		else
			PASS=$((PASS + 1))
		fi
	done
done

# chess: the resources and settings of dlt's verified chess source
D="$T/chess-athena"
check_eq "chess dataset" "$(toml_get "$D/pipeline.toml" pipeline.dataset_name)" chess_data
check_eq "chess resources" "$(/usr/bin/python3 -c 'import sys, tomllib
print(" ".join(r["name"] for r in tomllib.load(open(sys.argv[1], "rb"))["resources"]))' "$D/pipeline.toml")" \
	"players_profiles players_archives players_games"
check_eq "chess base_url" "$(toml_get "$D/.dlt/config.toml" sources.chess.base_url)" "https://api.chess.com/pub/"
check_contains "chess players" "$(toml_get "$D/.dlt/config.toml" sources.chess.players)" "magnuscarlsen"

# athena: the template of dlt's Athena destination page, line for line
for line in 'aws_access_key_id = "please set me up!" # copy the access key here' \
	'region_name="please set me up!" # set your AWS region, for example "eu-central-1" for Frankfurt' \
	'query_result_bucket="s3://[results_bucket_name]" # replace with your query results bucket name'; do
	check_contains "athena secrets" "$(cat "$D/.dlt/secrets.toml")" "$line"
done
check_eq "athena secret placeholders" "$(grep -c 'please set me up!' "$D/.dlt/secrets.toml")" 5
check_eq "athena region placeholder" \
	"$(toml_get "$D/.dlt/secrets.toml" destination.athena.credentials.region_name)" "please set me up!"
check_eq "local lake" "$(toml_get "$T/chess-local/.dlt/config.toml" destination.filesystem.bucket_url)" lake
check_eq "local has no AWS secrets" "$(grep -c 'aws_' "$T/chess-local/.dlt/secrets.toml" || true)" 0

# existing files are not overwritten
echo '# mine' >"$D/pipeline.toml"
expect_failure "init over existing files" bash -c "cd '$D' && '$LAKELOAD' init chess athena"
check_eq "exit status when files exist" "$RC" 2
check_contains "names the file" "$ERR" "pipeline.toml exists already"
check_contains "suggests --force" "$ERR" "--force"
check_eq "file kept" "$(cat "$D/pipeline.toml")" "# mine"
(cd "$D" && ll init rest_api athena --force >/dev/null)
check_eq "--force overwrites" "$(toml_get "$D/pipeline.toml" resources.0.name)" posts
check_eq ".gitignore entry not repeated" "$(grep -c '^.dlt/secrets.toml$' "$D/.gitignore")" 1

# usage errors
expect_failure "unknown source" ll init nosuch athena
check_eq "unknown source status" "$RC" 2
check_contains "unknown source message" "$ERR" 'unknown source "nosuch"'
expect_failure "unknown destination" ll init chess bigquery
check_eq "unknown destination status" "$RC" 2
expect_failure "missing destination" ll init chess
check_eq "missing destination status" "$RC" 2
list=$(ll init --list-sources)
for s in chess rest_api filesystem; do
	check_contains "--list-sources" "$list" "$s"
done
check_contains "init --help" "$(ll init --help)" "usage: lakeload init"

finish
