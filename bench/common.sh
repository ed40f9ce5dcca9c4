# Shared by the whole-process benchmark scripts (sourced, not run).
#
#   bench_args SCRIPT ARGS... parses the options the corpus benchmarks share into build, small,
#                             copies, runs, threads and work (set their defaults first), and
#                             sets make_corpus; exits 0 with a message when make-corpus is not
#                             there (nothing to measure)
#   bench_config DIR          writes DIR/stoq.cfg: every stoq directory under DIR, and
#                             filedir walking recursively (make-corpus nests its files)
#   bench_time RUNS COMMAND   runs `bash -c COMMAND` RUNS times, output discarded; sets
#                             bench_wall (the best wall time, s) and bench_cpu (user + sys
#                             of that run, s: on a shared machine wall time also measures
#                             the others). Needs GNU time and bc.

bench_args() {
  local script=$1 name
  name=$(basename "$script")
  shift
  while [[ $# -gt 0 ]]; do
    case $1 in
      --build) build=$2; shift 2 ;;
      --small) small=$2; shift 2 ;;
      --copies) copies=$2; shift 2 ;;
      --runs) runs=$2; shift 2 ;;
      --threads) threads=$2; shift 2 ;;
      --work) work=$2; shift 2 ;;
      -h | --help) sed -n '2,/^set -euo/p' "$script" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) echo "$name: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
  done
  make_corpus=${STOQ_MAKE_CORPUS:-$(dirname "$script")/../../shared/bench/make-corpus}
  if [[ ! -x $make_corpus ]]; then
    echo "$name: $make_corpus not found: nothing to measure"
    exit 0
  fi
}

bench_config() {
  local dir=$1
  cat > "$dir/stoq.cfg" <<CFG
[core]
base_dir = $dir
results_dir = $dir/results
log_dir = $dir/logs
archive_base = $dir/archive
temp_dir = $dir/temp

[filedir]
recursive = True
CFG
}

bench_time() {
  local runs=$1 command=$2 timing wall user sys i
  timing=$(mktemp)
  bench_wall=""
  bench_cpu=""
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%e %U %S' -o "$timing" bash -c "$command" > /dev/null 2> /dev/null
    read -r wall user sys < "$timing"
    if [[ -z $bench_wall ]] || (($(echo "$wall < $bench_wall" | bc))); then
      bench_wall=$wall
      bench_cpu=$(echo "$user + $sys" | bc)
    fi
  done
  rm -f "$timing"
}
