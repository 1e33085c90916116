#!/usr/bin/env bash
# libcurl and libmicrohttpd are opened when a command first needs them, not
# at process start (src/lazy): a load into a local lake and --version never
# map them (the dynamic loader's own log says which files it opened), and a
# load into an S3 lake opens libcurl and reports libcurl's own words for a
# refused connection. That HTTP works through them is what the S3, Glue,
# REST and serve tests check.
source "$(dirname "$0")/lib.sh"

# the libraries the dynamic loader opened for a command (its stderr, LD_DEBUG=files)
opened() { LD_DEBUG=files "$@" 2>&1 >/dev/null | sed -n 's/.*file=\([^ ]*\) .*/\1/p' | sort -u; }

printf '%s\n' '{"id":1,"name":"a"}' '{"id":2,"name":"b"}' > "$T/two.ndjson"
libs=$(opened "$LAKELOAD" load "$T/two.ndjson" --dataset shop --table people --lake "$LAKE" \
	--table-format iceberg -q)
check_contains "a local load opens SQLite" "$libs" "libsqlite3"
check_eq "a local load opens no libcurl" "$(grep -c curl <<<"$libs" || true)" "0"
check_eq "a local load opens no libmicrohttpd" "$(grep -c microhttpd <<<"$libs" || true)" "0"
check_eq "the load is in" "$(q 'SELECT count(*) FROM shop.people')" "2"
check_eq "--version opens no libcurl" "$(opened "$LAKELOAD" --version | grep -c curl || true)" "0"

# a port nothing listens on: the S3 upload fails with libcurl's message
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
LD_DEBUG=files "$LAKELOAD" load "$T/two.ndjson" --dataset remote --table people \
	--lake s3://lakeload-e2e/lake --endpoint-url "http://127.0.0.1:$port" -q >"$T/s3.out" 2>&1 &&
	rc=0 || rc=$?
check_eq "the S3 load fails" "$rc" "1"
check_contains "libcurl opened when S3 is used" "$(cat "$T/s3.out")" "file=libcurl.so"
check_contains "libcurl's error reaches the user" "$(cat "$T/s3.out")" "Couldn't connect to server"

finish
