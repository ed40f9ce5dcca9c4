#!/usr/bin/env bash
# Isolation benchmark: the cost of running a plugin's calls in an isolation helper
# (docs/architecture.md#isolation), whole-process, one worker thread, best of R runs:
#   1. worker scan: `stoq hostile -F dir` over N small files, in-process vs isolation=True;
#   2. the same over N/10 files of 1 MiB (the payload is copied into a sealed memfd);
#   3. extractor under -D: `stoq hash -D` over N files each routed to hostile_extract
#      (two small children per call), in-process vs isolated.
# The difference of wall times divided by the number of calls is the overhead per call;
# the helper start (once per thread) is included, amortised over the run.
#
# usage: bench/isolation.sh [--build DIR] [--files N] [--runs R] [--work DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${STOQ_BUILD_DIR:-$here/../build}
files=2000
runs=3
work=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "isolation.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
build=$(cd "$build" && pwd)
stoq=${STOQ:-$build/bin/stoq}
plugins=$build/tests/plugins  # the hostile test plugins (tests/abi/plugins/hostile.cpp)
[[ -x $stoq ]] || { echo "isolation.sh: $stoq not built" >&2; exit 1; }
[[ -f $plugins/worker/hostile/hostile.so && -f $plugins/extractor/hostile_extract/hostile_extract.so ]] || {
  echo "isolation.sh: build the test plugins first: ninja -C $build stoq_test_worker_hostile stoq_test_extractor_hostile_extract" >&2
  exit 1
}
work=${work:-$build/bench-isolation}
mkdir -p "$work"
export STOQ_HOME=$work/home
mkdir -p "$STOQ_HOME"
cat > "$work/rules.yar" <<'EOF'
rule kids { meta: plugin = "extractor:hostile_extract" strings: $a = "KIDS " condition: $a at 0 }
EOF
printf '[core]\nplugin_dir_list = %s\ndispatch_rules = %s\nlog_dir = %s\n' "$plugins" "$work/rules.yar" "$work/logs" \
  > "$work/stoq.cfg"

python3 - "$work" "$files" <<'PY'
import os, sys
work, count = sys.argv[1], int(sys.argv[2])
for name, n, size, prefix in (("small", count, 1024, b"text "), ("large", max(1, count // 10), 1 << 20, b"text "),
                              ("kids", count, 0, b"KIDS ")):
    folder = os.path.join(work, name)
    if os.path.isdir(folder) and len(os.listdir(folder)) == n:
        continue
    os.makedirs(folder, exist_ok=True)
    for i in range(n):
        body = prefix + (b"%08d|%08d" % (i, i + 1) if name == "kids" else b"%08d " % i)
        body += b"x" * max(0, size - len(body))
        with open(os.path.join(folder, "%06d" % i), "wb") as out:
            out.write(body)
PY

# Best wall time of `runs` runs, in seconds; stdout to /dev/null, a failure stops the script.
best_of() {
  python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
best = None
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
print(f"{best:.3f}")
PY
}

compare() {  # label calls command... (the isolation option is appended)
  local label=$1 calls=$2 plugin=$3; shift 3
  local in_process isolated
  in_process=$(best_of "$@" --plugin-opt "$plugin:isolation=False")
  isolated=$(best_of "$@" --plugin-opt "$plugin:isolation=True")
  python3 -c "
a,b,n=$in_process,$isolated,$calls
print(f'   {\"$label\":<34} in-process {a:6.2f} s   isolated {b:6.2f} s   overhead {(b-a)/n*1e6:7.1f} us/call ({n} calls)')"
}

common=(--config "$work/stoq.cfg" -M 1 -C stdout)
echo "== isolation overhead, one worker thread, best of $runs"
compare "worker scan, 1 KiB payloads" "$files" hostile "$stoq" hostile -F "$work/small" "${common[@]}"
compare "worker scan, 1 MiB payloads" "$(( files / 10 > 0 ? files / 10 : 1 ))" hostile \
  "$stoq" hostile -F "$work/large" "${common[@]}"
compare "extractor (-D), 2 children/call" "$files" hostile_extract "$stoq" hash -D -F "$work/kids" "${common[@]}"
