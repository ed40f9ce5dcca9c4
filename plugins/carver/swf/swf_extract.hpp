// carver:swf's parser: one SWF at the start of `data`, written out uncompressed.
//
// Header: "FWS" (plain), "CWS" (zlib after byte 8, SWF 6+) or "ZWS" (LZMA, SWF 13+),
// u8 version, u32 FileLength (the uncompressed size, header included). ZWS then has
// u32 compressed length and 5 bytes of LZMA properties before raw LZMA1 data; it is
// decoded with liblzma's .lzma ("alone") decoder behind a rebuilt 13-byte header.
#pragma once

#include <cstdint>
#include <optional>

#include "byte_sink.hpp"

namespace stoq::plugins::carver::swf {

struct SwfLimits {
  std::uint64_t max_output = UINT64_MAX;  // bytes written at most (then truncated)
  double max_ratio = 0;                   // ExtractionLimits::max_ratio semantics; 0 = none
};

struct SwfInfo {
  char compression = 'F';  // F, C or Z as in the signature
  std::uint8_t version = 0;
  std::uint32_t file_length = 0;
  std::uint64_t written = 0;  // bytes written to the sink
  bool truncated = false;     // stopped at a limit before file_length bytes
};

/// Writes the SWF starting at data[0] to `out` as "FWS" + version + FileLength + body.
/// nullopt (with possibly some bytes already written: discard them) when it is not a
/// complete SWF: a bad signature or version, FileLength < 9, a body shorter than
/// FileLength - 8 (stream error or end of data).
std::optional<SwfInfo> extract_swf(ByteView data, carve::ByteSink& out, const SwfLimits& limits);

}  // namespace stoq::plugins::carver::swf
