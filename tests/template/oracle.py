#!/usr/bin/python3
"""Renders every template case against every variable document with the real Jinja2.

usage: /usr/bin/python3 oracle.py CASES_DIR DOCUMENTS_DIR OUTPUT_JSON

Run it with Debian's /usr/bin/python3 (python3-jinja2 3.1.2), the Jinja2 the template
engine is checked against. The environment is the one stoQ configured: a
FileSystemLoader on CASES_DIR, trim_blocks and lstrip_blocks, keep_trailing_newline
off, no autoescaping, the default (lenient) Undefined, plus stoq's extension filters
`keys` and `values`.

A case is every *.tpl file directly in CASES_DIR (the sub-folders _partials/ and _lib/
hold templates that cases include or import). A document is every *.json file of
DOCUMENTS_DIR: a JSON object whose keys become the template variables. The output is
one JSON object keyed "<case file>|<document stem>" (the case file name as
get_template takes it, e.g. "for_loop_index.tpl|yara"):
    {"ok": true, "output": "..."}
    {"ok": true, "output_hex": "..."}     (an output that is not valid UTF-8: lone surrogates)
    {"ok": false, "error": "<exception class name>", "message": "..."}
written with ensure_ascii, so every output string survives exactly.
"""

import copy
import json
import os
import sys

try:
    import jinja2
except ImportError as missing:
    sys.stderr.write("oracle.py: cannot import jinja2 (%s); install python3-jinja2\n" % missing)
    sys.exit(3)


def make_environment(cases_dir):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(cases_dir),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        undefined=jinja2.Undefined,
    )
    # stoq's extension filters (include/stoq/template.hpp, docs/templates.md).
    env.filters["keys"] = lambda d: list(d.keys())
    env.filters["values"] = lambda d: list(d.values())
    return env


def render_one(env, case, variables):
    try:
        output = env.get_template(case).render(**variables)
    except Exception as error:  # every failure is an expected outcome to record
        return {"ok": False, "error": type(error).__name__, "message": str(error)[:500]}
    try:
        output.encode("utf-8")
    except UnicodeEncodeError:
        return {"ok": True, "output_hex": output.encode("utf-8", "surrogatepass").hex()}
    return {"ok": True, "output": output}


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    cases_dir, documents_dir, output_path = argv[1:4]
    cases = sorted(name for name in os.listdir(cases_dir)
                   if name.endswith(".tpl") and os.path.isfile(os.path.join(cases_dir, name)))
    documents = {}
    for name in sorted(os.listdir(documents_dir)):
        if name.endswith(".json"):
            with open(os.path.join(documents_dir, name), encoding="utf-8") as handle:
                documents[name[: -len(".json")]] = json.load(handle)
    env = make_environment(cases_dir)
    results = {}
    for case in cases:
        for document, variables in documents.items():
            # a fresh copy each time: a template may mutate its data (list.append)
            results[case + "|" + document] = render_one(env, case, copy.deepcopy(variables))
    sys.stdout.write("jinja2 %s: %d cases x %d documents\n" % (jinja2.__version__, len(cases), len(documents)))
    temporary = output_path + ".tmp" + str(os.getpid())
    with open(temporary, "w", encoding="ascii") as handle:
        json.dump(results, handle, ensure_ascii=True, indent=1, sort_keys=True)
        handle.write("\n")
    os.replace(temporary, output_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
