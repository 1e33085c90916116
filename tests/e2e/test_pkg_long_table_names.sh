#!/usr/bin/env bash
# Job files in a package never carry a table's name: a child table whose
# name is 255 characters (plus an extension it would be over NAME_MAX)
# loads.
source "$(dirname "$0")/lib.sh"
key=$(printf 'k%.0s' $(seq 252))
printf '{"id":1,"%s":[1,2,3]}\n' "$key" > "$T/long.ndjson"
ll load "$T/long.ndjson" --dataset lng --table t --lake "$LAKE" -q
check_eq "the child table with a 255-character name is loaded" "$(q "SELECT count(*) FROM lng.t__$key")" "3"
finish
