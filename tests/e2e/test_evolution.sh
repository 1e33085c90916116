#!/usr/bin/env bash
# Schema evolution across loads, variant columns on type conflicts, and the
# name-collision rule: two source names that normalize to one column fail
# the load naming both.
source "$(dirname "$0")/lib.sh"
L() { ll load "$@" --dataset shop --table users --lake "$LAKE" -q; }

echo '{"id": 1, "name": "a"}' > "$T/v1.ndjson"
L "$T/v1.ndjson"
echo '{"id": 2, "name": "b", "age": 30, "address": {"city": "Oslo"}}' > "$T/v2.ndjson"
L "$T/v2.ndjson"
check_eq "new columns" "$(q 'SELECT id, age, address__city FROM shop.users ORDER BY id')" $'1,,\n2,30,Oslo'
check_eq "old file reads null via duckdb" \
	"$(duck "SELECT id, age FROM $(files_of shop users) ORDER BY id")" $'1,\n2,30'

# a value that does not fit the column's type goes to a variant column
echo '{"id": "three", "name": "c", "age": "old"}' > "$T/v3.ndjson"
L "$T/v3.ndjson"
check_eq "variant column" "$(q "SELECT age__v_text FROM shop.users WHERE name = 'c'")" "old"
check_eq "variant for id" "$(q "SELECT id__v_text FROM shop.users WHERE name = 'c'")" "three"
check_eq "coercion keeps type" "$(q "SELECT typeof(age) FROM shop.users WHERE id = 2")" "integer"

# naming: camelCase and spaces become snake_case
echo '{"id": 4, "userName": "d", "Zip Code": "0150"}' > "$T/v4.ndjson"
L "$T/v4.ndjson"
check_eq "snake_case names" "$(q "SELECT user_name, zip_code FROM shop.users WHERE id = 4")" "d,0150"

# collisions fail naming both source keys, and nothing of that load is visible
printf '{"id": 6, "Name": "x", "name": "y"}\n' > "$T/collide.ndjson"
expect_failure "collision in one record" ll load "$T/collide.ndjson" --dataset shop --table users --lake "$LAKE"
check_contains "collision names both" "$ERR" "Name"
check_contains "collision names column" "$ERR" "name"
check_contains "collision location" "$ERR" "collide.ndjson:1:"
# two records of one load: the second spelling of user_name collides with the first
printf '{"id": 7, "userName": "z"}\n{"id": 8, "UserName": "w"}\n' > "$T/collide2.ndjson"
expect_failure "collision across records" ll load "$T/collide2.ndjson" --dataset shop --table users --lake "$LAKE"
check_contains "collision across records names both" "$ERR" "UserName"
check_contains "collision across records location" "$ERR" "collide2.ndjson:2:"
# across loads a column is matched by its normalized name, as dlt does
printf '{"id": 9, "UserName": "v"}\n' > "$T/later.ndjson"
L "$T/later.ndjson"
check_eq "later load writes the existing column" "$(q "SELECT user_name FROM shop.users WHERE id = 9")" "v"
check_eq "nothing visible after collisions" "$(q 'SELECT count(*) FROM shop.users WHERE id IS NOT 9')" "4"

# a time column hint fails the job permanently, telling what to do
echo '{"id": 8, "at": "10:30:00"}' > "$T/time.ndjson"
expect_failure "time column" ll load "$T/time.ndjson" --dataset shop --table times --lake "$LAKE" --column at:time
check_contains "time message" "$ERR" "convert"
check_contains "time names column" "$ERR" "at"

# column hints set types
echo '{"id": 9, "price": "12.50", "day": "2024-03-01", "meta": {"a": [1, 2]}}' > "$T/hints.ndjson"
ll load "$T/hints.ndjson" --dataset shop --table hinted --lake "$LAKE" -q \
	--column 'price:decimal(10,2)' --column meta:json
check_eq "decimal hint" "$(q 'SELECT price FROM shop.hinted')" "12.50"
check_eq "json hint keeps nested value" "$(q 'SELECT meta FROM shop.hinted')" '"{""a"":[1,2]}"'
# dlt's default detections leave a date-only string text; --detect date makes it a date
check_eq "date stays text" "$(duck "SELECT typeof(day) FROM $(files_of shop hinted)")" "VARCHAR"
echo '{"id": 10, "day": "2024-03-01", "at": "2024-03-01 10:30"}' > "$T/dates.ndjson"
ll load "$T/dates.ndjson" --dataset shop --table dated --lake "$LAKE" -q --detect date
check_eq "date detected on request" "$(duck "SELECT typeof(day), typeof(\"at\") FROM $(files_of shop dated)")" \
	"DATE,TIMESTAMP WITH TIME ZONE"
expect_failure "unknown detection" ll load "$T/dates.ndjson" --dataset shop --table dated2 --lake "$LAKE" --detect dates
check_contains "detection message" "$ERR" "use date or timestamp"
# the same as dlt's setting: [normalize] detections replaces the default list
mkdir -p "$T/cfg"
printf '[normalize]\ndetections = ["iso_date"]\n' > "$T/cfg/config.toml"
ll load "$T/dates.ndjson" --dataset shop --table dated_cfg --lake "$LAKE" -q --config-dir "$T/cfg"
check_eq "detections from config.toml" "$(duck "SELECT typeof(day), typeof(\"at\") FROM $(files_of shop dated_cfg)")" \
	"DATE,VARCHAR"
NORMALIZE__DETECTIONS='[]' ll load "$T/dates.ndjson" --dataset shop --table dated_env --lake "$LAKE" -q
check_eq "no detections from the environment" "$(duck "SELECT typeof(day), typeof(\"at\") FROM $(files_of shop dated_env)")" \
	"VARCHAR,VARCHAR"
check_eq "decimal via duckdb" "$(duck "SELECT typeof(price), price FROM $(files_of shop hinted)")" "DECIMAL(10,2),12.50"
finish
