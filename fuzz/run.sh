#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in their own build directory and
# runs each for a bounded time on its seed corpus and dictionary
# (fuzz/dicts/: json for both JSON targets, avro for the Avro-based ones).
#   fuzz/run.sh [target...]       (default: every target in fuzz/targets.cmake)
# Environment: FUZZ_SECONDS (per target, default 60), FUZZ_BUILD (default
# build-fuzz), FUZZ_JOBS (build jobs). New inputs libFuzzer finds go to
# $FUZZ_BUILD/corpora/<target>, never into the seed corpus; a crash stops the
# run and leaves crash-*/leak-*/timeout-* in $FUZZ_BUILD/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD:-build-fuzz}
jobs=${FUZZ_JOBS:-$(nproc)}

# libFuzzer's runtime comes in a package of its own on Debian.
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	echo "installing Debian package: libclang-rt-dev"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libclang-rt-dev >/dev/null
fi

if [ $# -gt 0 ]; then
	targets=("$@")
else
	read -r -a targets <<<"$(sed -n '/^set(LL_FUZZ_TARGETS/,/)/p' fuzz/targets.cmake |
		tr -d '()' | sed 's/set//; s/LL_FUZZ_TARGETS//' | tr '\n' ' ')"
fi

cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLL_FUZZ=ON >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]/#/fuzz_}"

for t in "${targets[@]}"; do
	corpus="$build/corpora/$t"
	artifacts="$build/artifacts/$t"
	mkdir -p "$corpus" "$artifacts"
	case $t in
	json_*) words=json ;;
	avro | iceberg_manifest*) words=avro ;;
	*) words=$t ;;
	esac
	dict=()
	[ -f "fuzz/dicts/$words.dict" ] && dict=("-dict=fuzz/dicts/$words.dict")
	echo "== fuzz_$t for ${seconds}s"
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$build/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
		"$corpus" "fuzz/corpora/$t" 2>&1 | grep -E '^(INFO: seed|#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' || true
	if ls "$artifacts"/* >/dev/null 2>&1; then
		echo "fuzz_$t found a failing input: $(ls "$artifacts")" >&2
		exit 1
	fi
done
