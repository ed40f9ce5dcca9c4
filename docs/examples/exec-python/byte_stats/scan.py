#!/usr/bin/env python3
"""byte_stats: a stoq worker in Python. Reports the payload's size, its Shannon entropy
(bits per byte), how many distinct byte values it holds, and its most frequent bytes."""

import collections
import math

import stoq_exec


def scan(payload, kwargs, options):
    if payload is None:
        raise stoq_exec.PluginError("byte_stats needs a payload: give a file or directory with -F")
    counts = collections.Counter(payload)
    size = len(payload)
    entropy = -sum(n / size * math.log2(n / size) for n in counts.values()) if size else 0.0
    top = counts.most_common(int(options.get("top_bytes", 3)))
    return {
        "size": size,
        "entropy": round(entropy, 6),
        "distinct_bytes": len(counts),
        "top_bytes": [{"byte": byte, "count": count} for byte, count in top],
        "filename": kwargs.get("filename"),
    }


if __name__ == "__main__":
    stoq_exec.serve(scan=scan)
