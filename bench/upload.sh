#!/usr/bin/env bash
# Upload throughput to the s3rver emulator: lakeload's storage layer
# (bench/upload, ll_storage_put_file) against boto3's upload_file with its
# default TransferConfig, on the same files, same server, one run each.
#
#   bench/upload.sh [BUILD_DIR]        (BUILD_DIR defaults to build)
#
# The files are random bytes (from /dev/urandom), sized like a lake's
# Parquet files: UPLOAD_LARGE files of 128 MiB (multipart uploads for both
# tools) and UPLOAD_SMALL files of 16 MiB (one PUT for lakeload, 8 MiB parts
# for boto3); defaults 4 and 32, 1 GiB in all. Content does not change
# what either tool does with a file. s3rver stores objects on the local disk
# in a single node process, so the figures are the emulator's ceiling as much
# as the clients'; they compare the clients on equal terms, not S3's speed.
#
# It builds nothing: bench/upload comes from BUILD_DIR/bench. It prints
# results only; RESULTS.md is written by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
[[ -d $build ]] || { echo "upload: no build directory '$build'" >&2; exit 1; }
build=$(cd "$build" && pwd)
uploader=$build/bench/upload
[[ -x $uploader ]] || { echo "upload: $uploader is not built" >&2; exit 1; }
large=${UPLOAD_LARGE:-4}
small=${UPLOAD_SMALL:-32}

tmp=$(mktemp -d "$build/upload.XXXXXX")
cleanup() {
	[[ -n ${S3_PID:-} ]] && kill "$S3_PID" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/files" "$tmp/store"
for ((i = 0; i < large; i++)); do
	head -c $((128 << 20)) /dev/urandom >"$tmp/files/large-$i.parquet"
done
for ((i = 0; i < small; i++)); do
	head -c $((16 << 20)) /dev/urandom >"$tmp/files/small-$i.parquet"
done
files=("$tmp"/files/*.parquet)

coproc S3 { exec node tests/interop/s3_server.mjs "$tmp/store" lakeload-bench; }
S3_PID=$!
read -r ready <&"${S3[0]}"
port=$(sed -E 's/.*"port": *([0-9]+).*/\1/' <<<"$ready")
endpoint=http://127.0.0.1:$port
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER

ours=$("$uploader" "$endpoint" s3://lakeload-bench/lakeload "${files[@]}")
theirs=$(/usr/bin/python3 bench/upload_boto3.py "$endpoint" lakeload-bench boto3/ "${files[@]}")

python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours, theirs = (json.loads(a) for a in sys.argv[1:])
rate = lambda r: r["bytes"] / 1e6 / r["seconds"]
print(f"files: {ours['bytes'] / 2**20:.0f} MiB")
print(f"lakeload storage: {ours['seconds']:.2f} s  {rate(ours):.1f} MB/s")
print(f"boto3 upload_file: {theirs['seconds']:.2f} s  {rate(theirs):.1f} MB/s")
print(f"ratio lakeload/boto3: {rate(ours) / rate(theirs):.2f}x")
PY
