// Text found inside payloads, as UTF-8 for results: stream and attachment names,
// packager labels, VBA module names. Every decoder here accepts any bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stoq/bytes.hpp"

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

/// Appends `code_point` (at most 0x10FFFF) encoded as UTF-8.
void append_utf8(std::string& out, std::uint32_t code_point);

/// UTF-16LE code units as UTF-8: surrogate pairs combined, an unpaired surrogate as
/// U+FFFD, an odd last byte dropped. Decodes the whole view (NULs included).
std::string utf16le_to_utf8(ByteView bytes);

/// `bytes` up to (not including) its first 0x0000 code unit: a NUL-terminated UTF-16LE string.
ByteView utf16le_until_nul(ByteView bytes);

/// Latin-1 (ISO 8859-1) bytes as UTF-8.
std::string latin1_to_utf8(ByteView bytes);

/// True when `text` is made of well-formed UTF-8 sequences (lead byte and continuation
/// bytes; overlong forms and surrogates are not checked).
bool is_valid_utf8(std::string_view text);

}  // namespace stoq
#pragma GCC visibility pop
