// libmspack for the Microsoft formats libarchive does not read: CHM (compiled HTML
// help, "ITSF") and the MS-DOS COMPRESS.EXE formats SZDD and KWAJ. libmspack does its
// I/O through an mspack_system; ours reads the payload from memory and writes each
// member into a MemberWriter, so nothing touches the filesystem.
#pragma once

#include <string>

#include "collector.hpp"

namespace stoq::plugins::extractor::decompress {

/// Cab is never detected: it is the fallback for cabinets libarchive refuses (its
/// reader is stricter than Windows', e.g. about the cabinets inside MSI packages).
enum class MsFormat { None, Chm, Szdd, Kwaj, Cab };

/// Which of the three formats `data` starts with (by magic).
MsFormat detect_ms_format(ByteView data);

/// Extracts the members into `collector`; throws stoq::Error when libmspack cannot open
/// the container. `parent_filename` names an SZDD/KWAJ child (its last character was
/// replaced by '_' when compressed).
void extract_with_mspack(MsFormat format, ByteView data, const std::string& parent_filename, Collector& collector);

}  // namespace stoq::plugins::extractor::decompress
