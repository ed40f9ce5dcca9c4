#!/usr/bin/env bash
# Peak resident memory of `stoq hash` on one large file (a sparse file of zeros, so
# nothing is written to disk), with sha256sum as the oracle for the result.
# A mapped payload is hashed block by block, its pages released behind: peak RSS must
# stay at tens of MB whatever the file's size (issue 8: a 5 GiB file took 5.25 GB).
#
# usage: bench/hash_large_file.sh [--build DIR] [--gib N] [--work DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${STOQ_BUILD_DIR:-$here/../build}
gib=5
work=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --gib) gib=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "hash_large_file.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
stoq=$(cd "$build" && pwd)/bin/stoq
[[ -x /usr/bin/time ]] || { echo "hash_large_file.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
file=$work/large.bin
truncate -s "${gib}G" "$file"
printf '[core]\nmax_payload_size = %d\nresults_dir = %s/results\nlog_dir = %s/logs\n' \
  $((gib * 1024 * 1024 * 1024 + 1)) "$work" "$work" > "$work/stoq.cfg"

STOQ_HOME=$work /usr/bin/time -f '%e s wall, %M KiB peak RSS' -o "$work/time.txt" \
  "$stoq" hash -F "$file" --config "$work/stoq.cfg" > "$work/out.json"
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["sha256"])' "$work/out.json")
want=$(sha256sum "$file" | cut -d' ' -f1)
echo "stoq hash, ${gib} GiB file: $(cat "$work/time.txt")"
if [[ $got == "$want" ]]; then echo "sha256 matches sha256sum"; else echo "sha256 MISMATCH: $got != $want"; exit 1; fi
