#!/usr/bin/env bash
# clang-tidy (.clang-tidy: any warning is an error) over the .cpp files of src/ and plugins/
# that the build compiles (BUILD/compile_commands.json).
#
# usage: scripts/tidy.sh [--build DIR] [--since REV | --changed]
#   (none)       every file: what `make tidy` runs (about 10 s of CPU per file, ~230 files)
#   --since REV  only the files changed since REV (committed or not), and the .cpp files
#                beside a changed header of src/ or plugins/ (a public header of include/stoq
#                is checked through the changed files that include it)
#   --changed    --since the commit in .ci/tidy-baseline: the last commit at which the whole
#                tree was checked clean. CI runs this (`make tidy-changed`) so that its time
#                grows with the change, not the tree; refresh the baseline after a full
#                `make tidy` passes.
# env: JOBS (parallel clang-tidy processes, default 2)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build
since=""
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --since) since=$2; shift 2 ;;
    --changed) since=$(tr -d '[:space:]' <"$root/.ci/tidy-baseline"); shift ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "tidy.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
command -v run-clang-tidy >/dev/null || { echo "tidy: run-clang-tidy not found (scripts/install-deps.sh installs clang-tidy)" >&2; exit 2; }
[[ -f $build/compile_commands.json ]] || { echo "tidy: no $build/compile_commands.json (run make build first)" >&2; exit 2; }

# Every compiled .cpp of src/ and plugins/, as absolute paths.
mapfile -t compiled < <(python3 -c '
import json, sys
root = sys.argv[2]
for path in sorted({entry["file"] for entry in json.load(open(sys.argv[1]))}):
    if path.startswith((root + "/src/", root + "/plugins/")) and path.endswith(".cpp"):
        print(path)
' "$build/compile_commands.json" "$root")

files=("${compiled[@]}")
if [[ -n $since ]] && ! git -C "$root" rev-parse --verify --quiet "$since^{commit}" >/dev/null; then
  # A shallow clone (or no git): what changed is unknown, so everything is checked.
  echo "tidy: $since is not in this checkout's history: checking every file"
  since=""
fi
if [[ -n $since ]]; then
  # Changed files, and the folders of changed headers (their .cpp files include them).
  mapfile -t changed < <({ git -C "$root" diff --name-only "$since" -- src plugins; \
                           git -C "$root" ls-files --others --exclude-standard -- src plugins; } | sort -u)
  files=()
  for path in "${compiled[@]}"; do
    relative=${path#"$root"/}
    for change in "${changed[@]}"; do
      if [[ $relative == "$change" ]] ||
        { [[ $change == *.hpp || $change == *.h ]] && [[ $relative == "$(dirname "$change")"/* ]]; }; then
        files+=("$path")
        break
      fi
    done
  done
  echo "tidy: ${#files[@]} of ${#compiled[@]} files changed since $(git -C "$root" rev-parse --short "$since")"
fi
((${#files[@]} > 0)) || { echo "tidy: nothing to check"; exit 0; }
# run-clang-tidy takes regular expressions: anchor each path.
patterns=()
for path in "${files[@]}"; do patterns+=("^$(printf '%s' "$path" | sed 's/[.[\*^$+?(){}|]/\\&/g')\$"); done
run-clang-tidy -p "$build" -quiet -j "${JOBS:-2}" "${patterns[@]}"
