#include "hex_codec.hpp"

#include <string>

#include "codecs.hpp"
#include "stoq/error.hpp"

namespace stoq::plugins::decoder::hex {
namespace {

bool is_separator(std::uint8_t c) { return carve::is_space(c) || c == ',' || c == ':' || c == ';' || c == '-'; }

}  // namespace

std::uint64_t decode_hex(ByteView text, carve::OutputBuffer& out) {
  const std::uint8_t* data = text.data();
  const std::size_t size = text.size();
  std::uint64_t digits = 0;
  int high = -1;
  for (std::size_t i = 0; i < size; ++i) {
    std::uint8_t c = data[i];
    bool token_start = i == 0 || is_separator(data[i - 1]);
    if (c == '0' && token_start && high < 0 && i + 1 < size && (data[i + 1] == 'x' || data[i + 1] == 'X')) {
      ++i;  // "0x" prefix
      continue;
    }
    if (c == '\\' && high < 0 && i + 1 < size && data[i + 1] == 'x') {
      ++i;  // "\x" prefix
      continue;
    }
    int value = carve::hex_value(c);
    if (value >= 0) {
      ++digits;
      if (high < 0) {
        high = value;
      } else {
        out.put(static_cast<std::uint8_t>(high * 16 + value));
        high = -1;
        if (out.full()) return digits;
      }
      continue;
    }
    if (is_separator(c)) continue;
    throw Error("not hex: invalid character 0x" + carve::to_hex(ByteView(&c, 1)) + " at offset " + std::to_string(i));
  }
  if (digits == 0) throw Error("not hex: no hex digits");
  if (high >= 0) throw Error("not hex: odd number of hex digits");
  return digits;
}

}  // namespace stoq::plugins::decoder::hex
