#!/usr/bin/python3
"""Renders bench/summary.tpl with python3-jinja2 (Debian's, as the original stoQ configured
it: trim_blocks, lstrip_blocks) against the same results documents as stoq_bench's
BM_template_render_summary, and prints the time per render, for a side-by-side figure:

    /usr/bin/python3 bench/compare-jinja2.py
    build/bench/stoq_bench --benchmark_filter=template
"""
import os
import timeit

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))


def results_document(entries):  # mirrors results_document() in template_bench.cpp
    results = []
    for i in range(entries):
        scan = [{"rule": "Rule_%d" % ((i * 7 + r) % 11),
                 "meta": {"author": "analyst", "score": r * 10, "description": "a rule that matched"},
                 "tags": ["pe", "packed"], "namespace": "default"} for r in range(3)]
        results.append({"payload_id": i, "filename": "sample-%d.exe" % i, "size": 1000 + i * 37,
                        "sha1": "a" * 40, "sha256": "b" * 64, "scan": scan, "plugin": "yara"})
    return {"results": {"results": results, "payloads": entries, "tlp": "white", "date": "2026-11-29"}}


def main():
    source = open(os.path.join(HERE, "summary.tpl")).read()
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
    parse = timeit.Timer(lambda: env.from_string(source))
    n, t = parse.autorange()
    print("jinja2 %s  parse+compile            %10.1f us" % (jinja2.__version__, t / n * 1e6))
    template = env.from_string(source)
    for entries in (1, 100):
        doc = results_document(entries)
        n, t = timeit.Timer(lambda: template.render(**doc)).autorange()
        print("jinja2 %s  render, %3d entries       %10.1f us" % (jinja2.__version__, entries, t / n * 1e6))


if __name__ == "__main__":
    main()
