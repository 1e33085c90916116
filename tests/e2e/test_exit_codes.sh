#!/usr/bin/env bash
# Every command exits 0 on success, 1 when the operation fails, and 2 for a
# usage or configuration error (an unknown option, an option without its
# value, an unreadable .dlt/config.toml).
source "$(dirname "$0")/lib.sh"
cd "$T"

# exit status of lakeload with these arguments, its output discarded
status() {
	local rc=0
	"$LAKELOAD" "$@" >/dev/null 2>&1 </dev/null || rc=$?
	echo "$rc"
}

COMMANDS=(load query info run delete history drop-pending drop-table config init dbt-profile serve)
for cmd in "${COMMANDS[@]}"; do
	check_eq "$cmd with an unknown option exits 2" "$(status "$cmd" --no-such-option)" 2
	# an option that takes a value, given last without one (init has none)
	opt=--lake
	[[ $cmd == init ]] && opt=--destination
	[[ $cmd == serve ]] && opt=--port
	check_eq "$cmd $opt without a value exits 2" "$(status "$cmd" "$opt")" 2
done

echo '{"id":1}' >events.ndjson
check_eq "load succeeds" "$(status load events.ndjson --dataset shop --lake "$LAKE")" 0
check_eq "query succeeds" "$(status query "SELECT * FROM shop.events" --lake "$LAKE")" 0

# runtime failures
check_eq "load of a missing file exits 1" "$(status load missing.ndjson --dataset shop --lake "$LAKE")" 1
check_eq "query of an unknown table exits 1" "$(status query "SELECT * FROM shop.nosuch" --lake "$LAKE")" 1
check_eq "info of an unknown pipeline exits 1" "$(status info --pipeline nosuch)" 1
check_eq "delete in an unknown table exits 1" "$(status delete shop.nosuch --where "id = 1" --lake "$LAKE")" 1
check_eq "history of an unknown table exits 1" "$(status history shop.nosuch --lake "$LAKE")" 1
check_eq "drop-pending of an unknown pipeline exits 1" "$(status drop-pending --pipeline nosuch)" 1
check_eq "drop-table of an unknown table exits 1" "$(status drop-table shop.nosuch --lake "$LAKE")" 1

mkdir -p run/data
echo '{"id":' >run/data/bad.ndjson
cat >run/pipeline.toml <<'TOML'
[pipeline]
name = "exits"
dataset_name = "exits"
destination = "local"

[[resources]]
name = "events"
[resources.files]
bucket_url = "data"
file_glob = ["*.ndjson"]
TOML
check_eq "run of a malformed input file exits 1" "$(cd run && status run --lake "$LAKE")" 1

mkdir init && touch init/.dlt
check_eq "init that cannot write .dlt/ exits 1" "$(cd init && status init chess local)" 1

mkdir -p dbt/profiles.yml
check_eq "dbt-profile that cannot write profiles.yml exits 1" \
	"$(cd dbt && status dbt-profile --write --destination local --dataset shop)" 1

# serve on a port another process holds
busy_port_log="$T/busy_port"
/usr/bin/python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(600)' >"$busy_port_log" &
holder=$!
for _ in $(seq 100); do [[ -s $busy_port_log ]] && break; sleep 0.1; done
check_eq "serve on a port in use exits 1" \
	"$(status serve --port "$(cat "$busy_port_log")" --lake "$LAKE" --access-key-id id --secret-access-key secret)" 1
kill "$holder"
wait "$holder" 2>/dev/null || true

# configuration errors
mkdir -p conf/.dlt
echo '[destination' >conf/.dlt/config.toml
for args in "query SELECT\ 1" "config show" "load ../events.ndjson --dataset shop" "serve --port 0"; do
	check_eq "$args with a malformed config.toml exits 2" "$(cd conf && eval status $args)" 2
done
check_eq "a missing --config-dir exits 2" "$(status query "SELECT 1" --config-dir nosuch)" 2
finish
