# Shared by the whole-process benchmark scripts (sourced, not run).
#
#   bench_config DIR          writes DIR/stoq.cfg: every stoq directory under DIR, and
#                             filedir walking recursively (make-corpus nests its files)
#   bench_time RUNS COMMAND   runs `bash -c COMMAND` RUNS times, output discarded; sets
#                             bench_wall (the best wall time, s) and bench_cpu (user + sys
#                             of that run, s: on a shared machine wall time also measures
#                             the others). Needs GNU time and bc.

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
