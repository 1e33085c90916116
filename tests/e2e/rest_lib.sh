# Starts rest_server.py for a test (after lib.sh): its folder is $S, its URL
# $BASE, and it is stopped when the test ends, however it ends.
S="$T/server"
mkdir -p "$S"
start_rest_server() {
	/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/rest_server.py" "$S" &
	SERVER=$!
	trap 'kill $SERVER 2>/dev/null || true; if [[ -z $FINISHED ]]; then echo "test files kept in $T" >&2; fi' EXIT
	for _ in $(seq 100); do [[ -f $S/port ]] && break; sleep 0.1; done
	BASE="http://127.0.0.1:$(cat "$S/port")"
}

# Starts the server with two events and enters $T/project, a dlt project
# whose lake is ./lake ($LAKE) and whose shop_api source's base_url is the
# server's.
start_rest_project() {
	mkdir -p "$T/project/.dlt"
	echo '[{"id":1,"updated_at":"2024-01-01"},{"id":2,"updated_at":"2024-01-02"}]' >"$S/events.json"
	start_rest_server
	cd "$T/project"
	LAKE="$T/project/lake"
	printf '[destination.filesystem]\nbucket_url = "lake"\n' >.dlt/config.toml
	export SOURCES__SHOP_API__BASE_URL="$BASE"
}
