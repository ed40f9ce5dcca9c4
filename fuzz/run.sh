#!/usr/bin/env bash
# Builds the libFuzzer targets in build-fuzz/ (clang, ASan+UBSan, libstoq instrumented)
# and runs each for N seconds (default 60).
#
# usage: fuzz/run.sh [SECONDS] [TARGET...]        e.g. fuzz/run.sh 120 fuzz_ini
# env:   STOQ_FUZZ_BUILD=DIR (default <repo>/build-fuzz), STOQ_FUZZ_JOBS=N (ninja -j, default 2),
#        STOQ_FUZZ_ARGS="..." (extra libFuzzer flags, e.g. -max_len=65536)
#
# The seeds of fuzz/corpus/<target>/ are copied into BUILD/fuzz-corpus/<target>/, which
# the fuzzer grows (the seeds in git stay as written). Crashes, leaks, timeouts and
# OOMs are written to BUILD/fuzz-artifacts/<target>/; reproduce one with
#   BUILD/fuzz/<target> BUILD/fuzz-artifacts/<target>/crash-...
# and, once the bug is fixed, keep it as a regression seed under fuzz/crashes/<target>/.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_ini fuzz_stoq_manifest fuzz_values fuzz_bytes fuzz_flatten fuzz_template fuzz_iocregex)
build=${STOQ_FUZZ_BUILD:-$repo/build-fuzz}
jobs=${STOQ_FUZZ_JOBS:-2}

command -v clang++ >/dev/null || { echo "fuzz/run.sh: clang++ not found (apt-get install clang)" >&2; exit 2; }
if [[ ! -f $build/build.ninja ]]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
    -DSTOQ_BUILD_FUZZ=ON -DSTOQ_BUILD_TESTS=OFF -DSTOQ_BUILD_BENCH=OFF || exit 1
fi
ninja -C "$build" -j"$jobs" "${targets[@]}" || exit 1

declare -A verdict
failed=0
for target in "${targets[@]}"; do
  corpus=$build/fuzz-corpus/$target
  artifacts=$build/fuzz-artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  cp -n "$here/corpus/$target/"* "$corpus/" 2>/dev/null || true
  dict=()
  case $target in
    fuzz_ini|fuzz_stoq_manifest|fuzz_values) dict=(-dict="$here/dict/ini.dict") ;;
    fuzz_flatten) dict=(-dict="$here/dict/json.dict") ;;
    fuzz_template) dict=(-dict="$here/dict/template.dict") ;;
  esac
  echo "== $target: ${seconds}s"
  # shellcheck disable=SC2086
  "$build/fuzz/$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "${dict[@]}" ${STOQ_FUZZ_ARGS:-} \
    2>"$build/fuzz-$target.log"
  status=$?
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|INFO: Loaded|Done [0-9]+ runs)' \
    "$build/fuzz-$target.log" | head -n 12
  if [[ $status -eq 0 ]]; then
    verdict[$target]="ok"
  else
    verdict[$target]="FAILED (exit $status): see $build/fuzz-$target.log and $artifacts/"
    failed=1
  fi
done
echo
echo "== summary (${seconds}s each; logs in $build/fuzz-<target>.log)"
for target in "${targets[@]}"; do echo "$target: ${verdict[$target]}"; done
exit $failed
