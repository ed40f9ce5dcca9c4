#!/usr/bin/env bash
# Queue mode through a real RabbitMQ (scripts/services.sh start): messages/s from the
# publisher into a queue, then through 1, 2 and 4 worker processes (`stoq hash -I rabbitmq
# -M 1 -C file -O <file>`: one line of JSON appended per message) until every message is
# saved and acknowledged. Each message names a small file (the payload is read from disk by path).
# Each figure: the best of R runs, wall time from start to the last result.
#
# usage: bench/queue.sh [--build DIR] [--messages N] [--runs R]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${STOQ_BUILD_DIR:-$here/../build}
messages=10000
runs=2
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "queue.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
stoq=$(cd "$build" && pwd)/bin/stoq
command -v amqp-delete-queue >/dev/null || { echo "queue.sh: needs amqp-tools" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cat > "$work/stoq.cfg" <<CFG
[core]
results_dir = $work/results
log_dir = $work/logs
archive_base = $work/archive
temp_dir = $work/temp
CFG
python3 - "$work/in" "$messages" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
os.makedirs(root)
for i in range(count):
    with open(f"{root}/{i:06d}", "w") as f:
        f.write(f"payload {i} " * 40)
PY
now() { date +%s.%N; }

# publish QUEUE: N messages into QUEUE; prints the seconds it took.
publish() {
  local start end
  start=$(now)
  "$stoq" publisher --config "$work/stoq.cfg" -F "$work/in" -w "$1" --no-progress 2> "$work/publisher.err" ||
    { cat "$work/publisher.err" >&2; exit 1; }
  end=$(now)
  echo "$end - $start" | bc
}

# consume QUEUE K: K worker processes until N results; prints the seconds it took.
consume() {
  local queue=$1 k=$2 start end i lines
  start=$(now)
  pids=()
  for ((i = 0; i < k; i++)); do
    : > "$work/out.$i"
    "$stoq" hash --config "$work/stoq.cfg" -I rabbitmq -Q "$queue" -M 1 -C file -O "$work/out.$i" --no-progress \
      2> "$work/err.$i" &
    pids+=($!)
  done
  while :; do
    lines=$(cat "$work"/out.* | wc -l)
    ((lines >= messages)) && break
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "queue.sh: a worker died:" >&2; cat "$work"/err.* >&2; exit 1; }
    done
    sleep 0.05
  done
  end=$(now)
  for pid in "${pids[@]}"; do kill -TERM "$pid"; done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  pids=()
  rm -f "$work"/out.* "$work"/err.*
  echo "$end - $start" | bc
}

echo "queue mode: $messages messages (each a path to a 400-byte file), RabbitMQ on loopback, $(nproc) cores"
best_publish=""
for k in 1 2 4; do
  best=""
  for ((run = 0; run < runs; run++)); do
    queue="bench-queue-$k-$run-$$"
    seconds=$(publish "$queue")
    if [[ -z $best_publish ]] || (($(echo "$seconds < $best_publish" | bc))); then best_publish=$seconds; fi
    seconds=$(consume "$queue" "$k")
    if [[ -z $best ]] || (($(echo "$seconds < $best" | bc))); then best=$seconds; fi
    amqp-delete-queue -q "$queue" >/dev/null
    amqp-delete-queue -q "$queue-errors" >/dev/null 2>&1 || true
  done
  printf '  %d worker process(es) (-M 1 each): %6.2f s, %6.0f messages/s\n' "$k" "$best" \
    "$(echo "$messages / $best" | bc -l)"
done
printf '  publisher (stoq publisher -F, confirmed, persistent): %6.2f s, %6.0f messages/s\n' "$best_publish" \
  "$(echo "$messages / $best_publish" | bc -l)"
