#!/usr/bin/env python3
"""libstoq.so exports the SDK and nothing else (ctest abi.sdk_exports).

usage: check_sdk_exports.py <libstoq.so> <include/stoq dir> [<libstoq-core.so>]

Reads `nm -D --defined-only <libstoq.so> | c++filt` and fails, listing them, on:
  * a stoq symbol whose namespace or class is not declared by the public headers of
    include/stoq/ (stoq::engine::..., stoq::templating::detail::..., an internal class);
  * any other strong symbol (C or C++): abi.h declares no functions, so none is expected;
  * a weak/unique symbol (template instantiations, typeinfo of library templates) that is
    not an instantiation of the standard library or nlohmann::json (which every C++
    shared library exporting std types carries);
  * a missing SDK symbol among a few that must be exported;
  * with libstoq-core.so: a strong SDK symbol defined by both (one copy per process).
"""
import re
import subprocess
import sys
from pathlib import Path

# Namespaces of the core (libstoq-core.so) and of the SDK's own internals.
FORBIDDEN = re.compile(
    r"^stoq::(engine|loader|config|dispatch|isolation|lifecycle|logging|testing|exec|install|cli|"
    r"templating::detail|sdk)::")
REQUIRED = [
    "stoq::Payload::Payload",
    "stoq::Plugin::bind",
    "typeinfo for stoq::Worker",
    "vtable for stoq::Plugin",
    "stoq::write_output",
    "stoq::templating::Environment::Environment",
]
PREFIXES = ("typeinfo name for ", "typeinfo for ", "vtable for ", "VTT for ", "guard variable for ",
            "construction vtable for ")
LIBRARY_NAMESPACES = ("std::", "__gnu_cxx::", "nlohmann::")


def defined_symbols(library):
    nm = subprocess.run(["nm", "-D", "--defined-only", library], check=True, capture_output=True, text=True).stdout
    names = subprocess.run(["c++filt"], input=nm, check=True, capture_output=True, text=True).stdout
    symbols = []
    for line in names.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3:
            symbols.append((parts[1], parts[2]))
    return symbols


def without_template_arguments(name):
    """`name` with every <...> removed (nested ones included) and the parameter list cut."""
    previous = None
    while previous != name:
        previous = name
        name = re.sub(r"<[^<>]*>", "", name)
    return re.sub(r"\[abi:\w+\]", "", name.split("(", 1)[0])


def entity(name):
    """The qualified name a symbol belongs to, without its prefix and return type."""
    for prefix in PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    words = without_template_arguments(name).split(" ")
    return next((w for w in words if "::" in w), words[-1])


def public_names(include_dir):
    """Every namespace, type and function name the public headers declare."""
    names = set()
    for header in Path(include_dir).glob("*.h*"):
        text = header.read_text()
        text = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
        names.update(re.findall(r"\b(?:namespace|class|struct|enum class|enum|using)\s+(\w+)", text))
        names.update(re.findall(r"\bnamespace\s+\w+::(\w+)", text))
        names.update(re.findall(r"(~?\w+)\s*\(", text))  # functions
        names.update(re.findall(r"\b(\w+)\s*(?:\[\]|\{|=)", text))  # variables
    return names


def main():
    library, include_dir = sys.argv[1], sys.argv[2]
    core = sys.argv[3] if len(sys.argv) > 3 else None
    declared = public_names(include_dir)
    symbols = defined_symbols(library)
    bad = []
    for kind, name in symbols:
        what = entity(name)
        vague = kind in "WVu"
        if what.startswith("stoq::"):
            parts = what.split("::")[1:]
            namespaces = ("templating", "output", "mapping_guard")
            component = parts[1] if parts[0] in namespaces and len(parts) > 1 else parts[0]
            if FORBIDDEN.match(what + "::") or component not in declared:
                bad.append(f"{kind} {name}")
        elif not (vague and what.startswith(LIBRARY_NAMESPACES)):
            bad.append(f"{kind} {name}")
    texts = {name for _, name in symbols}
    missing = [r for r in REQUIRED if not any(t == r or t.startswith(r + "(") for t in texts)]
    duplicated = []
    if core:
        sdk_strong = {name for kind, name in symbols if kind == "T" and name.startswith("stoq::")}
        duplicated = sorted(name for kind, name in defined_symbols(core) if kind == "T" and name in sdk_strong)
    for title, items in (("exported but not SDK", bad), ("SDK symbols not exported", missing),
                         ("defined by both libstoq.so and libstoq-core.so", duplicated)):
        if items:
            print(f"{library}: {title}:")
            for item in items:
                print(f"  {item}")
    if bad or missing or duplicated:
        return 1
    print(f"{library}: {len(symbols)} exported symbols, all of the SDK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
