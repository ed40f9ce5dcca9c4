// File paths in results. JSON output carries text as UTF-8, and a path whose bytes are
// not UTF-8 is printed with U+FFFD in place of the bad bytes: readable, but it no longer
// names the file. Sources add an escaped form beside it from which the bytes come back.
#pragma once

#include <string>
#include <string_view>

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

/// True when `text` is well-formed UTF-8 in the strict sense JSON output needs (RFC 3629:
/// no overlong forms, no surrogates, nothing past U+10FFFF).
bool is_strict_utf8(std::string_view text);

/// `bytes` with each byte that is not part of a well-formed UTF-8 sequence written as
/// `\xNN` (two lower-case hex digits) and each backslash as `\\`; everything else as is.
/// Reversible: Python's `codecs.escape_decode(text.encode())[0]` gives the bytes back.
std::string escape_invalid_utf8(std::string_view bytes);

/// The message key a source adds, beside "path", when the path is not strict UTF-8.
inline constexpr const char* kEscapedPathKey = "path_escaped";

}  // namespace stoq
#pragma GCC visibility pop
