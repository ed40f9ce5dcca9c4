// reader:text: bytes to UTF-8 with encoding detection. No stoq state: shared by the
// plugin, its tests and the libFuzzer target fuzz_text_decode.
//
// Detection, in order:
//   1. a byte order mark: UTF-8 (EF BB BF), UTF-32LE (FF FE 00 00), UTF-32BE (00 00 FE FF),
//      UTF-16LE (FF FE), UTF-16BE (FE FF); the mark is not part of the text;
//   2. BOM-less UTF-16 (when enabled): most code units of the sample are ASCII characters
//      with a zero high byte on one side, almost none are 0x0000 and few are controls;
//   3. well-formed UTF-8 passes through ("ascii" when every byte is below 0x80);
//   4. the single-byte fallback: cp1252 when bytes 0x80-0x9F occur and all are defined
//      there, else Latin-1 (ISO 8859-1), which maps every byte.
// Invalid sequences become U+FFFD exactly as Python's codecs do with errors="replace"
// (maximal subparts for UTF-8, one per bad unit for UTF-16/32, one for a truncated tail).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "stoq/bytes.hpp"

namespace stoq::plugins::reader::text {

enum class Encoding { Ascii, Utf8, Utf16le, Utf16be, Utf32le, Utf32be, Latin1, Cp1252 };

/// Python's codec name of `encoding` ("utf-16-le", "cp1252", ...).
std::string_view encoding_name(Encoding encoding);

enum class Fallback { Auto, Latin1, Cp1252 };

struct DecodeOptions {
  std::size_t max_bytes = 64U << 20;  // bytes of input decoded; the rest is dropped (truncated)
  bool detect_utf16 = true;           // step 2 above
  Fallback fallback = Fallback::Auto;
  bool skip_ascii_compatible = false;  // detect only (text left empty) for ascii, utf-8, latin-1, cp1252
};

struct Decoded {
  std::string text;  // always well-formed UTF-8
  Encoding encoding = Encoding::Ascii;
  bool bom = false;
  bool truncated = false;        // the input was longer than max_bytes
  std::size_t replacements = 0;  // U+FFFD inserted for invalid input
};

/// True for the encodings that keep ASCII bytes as they are (ascii, utf-8, latin-1, cp1252).
bool ascii_compatible(Encoding encoding);

/// Detects the encoding of `bytes` and converts them. Never throws on any input.
Decoded decode_text(ByteView bytes, const DecodeOptions& options);

/// `bytes` in a given encoding (no BOM handling), as UTF-8; counts replacements.
std::string convert(ByteView bytes, Encoding encoding, std::size_t* replacements = nullptr);

/// True when `bytes` look like BOM-less UTF-16 text of that byte order (see above).
bool looks_like_utf16(ByteView bytes, bool little_endian);

}  // namespace stoq::plugins::reader::text
