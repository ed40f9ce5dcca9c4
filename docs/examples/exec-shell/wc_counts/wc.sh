#!/usr/bin/env bash
# wc_counts: a stoq worker in bash + coreutils (docs/exec-plugins.md, protocol 1).
# Reports the payload's line, word and byte counts as `wc` counts them.
set -u
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
# Every request starts {"op":"<op>","size":<n>, ...: no JSON parser needed.
while IFS= read -r line; do
  [[ $line =~ ^\{\"op\":\"([a-z_]+)\",\"size\":([0-9]+) ]] || { echo "wc_counts: bad request" >&2; exit 1; }
  op=${BASH_REMATCH[1]}
  size=${BASH_REMATCH[2]}
  head -c "$size" > "$tmp"  # the payload's bytes (always read them, even when unused)
  case $op in
    init) printf '{"ok":true}\n' ;;
    scan)
      read -r lines words bytes < <(wc -l -w -c < "$tmp")
      printf '{"ok":true,"result":{"lines":%d,"words":%d,"bytes":%d}}\n' "$lines" "$words" "$bytes"
      ;;
    *) printf '{"ok":false,"error":"wc_counts does not handle %s"}\n' "$op" ;;
  esac
done
