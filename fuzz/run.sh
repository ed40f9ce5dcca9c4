#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, libstoq instrumented) and runs each for
# N seconds (default 60) on its seed corpus.
#
# usage: fuzz/run.sh [SECONDS] [TARGET...]        e.g. fuzz/run.sh 120 fuzz_ini
#        (no TARGET: every target of the build, i.e. the fuzz-all target of fuzz/CMakeLists.txt)
# env:   STOQ_FUZZ_BUILD=DIR (default <repo>/build-fuzz; scripts/sanitize.sh passes build-asan),
#        STOQ_FUZZ_JOBS=N (ninja -j, default 2), STOQ_FUZZ_PARALLEL=N (fuzzers run at once, default 1),
#        STOQ_FUZZ_ARGS="..." (extra libFuzzer flags, e.g. -max_len=65536)
#
# The seeds of fuzz/corpus/<target>/ are copied into BUILD/fuzz-corpus/<target>/, which
# the fuzzer grows (the seeds in git stay as written). Crashes, leaks, timeouts and
# OOMs are written to BUILD/fuzz-artifacts/<target>/; reproduce one with
#   BUILD/fuzz/<target> BUILD/fuzz-artifacts/<target>/crash-...
# and, once the bug is fixed, keep it as a regression seed under fuzz/corpus/<target>/.
# Exit status 1 when any target found a problem.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
build=${STOQ_FUZZ_BUILD:-$repo/build-fuzz}
jobs=${STOQ_FUZZ_JOBS:-2}
parallel=${STOQ_FUZZ_PARALLEL:-1}

command -v clang++ >/dev/null || { echo "fuzz/run.sh: clang++ not found (apt-get install clang)" >&2; exit 2; }
if [[ ! -f $build/build.ninja ]]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
    -DSTOQ_BUILD_FUZZ=ON -DSTOQ_BUILD_TESTS=OFF -DSTOQ_BUILD_BENCH=OFF || exit 1
fi
if [[ ${#targets[@]} -eq 0 ]]; then
  ninja -C "$build" -j"$jobs" fuzz-all || exit 1
  for binary in "$build"/fuzz/fuzz_*; do
    [[ -f $binary && -x $binary ]] && targets+=("$(basename "$binary")")
  done
else
  ninja -C "$build" -j"$jobs" "${targets[@]}" || exit 1
fi

# Runs one target; its verdict goes to BUILD/fuzz-<target>.verdict.
fuzz_one() {
  local target=$1 corpus=$build/fuzz-corpus/$1 artifacts=$build/fuzz-artifacts/$1 log=$build/fuzz-$1.log
  mkdir -p "$corpus" "$artifacts"
  cp -n "$here/corpus/$target/"* "$corpus/" 2>/dev/null || true
  local dict=()
  case $target in
    fuzz_ini | fuzz_stoq_manifest | fuzz_values) dict=(-dict="$here/dict/ini.dict") ;;
    fuzz_flatten) dict=(-dict="$here/dict/json.dict") ;;
    fuzz_template) dict=(-dict="$here/dict/template.dict") ;;
  esac
  # shellcheck disable=SC2086
  "$build/fuzz/$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "${dict[@]}" ${STOQ_FUZZ_ARGS:-} 2>"$log"
  local status=$?
  local runs
  runs=$(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
  if [[ $status -eq 0 ]]; then
    echo "ok (${runs:-?} runs)" >"$build/fuzz-$target.verdict"
  else
    echo "FAILED (exit $status): see $log and $artifacts/" >"$build/fuzz-$target.verdict"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5 >&2
  fi
}

echo "== fuzzing ${#targets[@]} targets, ${seconds}s each, $parallel at a time"
running=0
for target in "${targets[@]}"; do
  if ((running >= parallel)); then
    wait -n
    running=$((running - 1))
  fi
  fuzz_one "$target" &
  running=$((running + 1))
done
wait

failed=0
echo "== summary (${seconds}s each; logs in $build/fuzz-<target>.log)"
for target in "${targets[@]}"; do
  verdict=$(cat "$build/fuzz-$target.verdict" 2>/dev/null || echo "FAILED: no verdict")
  echo "$target: $verdict"
  [[ $verdict == ok* ]] || failed=1
done
exit $failed
