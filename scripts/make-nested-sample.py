#!/usr/bin/env python3
"""Writes the demo's nested sample from harmless bytes (nothing here runs or does anything):

  invoice.zip
    └─ invoice.rtf                       an RTF document with an embedded OLE object (\\objdata, hex)
         └─ OLE1 "Package" object        the packager's embedded file:
              └─ update.b64              base64 text of
                   └─ update.exe         a minimal, valid PE32 header whose only code is `ret`

usage: make-nested-sample.py OUT_DIR   (writes OUT_DIR/invoice.zip and prints its path)
"""
import base64
import os
import struct
import sys
import zipfile


def minimal_pe() -> bytes:
    """A PE32 image: DOS header + stub message, PE header, one .text section holding `ret`."""
    dos = bytearray(0x80)
    dos[0:2] = b"MZ"
    struct.pack_into("<HHHHHHHHHHHHH", dos, 2, 0x90, 3, 0, 4, 0, 0xFFFF, 0, 0xB8, 0, 0, 0, 0x40, 0)
    struct.pack_into("<I", dos, 0x3C, 0x80)  # e_lfanew
    stub = b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    dos[0x40:0x40 + len(stub)] = stub
    file_header = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x14C, 1, 0x5F5E1000, 0, 0, 0xE0, 0x0102)
    optional = bytearray(0xE0)
    struct.pack_into("<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII", optional, 0,
                     0x10B, 14, 0, 0x200, 0, 0, 0x1000, 0x1000, 0x2000, 0x400000, 0x1000, 0x200,
                     6, 0, 0, 0, 6, 0, 0, 0x2000, 0x200, 0, 3, 0x8140, 0x100000, 0x1000, 0x100000, 0x1000,
                     0, 16)
    section = struct.pack("<8sIIIIIIHHI", b".text", 1, 0x1000, 0x200, 0x200, 0, 0, 0, 0, 0x60000020)
    headers = bytes(dos) + file_header + bytes(optional) + section
    headers += b"\0" * (0x200 - len(headers))
    code = b"\xc3" + b"\0" * 0x1FF
    return headers + code


def ole1_package(filename: str, data: bytes) -> bytes:
    """An OLE 1.0 embedded object of class "Package" (the Windows packager's format)."""
    def lp_string(text: str) -> bytes:
        raw = text.encode("ascii") + b"\0"
        return struct.pack("<I", len(raw)) + raw

    temp_path = "C:\\Users\\demo\\AppData\\Local\\Temp\\" + filename
    package = (struct.pack("<H", 2) + filename.encode() + b"\0" + ("C:\\demo\\" + filename).encode() + b"\0"
               + struct.pack("<HH", 0, 3) + struct.pack("<I", len(temp_path) + 1) + temp_path.encode() + b"\0"
               + struct.pack("<I", len(data)) + data)
    return (struct.pack("<II", 0x00000501, 2) + lp_string("Package") + lp_string("") + lp_string("")
            + struct.pack("<I", len(package)) + package)


def rtf_with_object(native: bytes) -> bytes:
    hex_text = native.hex()
    lines = "\n".join(hex_text[i:i + 128] for i in range(0, len(hex_text), 128))
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\n"
            "\\pard Invoice 2026-118: see the attached file.\\par\n"
            "{\\object\\objemb\\objw1000\\objh500{\\*\\objclass Package}{\\*\\objdata\n"
            + lines + "\n}}\n\\par}\n").encode()


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    encoded = base64.encodebytes(minimal_pe())
    rtf = rtf_with_object(ole1_package("update.b64", encoded))
    path = os.path.join(out, "invoice.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("invoice.rtf", rtf)
    print(path)


if __name__ == "__main__":
    main()
