#include "codecs.hpp"

#include <array>

#include "stoq/error.hpp"

namespace stoq::carve {
namespace {

constexpr std::int8_t kInvalid = -1;

constexpr std::array<std::int8_t, 256> make_base64_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& value : table) value = kInvalid;
  for (int i = 0; i < 26; ++i) {
    table['A' + i] = static_cast<std::int8_t>(i);
    table['a' + i] = static_cast<std::int8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) table['0' + i] = static_cast<std::int8_t>(52 + i);
  table['+'] = table['-'] = 62;
  table['/'] = table['_'] = 63;
  return table;
}
constexpr std::array<std::int8_t, 256> kBase64 = make_base64_table();

}  // namespace

std::string to_hex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t byte : bytes.span()) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xF]);
  }
  return out;
}

Base64Info decode_base64(ByteView text, OutputBuffer& out) {
  Base64Info info;
  std::uint32_t accumulator = 0;
  int quantum = 0;  // characters in the current group of four
  const std::uint8_t* data = text.data();
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::uint8_t c = data[i];
    std::int8_t value = kBase64[c];
    if (value != kInvalid && !info.padded) {
      if (c == '-' || c == '_') info.url_safe = true;
      accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
      ++info.characters;
      if (++quantum == 4) {
        out.put(static_cast<std::uint8_t>(accumulator >> 16));
        out.put(static_cast<std::uint8_t>(accumulator >> 8));
        out.put(static_cast<std::uint8_t>(accumulator));
        accumulator = 0;
        quantum = 0;
        if (out.full()) return info;
      }
      continue;
    }
    if (is_space(c)) continue;
    if (c == '=') {
      info.padded = true;
      continue;
    }
    if (value != kInvalid) throw Error("not base64: data after padding at offset " + std::to_string(i));
    throw Error("not base64: invalid character 0x" + to_hex(ByteView(&c, 1)) + " at offset " + std::to_string(i));
  }
  if (info.characters == 0) throw Error("not base64: no base64 characters");
  if (quantum == 1) throw Error("not base64: truncated (a single character in the last group)");
  if (quantum == 2) out.put(static_cast<std::uint8_t>(accumulator >> 4));
  if (quantum == 3) {
    out.put(static_cast<std::uint8_t>(accumulator >> 10));
    out.put(static_cast<std::uint8_t>(accumulator >> 2));
  }
  return info;
}

}  // namespace stoq::carve
