#!/usr/bin/env bash
# Malformed input fails the load with file:line:column and makes nothing of
# that load visible; the committed data stays as it was; a corrected rerun
# loads normally.
source "$(dirname "$0")/lib.sh"
L() { ll load "$@" --dataset shop --table events --lake "$LAKE" -q; }

printf '{"id": 1, "name": "ok"}\n{"id": 2, "name": "ok"}\n' > "$T/good.ndjson"
L "$T/good.ndjson"

bad() { # name, file content, expected location, expected message part
	printf '%b' "$2" > "$T/$1.ndjson"
	expect_failure "$1 fails" ll load "$T/$1.ndjson" --dataset shop --table events --lake "$LAKE" -q
	check_contains "$1 location" "$ERR" "$T/$1.ndjson:$3"
	check_contains "$1 message" "$ERR" "$4"
	check_eq "$1 exit status" "$RC" "1"
	check_eq "$1 nothing visible" "$(q 'SELECT count(*) FROM shop.events')" "2"
	check_eq "$1 no load recorded" "$(q 'SELECT count(*) FROM shop._dlt_loads')" "1"
}

bad truncated '{"id": 3, "name": "a"}\n{"id": 4, "name": "b' "2:" "end of input"
bad bad_utf8 '{"id": 3, "name": "a"}\n{"id": 4, "name": "\xff"}\n' "2:" "UTF-8"
bad bad_escape '{"id": 3, "name": "a\\q"}\n' "1:" "escape"
bad nan '{"id": 3, "name": "a"}\n{"id": 4, "x": NaN}\n' "2:" "NaN"
bad huge_number '{"id": 3}\n{"id": 4}\n{"id": 5, "x": 1e400}\n' "3:" "out of range"
bad trailing_comma '{"id": 3, "name": "a",}\n' "1:23" "trailing comma"

# a malformed record after many good ones: none of the good ones become visible either
/usr/bin/python3 -c "
import json
for i in range(5000): print(json.dumps({'id': 100 + i, 'name': 'n%d' % i, 'tags': ['a', 'b']}))
print('{\"id\": 1, \"name\": }')" > "$T/late.ndjson"
expect_failure "late error fails" ll load "$T/late.ndjson" --dataset shop --table events --lake "$LAKE" -q
check_contains "late error location" "$ERR" "late.ndjson:5001:"
check_eq "late error nothing visible" "$(q 'SELECT count(*) FROM shop.events')" "2"
check_eq "late error no child rows" "$(duck "SELECT count(*) FROM glob('$LAKE/shop/events__tags/*.parquet')")" "0"
check_eq "no package left in extracting" "$(find "$LAKELOAD_HOME/pipelines/shop/load" -path '*extracting/*' -name '*.parquet' | wc -l)" "0"

# a corrected file loads, and the pipeline continues normally
L "$T/good.ndjson"
check_eq "rerun after errors" "$(q 'SELECT count(*) FROM shop.events')" "4"

expect_failure "missing file" ll load "$T/nope.ndjson" --dataset shop --table events --lake "$LAKE"
check_contains "missing file message" "$ERR" "nope.ndjson"
expect_failure "missing dataset" ll load "$T/good.ndjson" --table events --lake "$LAKE"
check_contains "missing dataset message" "$ERR" "--dataset"
finish
