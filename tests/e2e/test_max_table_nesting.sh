#!/usr/bin/env bash
# max_table_nesting as in dlt's relational normalizer: nested objects and
# lists deeper than the limit are not flattened into columns and child tables
# but kept whole in a json column. A record nested three levels deep, loaded
# with max_table_nesting 1, gives what dlt gives:
#   rec:        id, a__b (json {"c":{"d":1}}), _dlt_load_id, _dlt_id
#   rec__items: x, sub (json), obj (json), _dlt_parent_id, _dlt_list_idx, _dlt_id
# and no rec__items__sub table. With 0 every nested value stays in the root.
source "$(dirname "$0")/lib.sh"
cd "$T"
REC='{"id":1,"a":{"b":{"c":{"d":1}}},"items":[{"x":1,"sub":[{"y":2}],"obj":{"k":{"z":3}}}]}'
echo "$REC" >rec.json

tables() { ls "$LAKE/$1" | grep -v '^_dlt' | tr '\n' ' '; }
header() { "$LAKELOAD" query --lake "$LAKE" --format csv "SELECT * FROM $1" | head -1 | tr -d '\r'; }

ll load rec.json --dataset one --lake "$LAKE" --max-table-nesting 1 -q
check_eq "nesting 1: tables" "$(tables one)" "rec rec__items "
check_eq "nesting 1: root columns" "$(header one.rec)" "id,a__b,_dlt_load_id,_dlt_id"
check_eq "nesting 1: child columns" "$(header one.rec__items)" \
	"x,sub,obj,_dlt_parent_id,_dlt_list_idx,_dlt_id"
check_eq "nesting 1: deeper object kept as json" "$(q "SELECT a__b FROM one.rec")" '"{""c"":{""d"":1}}"'
check_eq "nesting 1: list and object of the child kept as json" \
	"$(q "SELECT json_extract(sub, '\$[0].y'), json_extract(obj, '\$.k.z') FROM one.rec__items")" "2,3"
check_eq "nesting 1: a json column for other tools" \
	"$(duck "SELECT json_extract(a__b, '\$.c.d') FROM $(files_of one rec)")" "1"

# dlt keeps max_table_nesting in the table's schema (x-normalizer), so a
# later load of the table without the hint nests no deeper; a new hint
# replaces it
echo '{"id":2,"x":{"y":{"z":1}},"items":[{"x":2,"deep":{"k":1}}]}' >later.json
ll load later.json --dataset one --table rec --lake "$LAKE" -q
check_eq "a later load keeps nesting 1: tables" "$(tables one)" "rec rec__items "
check_eq "a later load keeps nesting 1: a new deep object is json" \
	"$(q "SELECT x__y FROM one.rec WHERE id = 2")" '"{""z"":1}"'
check_eq "a later load keeps nesting 1: in child tables too" \
	"$(q "SELECT deep FROM one.rec__items WHERE x = 2")" '"{""k"":1}"'
echo '{"id":3,"w":{"y":{"z":1}}}' >deeper.json
ll load deeper.json --dataset one --table rec --lake "$LAKE" --max-table-nesting 3 -q
ll load deeper.json --dataset one --table rec --lake "$LAKE" -q
check_eq "a new hint replaces the kept one" "$(q "SELECT count(w__y__z) FROM one.rec")" "2"

ll load rec.json --dataset none --lake "$LAKE" --max-table-nesting 0 -q
check_eq "nesting 0: only the root table" "$(tables none)" "rec "
check_eq "nesting 0: root columns" "$(header none.rec)" "id,a,items,_dlt_load_id,_dlt_id"

ll load rec.json --dataset full --lake "$LAKE" -q
check_eq "default: every level flattened" "$(tables full)" "rec rec__items rec__items__sub "
check_eq "default: object flattened to its leaf" "$(header full.rec)" "id,a__b__c__d,_dlt_load_id,_dlt_id"

mkdir -p project/data
cp rec.json project/data/
cat >project/pipeline.toml <<'TOML'
[pipeline]
name = "nesting"
dataset_name = "piped"
destination = "local"

[[resources]]
name = "rec"
max_table_nesting = 1
[resources.files]
bucket_url = "data"
file_glob = ["*.json"]
TOML
(cd project && ll run --lake "$LAKE" -q)
check_eq "pipeline.toml max_table_nesting: tables" "$(tables piped)" "rec rec__items "
check_eq "pipeline.toml max_table_nesting: root columns" "$(header piped.rec)" "id,a__b,_dlt_load_id,_dlt_id"

expect_failure "a negative --max-table-nesting" ll load rec.json --dataset bad --lake "$LAKE" --max-table-nesting -1
check_eq "a negative --max-table-nesting is a usage error" "$RC" 2
sed -i 's/max_table_nesting = 1/max_table_nesting = "deep"/' project/pipeline.toml
expect_failure "max_table_nesting not a number" bash -c "cd project && '$LAKELOAD' run --lake '$LAKE'"
check_eq "max_table_nesting not a number is a usage error" "$RC" 2
check_contains "the error names file:line and the key" "$ERR" "pipeline.toml:8"
finish
