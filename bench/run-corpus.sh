#!/usr/bin/env bash
# Whole-process benchmark of stoq on the deterministic corpus of make-corpus, plus the
# Google micro-benchmarks and an estimate of the framework's overhead per payload.
# Method and how to read the figures: bench/README.md.
#
# usage: bench/run-corpus.sh [options]
#   --build DIR        build tree holding bin/stoq, bench/ and lib/stoq/plugins (default: ./build)
#   --corpus DIR       corpus cache (default: BUILD/bench-corpus; regenerated only when
#                      missing or made with other arguments)
#   --small N          small files (default 20000)
#   --copies K         copies of the real-world fixtures in mixed/ (default 1)
#   --large-mib M      size of the large file (default 64)
#   --runs R           timed runs per case (default 5; 3 for the large file)
#   --work DIR         where results/logs/archive of the runs go (default: a fresh folder
#                      under /dev/shm when it is a writable tmpfs, else BUILD/bench-work):
#                      file creation on a shared disk varies 10x between runs, tmpfs does not
#   --no-gbench        skip the Google benchmark
#   --gbench-args "…"  extra arguments for stoq_bench (e.g. --benchmark_min_time=0.1)
# Environment overrides: STOQ_BUILD_DIR, STOQ, STOQ_BENCH, STOQ_BASELINE, STOQ_PLUGIN_DIR,
# MAKE_CORPUS, STOQ_BENCH_CORPUS, STOQ_BENCH_WORK (the bench-run target sets the paths);
# STOQ_BENCH_TIMER=time uses bash `time` even when hyperfine is installed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${STOQ_BUILD_DIR:-$here/../build}
corpus=${STOQ_BENCH_CORPUS:-}
work_root=${STOQ_BENCH_WORK:-}
small=20000
copies=1
large_mib=64
runs=5
gbench=1
gbench_args=""

while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --small) small=$2; shift 2 ;;
    --copies) copies=$2; shift 2 ;;
    --large-mib) large_mib=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --work) work_root=$2; shift 2 ;;
    --no-gbench) gbench=0; shift ;;
    --gbench-args) gbench_args=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-corpus.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

build=$(cd "$build" 2>/dev/null && pwd) || { echo "run-corpus.sh: build dir not found" >&2; exit 2; }
stoq=${STOQ:-$build/bin/stoq}
stoq_bench=${STOQ_BENCH-$build/bench/stoq_bench}
baseline=${STOQ_BASELINE:-$build/bench/stoq_baseline_io}
plugin_dir=${STOQ_PLUGIN_DIR:-$build/lib/stoq/plugins}
make_corpus=${MAKE_CORPUS:-/work/shared/bench/make-corpus}
corpus=${corpus:-$build/bench-corpus}
if [[ -z $work_root ]]; then
  if [[ -d /dev/shm && -w /dev/shm && $(stat -f -c %T /dev/shm 2>/dev/null) == tmpfs ]]; then
    work_root=/dev/shm/stoq-bench-work
  else
    work_root=$build/bench-work
  fi
fi

say() { printf '%s\n' "$*"; }
section() { printf '\n== %s\n' "$*"; }

[[ -x $stoq ]] || { echo "run-corpus.sh: $stoq not found: build stoq first (ninja stoq-cli)" >&2; exit 2; }
[[ -f $plugin_dir/source/filedir/filedir.so ]] || {
  echo "run-corpus.sh: plugins not found under $plugin_dir: build them first" >&2; exit 2; }
if [[ ! -f $make_corpus ]]; then
  say "run-corpus.sh: SKIPPED: $make_corpus is absent, so the benchmark corpus cannot be built."
  say "  (set MAKE_CORPUS=/path/to/make-corpus to use another copy)"
  exit 0
fi
command -v python3 >/dev/null || { say "run-corpus.sh: SKIPPED: make-corpus needs python3"; exit 0; }

# ------------------------------------------------------------------------ machine
section "machine"
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
say "nproc: $(nproc)   cpu: ${cpu_model:-unknown}   kernel: $(uname -r)"
say "load average: $(cut -d' ' -f1-3 /proc/loadavg)   (other users share these cores: compare runs, not machines)"
say "stoq: $stoq"

# ------------------------------------------------------------------------ corpus
section "corpus"
params="--small $small --copies $copies --large-mib $large_mib"
if [[ -f $corpus/.stoq-bench-params && $(cat "$corpus/.stoq-bench-params") == "$params" && -d $corpus/small ]]; then
  say "cached: $corpus ($params)"
else
  say "building $corpus with make-corpus $params ..."
  python3 "$make_corpus" "$corpus" $params
  printf '%s' "$params" >"$corpus/.stoq-bench-params"
