#!/usr/bin/env bash
# `make install-check`: proves an installed stoq works on its own.
#   1. cmake --install <build> into a temporary prefix;
#   2. from another directory, with an empty HOME and no STOQ_HOME, runs
#      <prefix>/bin/stoq list and <prefix>/bin/stoq hash -F samples/note.txt and checks
#      the sha256 against sha256sum, and that libstoq comes from the prefix;
#   3. checks the SDK package (lib/cmake/stoq, stoq.pc, stoq/sdk_digest.h, libstoq-core);
#   4. builds docs/examples/wordcount out of tree against the prefix (find_package(stoq),
#      nothing from the source tree on its include path), runs its PluginHarness tests (one
#      calls the bundled iocregex reader), installs it into its own plugin directory, and
#      runs it through a stoq.cfg plugin_dir_list: the path docs/writing-plugins.md describes;
#   5. builds and tests it once more against the build tree's package (-Dstoq_DIR);
#   6. tests/install/packages_test.py: stoq new + stoq install for every category from the
#      prefix alone, the packages' own tests, exec: packages, and the failures that must
#      leave installed plugins untouched. ctest runs all of this as install.packages.
#
# usage: scripts/install-check.sh [build-dir]     (KEEP=1 keeps the temp directory)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$root" && cd "${1:-build}" && pwd)  # relative to the checkout, or absolute (ctest)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stoq-install-check.XXXXXX")
if [[ ${KEEP:-0} == 1 ]]; then
  trap 'echo "install-check: kept $tmp"' EXIT
else
  trap 'rm -rf "$tmp"' EXIT
fi
prefix=$tmp/prefix
mkdir -p "$tmp/home" "$tmp/elsewhere"

fail() {
  echo "install-check: FAILED: $*" >&2
  exit 1
}
step() { printf '\n==> %s\n' "$*"; }
# The installed stoq, run the way a user would: another cwd, a fresh HOME, no STOQ_HOME.
installed_stoq() { (cd "$tmp/elsewhere" && env -u STOQ_HOME HOME="$tmp/home" "$prefix/bin/stoq" "$@"); }

step "cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
(cd "$prefix" && find . -type f -o -type l | sort | sed 's/^\./  /')

step "libstoq resolves inside the prefix"
lib_line=$(ldd "$prefix/bin/stoq" | grep 'libstoq' || true)
echo "  $lib_line"
[[ $lib_line == *"$prefix/"* ]] || fail "bin/stoq does not load libstoq from $prefix: '$lib_line'"

step "stoq list   (cwd $tmp/elsewhere, HOME empty)"
installed_stoq list | tee "$tmp/list.txt"
for plugin in hash yara iocextract iocregex stdout file filedir dirmon sanitize summary verdict decompress pe rtf xor; do
  grep -q "^  $plugin " "$tmp/list.txt" || fail "stoq list does not show $plugin"
done

sample=$root/samples/note.txt
step "stoq hash -F $sample"
installed_stoq hash -F "$sample" >"$tmp/hash.json"
expected=$(sha256sum "$sample" | cut -d' ' -f1)
python3 - "$tmp/hash.json" "$expected" <<'PY' || fail "hash output"
import json, sys
doc = json.load(open(sys.argv[1]))
got = doc["results"][0]["scan"]["sha256"]
assert got == sys.argv[2], f"sha256 {got} != {sys.argv[2]}"
print(f"  sha256 {got} matches sha256sum")
PY

step "stoq hash -F $sample -T stdout.tpl   (a plugin's templates/ installed beside it)"
installed_stoq hash -F "$sample" -T stdout.tpl >"$tmp/hash.txt"
grep -q "sha256  $expected" "$tmp/hash.txt" || { cat "$tmp/hash.txt"; fail "rendered template"; }
sed 's/^/  /' "$tmp/hash.txt"

step "stoq yara -F $root/samples/phish-dropper.txt   (rules/ installed beside the yara worker)"
installed_stoq yara -F "$root/samples/phish-dropper.txt" >"$tmp/yara.json"
python3 - "$tmp/yara.json" <<'PY' || fail "yara output"
import json, sys
rules = sorted(m["rule"] for m in json.load(open(sys.argv[1]))["results"][0]["scan"])
assert "powershell_encoded_command" in rules, rules
print("  rules matched:", ", ".join(rules))
PY

