// decoder:xor's codec: a rolling XOR key over every byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "byte_sink.hpp"
#include "stoq/bytes.hpp"
#include "stoq/json.hpp"

namespace stoq::plugins::decoder::xor_ {

/// The key bytes from a kwarg/option value. Accepted forms:
///   "7", "41 166 3"          decimal byte values separated by spaces or commas (the
///                            original stoQ form; the dispatcher's xor rules pass "1".."255")
///   "0x4142", "0x41 0x42"    hex bytes (a 0x token may hold several bytes)
///   7, [65, "0x42"]          a JSON number or a list of the above
/// Throws stoq::Error on anything else (a value above 255, an empty key).
Bytes parse_xor_key(const Json& key);

/// The single-byte key (1..255) under which `plain` (at least 2 bytes) appears XORed in
/// `data`, at its first such occurrence; nullopt when none. One pass: at a match, the
/// XOR of neighbouring bytes equals that of the plaintext's, whatever the key.
std::optional<std::uint8_t> find_single_byte_key(ByteView data, std::string_view plain);

/// XORs `input` with `key` repeated (key[i % key.size()]) into `out`.
void xor_bytes(ByteView input, ByteView key, carve::OutputBuffer& out);

}  // namespace stoq::plugins::decoder::xor_
