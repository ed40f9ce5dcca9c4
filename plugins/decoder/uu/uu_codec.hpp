// decoder:uu's codec: uuencoded blocks ("begin <mode> <name>" ... "end") and the
// base64 form of GNU uuencode -m ("begin-base64 <mode> <name>" ... "====").
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "byte_sink.hpp"

namespace stoq::plugins::decoder::uu {

struct UuHeader {
  std::size_t offset = 0;  // of the begin line
  std::size_t body = 0;    // first byte after the begin line
  std::string mode;        // octal digits as written
  std::string filename;    // rest of the begin line (metadata only)
  bool base64 = false;     // begin-base64
};

struct UuBody {
  std::size_t end = 0;    // first byte after the block (after "end"/"====", or where it broke off)
  bool complete = false;  // the terminator lines were found
};

/// The next begin line at or after `from` (a line start), or nullopt.
std::optional<UuHeader> find_uu_header(ByteView text, std::size_t from);

/// Decodes the block's data lines into `out`. Throws stoq::Error "not uuencoded: ..."
/// on a character outside the uuencode range (or invalid base64 in a begin-base64
/// block). A block cut short (no terminator before the end of the text, or before the
/// next begin line) is decoded as far as it goes, complete = false.
UuBody decode_uu_body(ByteView text, const UuHeader& header, carve::OutputBuffer& out);

}  // namespace stoq::plugins::decoder::uu
