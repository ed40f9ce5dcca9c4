// decoder:bitrot's codec: every byte's bits rotated left or right.
#pragma once

#include <array>
#include <cstdint>

#include "byte_sink.hpp"

namespace stoq::plugins::decoder::bitrot {

/// Rotates each byte of `input` by `bits` (0..8) into `out`; `left` picks the direction.
inline void rotate_bits(ByteView input, unsigned bits, bool left, carve::OutputBuffer& out) {
  bits %= 8;
  std::array<std::uint8_t, 256> table{};
  for (unsigned v = 0; v < 256; ++v) {
    unsigned rotated = left ? (v << bits) | (v >> ((8 - bits) % 8)) : (v >> bits) | (v << ((8 - bits) % 8));
    table[v] = static_cast<std::uint8_t>(bits == 0 ? v : rotated & 0xFF);
  }
  for (std::uint8_t c : input.span()) {
    out.put(table[c]);
    if (out.full()) break;
  }
}

}  // namespace stoq::plugins::decoder::bitrot