step "stoq hash -D -F <the demo's nested sample>   (bundled dispatch rules in share/stoq, extractors, carvers, decoders)"
nested=$(python3 "$root/scripts/make-nested-sample.py" "$tmp/nested")
installed_stoq hash -D -F "$nested" >"$tmp/nested.json"
python3 - "$tmp/nested.json" <<'PY' || fail "dispatch output"
import json, sys
doc = json.load(open(sys.argv[1]))
chain = [entry.get("dispatcher", "root") for entry in doc["results"]]
assert doc["payloads"] >= 4 and "decoder:b64" in chain and "errors" not in doc, doc
print("  dispatched:", " -> ".join(chain))
PY

step "the SDK package: lib/cmake/stoq, pkg-config, the SDK digest"
for file in lib/cmake/stoq/stoqConfig.cmake lib/cmake/stoq/stoqConfigVersion.cmake lib/cmake/stoq/stoqTargets.cmake \
  lib/cmake/stoq/StoqPlugin.cmake lib/pkgconfig/stoq.pc include/stoq/sdk_digest.h lib/libstoq-core.so; do
  [[ -e $prefix/$file ]] || fail "$file is not installed"
done
grep -q '#define STOQ_SDK_DIGEST "[0-9a-f]\{16\}"' "$prefix/include/stoq/sdk_digest.h" || fail "sdk_digest.h"
PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs stoq | sed 's/^/  pkg-config: /'
echo "  $(grep -o '"[0-9a-f]*"' "$prefix/include/stoq/sdk_digest.h") = STOQ_SDK_DIGEST"

# Configures, builds and tests docs/examples/wordcount in $1 with the cmake arguments that
# follow; fails when anything of the source tree but the example is on its include path.
build_wordcount() {
  local dir=$1
  shift
  cmake -S "$root/docs/examples/wordcount" -B "$dir" -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "$@" \
    >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; fail "configure wordcount"; }
  cmake --build "$dir" >"$dir.build.log" || { cat "$dir.build.log"; fail "build wordcount"; }
  ctest --test-dir "$dir" --output-on-failure >"$dir.test.log" || {
    cat "$dir.test.log"
    fail "wordcount's own tests (PluginHarness)"
  }
  grep -E 'tests passed' "$dir.test.log" | sed 's/^/  /'
}

step "out-of-tree plugin: docs/examples/wordcount against $prefix (find_package(stoq))"
wc_build=$tmp/wordcount-build
plugins=$tmp/my-plugins
build_wordcount "$wc_build" -DCMAKE_PREFIX_PATH="$prefix"
if grep -E -- "-I *$root/(include|src)|-isystem *$root/(include|src)" "$wc_build/compile_commands.json"; then
  fail "the wordcount build uses headers of the source tree"
fi
cmake --install "$wc_build" --prefix "$plugins" >/dev/null || fail "install wordcount"
cat >"$tmp/stoq.cfg" <<EOF
[core]
plugin_dir_list = $plugins
EOF
installed_stoq list --config "$tmp/stoq.cfg" | tee "$tmp/list2.txt"
grep -q '^  wordcount ' "$tmp/list2.txt" || fail "stoq list does not show the out-of-tree wordcount plugin"
installed_stoq wordcount --config "$tmp/stoq.cfg" -F "$sample" --top 2 >"$tmp/wordcount.json"
python3 - "$tmp/wordcount.json" <<'PY' || fail "wordcount output"
import json, sys
scan = json.load(open(sys.argv[1]))["results"][0]["scan"]
assert scan["words"] > 0 and len(scan["top_words"]) == 2, scan
print("  wordcount:", json.dumps(scan))
PY

step "docs/examples/wordcount against the build tree's package (-Dstoq_DIR=$build/lib/cmake/stoq)"
build_wordcount "$tmp/wordcount-build-tree" -Dstoq_DIR="$build/lib/cmake/stoq"

step "plugin packages from $prefix: stoq new + stoq install for every category, exec: packages, failures"
# tests/install/packages_test.py: what a user of the installed prefix does with packages
# (docs/writing-plugins.md §10, §11), each step checked against an independent oracle.
python3 "$root/tests/install/packages_test.py" --prefix "$prefix" --work "$tmp/packages" ||
  fail "plugin packages (tests/install/packages_test.py)"

echo
echo "install-check: OK"
