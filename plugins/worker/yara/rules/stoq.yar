/*
   stoq.yar: the yara worker's default rules (yararules = rules/stoq.yar).

   A small, fast starting set: what kind of file a payload is, and a few signs
   that something is hidden in it. Point yararules at your own rules file (or a
   directory of them) for real detection work.

   Every rule carries the same meta, which the verdict decorator reads:
     author       who wrote the rule
     description  one line, shown by templates/stdout.tpl
     score        integer: 0 for a plain file type, more for suspicious traits
     severity     info, low, medium or high
     filetype     true when the rule only names a file type
*/

private rule mz_header
{
    condition:
        filesize >= 64 and uint16(0) == 0x5A4D
}

rule pe_file : executable windows
{
    meta:
        author = "stoq"
        description = "Windows PE executable (MZ header and PE signature)"
        score = 0
        severity = "info"
        filetype = true
    condition:
        mz_header and
        uint32(0x3C) < filesize - 4 and
        uint32(uint32(0x3C)) == 0x00004550
}

rule dotnet_assembly : executable windows dotnet
{
    meta:
        author = "stoq"
        description = ".NET assembly (PE file with CLR metadata)"
        score = 0
        severity = "info"
        filetype = true
    strings:
        $metadata = { 42 53 4A 42 01 00 01 00 }  // "BSJB", the CLI metadata root
        $strings_heap = "#Strings"
        $mscorlib = "mscorlib"
    condition:
        pe_file and $metadata and ($strings_heap or $mscorlib)
}

rule elf_file : executable linux
{
    meta:
        author = "stoq"
        description = "ELF executable or shared object"
        score = 0
        severity = "info"
        filetype = true
    condition:
        uint32(0) == 0x464C457F
}

rule macho_file : executable macos
{
    meta:
        author = "stoq"
        description = "Mach-O executable (32 or 64 bit, either byte order)"
        score = 0
        severity = "info"
        filetype = true
    condition:
        uint32(0) == 0xFEEDFACE or uint32(0) == 0xFEEDFACF or
        uint32(0) == 0xCEFAEDFE or uint32(0) == 0xCFFAEDFE
}

rule zip_archive : archive
{
    meta:
        author = "stoq"
        description = "ZIP archive (also OOXML documents, JAR, APK)"
        score = 0
        severity = "info"
        filetype = true
    strings:
        $local_header = { 50 4B 03 04 }
    condition:
        $local_header at 0
}

rule office_openxml : document office
{
    meta:
        author = "stoq"
        description = "Office Open XML document (docx, xlsx, pptx)"
        score = 0
        severity = "info"
        filetype = true
    strings:
        $content_types = "[Content_Types].xml"
    condition:
        zip_archive and $content_types
}

rule ole_compound_file : document office
{
    meta:
        author = "stoq"
        description = "OLE2 compound file (legacy Office document, MSI)"
        score = 0
        severity = "info"
        filetype = true
    strings:
        $signature = { D0 CF 11 E0 A1 B1 1A E1 }
    condition:
        $signature at 0
}

rule pdf_document : document
{
    meta:
        author = "stoq"
        description = "PDF document"
        score = 0
        severity = "info"
        filetype = true
    strings:
        $header = "%PDF-"
    condition:
        $header in (0..1024)
}

rule pdf_auto_action_javascript : document suspicious
{
    meta:
        author = "stoq"
        description = "PDF that runs JavaScript or an action when it is opened"
        score = 300
        severity = "medium"
        filetype = false
    strings:
        $javascript = /\/(JavaScript|JS)[\s\/<(]/
        $open_action = /\/(OpenAction|AA)[\s\/<]/
        $launch = "/Launch"
    condition:
        pdf_document and $open_action and ($javascript or $launch)
}

rule rtf_document : document
{
    meta:
        author = "stoq"
        description = "Rich Text Format document"
        score = 0
        severity = "info"
        filetype = true
    strings:
        $header = "{\\rt"
    condition:
        $header at 0
}

rule rtf_embedded_object : document suspicious
{
    meta:
        author = "stoq"
        description = "RTF document with an embedded OLE object"
        score = 100
        severity = "low"
        filetype = false
    strings:
        $object = "\\objdata" nocase
        $ole_hex = "d0cf11e0a1b11ae1" nocase
    condition:
        rtf_document and $object and $ole_hex
}

rule embedded_executable : suspicious
{
    meta:
        author = "stoq"
        description = "A DOS stub of a PE file somewhere after the start of a file that is not one"
        score = 300
        severity = "medium"
        filetype = false
    strings:
        $stub = "This program cannot be run in DOS mode"
        $stub_must = "This program must be run under Win32"
    condition:
        not mz_header and any of ($stub*)
}

rule base64_encoded_executable : encoded suspicious
{
    meta:
        author = "stoq"
        description = "Base64 of a PE file header or DOS stub"
        score = 500
        severity = "high"
        filetype = false
    strings:
        $mz_header_1 = "TVqQAAMAAAAEAAAA"
        $mz_header_2 = "TVpQAAIAAAAEAA8A"
        $mz_header_3 = "TVqAAAEAAAAEABAA"
        $dos_stub = "This program cannot be run in DOS mode" base64
    condition:
        any of them
}

rule base64_encoded_document : encoded
{
    meta:
        author = "stoq"
        description = "Base64 of the first bytes of a ZIP, PDF or OLE2 file"
        score = 100
        severity = "low"
        filetype = false
    strings:
        $zip = "UEsDBBQA"
        $pdf = "JVBERi0x"
        $ole = "0M8R4KGxGuE"
    condition:
        any of them
}

rule powershell_encoded_command : script suspicious
{
    meta:
        author = "stoq"
        description = "PowerShell started with a base64-encoded command"
        score = 500
        severity = "high"
        filetype = false
    strings:
        $encoded = /powershell(\.exe)?["']?\s[^\r\n]{0,64}\s-e(nc|ncodedcommand)?\s+[A-Za-z0-9+\/=]{16}/ nocase
    condition:
        $encoded
}
