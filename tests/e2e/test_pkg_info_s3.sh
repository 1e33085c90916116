#!/usr/bin/env bash
# `lakeload info` reports an Iceberg table's rows and data files from its
# current snapshot on an S3 lake too (the s3rver emulator), reading the
# metadata with the credentials the configuration resolves; without them it
# says the counts are unknown instead of showing 0.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/s3" "$T/work"
cd "$T/work"
coproc S3 { node "$LL_INTEROP_DIR/s3_server.mjs" "$T/s3" lakeload-e2e; }
read -r -t 60 ready <&"${S3[0]}"
port=$(/usr/bin/python3 -c "import json, sys; print(json.loads(sys.argv[1])['port'])" "$ready")
stop_s3() { kill "$S3_PID" 2>/dev/null || true; }
trap stop_s3 EXIT
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
ENDPOINT="http://127.0.0.1:$port"
printf '{"id":%d,"cat":"c%d"}\n' 1 1 2 2 3 3 4 4 5 5 > "$T/f.ndjson"
ll load "$T/f.ndjson" --dataset shop --table t --table-format iceberg --partition cat \
	--lake s3://lakeload-e2e/lake --endpoint-url "$ENDPOINT" -q
counts() { awk '$1 == "shop.t" { print $2, $4 }'; }
check_eq "info on S3: rows and files of the current snapshot" \
	"$(ll info --pipeline shop --endpoint-url "$ENDPOINT" | counts)" "5 5"
out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$T/nohome" "$LAKELOAD" info --pipeline shop 2>&1)
check_eq "without credentials the counts are unknown, not 0" "$(counts <<<"$out")" "? ?"
check_contains "and info says why" "$out" "an S3 lake needs credentials"
finish
