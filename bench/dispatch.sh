#!/usr/bin/env bash
# Dispatch benchmark (-D), whole-process, three cases (bench/README.md, "Dispatch"):
#   1. `stoq hash -D` over the mixed/ corpus of make-corpus: files/s and extracted MB/s;
#   2. the archives of mixed/ that libarchive reads: `stoq hash -D` against bsdtar
#      (libarchive's own tool) extracting the same archives to /dev/null, side by side;
#   3. a tar.gz holding one 512 MiB file: `stoq hash -D` time and peak RSS (the memory
#      budget and spill files keep it far below the member's size).
#
# usage: bench/dispatch.sh [--build DIR] [--copies K] [--big-mib M] [--runs R] [--work DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${STOQ_BUILD_DIR:-$here/../build}
copies=3
big_mib=512
runs=3
work=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --copies) copies=$2; shift 2 ;;
    --big-mib) big_mib=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "dispatch.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
build=$(cd "$build" && pwd)
stoq=${STOQ:-$build/bin/stoq}
make_corpus=${MAKE_CORPUS:-$here/../../shared/bench/make-corpus}
[[ -x $stoq ]] || { echo "dispatch.sh: $stoq not built" >&2; exit 1; }
[[ -f $make_corpus ]] || { echo "dispatch.sh: $make_corpus not found (../shared beside the checkout)" >&2; exit 1; }
command -v bsdtar >/dev/null || { echo "dispatch.sh: bsdtar missing (scripts/install-deps.sh)" >&2; exit 1; }
if [[ -z $work ]]; then
  work=$build/bench-dispatch
fi
mkdir -p "$work"
export STOQ_HOME=$work/home
mkdir -p "$STOQ_HOME"

corpus=$work/corpus-$copies
if [[ ! -d $corpus/mixed ]]; then
  rm -rf "$corpus"
  python3 "$make_corpus" "$corpus" --copies "$copies" --small 0 --large-mib 1 >/dev/null
fi

# Best wall time of `runs` runs of a command (its output to /dev/null), in seconds.
best_of() {
  python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
best = None
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(["bash", "-c", cmd[0]], stdout=subprocess.DEVNULL, check=True)
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
print(f"{best:.3f}")
PY
}

# Entries and extracted bytes (payload_id > 0) of a stream of results documents.
summarise() {
  python3 - "$1" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
decoder = json.JSONDecoder(); i = 0; docs = entries = children = extracted = errors = 0
while True:
    while i < len(text) and text[i].isspace(): i += 1
    if i >= len(text): break
    doc, i = decoder.raw_decode(text, i); docs += 1
    for entry in doc["results"]:
        entries += 1
        if entry.get("payload_id", 0) > 0:
            children += 1; extracted += entry.get("size", 0)
    errors += len(doc.get("errors", []))
print(docs, entries, children, extracted, errors)
PY
}

echo "== 1. stoq hash -D over mixed/ ($(find "$corpus/mixed" -type f | wc -l) files, $copies copies of the fixtures)"
recursive=(--plugin-opt filedir:recursive=true)
"$stoq" hash -D -F "$corpus/mixed" "${recursive[@]}" > "$work/mixed.json"
read -r docs entries children extracted errors < <(summarise "$work/mixed.json")
seconds=$(best_of "'$stoq' hash -D -F '$corpus/mixed' ${recursive[*]}")
python3 -c "
d,e,c,x,err,s=$docs,$entries,$children,$extracted,$errors,$seconds
print(f'   {d} files, {c} children ({x/1e6:.1f} MB extracted), {err} errors entries')
print(f'   best of $runs: {s:.2f} s  ->  {d/s:.0f} files/s, {(e)/s:.0f} payloads/s, {x/1e6/s:.1f} extracted MB/s')"

echo "== 2. archives libarchive reads: stoq hash -D against bsdtar -xOf (to /dev/null)"
archives=$work/archives-$copies
rm -rf "$archives"; mkdir -p "$archives"
for file in "$corpus"/mixed/*/*; do
  # Encrypted archives are left out: bsdtar waits for a passphrase on them (seconds each).
  case $(basename "$file") in *password* | *crypto*) continue ;; esac
  if bsdtar -tf "$file" >/dev/null 2>&1 && [[ $(bsdtar -tf "$file" 2>/dev/null | wc -l) -gt 0 ]]; then
    case $(file -b --mime-type "$file") in
      text/*|application/pdf) continue ;;  # libarchive's raw/mtree readers "open" plain files too
    esac
    ln -s "$file" "$archives/$(basename "$(dirname "$file")")-$(basename "$file")"
  fi
done
count=$(find "$archives" -type l | wc -l)
bsdtar_seconds=$(best_of "for f in '$archives'/*; do bsdtar -xOf \"\$f\" >/dev/null 2>&1 || true; done")
# The same work as bsdtar: no ratio limit (test_big.rar expands 24,000 times and would be cut).
printf '[core]\nmax_compression_ratio = 0\n' > "$work/no-ratio.cfg"
stoq_seconds=$(best_of "'$stoq' hash -D -M 1 -F '$archives' --config '$work/no-ratio.cfg'")
stoq_all=$(best_of "'$stoq' hash -D -F '$archives' --config '$work/no-ratio.cfg'")
python3 -c "
b,s,a=$bsdtar_seconds,$stoq_seconds,$stoq_all
print(f'   {$count} archives (encrypted ones left out): bsdtar {b:.2f} s (one process per archive, one core)')
print(f'   stoq hash -D -M 1: {s:.2f} s ({s/b:.2f}x bsdtar; stoq also hashes, scans and dispatches every member)')
print(f'   stoq hash -D (all cores): {a:.2f} s ({a/b:.2f}x bsdtar)')"

echo "== 3. a tar.gz holding one ${big_mib} MiB file: time and peak RSS of stoq hash -D"
big=$work/big-$big_mib.tar.gz
if [[ ! -f $big ]]; then
  python3 - "$work/member.bin" "$big_mib" <<'PY'
import random, sys
rng = random.Random(512)
words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(4096)]
with open(sys.argv[1], "wb") as out:
    remaining = int(sys.argv[2]) << 20
    while remaining > 0:
        block = b" ".join(rng.choice(words) for _ in range(20000))[:remaining]
        out.write(block); remaining -= len(block)
PY
  tar -C "$work" -czf "$big" member.bin
  rm -f "$work/member.bin"
fi
python3 - "$stoq" "$big" <<'PY'
import json, os, resource, subprocess, sys, time
start = time.perf_counter()
out = subprocess.run([sys.argv[1], "hash", "-D", "-M", "1", "-F", sys.argv[2]], capture_output=True, check=True)
elapsed = time.perf_counter() - start
peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
doc = json.loads(out.stdout)
member = doc["results"][1]
print(f"   archive {os.path.getsize(sys.argv[2]) / 2**20:.0f} MiB, member {member['size'] / 2**20:.0f} MiB,"
      f" sha256 {member['sha256'][:16]}...")
print(f"   {elapsed:.2f} s, peak RSS {peak_mib:.0f} MiB (target: under 160 MiB)")
PY
bsdtar_big=$(best_of "bsdtar -xOf '$big' >/dev/null")
echo "   bsdtar -xOf to /dev/null: $bsdtar_big s"
