#!/usr/bin/env bash
# `make demo`: runs stoq over the bundled samples/:
#   1. hash, results to stdout (the default connector);
#   2. hash, results saved as files with -C file -O, then lists what was written;
#   3. yara and iocextract with their human-readable templates (-T stdout.tpl),
#      and the verdict decorator;
#   4. yara with -D on a nested sample built from harmless bytes (scripts/make-nested-sample.py),
#      unpacked to its last level; the same sample through three workers in one pass
#      (stoq scan -w hash -w mimetype -w yara -D); then `stoq render` of a saved document.
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

step "$stoq yara -F samples/ -T stdout.tpl   (YARA matches, through the yara worker's template)"
"$stoq" yara -F samples/ -T stdout.tpl

step "$stoq iocextract -F samples/ -T stdout.tpl   (indicators of compromise, through its template)"
"$stoq" iocextract -F samples/ -T stdout.tpl

step "$stoq yara -F samples/ -P verdict -C file -O $demo/verdicts   (scores and a verdict per document)"
"$stoq" yara -F samples/ -P verdict -C file -O "$demo/verdicts"
python3 - "$demo/verdicts" <<'PY'
import json, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.stoq")):
    doc = json.loads(path.read_text())
    entry, verdict = doc["results"][0], doc.get("verdict", {})
    print(f"  {entry.get('filename', '?'):<18} score {verdict.get('score', 0):>5}  {verdict.get('verdict', '?')}")
PY

nested=$(python3 "$root/scripts/make-nested-sample.py" "$demo/nested")
step "$stoq yara -D -F $nested   (dispatch: a zip holding an RTF document holding an OLE package holding a base64-encoded PE)"
"$stoq" yara -D -F "$nested" > "$demo/nested/results.json"
python3 - "$demo/nested/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
print(f"  {doc['payloads']} payloads in one document; errors: {len(doc.get('errors', []))}")
for entry in doc["results"]:
    depth = len(entry["uuid"]) - 1
    rules = ", ".join(hit["rule"] for hit in entry["scan"]) if isinstance(entry.get("scan"), list) else "-"
    name = entry.get("filename") or "(no name)"
    print(f"  {'  ' * depth}#{entry['payload_id']} {name:<16} {entry['size']:>5} bytes"
          f"  via {entry.get('dispatcher', 'the source'):<20} yara: {rules}")
PY
step "$stoq scan -w hash -w mimetype -w yara -D -F $nested   (three workers, one pass: each payload read, hashed and unpacked once)"
"$stoq" scan -w hash -w mimetype -w yara -D -F "$nested" > "$demo/nested/scan.json"
python3 - "$demo/nested/scan.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
print(f"  plugin: {doc['results'][0]['plugin']}; {doc['payloads']} payloads; errors: {len(doc.get('errors', []))}")
for entry in doc["results"]:
    scan = entry.get("scan", {})
    hits = scan.get("yara")
    rules = ", ".join(hit["rule"] for hit in hits) if isinstance(hits, list) else "-"
    sha256 = scan.get("hash", {}).get("sha256", "?")[:12]
    mime = scan.get("mimetype", {}).get("mimetype", "?")
    print(f"  {'  ' * (len(entry['uuid']) - 1)}#{entry['payload_id']} sha256 {sha256}…  {mime:<34} yara: {rules}")
PY
first=$(find "$demo/results" -type f -name '*.stoq' | sort | head -1)
step "$stoq render plugins/worker/hash/templates/stdout.tpl <one saved document>   (try a template on saved results)"
"$stoq" render "$root/plugins/worker/hash/templates/stdout.tpl" "$first"

echo
echo "demo: logs in $demo/logs, results in $demo/results and $demo/verdicts"
