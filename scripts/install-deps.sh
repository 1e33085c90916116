#!/usr/bin/env bash
# Installs what lakeload needs to build and test, only when it is missing:
# Debian packages through apt-get, and the npm test tools (DuckDB, hyparquet,
# icebird) through `npm ci` in tests/interop; chromium is the browser the
# web view's test (e2e_test_serve_ui) drives headless. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config clang
	libcurl4-openssl-dev libssl-dev libzstd-dev libsnappy-dev zlib1g-dev
	libsqlite3-dev libjansson-dev libmicrohttpd-dev
	python3 python3-boto3 python3-avro python3-yaml strace
	chromium)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
	echo "installing Debian packages: ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -f tests/interop/package-lock.json ]; then
	stamp=tests/interop/node_modules/.lakeload-stamp
	if [ ! -f "$stamp" ] || [ tests/interop/package-lock.json -nt "$stamp" ]; then
		echo "installing npm test tools in tests/interop"
		(cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
		touch "$stamp"
	fi
fi
