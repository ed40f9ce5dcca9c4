// decoder:rot47's codec: printable ASCII '!'..'~' rotated by 47, other bytes unchanged
// (as the original, which only warned about them).
#pragma once

#include <cstdint>

#include "byte_sink.hpp"

namespace stoq::plugins::decoder::rot47 {

inline std::uint8_t rot47(std::uint8_t c) {
  return (c >= 33 && c <= 126) ? static_cast<std::uint8_t>(33 + (c + 14) % 94) : c;
}

/// Rotates `input` into `out`; returns how many bytes were outside '!'..'~'.
inline std::uint64_t rot47_bytes(ByteView input, carve::OutputBuffer& out) {
  std::uint64_t unchanged = 0;
  for (std::uint8_t c : input.span()) {
    if (c < 33 || c > 126) ++unchanged;
    out.put(rot47(c));
    if (out.full()) break;
  }
  return unchanged;
}

}  // namespace stoq::plugins::decoder::rot47
