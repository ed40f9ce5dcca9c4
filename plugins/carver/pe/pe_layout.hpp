// carver:pe's parser: whether bytes starting at an "MZ" are a PE file, and how many
// bytes it occupies.
#pragma once

#include <cstdint>
#include <optional>

#include "stoq/bytes.hpp"

namespace stoq::plugins::carver::pe {

struct PeLayout {
  std::uint64_t size = 0;  // bytes the PE occupies from its start (clamped to the data)
  bool pe32_plus = false;  // optional header magic 0x20b
  std::uint16_t machine = 0;
  std::uint16_t sections = 0;
  bool certificate = false;  // the certificate table lies beyond the sections and is included
  bool truncated = false;    // a section (or the certificate table) runs past the data
};

/// Validates `data` (starting at a candidate "MZ", running to the end of the buffer):
/// e_lfanew -> "PE\0\0" -> COFF header (at most 96 sections, the PE format's limit) ->
/// optional header (PE32 or PE32+, FileAlignment a power of two up to 64 KiB) -> the
/// section table, all inside `data`. The size is the furthest of: the headers
/// (SizeOfHeaders, the section table), every section's PointerToRawData +
/// SizeOfRawData, and the certificate table (its directory entry is a file offset).
/// Any other overlay is left out. nullopt when it is not a PE.
std::optional<PeLayout> measure_pe(ByteView data);

}  // namespace stoq::plugins::carver::pe
