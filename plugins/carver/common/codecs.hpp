// Small byte codecs shared by the decoder and carver plugins: hex digits, Python's
// whitespace set and base64 (decoder:b64, carver:xdp, decoder:uu's begin-base64).
// Text decoding (UTF-16LE, Latin-1) is the SDK's: stoq/text.hpp.
#pragma once

#include <cstdint>
#include <string>

#include "byte_sink.hpp"
#include "stoq/bytes.hpp"

namespace stoq::carve {

/// 0..15 for a hex digit (either case), -1 otherwise.
inline int hex_value(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Python's \s for bytes patterns: space, \t, \n, \r, \f, \v.
inline bool is_space(std::uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/// Lower-case hex of `bytes`.
std::string to_hex(ByteView bytes);

struct Base64Info {
  bool url_safe = false;         // '-' or '_' seen
  bool padded = false;           // '=' seen
  std::uint64_t characters = 0;  // alphabet characters consumed
};

/// Decodes base64 text into `out`: standard and URL-safe alphabets (either), whitespace
/// anywhere, padding optional. Throws stoq::Error "... not base64: <why>" on any other
/// character, on data after padding, on a dangling single character and on empty
/// input. Stops early (no error) when `out` is full.
Base64Info decode_base64(ByteView text, OutputBuffer& out);

}  // namespace stoq::carve
