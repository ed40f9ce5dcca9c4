// decoder:binhex's codec: BinHex 4.0 (.hqx) text to its data and resource forks.
//
// Layout: optional "(This file must be converted with BinHex 4.0)" line, then data
// between two ':' in a 64-character alphabet (6 bits each, line breaks ignored),
// run-length encoded with 0x90 (0x90 0x00 = a literal 0x90, 0x90 n = the previous byte
// n - 1 more times). The decoded stream: name length, name, version 0, type (4),
// creator (4), flags (2), data length (4, big-endian), resource length (4), CRC (2);
// data fork, CRC; resource fork, CRC. CRCs are CRC-16/XMODEM (Python's crc_hqx).
#pragma once

#include <cstdint>
#include <string>

#include "byte_sink.hpp"

namespace stoq::plugins::decoder::binhex {

struct BinhexInfo {
  std::string filename;  // from the header (metadata only)
  std::string type;      // 4-character Mac file type / creator
  std::string creator;
  std::uint16_t flags = 0;
  std::uint32_t data_length = 0;
  std::uint32_t resource_length = 0;
  bool truncated = false;  // a sink filled up: the rest (and its CRC) was not checked
};

/// CRC-16/XMODEM (polynomial 0x1021, initial 0) continued from `crc`.
std::uint16_t crc16_xmodem(ByteView bytes, std::uint16_t crc = 0);

/// Decodes `text` writing the data fork to `data` and the resource fork to
/// `resource`. Throws stoq::Error "not binhex: ..." when there is no BinHex data, on a
/// character outside the alphabet, a stream ending early and on any CRC mismatch.
BinhexInfo decode_binhex(ByteView text, carve::OutputBuffer& data, carve::OutputBuffer& resource);

}  // namespace stoq::plugins::decoder::binhex
