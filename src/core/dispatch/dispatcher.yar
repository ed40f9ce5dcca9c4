/*
   stoq's bundled dispatch rules (-D without dispatch_rules in stoq.cfg).

   Each rule's meta.plugin names the carver, extractor or decoder ("category:name",
   a comma list is allowed) that a matching payload is handed to; every other meta key
   reaches that plugin as a kwarg (e.g. `key` for decoder:xor). `save = "True"` archives
   the children with -A. Rules match file formats by their structure (magic at a fixed
   offset, a header field that must agree with the file size), not by a string that
   may appear anywhere, so ordinary payloads are not routed by accident.
   The original stoQ rules (stoq-plugins-public dispatcher.yar) load unchanged too:
   name them with dispatch_rules in stoq.cfg.
*/

// ---------------------------------------------------------------- archives (libarchive)

rule zip_archive
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
    condition:
        uint32(0) == 0x04034b50 or uint32(0) == 0x06054b50 or uint32(0) == 0x08074b50
}

rule seven_zip_archive
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
    condition:
        uint32be(0) == 0x377abcaf and uint16be(4) == 0x271c
}

rule rar_archive
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
    condition:
        uint32be(0) == 0x52617221 and uint16be(4) == 0x1a07   // "Rar!\x1a\x07": RAR 4 and RAR 5
}

rule tar_archive
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
    strings:
        $ustar = "ustar"
    condition:
        $ustar at 257
}

rule compressed_stream
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
        description = "gzip, bzip2, xz, zstd, lz4 (a compressed tar or a single stream)"
    condition:
        uint16be(0) == 0x1f8b or
        (uint16be(0) == 0x425a and uint8(2) == 0x68 and uint8(3) >= 0x31 and uint8(3) <= 0x39) or
        (uint32be(0) == 0xfd377a58 and uint16be(4) == 0x5a00) or
        uint32(0) == 0xfd2fb528 or
        uint32(0) == 0x184d2204
}

rule cpio_archive
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
    strings:
        $odc = "070707"
        $newc = "070701"
        $crc = "070702"
    condition:
        $odc at 0 or $newc at 0 or $crc at 0 or uint16(0) == 0x71c7 or uint16be(0) == 0x71c7
}

rule cab_archive
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
    condition:
        uint32be(0) == 0x4d534346 and uint32(4) == 0 and uint32(8) <= filesize   // "MSCF", reserved, cbCabinet
}

rule iso9660_image
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
    strings:
        $cd001 = "CD001"
    condition:
        $cd001 at 0x8001 or $cd001 at 0x8801 or $cd001 at 0x9001
}

rule lha_archive
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
    strings:
        $lh = /-l(h[0-7d]|z[s45])-/
    condition:
        $lh at 2
}

rule xar_archive
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
    condition:
        uint32be(0) == 0x78617221   // "xar!"
}

rule unix_ar_archive
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
        description = "ar archives, Debian packages among them"
    strings:
        $ar = "!<arch>\n"
    condition:
        $ar at 0
}

rule ms_compressed_file
{
    meta:
        plugin = "extractor:decompress"
        save = "True"
        description = "CHM help files, SZDD and KWAJ (MS-DOS COMPRESS.EXE)"
    condition:
        (uint32be(0) == 0x49545346 and uint32(4) == 3) or                   // "ITSF", version 3
        (uint32be(0) == 0x535a4444 and uint32be(4) == 0x88f02733) or        // SZDD
        (uint32be(0) == 0x4b57414a and uint32be(4) == 0x88f027d1)           // KWAJ
}

// ---------------------------------------------------------------- documents and messages

rule ole2_compound_file
{
    meta:
        plugin = "extractor:ole"
        save = "False"
    condition:
        uint32be(0) == 0xd0cf11e0 and uint32be(4) == 0xa1b11ae1
}

rule pdf_document
{
    meta:
        plugin = "extractor:pdf"
        save = "False"
    strings:
        $pdf = "%PDF-"
    condition:
        $pdf in (0..1024)
}

rule email_message
{
    meta:
        plugin = "extractor:email"
        save = "False"
    strings:
        $from = /(^|\n)From: /
        $to = /(^|\n)(To|Date|Subject|Message-I[Dd]|Received|MIME-Version): /
        $mbox = /^From [^\r\n]{1,200}\r?\n/
        $received = "Received: "
        $return_path = "Return-Path: "
    condition:
        ($received at 0 or $return_path at 0 or $mbox at 0 or @from[1] < 4096) and $from and $to
}

