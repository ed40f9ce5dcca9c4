#!/usr/bin/env bash
# worker:peinfo against pefile (Debian's python3-pefile) over the PE files of the shared
# corpus (whole files, base64-encoded, and PEs appended to other files, found by
# plugins/worker/peinfo/tests/pefile_oracle.py extract), each copied K times.
#   stoq     `stoq peinfo -F <dir>` (one process, every file: headers, sections with
#            entropy/md5, imports+imphash, exports, resources with sha256, version info,
#            rich header, debug, TLS, signature, overlay; results to a file)
#   pefile   one python3 process: pefile.PE(path) (full load) + get_imphash() per file
# Whole-process wall time, best of R runs; plus pefile's in-process parse time.
#
# usage: bench/peinfo.sh [--build DIR] [--copies K] [--runs R] [--corpus DIR] [--work DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${STOQ_BUILD_DIR:-$here/../build}
copies=50
runs=3
corpus=${STOQ_SHARED_DIR:-$here/../../shared}/corpus/strelka-fixtures
work=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --copies) copies=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "peinfo.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
stoq=$(cd "$build" && pwd)/bin/stoq
oracle=$here/../plugins/worker/peinfo/tests/pefile_oracle.py
python=""
for candidate in /usr/bin/python3 python3; do
  if "$candidate" -c 'import pefile' 2>/dev/null; then python=$candidate; break; fi
done
[[ -n $python ]] || { echo "peinfo.sh: needs python3 with pefile (apt-get install python3-pefile)"; exit 0; }
[[ -d $corpus ]] || { echo "peinfo.sh: corpus not found: $corpus"; exit 0; }
[[ -x $stoq ]] || { echo "peinfo.sh: $stoq not built"; exit 1; }
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/pe" "$work/set" "$work/results" "$work/logs"
"$python" "$oracle" extract "$corpus" "$work/pe" > /dev/null
for ((i = 0; i < copies; i++)); do
  for f in "$work"/pe/*; do cp "$f" "$work/set/$i-$(basename "$f")"; done
done
files=$(find "$work/set" -type f | wc -l)
bytes=$(du -sb "$work/set" | cut -f1)
printf '[core]\nresults_dir = %s/results\nlog_dir = %s/logs\n' "$work" "$work" > "$work/stoq.cfg"

best() {  # best wall seconds of $runs runs of "$@"
  local best_time="" t
  for ((r = 0; r < runs; r++)); do
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [[ -z $best_time ]] || (($(echo "$t < $best_time" | bc -l))); then best_time=$t; fi
  done
  printf '%.3f' "$best_time"
}

echo "peinfo vs pefile: $files PE files ($(ls "$work/pe" | wc -l) distinct x $copies copies, $bytes bytes), best of $runs"
stoq_s=$(STOQ_HOME=$work best "$stoq" peinfo -F "$work/set" --config "$work/stoq.cfg" -C file)
pefile_s=$(best "$python" "$oracle" time "$work"/set/*)
inproc=$("$python" "$oracle" time "$work"/set/*)
printf '  stoq peinfo -F dir      %8s s  (%.2f ms/file, whole process)\n' "$stoq_s" "$(echo "$stoq_s * 1000 / $files" | bc -l)"
printf '  python3 + pefile loop   %8s s  (%.2f ms/file, whole process; parsing alone %.3f s)\n' \
  "$pefile_s" "$(echo "$pefile_s * 1000 / $files" | bc -l)" "$inproc"
printf '  speed-up                %8.1fx\n' "$(echo "$pefile_s / $stoq_s" | bc -l)"
