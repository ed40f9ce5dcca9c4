#!/usr/bin/env bash
# Exec plugin benchmark: the per-payload cost of a worker run as a child process over
# the exec protocol (docs/exec-plugins.md) against the same worker in C++, whole
# process, one worker thread (-M 1), best of R runs, over N small (1 KiB) files:
#   C++       the test worker `amber` (tests/abi/plugins/simple_worker.cpp: returns the size)
#   python3   an exec worker using docs/examples/exec-python/byte_stats/stoq_exec.py,
#             returning the size
#   bash      an exec worker reading the bytes with head -c and returning their count
# (overhead per payload = (exec - C++) / N; the child's start, once per thread, is
# included, amortised over the run).
#
# usage: bench/exec.sh [--build DIR] [--files N] [--runs R] [--work DIR]
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
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "exec.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
build=$(cd "$build" && pwd)
stoq=${STOQ:-$build/bin/stoq}
test_plugins=$build/tests/plugins
[[ -x $stoq ]] || { echo "exec.sh: $stoq not built" >&2; exit 1; }
[[ -f $test_plugins/worker/amber/amber.so ]] || {
  echo "exec.sh: build the C++ test worker first: ninja -C $build stoq_test_worker_amber" >&2
  exit 1
}
work=${work:-$build/bench-exec}
plugins=$work/plugins
mkdir -p "$work" "$plugins/worker/pysize" "$plugins/worker/shsize"
export STOQ_HOME=$work/home
mkdir -p "$STOQ_HOME"

manifest() {  # name module
  printf '[Core]\nName = %s\nModule = %s\n\n[Documentation]\nAuthor = bench\nVersion = 1.0\n' "$1" "$2"
  printf 'Website = https://example.invalid\nDescription = size of the payload\n\n'
  printf '[options]\nhashpayload = False\nsaveresults = True\n'
}
manifest pysize exec:./run > "$plugins/worker/pysize/pysize.stoq"
cp "$here/../docs/examples/exec-python/byte_stats/stoq_exec.py" "$plugins/worker/pysize/"
cat > "$plugins/worker/pysize/run" <<'PY'
#!/usr/bin/env python3
import stoq_exec
stoq_exec.serve(scan=lambda payload, kwargs, options: {"size": len(payload)})
PY
manifest shsize exec:./run > "$plugins/worker/shsize/shsize.stoq"
cat > "$plugins/worker/shsize/run" <<'SH'
#!/usr/bin/env bash
while IFS= read -r line; do
  [[ $line =~ ^\{\"op\":\"([a-z_]+)\",\"size\":([0-9]+) ]] || exit 1
  head -c "${BASH_REMATCH[2]}" > /dev/null
  if [[ ${BASH_REMATCH[1]} == init ]]; then printf '{"ok":true}\n'; else printf '{"ok":true,"result":{"size":%d}}\n' "${BASH_REMATCH[2]}"; fi
done
SH
chmod +x "$plugins/worker/pysize/run" "$plugins/worker/shsize/run"
printf '[core]\nplugin_dir_list = %s, %s\nlog_dir = %s\n' "$plugins" "$test_plugins" "$work/logs" > "$work/stoq.cfg"

python3 - "$work/small" "$files" <<'PY'
import os, sys
folder, count = sys.argv[1], int(sys.argv[2])
if not (os.path.isdir(folder) and len(os.listdir(folder)) == count):
    os.makedirs(folder, exist_ok=True)
    for i in range(count):
        with open(os.path.join(folder, "%06d" % i), "wb") as out:
            out.write((b"%08d " % i) + b"x" * 1015)
PY

# Best wall time of `runs` runs, in seconds; stdout to /dev/null, a failure stops the script.
best_of() {
  python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
best = None
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
print(f"{best:.3f}")
PY
}

common=(-F "$work/small" --config "$work/stoq.cfg" -M 1 -C stdout)
native=$(best_of "$stoq" amber "${common[@]}")
echo "== exec plugin overhead, $files payloads of 1 KiB, one worker thread, best of $runs"
printf '   %-28s %7.2f s  %7.1f us/payload\n' "C++ worker (amber)" "$native" "$(python3 -c "print($native/$files*1e6)")"
for name in pysize shsize; do
  took=$(best_of "$stoq" "$name" "${common[@]}")
  python3 -c "
a,b,n='$native','$took',$files
a=float(a); b=float(b)
print(f'   {\"exec worker ($name)\":<28} {b:7.2f} s  {b/n*1e6:7.1f} us/payload   overhead {(b-a)/n*1e6:7.1f} us/payload')"
done