rule tnef_attachment
{
    meta:
        plugin = "extractor:tnef"
        save = "False"
    condition:
        uint32(0) == 0x223e9f78
}

// ---------------------------------------------------------------- carvers

rule embedded_pe
{
    meta:
        plugin = "carver:pe"
        save = "True"
        description = "a DOS stub past the first header: a PE inside another file"
    strings:
        $dos_stub = "This program cannot be run in DOS mode"
        $win32_stub = "This program must be run under Win32"
    condition:
        for any i in (1..#dos_stub) : (@dos_stub[i] > 0x200) or
        for any i in (1..#win32_stub) : (@win32_stub[i] > 0x200)
}

rule swf_file
{
    meta:
        plugin = "carver:swf"
        save = "True"
    strings:
        $swf = /[FCZ]WS[\x01-\x2f]/
    condition:
        $swf at 0 or (uint32be(0) == 0xd0cf11e0 and $swf)
}

rule rtf_document
{
    meta:
        plugin = "carver:rtf"
        save = "True"
    strings:
        $rtf = "{\\rt" nocase
    condition:
        $rtf at 0
}

rule embedded_ole2
{
    meta:
        plugin = "carver:ole"
        save = "False"
    strings:
        $ole = { D0 CF 11 E0 A1 B1 1A E1 00 00 00 }
    condition:
        $ole in (1..filesize)
}

rule ole_package_stream
{
    meta:
        plugin = "carver:olepackagestream"
        save = "True"
        description = "an Ole10Native stream: total size, then packager format 2"
    condition:
        filesize > 12 and uint32(0) == filesize - 4 and uint16(4) == 2
}

rule xdp_document
{
    meta:
        plugin = "carver:xdp"
        save = "True"
    strings:
        $xdp = "xdp:xdp"
        $pdf = "<pdf "
    condition:
        all of them
}

// ---------------------------------------------------------------- decoders

rule base64_encoded_pe
{
    meta:
        plugin = "decoder:b64"
        save = "True"
    strings:
        $mz = "TVqQAAMAAAAEAAAA"
        $mz_alt = "TVpQAAIAAAAEAA8A"
    condition:
        $mz at 0 or $mz_alt at 0
}

rule base64_text
{
    meta:
        plugin = "decoder:b64"
        save = "True"
        description = "a payload that is base64 text from its first byte (64 or more characters)"
    condition:
        filesize >= 64 and not uint32be(0) == 0x54567151 and   // TVqQ is the rule above
        for all i in (0..63) : (
            (uint8(i) >= 0x41 and uint8(i) <= 0x5a) or (uint8(i) >= 0x61 and uint8(i) <= 0x7a) or
            (uint8(i) >= 0x30 and uint8(i) <= 0x39) or uint8(i) == 0x2b or uint8(i) == 0x2f)
}

rule hex_encoded_pe
{
    meta:
        plugin = "decoder:hex"
        save = "True"
    strings:
        $mz = "4d5a9000" nocase
        $mz_spaced = "4d 5a 90 00" nocase
    condition:
        $mz at 0 or $mz_spaced at 0
}

rule uuencoded_file
{
    meta:
        plugin = "decoder:uu"
        save = "True"
    strings:
        $begin = /(^|\n)begin [0-7]{3,4} [^\r\n]{1,255}\r?\n/
        $end = "\nend"
    condition:
        $begin and $end and @begin[1] < 4096
}

rule binhex_file
{
    meta:
        plugin = "decoder:binhex"
        save = "True"
    strings:
        $binhex = "(This file must be converted with BinHex"
    condition:
        $binhex in (0..4096)
}

rule rot47_encoded_pe
{
    meta:
        plugin = "decoder:rot47"
        save = "True"
    strings:
        $stub = "%9:D AC@8C2> 42??@E 36 CF? :? s~$ >@56"   // ROT47 of the DOS stub message
    condition:
        $stub
}

rule nibble_swapped_pe
{
    meta:
        plugin = "decoder:bitrot"
        save = "True"
        bits = "4"
    strings:
        $stub = { 45 86 96 37 02 07 27 f6 76 27 16 d6 02 36 16 e6 e6 f6 47 02 26 56 02 27 }
    condition:
        $stub
}

rule xor_encoded_pe
{
    meta:
        plugin = "decoder:xor"
        save = "True"
        description = "a DOS stub XORed with one byte: decoder:xor finds the key from it"
        key = "auto"
        key_hint = "This program"
    strings:
        $stub = "This program cannot be run in DOS mode" xor(1-255)
    condition:
        $stub
}
