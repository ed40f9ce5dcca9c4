// decoder:hex's codec: hex text to bytes.
#pragma once

#include "byte_sink.hpp"

namespace stoq::plugins::decoder::hex {

/// Decodes hex digits (either case) read in pairs. Between digits: whitespace, ',',
/// ':', ';' and '-' separators, a "0x"/"0X" prefix at the start of a token and "\x"
/// prefixes are skipped. Throws stoq::Error "not hex: ..." on any other character, on
/// an odd number of digits and when there is no digit. Returns the digits consumed.
std::uint64_t decode_hex(ByteView text, carve::OutputBuffer& out);

}  // namespace stoq::plugins::decoder::hex
