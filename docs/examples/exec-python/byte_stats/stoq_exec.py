"""stoq exec plugin protocol, version 1 (docs/exec-plugins.md), for Python plugins.

Copy this file next to your plugin's executable and call serve() with the handler of
your category; CPython's standard library only.

    import stoq_exec

    def scan(payload, kwargs, options):      # payload: bytes, or None without one
        return {"size": len(payload)}

    stoq_exec.serve(scan=scan)

Handlers (the one your category needs):
    scan(payload, kwargs, options) -> JSON value            worker
    read(payload, kwargs, options) -> JSON value            reader
    extract / carve / decode(payload, kwargs, options)
        -> list of (meta: dict, data: bytes)                extractor / carver / decoder
    decorate(results, options) -> the new results document  decorator
    save(kind, data, kwargs, options) -> conn_id or None    connector ("results", "text",
                                                            "binary"; data is bytes)
    get_file(kwargs, options) -> bytes                      connector
    init(options) -> None                                   optional, once at start
Raise any exception to fail one call: stoq records str(exception) in the results'
errors and keeps this process running. Print diagnostics to stderr (print(...,
file=sys.stderr)); stdout belongs to the protocol.
"""

import json
import sys

PROTOCOL = 1


class PluginError(Exception):
    """A failure reported to stoq as the call's error text."""


def _read_exact(stream, size):
    chunks = []
    left = size
    while left > 0:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("stoq closed the input with %d bytes missing" % left)
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _send(out, header, data=b""):
    line = json.dumps(header, separators=(",", ":"), ensure_ascii=True)
    out.write(line.encode("ascii") + b"\n")
    if data:
        out.write(data)
    out.flush()


def _error_text(exc):
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, PluginError) else "%s: %s" % (type(exc).__name__, text)


def serve(**handlers):
    """Answers stoq's requests until stoq closes stdin (then returns)."""
    stdin = sys.stdin.buffer
    stdout = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must not corrupt the protocol
    options = {}
    while True:
        line = stdin.readline()
        if not line:
            return
        request = json.loads(line)
        op = request.get("op")
        size = int(request.get("size", 0))
        data = _read_exact(stdin, size) if size else b""
        try:
            if op == "init":
                if request.get("protocol") != PROTOCOL:
                    raise PluginError("speaks protocol %d, stoq asks for %r" % (PROTOCOL, request.get("protocol")))
                options = request.get("options", {})
                if "init" in handlers:
                    handlers["init"](options)
                _send(stdout, {"ok": True})
            elif op in ("scan", "read"):
                payload = None if request.get("none") else data
                result = handlers[op](payload, request.get("kwargs", {}), options)
                _send(stdout, {"ok": True, "result": result})
            elif op in ("extract", "carve", "decode"):
                children = list(handlers[op](data, request.get("kwargs", {}), options) or [])
                blobs = [bytes(child_data) for _, child_data in children]
                listing = [{"meta": meta or {}, "size": len(blob)} for (meta, _), blob in zip(children, blobs)]
                _send(stdout, {"ok": True, "children": listing}, b"".join(blobs))
            elif op == "decorate":
                _send(stdout, {"ok": True, "result": handlers[op](request.get("results", {}), options)})
            elif op == "save":
                result = handlers[op](request.get("kind"), data, request.get("kwargs", {}), options)
                _send(stdout, {"ok": True, "result": result})
            elif op == "get_file":
                blob = bytes(handlers[op](request.get("kwargs", {}), options))
                _send(stdout, {"ok": True, "size": len(blob)}, blob)
            else:
                raise PluginError("this plugin does not handle '%s'" % op)
        except KeyError as exc:
            if op in handlers:
                _send(stdout, {"ok": False, "error": _error_text(exc)})
            else:
                _send(stdout, {"ok": False, "error": "this plugin does not handle '%s'" % op})
        except Exception as exc:  # noqa: BLE001 - every failure is the call's error
            _send(stdout, {"ok": False, "error": _error_text(exc)})
