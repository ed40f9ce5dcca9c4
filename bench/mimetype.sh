#!/usr/bin/env bash
# `stoq mimetype` against file(1) over the small/ corpus of make-corpus, in the same run:
#   file --mime-type        (xargs -P2, as many files per process as xargs packs)
#   file --mime-type + -b   (the two answers stoq mimetype gives by default)
#   stoq mimetype --description False   (MIME type only: the like-for-like figure)
#   stoq mimetype           (MIME type and description)
# Best wall time of R runs each (with its CPU time), then how many of stoq's answers equal file(1)'s.
#
# usage: bench/mimetype.sh [--build DIR] [--small N] [--copies K] [--runs R] [--threads M] [--work DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/common.sh
source "$here/common.sh"
build=${STOQ_BUILD_DIR:-$here/../build}
small=20000
copies=1
runs=3
threads=2
work=""
bench_args "${BASH_SOURCE[0]}" "$@"
command -v file >/dev/null || { echo "mimetype.sh: file(1) is not installed" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "mimetype.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }
stoq=$(cd "$build" && pwd)/bin/stoq
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
"$make_corpus" "$work/corpus" --small "$small" --copies "$copies" --large-mib 1 | tail -1
dir=$work/corpus/small
find "$dir" -type f | sort > "$work/files.txt"
n=$(wc -l < "$work/files.txt")
bench_config "$work"

best_of() {
  bench_time "$runs" "$2"
  printf '%-44s %7.2f s wall %7.2f s cpu  %6.0f us cpu/file\n' "$1" "$bench_wall" "$bench_cpu" \
    "$(echo "$bench_cpu * 1000000 / $n" | bc -l)"
}

echo "small/: $n files, $(du -sb "$dir" | cut -f1) bytes; best of $runs; $(nproc) cores; file $(file --version | head -1)"
best_of "file --mime-type (xargs -P2)" "xargs -d '\n' -P2 file --mime-type < '$work/files.txt'"
best_of "file --mime-type + file -b (xargs -P2)" \
  "xargs -d '\n' -P2 file --mime-type < '$work/files.txt'; xargs -d '\n' -P2 file -b < '$work/files.txt'"
stoq_args="--config '$work/stoq.cfg' -F '$dir' -C stdout -M $threads --hashpayload False"
best_of "stoq mimetype --description False (-M $threads)" "'$stoq' mimetype $stoq_args --description False"
best_of "stoq mimetype (-M $threads)" "'$stoq' mimetype $stoq_args"

# Agreement with file(1) on every file of the corpus.
"$stoq" mimetype --config "$work/stoq.cfg" -F "$dir" -C stdout -M "$threads" > "$work/stoq.json" 2> /dev/null
xargs -d '\n' file --mime-type -N -F $'\t' < "$work/files.txt" > "$work/mime.txt"
xargs -d '\n' file -b -N < "$work/files.txt" | paste "$work/files.txt" - > "$work/desc.txt"
python3 - "$work/stoq.json" "$work/mime.txt" "$work/desc.txt" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
decoder, pos, got = json.JSONDecoder(), 0, {}
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    doc, pos = decoder.raw_decode(text, pos)
    for entry in doc["results"]:
        got[entry["path"]] = entry["scan"]
mime = dict(line.rstrip("\n").split("\t", 1) for line in open(sys.argv[2]))
desc = dict(line.rstrip("\n").split("\t", 1) for line in open(sys.argv[3]))
same_mime = sum(1 for p, m in mime.items() if got.get(p, {}).get("mimetype") == m.strip())
same_desc = sum(1 for p, d in desc.items() if got.get(p, {}).get("description") == d)
print(f"agreement with file(1): mimetype {same_mime}/{len(mime)}, description {same_desc}/{len(desc)}")
EOF
