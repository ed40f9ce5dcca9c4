// Small byte codecs shared by the decoder and carver plugins: hex digits, Python's
// whitespace set, base64 (decoder:b64, carver:xdp, decoder:uu's begin-base64) and
// UTF-16LE text (Packager unicode fields).
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

/// UTF-16LE code units to UTF-8 (an odd last byte is dropped, unpaired surrogates
/// become U+FFFD), stopping at the first NUL code unit.
std::string utf16le_to_utf8(ByteView bytes);

/// `bytes` as text, with every byte outside printable ASCII replaced by its UTF-8
/// Latin-1 reading, so names taken from files are always valid UTF-8 JSON strings.
std::string latin1_to_utf8(ByteView bytes);

}  // namespace stoq::carve
