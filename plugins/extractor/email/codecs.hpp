// The decoders of Internet mail: Content-Transfer-Encodings (base64, quoted-printable,
// uuencode), RFC 2047 encoded words, RFC 2231 parameter values, charset conversion.
// Tolerant like Python's email package: invalid characters are skipped, never fatal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stoq/bytes.hpp"

namespace stoq::mime {

/// Base64 as binascii.a2b_base64 (non-strict): non-alphabet bytes are skipped, decoding
/// ends after a padded quantum; a trailing lone sextet is dropped.
Bytes decode_base64(std::string_view text);

/// Quoted-printable as binascii.a2b_qp: "=XX" (either case), soft line breaks "=\n" /
/// "=\r\n", "==" as "=", any other "=" kept.
Bytes decode_quoted_printable(std::string_view text);

/// One uuencoded body line ("M...") appended to `out`; false for a line that is not one.
bool decode_uu_line(std::string_view line, Bytes& out);

/// A uuencoded body ("begin <mode> <name>" ... "end"); `name` gets the name on the
/// begin line. Without a begin line, every line is decoded.
Bytes decode_uuencoded(std::string_view text, std::string* name = nullptr);

/// `bytes` in `charset` converted to UTF-8 (iconv); undecodable bytes become U+FFFD.
std::string to_utf8(std::string_view bytes, std::string_view charset);

/// Decodes the RFC 2047 encoded words (=?charset?B|Q?text?=) in a header value to
/// UTF-8; whitespace between adjacent encoded words is dropped.
std::string decode_encoded_words(std::string_view value);

/// Lower-cases ASCII letters.
std::string to_lower(std::string_view text);

}  // namespace stoq::mime