fi
small_dir=$corpus/small
large_file=$(find "$corpus/large" -type f -name '*.bin' -print -quit)
n_small=$(find "$small_dir" -type f | wc -l)
small_bytes=$(find "$small_dir" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%d", s}')
mean_size=$(awk -v b="$small_bytes" -v n="$n_small" 'BEGIN {printf "%d", (n ? b / n : 0)}')
large_bytes=$(stat -c %s "$large_file")
n_subdirs=$(find "$small_dir" -mindepth 1 -maxdepth 1 -type d | wc -l)
say "small/: $n_small files in $n_subdirs folders, $small_bytes bytes, mean $mean_size bytes"
say "large: $large_file ($large_bytes bytes)"

# ------------------------------------------------------------------------ work dir + config
# small/ holds one folder per 1000 files and filedir lists only the top level unless its
# `recursive` option is true. Cleanest, when this stoq has per-plugin sections in
# stoq.cfg (--plugin-opt in `stoq hash -h` tells): a [filedir] section with
# recursive = True in the run's own stoq.cfg. Older stoq: shadow the built-in filedir
# with a plugin dir of our own (the first in plugin_dir_list wins): the same filedir.so,
# symlinked, beside a .stoq that says recursive = True. Either way one process per run,
# no code change, and the source enumerates the tree as a user's run would.
mkdir -p "$work_root"
work=$(mktemp -d "$work_root/run.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
say "work dir (stoq.cfg, results, logs): $work ($(stat -f -c %T "$work" 2>/dev/null || echo '?'))"
cfg=$work/stoq.cfg
cat >"$cfg" <<EOF
[core]
base_dir = $work
results_dir = $work/results
log_dir = $work/logs
archive_base = $work/archive
temp_dir = $work/temp
EOF
if "$stoq" hash -h 2>/dev/null | grep -q -- '--plugin-opt'; then
  say "recursive filedir: [filedir] recursive = True in the run's stoq.cfg"
  printf '\n[filedir]\nrecursive = True\n' >>"$cfg"
else
  say "recursive filedir: shadowing plugin dir $work/plugins (this stoq has no per-plugin config sections)"
  mkdir -p "$work/plugins/source/filedir"
  ln -s "$plugin_dir/source/filedir/filedir.so" "$work/plugins/source/filedir/filedir.so"
  cat >"$work/plugins/source/filedir/filedir.stoq" <<'EOF'
[Core]
Name = filedir
Module = filedir

[Documentation]
Author = stoq benchmarks
Version = 0.11
Website = https://github.com/PUNCH-Cyber/stoq-plugins-public
Description = Ingest a file or directory for processing (recursive, for benchmarks)

[options]
multiprocess = True
recursive = True
EOF
  sed -i "/^\[core\]/a plugin_dir_list = $work/plugins" "$cfg"
fi
wipe="rm -rf '$work/results' '$work/archive' '$work/baseline-out' '$work/logs'"

# ------------------------------------------------------------------------ timing helpers
results_tsv=$work/results.tsv
if [[ ${STOQ_BENCH_TIMER:-} != time ]] && command -v hyperfine >/dev/null; then
  timer=hyperfine
  say "timer: $(hyperfine --version)"
else
  timer=bash-time
  say "timer: bash 'time' (hyperfine not installed: apt-get install hyperfine for mean ± σ)"
fi

# measure NAME RUNS COMMAND: mean wall, stddev, mean user and system seconds -> results.tsv
measure() {
  local name=$1 count=$2 command=$3
  # A case whose command fails is recorded as FAILED (with its exit status and stderr)
  # and the others still run.
  eval "$wipe"
  local status=0
  bash -c "$command" >/dev/null 2>"$work/$name.err" || status=$?
  if [[ $status -ne 0 ]]; then
    printf '%s\tFAILED\t%s\n' "$name" "$status" >>"$results_tsv"
    say "$name: FAILED with exit status $status$( ((status > 128)) && echo " (signal $((status - 128)))"): $command"
    sed 's/^/    /' "$work/$name.err" | tail -n 5
    return 0
  fi
  if [[ $timer == hyperfine ]]; then
    hyperfine --style basic --runs "$count" --warmup 1 --prepare "$wipe" \
      --export-json "$work/$name.json" -n "$name" "$command" >&2
    python3 - "$work/$name.json" "$name" >>"$results_tsv" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{sys.argv[2]}\t{r['mean']:.6f}\t{(r.get('stddev') or 0):.6f}\t{r['user']:.6f}\t{r['system']:.6f}")
PY
  else
    local i times=$work/$name.times
    : >"$times"
    for ((i = 0; i < count; i++)); do
      eval "$wipe"
      { TIMEFORMAT='%R %U %S'; time bash -c "$command" >/dev/null 2>&1; } 2>>"$times"
    done
    awk -v n="$name" '{w+=$1; ww+=$1*$1; u+=$2; s+=$3; c++}
      END {m=w/c; v=ww/c-m*m; if (v<0) v=0; printf "%s\t%.6f\t%.6f\t%.6f\t%.6f\n", n, m, sqrt(v), u/c, s/c}' \
      "$times" >>"$results_tsv"
    awk -v n="$name" '{w+=$1; c++} END {printf "%s: mean %.3f s over %d runs\n", n, w/c, c}' "$times" >&2
  fi
}
field() { awk -v n="$1" -v f="$2" -F'\t' '$1 == n {print $f}' "$results_tsv"; }

# ------------------------------------------------------------------------ sanity run
section "sanity run (file connector, recursive filedir)"
eval "$wipe"
"$stoq" hash --config "$cfg" -F "$small_dir" -C file >/dev/null 2>"$work/sanity.err" || {
  say "stoq failed:"; cat "$work/sanity.err"; exit 1; }
n_results=$(find "$work/results" -type f | wc -l)
n_error_docs=$(grep -rl '"errors"' "$work/results" | wc -l || true)
result_bytes=$(find "$work/results" -type f -printf '%s\n' | awk '{s+=$1; c++} END {printf "%d", (c ? s / c : 0)}')
say "results written: $n_results for $n_small files ($n_error_docs with errors), mean $result_bytes bytes each"
if [[ $n_results -ne $n_small ]]; then
  say "WARNING: expected one result per file"
fi

# ------------------------------------------------------------------------ corpus timings
section "timings ($timer, $runs runs each)"
: >"$results_tsv"
nproc_n=$(nproc)
measure small_file "$runs" "'$stoq' hash --config '$cfg' -F '$small_dir' -C file"
measure small_stdout "$runs" "'$stoq' hash --config '$cfg' -F '$small_dir' -C stdout > /dev/null"
measure small_file_M1 "$runs" "'$stoq' hash --config '$cfg' -F '$small_dir' -C file -M 1"
measure small_file_Mn "$runs" "'$stoq' hash --config '$cfg' -F '$small_dir' -C file -M $nproc_n"
one_file=$(find "$small_dir" -type f | sort | sed -n 1p)
measure startup_one_file "$runs" "'$stoq' hash --config '$cfg' -F '$one_file' -C file"
measure large_file "$((runs < 3 ? runs : 3))" "'$stoq' hash --config '$cfg' -F '$large_file' -C file"
measure baseline_io_1 "$runs" "'$baseline' --threads 1 --result-bytes $result_bytes '$small_dir' '$work/baseline-out'"
measure baseline_io_n "$runs" "'$baseline' --threads $nproc_n --result-bytes $result_bytes '$small_dir' '$work/baseline-out'"
measure baseline_hash_1 "$runs" "'$baseline' --threads 1 --hash --result-bytes $result_bytes '$small_dir' '$work/baseline-out'"

# ------------------------------------------------------------------------ google benchmark
hash_us=""
gbench_json=$work/gbench.json
if [[ $gbench == 1 && -n $stoq_bench && -x $stoq_bench ]]; then
  section "Google benchmark ($stoq_bench)"
  # shellcheck disable=SC2086
  STOQ_BENCH_HASH_BYTES=$mean_size "$stoq_bench" --benchmark_out="$gbench_json" \
    --benchmark_out_format=json $gbench_args
  hash_us=$(python3 - "$gbench_json" "$mean_size" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
for b in data["benchmarks"]:
    if b["name"] == f"BM_compute_hashes/{sys.argv[2]}":
        print(f"{b['cpu_time'] * scale[b['time_unit']]:.3f}")
        break
PY
)
elif [[ $gbench == 1 ]]; then
  say "(stoq_bench not built: no Google benchmark; the hash cost is taken from baseline --hash)"
fi

# ------------------------------------------------------------------------ summary
section "summary"
saved=$build/bench-results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$saved"
cp "$results_tsv" "$work"/*.json "$saved/" 2>/dev/null || true
python3 - "$results_tsv" "$n_small" "$large_bytes" "$nproc_n" "${hash_us:-}" "$mean_size" "$gbench_json" <<'PY' | tee "$saved/summary.txt"
import json, os, sys
tsv, n, large_bytes, nproc, hash_us, mean_size, gbench = sys.argv[1:8]
n, large_bytes = int(n), int(large_bytes)
rows, failed = {}, {}
for line in open(tsv):
    fields = line.rstrip("\n").split("\t")
    if fields[1] == "FAILED":
        failed[fields[0]] = int(fields[2])
        continue
    name, mean, sd, user, sys_ = fields
    rows[name] = dict(mean=float(mean), sd=float(sd), cpu=float(user) + float(sys_))

def status(code):
    return f"FAILED (exit {code}{', signal %d' % (code - 128) if code > 128 else ''})"

def per_file(name):
    r = rows[name]
    return r["mean"] * 1e6 / n, r["cpu"] * 1e6 / n

print(f"{'case':<40}{'wall s':>10}{'± s':>8}{'files/s':>10}{'µs/file':>10}{'cpu µs/file':>13}")
labels = {
    "small_file": "stoq hash -C file (default threads)",
    "small_stdout": "stoq hash -C stdout > /dev/null",
    "small_file_M1": "stoq hash -C file -M 1",
    "small_file_Mn": f"stoq hash -C file -M {nproc}",
    "baseline_io_1": "baseline read+write, 1 thread",
    "baseline_io_n": f"baseline read+write, {nproc} threads",
    "baseline_hash_1": "baseline read+hash+write, 1 thread",
}
for name, label in labels.items():
    if name not in rows:
        print(f"{label:<40}{status(failed.get(name, 0)):>30}")
        continue
    r = rows[name]
    wall_us, cpu_us = per_file(name)
    print(f"{label:<40}{r['mean']:>10.3f}{r['sd']:>8.3f}{n / r['mean']:>10.0f}{wall_us:>10.1f}{cpu_us:>13.1f}")
start = rows.get("startup_one_file", dict(mean=0.0, sd=0.0, cpu=0.0))
if "startup_one_file" in rows:
    print(f"{'stoq hash on one file (startup+exit)':<40}{start['mean']:>10.3f}{start['sd']:>8.3f}"
          f"   cpu {start['cpu'] * 1e3:.1f} ms")
else:
    print(f"{'stoq hash on one file (startup+exit)':<40}{status(failed.get('startup_one_file', 0)):>30}")
if "large_file" in rows:
    large = rows["large_file"]
    print(f"large file: {large_bytes / 2**20:.0f} MiB in {large['mean']:.3f} s = "
          f"{large_bytes / 1e6 / large['mean']:.0f} MB/s ({large_bytes / 2**20 / large['mean']:.0f} MiB/s), "
          f"startup included")
else:
    print(f"large file ({large_bytes / 2**20:.0f} MiB): {status(failed.get('large_file', 0))}")

if os.path.exists(gbench):
    data = json.load(open(gbench))
    for b in data["benchmarks"]:
        if b["name"] == "BM_compute_hashes/1048576":
            print(f"hashing (md5+sha1+sha256+sha512, one pass) at 1 MiB: {b['bytes_per_second'] / 1e9:.3f} GB/s")

# Overhead per payload beyond hashing and I/O (bench/README.md):
#   single worker thread, wall:  stoq -M 1 per file - startup/N - baseline(1 thread) per file - hash(mean size)
#   all cores, CPU time:         stoq cpu per file - startup cpu/N - baseline cpu per file - hash(mean size)
needed = ("baseline_io_1", "small_file_M1", "small_file")
if any(k not in rows for k in needed):
    print("overhead estimate: not computed (a case it needs failed)")
    sys.exit(0)
base1_wall, base1_cpu = per_file("baseline_io_1")
if hash_us:
    h = float(hash_us)
    source = f"Google benchmark BM_compute_hashes/{mean_size}"
else:
    h = per_file("baseline_hash_1")[0] - base1_wall
    source = "baseline --hash minus baseline"
m1_wall, _ = per_file("small_file_M1")
_, def_cpu = per_file("small_file")
startup_wall_us = start["mean"] * 1e6 / n
startup_cpu_us = start["cpu"] * 1e6 / n
over_wall = m1_wall - startup_wall_us - base1_wall - h
over_cpu = def_cpu - startup_cpu_us - base1_cpu - h
print(f"hash cost at the mean small-file size ({mean_size} B): {h:.2f} µs ({source})")
print(f"framework overhead per payload, wall, -M 1:          {over_wall:.1f} µs "
      f"(= {m1_wall:.1f} - {startup_wall_us:.2f} startup - {base1_wall:.1f} baseline - {h:.1f} hash)")
print(f"framework overhead per payload, CPU, default threads: {over_cpu:.1f} µs "
      f"(= {def_cpu:.1f} - {startup_cpu_us:.2f} startup - {base1_cpu:.1f} baseline - {h:.1f} hash)")
best = max(n / rows[k]["mean"] for k in ("small_file", "small_file_Mn") if k in rows)
print(f"targets: >= 10000 files/s on {nproc} cores: {'met' if best >= 10000 else 'MISSED'} ({best:.0f} files/s); "
      f"overhead < 20 µs/payload: {'met' if over_cpu < 20 else 'MISSED'} by the CPU estimate ({over_cpu:.1f} µs; "
      f"the wall estimate, {over_wall:.1f} µs, stretches with other load)")
PY
say "(saved: $saved: summary.txt, results.tsv, hyperfine and Google benchmark JSON)"
