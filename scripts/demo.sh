#!/usr/bin/env bash
# `make demo`: runs the hash worker over the bundled samples/ twice:
#   1. results to stdout (the default connector);
#   2. results saved as files with -C file -O, then lists what was written.
# Everything the run writes (logs, results) goes under <build>/demo: STOQ_HOME points
# there, so nothing touches ~/.stoq.
#
# usage: scripts/demo.sh [build-dir]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${1:-build}
stoq=$build/bin/stoq
demo=$build/demo

if [[ ! -x $stoq ]]; then
  echo "demo: $stoq not found; run 'make build' first" >&2
  exit 1
fi

rm -rf "$demo"
mkdir -p "$demo"
# No stoq.cfg in $STOQ_HOME: built-in defaults, with results_dir, log_dir, archive_base
# relative to STOQ_HOME. The plugins are found beside the binary.
export STOQ_HOME=$root/$demo

if [[ -t 1 ]]; then
  step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
  step() { printf '\n==> %s\n' "$*"; }
fi

step "plugins: $stoq list"
"$stoq" list

step "$stoq hash -F samples/   (one JSON document per file, to stdout)"
"$stoq" hash -F samples/

step "$stoq hash -F samples/ -C file -O $demo/results   (one .stoq file per document)"
"$stoq" hash -F samples/ -C file -O "$demo/results"
echo "files written:"
find "$demo/results" -type f | sort | while read -r file; do
  printf '  %s  (%s bytes)\n' "$file" "$(stat -c %s "$file")"
done

step "summary: file name -> sha256, read back from the files written above"
python3 - "$demo/results" <<'PY'
import json, pathlib, sys
rows = []
for path in pathlib.Path(sys.argv[1]).rglob("*.stoq"):
    entry = json.loads(path.read_text())["results"][0]
    rows.append((entry.get("filename", "?"), entry.get("scan", {}).get("sha256", "-"), entry.get("size", 0)))
for filename, sha256, size in sorted(rows):
    print(f"  {filename:<18} {size:>5} bytes  sha256 {sha256}")
PY
echo
echo "demo: logs in $demo/logs, results in $demo/results"
