#!/usr/bin/env bash
# `lakeload query` cuts table cells wider than 60 columns to 59 and "…";
# --wide shows them whole, and csv and json never cut.
source "$(dirname "$0")/lib.sh"
long=$(printf 'x%.0s' $(seq 100))
echo "{\"id\":1,\"note\":\"$long\"}" >"$T/notes.ndjson"
ll load "$T/notes.ndjson" --dataset shop --lake "$LAKE" -q
out=$(ll query "SELECT note FROM shop.notes" --lake "$LAKE")
check_contains "table cuts the cell" "$out" " ${long:0:59}…"
check_eq "table does not show it whole" "$([[ $out == *"$long"* ]] && echo whole || echo cut)" cut
out=$(ll query "SELECT note FROM shop.notes" --lake "$LAKE" --wide)
check_contains "--wide shows it whole" "$out" " $long"
check_eq "csv shows it whole" "$(q "SELECT note FROM shop.notes")" "$long"
out=$(ll query "SELECT note FROM shop.notes" --lake "$LAKE" --format json --wide)
check_contains "json shows it whole" "$out" "\"$long\""
finish
