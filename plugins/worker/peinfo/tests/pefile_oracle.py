#!/usr/bin/env python3
"""pefile as the oracle of worker:peinfo's tests (and of bench/peinfo.sh).

  pefile_oracle.py extract CORPUS_DIR OUT_DIR   write the PE files found in CORPUS_DIR to OUT_DIR:
                                                files starting with a PE, base64-encoded PEs (*.b64)
                                                and PEs appended to other files (carved from "MZ")
  pefile_oracle.py dump FILE...                 one JSON object: file -> what pefile reads in it
  pefile_oracle.py time FILE...                 parse every file (full load, imphash) and print
                                                the seconds it took
"""
import base64
import json
import os
import struct
import sys
import time

import pefile


def text(raw):
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def is_pe_at(data, offset):
    if data[offset:offset + 2] != b"MZ" or len(data) < offset + 0x40:
        return False
    (lfanew,) = struct.unpack_from("<I", data, offset + 0x3C)
    return data[offset + lfanew:offset + lfanew + 4] == b"PE\0\0"


def extract(corpus, out):
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(corpus)):
        path = os.path.join(corpus, name)
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as handle:
            data = handle.read()
        found = []
        if name.endswith(".b64"):
            try:
                decoded = base64.b64decode(data, validate=False)
                if is_pe_at(decoded, 0):
                    found.append(decoded)
            except ValueError:
                pass
        at = data.find(b"MZ")
        while at != -1 and len(found) < 4:
            if is_pe_at(data, at):
                found.append(data[at:])
            at = data.find(b"MZ", at + 1)
        for index, pe_bytes in enumerate(found):
            target = os.path.join(out, "%s.%d.pe" % (name, index))
            with open(target, "wb") as handle:
                handle.write(pe_bytes)
            print(target)


def dump_one(path):
    pe = pefile.PE(path)
    out = {"imphash": pe.get_imphash()}
    out["sections"] = [
        {
            "name": text(s.Name.rstrip(b"\0")),
            "virtual_address": s.VirtualAddress,
            "virtual_size": s.Misc_VirtualSize,
            "raw_offset": s.PointerToRawData,
            "raw_size": s.SizeOfRawData,
            "characteristics": s.Characteristics,
            "entropy": s.get_entropy(),
            "md5": s.get_hash_md5(),
        }
        for s in pe.sections
    ]
    out["imports"] = [
        {
            "dll": text(entry.dll),
            "functions": [
                {"name": text(imp.name), "ordinal": imp.ordinal if imp.import_by_ordinal else None}
                for imp in entry.imports
            ],
        }
        for entry in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])
    ]
    exports = getattr(pe, "DIRECTORY_ENTRY_EXPORT", None)
    out["exports"] = None
    if exports is not None:
        out["exports"] = {
            "name": text(exports.name),
            "functions": [
                {"name": text(s.name), "ordinal": s.ordinal, "address": s.address, "forwarder": text(s.forwarder)}
                for s in exports.symbols
            ],
        }
    tables = []
    for info in getattr(pe, "FileInfo", []):
        for block in info:
            for table in getattr(block, "StringTable", []):
                tables.append(
                    {"lang_id": text(table.LangID), "entries": {text(k): text(v) for k, v in table.entries.items()}}
                )
    out["string_file_info"] = tables
    fixed = getattr(pe, "VS_FIXEDFILEINFO", None)
    out["file_version"] = None
    if fixed:
        f = fixed[0]
        out["file_version"] = "%d.%d.%d.%d" % (
            f.FileVersionMS >> 16, f.FileVersionMS & 0xFFFF, f.FileVersionLS >> 16, f.FileVersionLS & 0xFFFF)
    rich = pe.parse_rich_header()
    out["rich"] = None if rich is None else rich["values"]
    out["overlay"] = pe.get_overlay_data_start_offset()
    pdbs = []
    for entry in getattr(pe, "DIRECTORY_ENTRY_DEBUG", []):
        record = getattr(entry, "entry", None)
        if record is not None and hasattr(record, "PdbFileName"):
            pdbs.append(text(record.PdbFileName.rstrip(b"\0")))
    out["pdbs"] = pdbs
    out["timestamp"] = pe.FILE_HEADER.TimeDateStamp
    out["entrypoint"] = pe.OPTIONAL_HEADER.AddressOfEntryPoint
    out["image_base"] = pe.OPTIONAL_HEADER.ImageBase
    out["machine_type"] = pefile.MACHINE_TYPE.get(pe.FILE_HEADER.Machine)
    out["is_dll"] = pe.is_dll()
    out["is_exe"] = pe.is_exe()
    return out


def main(argv):
    if len(argv) >= 3 and argv[0] == "extract":
        extract(argv[1], argv[2])
        return 0
    if argv and argv[0] == "dump":
        json.dump({path: dump_one(path) for path in argv[1:]}, sys.stdout)
        return 0
    if argv and argv[0] == "time":
        start = time.perf_counter()
        for path in argv[1:]:
            pe = pefile.PE(path)
            pe.get_imphash()
        print("%.6f" % (time.perf_counter() - start))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
