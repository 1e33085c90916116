# Shared by the test_athena_*.sh tests: an S3 emulator (s3rver) and a Glue
# and Athena emulator (moto's server, from the python3 first on PATH) on free
# ports of 127.0.0.1, both stopped when the test ends. Without moto the test
# skips (exit 77); a test that sets NO_MOTO=1 first needs only S3. A() runs
# lakeload with --destination athena on the S3 lake, L() with local.
source "$(dirname "$0")/lib.sh"

if [[ -z "${NO_MOTO:-}" ]] && ! python3 -c 'import moto.server' 2>/dev/null; then
	echo "SKIP: moto not available"
	rm -rf "$T"
	exit 77
fi

mkdir -p "$T/s3"
coproc S3 { node "$LL_INTEROP_DIR/s3_server.mjs" "$T/s3" lakeload-e2e; }
read -r -t 60 ready <&"${S3[0]}"
s3_port=$(/usr/bin/python3 -c "import json, sys; print(json.loads(sys.argv[1])['port'])" "$ready")
MOTO_PID=
stop_servers() {
	kill "$S3_PID" 2>/dev/null || true
	[[ -z "$MOTO_PID" ]] || kill "$MOTO_PID" 2>/dev/null || true
}
trap stop_servers EXIT
if [[ -z "${NO_MOTO:-}" ]]; then
	moto_port=$(/usr/bin/python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
	python3 -m moto.server -H 127.0.0.1 -p "$moto_port" >"$T/moto.log" 2>&1 &
	MOTO_PID=$!
	for _ in $(seq 1 100); do
		/usr/bin/python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$moto_port" 2>/dev/null && break
		sleep 0.2
	done
	export AWS_ENDPOINT_URL_GLUE="http://127.0.0.1:$moto_port"
	export AWS_ENDPOINT_URL_ATHENA="http://127.0.0.1:$moto_port"
fi

export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$s3_port"
LAKE="s3://lakeload-e2e/lake"
A() { ll "$@" --lake "$LAKE" --destination athena; }
L() { ll "$@" --lake "$LAKE" --destination local; }
# the embedded engine over the tables Glue lists (moto's Athena runs no SQL)
qa() { A query --engine embedded --format csv "$1" | tail -n +2 | tr -d '\r'; }

# What Glue (moto's, or serve's after start_serve) holds, through boto3:
# "name format location" per table of a database.
glue_tables() {
	/usr/bin/python3 - "$AWS_ENDPOINT_URL_GLUE" "$1" <<'PY'
import boto3, sys
g = boto3.client("glue", endpoint_url=sys.argv[1], aws_access_key_id="S3RVER",
                 aws_secret_access_key="S3RVER", region_name="us-east-1")
for t in g.get_tables(DatabaseName=sys.argv[2])["TableList"]:
    kind = t.get("Parameters", {}).get("table_type", "hive").lower()
    print(t["Name"], kind, t["StorageDescriptor"]["Location"])
PY
}

# lakeload serve (Glue and Athena) over the S3 lake on a free port, stopped
# with the servers; Glue and Athena clients are pointed at it.
start_serve() {
	"$LAKELOAD" serve --port 0 --lake "$LAKE" >"$T/serve.out" 2>"$T/serve.err" &
	SERVE_PID=$!
	trap 'kill "$SERVE_PID" 2>/dev/null || true; stop_servers' EXIT
	for _ in $(seq 1 100); do
		grep -q 'listening on' "$T/serve.out" && break
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	SERVE_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$T/serve.out" || true)
	check_contains "serve prints its URL" "$SERVE_URL" "http://127.0.0.1:"
	export AWS_ENDPOINT_URL_GLUE="$SERVE_URL" AWS_ENDPOINT_URL_ATHENA="$SERVE_URL"
}
