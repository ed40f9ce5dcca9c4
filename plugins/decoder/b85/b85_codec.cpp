#include "b85_codec.hpp"

#include <array>
#include <cstdint>
#include <string>

#include "codecs.hpp"
#include "stoq/error.hpp"

namespace stoq::plugins::decoder::b85 {
namespace {

constexpr std::string_view kBase85Alphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
constexpr std::string_view kAscii85Only = "\"',./:[\\]";

constexpr std::array<std::int8_t, 256> make_base85_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& value : table) value = -1;
  for (std::size_t i = 0; i < kBase85Alphabet.size(); ++i) {
    table[static_cast<std::uint8_t>(kBase85Alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr std::array<std::int8_t, 256> kBase85 = make_base85_table();

ByteView trim(ByteView text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && carve::is_space(text.data()[begin])) ++begin;
  while (end > begin && carve::is_space(text.data()[end - 1])) --end;
  return {text.data() + begin, end - begin};
}

// Emits a group of `count` digits (1..5) padded with digit 84 to five: count - 1 bytes.
void emit_group(std::array<std::uint32_t, 5>& digits, int count, carve::OutputBuffer& out, std::size_t offset,
                const char* name) {
  for (int i = count; i < 5; ++i) digits[i] = 84;
  std::uint64_t value = 0;
  for (std::uint32_t digit : digits) value = value * 85 + digit;
  if (value > 0xFFFFFFFFULL) {
    throw Error(std::string("not ") + name + ": group overflows 32 bits near offset " + std::to_string(offset));
  }
  int bytes = count == 5 ? 4 : count - 1;
  for (int i = 0; i < bytes; ++i) out.put(static_cast<std::uint8_t>(value >> (24 - 8 * i)));
}

void decode_base85_text(ByteView text, carve::OutputBuffer& out) {
  std::array<std::uint32_t, 5> digits{};
  int count = 0;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::uint8_t c = text.data()[i];
    std::int8_t value = kBase85[c];
    if (value < 0) {
      if (carve::is_space(c)) continue;
      throw Error("not base85: invalid character 0x" + carve::to_hex(ByteView(&c, 1)) + " at offset " +
                  std::to_string(i));
    }
    ++seen;
    digits[count++] = static_cast<std::uint8_t>(value);  // 0..84 here
    if (count == 5) {
      emit_group(digits, 5, out, i, "base85");
      count = 0;
      if (out.full()) return;
    }
  }
  if (seen == 0) throw Error("not base85: no base85 characters");
  if (count > 0) emit_group(digits, count, out, text.size(), "base85");
}

void decode_ascii85_text(ByteView text, carve::OutputBuffer& out) {
  text = trim(text);
  if (text.starts_with("<~")) text = text.tail(2);
  if (text.size() >= 2 && text.data()[text.size() - 2] == '~' && text.data()[text.size() - 1] == '>') {
    text = text.head(text.size() - 2);
  }
  std::array<std::uint32_t, 5> digits{};
  int count = 0;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::uint8_t c = text.data()[i];
    if (c >= '!' && c <= 'u') {
      ++seen;
      digits[count++] = c - '!';
      if (count == 5) {
        emit_group(digits, 5, out, i, "ascii85");
        count = 0;
        if (out.full()) return;
      }
    } else if (c == 'z') {
      if (count != 0) throw Error("not ascii85: 'z' inside a group at offset " + std::to_string(i));
      ++seen;
      for (int k = 0; k < 4; ++k) out.put(0);
    } else if (!carve::is_space(c)) {
      throw Error("not ascii85: invalid character 0x" + carve::to_hex(ByteView(&c, 1)) + " at offset " +
                  std::to_string(i));
    }
  }
  if (seen == 0) throw Error("not ascii85: no ascii85 characters");
  if (count > 0) emit_group(digits, count, out, text.size(), "ascii85");
}

}  // namespace

Variant parse_variant(std::string_view text) {
  if (text == "auto") return Variant::Auto;
  if (text == "b85") return Variant::Base85;
  if (text == "a85") return Variant::Ascii85;
  throw Error("b85: variant must be auto, b85 or a85, got '" + std::string(text) + "'");
}

Variant detect_variant(ByteView text) {
  ByteView trimmed = trim(text);
  if (trimmed.starts_with("<~")) return Variant::Ascii85;
  if (trimmed.size() >= 2 && trimmed.as_string_view().ends_with("~>")) return Variant::Ascii85;
  for (std::uint8_t c : trimmed.span()) {
    if (kAscii85Only.find(static_cast<char>(c)) != std::string_view::npos) return Variant::Ascii85;
  }
  return Variant::Base85;
}

Variant decode_base85(ByteView text, Variant variant, carve::OutputBuffer& out) {
  if (variant == Variant::Auto) variant = detect_variant(text);
  if (variant == Variant::Ascii85) {
    decode_ascii85_text(text, out);
  } else {
    decode_base85_text(text, out);
  }
  return variant;
}

}  // namespace stoq::plugins::decoder::b85
