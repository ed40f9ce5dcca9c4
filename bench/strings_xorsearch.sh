#!/usr/bin/env bash
# worker:strings against GNU strings, and worker:xorsearch's one-pass search against the
# naive loop over every key, in the same run (issue 9). Builds two inputs from the
# strelka fixtures (concatenated and repeated: MIB MiB for strings, XOR_MIB MiB for
# xorsearch, whose naive side makes 287 passes), then runs:
#   1. build/bench/stoq_worker_scan_bench: the scanners in memory, GNU strings as a process
#      on the same file, the one-pass search and the naive loop (Google Benchmark);
#   2. whole processes, best of RUNS wall times: `stoq strings -F` (every string, JSON to
#      /dev/null) vs `strings -a` + `strings -a -e l`, and `stoq xorsearch -F`.
#
# usage: bench/strings_xorsearch.sh [--build DIR] [--mib MIB] [--xor-mib XOR_MIB] [--runs RUNS] [--work DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${STOQ_BUILD_DIR:-$here/../build}
mib=8
xor_mib=1
runs=3
work=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --mib) mib=$2; shift 2 ;;
    --xor-mib) xor_mib=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "strings_xorsearch.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
build=$(cd "$build" && pwd)
bench=$build/bench/stoq_worker_scan_bench
fixtures=$here/../../shared/corpus/strelka-fixtures
[[ -x $bench ]] || { echo "strings_xorsearch.sh: build stoq_worker_scan_bench first (libbenchmark-dev)" >&2; exit 1; }
[[ -d $fixtures ]] || { echo "strings_xorsearch.sh: no corpus at $fixtures: nothing to measure"; exit 0; }
command -v strings > /dev/null || { echo "strings_xorsearch.sh: needs GNU strings (binutils)" >&2; exit 1; }
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"

# The fixtures, in name order, repeated until the input is large enough, then cut.
make_input() {  # make_input FILE MIB
  local want=$(($2 * 1024 * 1024))
  : > "$1"
  while [[ $(stat -c %s "$1") -lt $want ]]; do
    find "$fixtures" -maxdepth 1 -type f -print0 | sort -z | xargs -0 cat >> "$1"
  done
  truncate -s "$want" "$1"
}
make_input "$work/strings.bin" "$mib"
make_input "$work/xor.bin" "$xor_mib"

echo "== scanners (Google Benchmark), strings input ${mib} MiB, xorsearch input ${xor_mib} MiB"
STOQ_BENCH_INPUT=$work/strings.bin "$bench" --benchmark_filter='strings' --benchmark_min_time=1
STOQ_BENCH_INPUT=$work/xor.bin "$bench" --benchmark_filter='xorsearch' --benchmark_min_time=1

best_of() {  # best_of COMMAND...: the best wall time of $runs runs, in seconds
  local TIMEFORMAT=%R times=""
  for ((i = 0; i < runs; i++)); do
    times+="$({ time "$@" > /dev/null 2>&1; } 2>&1)"$'\n'
  done
  sort -n <<< "${times%$'\n'}" | head -1
}
printf '[core]\nresults_dir = %s/results\nlog_dir = %s/logs\n' "$work" "$work" > "$work/stoq.cfg"
stoq=$build/bin/stoq
run_stoq() { STOQ_HOME=$work "$stoq" "$@" --config "$work/stoq.cfg"; }

echo
echo "== whole processes, best of $runs"
echo "strings -a ${mib} MiB:                    $(best_of strings -a "$work/strings.bin") s"
echo "strings -a -e l ${mib} MiB:               $(best_of strings -a -e l "$work/strings.bin") s"
echo "stoq strings -F ${mib} MiB (both, JSON):  $(best_of run_stoq strings -F "$work/strings.bin" --max-strings 100000000 --max-string-length 100000000) s"
echo "stoq xorsearch -F ${xor_mib} MiB:           $(best_of run_stoq xorsearch -F "$work/xor.bin") s"
echo "stoq xorsearch -F ${mib} MiB:           $(best_of run_stoq xorsearch -F "$work/strings.bin") s"
