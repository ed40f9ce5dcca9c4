#!/usr/bin/env bash
# `stoq scan -w hash -w mimetype -w yara` (one pass: each payload read, hashed and
# dispatched once) against the same three workers run separately, and against the raw
# tools' floor: `yara -p2 -r` with the yara worker's rules plus `file --mime-type`
# (xargs -P2), over the small/ and mixed/ corpora of make-corpus; then mixed/ again with
# -D (the tools cannot unpack: one scan run against the three worker runs only).
# mimetype runs with description = False: the MIME type only, like `file --mime-type`.
# Best wall time of R runs each, with its CPU time (user + sys of all processes).
#
# usage: bench/scan.sh [--build DIR] [--small N] [--copies K] [--runs R] [--threads M] [--work DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/common.sh
source "$here/common.sh"
build=${STOQ_BUILD_DIR:-$here/../build}
small=20000
copies=10
runs=3
threads=2
work=""
bench_args "${BASH_SOURCE[0]}" "$@"
for tool in file yara bc; do
  command -v $tool >/dev/null || { echo "scan.sh: $tool is not installed" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "scan.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }
stoq=$(cd "$build" && pwd)/bin/stoq
rules=$(cd "$build" && pwd)/lib/stoq/plugins/worker/yara/rules/stoq.yar
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
"$make_corpus" "$work/corpus" --small "$small" --copies "$copies" --large-mib 1 | tail -1
bench_config "$work"

# best_of NAME COMMAND: prints the line and sets $best (seconds of wall time).
best_of() {
  bench_time "$runs" "$2"
  best=$bench_wall
  printf '  %-58s %7.2f s wall %7.2f s cpu\n' "$1" "$bench_wall" "$bench_cpu"
}

measure() {
  local label=$1 dir=$2 dispatch=$3
  local n files=$work/$label-files.txt yara file
  find "$dir" -type f | sort > "$files"
  n=$(wc -l < "$files")
  echo "$label/: $n files, $(du -sb "$dir" | cut -f1) bytes; best of $runs; $(nproc) cores; -M $threads ${dispatch:+(stoq with $dispatch)}"
  local args="--config '$work/stoq.cfg' -F '$dir' -C stdout -M $threads --no-progress $dispatch"
  local mime="--plugin-opt mimetype:description=False"
  if [[ -z $dispatch ]]; then
    best_of "yara -p $threads -r (the yara worker's rules)" "yara -p $threads -r '$rules' '$dir'"
    yara=$best
    best_of "file --mime-type (xargs -P$threads)" "xargs -d '\n' -P$threads file --mime-type < '$files'"
    file=$best
    printf '  %-58s %7.2f s wall\n' "floor: yara + file(1)" "$(echo "$yara + $file" | bc)"
  fi
  best_of "stoq hash; stoq mimetype; stoq yara (three runs)" \
    "'$stoq' hash $args; '$stoq' mimetype $args $mime; '$stoq' yara $args"
  local separate=$best
  best_of "stoq scan -w hash -w mimetype -w yara (one run)" "'$stoq' scan -w hash -w mimetype -w yara $args $mime"
  if [[ -z $dispatch ]]; then
    printf '  %-58s %7.2f x the floor, %.2f x the three runs\n' "one run:" \
      "$(echo "$best / ($yara + $file)" | bc -l)" "$(echo "$best / $separate" | bc -l)"
  else
    printf '  %-58s %7.2f x the three runs\n' "one run:" "$(echo "$best / $separate" | bc -l)"
  fi
}

measure small "$work/corpus/small" ""
measure mixed "$work/corpus/mixed" ""
measure mixed "$work/corpus/mixed" "-D"
