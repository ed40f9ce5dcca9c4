// decoder:b85's codecs: Python's base64.b85decode (RFC 1924 alphabet, as git and
// Mercurial use) and Ascii85 (base64.a85decode, Adobe "<~ ~>" framing optional).
#pragma once

#include <string_view>

#include "byte_sink.hpp"

namespace stoq::plugins::decoder::b85 {

enum class Variant { Auto, Base85, Ascii85 };

/// "auto", "b85" or "a85"; throws stoq::Error otherwise.
Variant parse_variant(std::string_view text);

/// Ascii85 when the text is framed "<~ ... ~>" or uses characters only Ascii85 has
/// ( " ' , . / : [ \ ] ), else base85 (the original plugin's b85decode).
Variant detect_variant(ByteView text);

/// Decodes `text` as `variant` (Auto: detect_variant) into `out` and returns the variant
/// used. Whitespace is skipped in both. A last partial group of n characters gives
/// n - 1 bytes, as Python does. Throws stoq::Error "not base85: ..." / "not ascii85: ..."
/// on a character outside the alphabet, a group overflowing 32 bits, a 'z' inside a
/// group (Ascii85) and input without any digit.
Variant decode_base85(ByteView text, Variant variant, carve::OutputBuffer& out);

}  // namespace stoq::plugins::decoder::b85
