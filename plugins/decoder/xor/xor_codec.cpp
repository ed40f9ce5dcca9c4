#include "xor_codec.hpp"

#include <charconv>
#include <string>
#include <string_view>

#include "codecs.hpp"
#include "stoq/error.hpp"

namespace stoq::plugins::decoder::xor_ {
namespace {

Error bad_key(std::string_view token, std::string_view why) {
  return Error("xor key '" + std::string(token) + "' " + std::string(why) +
               R"( (give decimal bytes "7" / "41 166 3" or hex "0x4142"))");
}

void append_token(std::string_view token, Bytes& key) {
  if (token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) {
    std::string_view digits = token.substr(2);
    std::size_t i = 0;
    if (digits.size() % 2 == 1) {  // "0x7" is 0x07
      key.push_back(static_cast<std::uint8_t>(carve::hex_value(static_cast<std::uint8_t>(digits[0]))));
      if (key.back() > 15) throw bad_key(token, "is not hex");
      i = 1;
    }
    for (; i < digits.size(); i += 2) {
      int high = carve::hex_value(static_cast<std::uint8_t>(digits[i]));
      int low = carve::hex_value(static_cast<std::uint8_t>(digits[i + 1]));
      if (high < 0 || low < 0) throw bad_key(token, "is not hex");
      key.push_back(static_cast<std::uint8_t>(high * 16 + low));
    }
    return;
  }
  unsigned value = 0;
  auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc() || end != token.data() + token.size()) throw bad_key(token, "is not a number");
  if (value > 255) throw bad_key(token, "is above 255");
  key.push_back(static_cast<std::uint8_t>(value));
}

void append_text(std::string_view text, Bytes& key) {
  std::size_t start = 0;
  while (start < text.size()) {
    auto is_separator = [](char c) { return c == ',' || carve::is_space(static_cast<std::uint8_t>(c)); };
    while (start < text.size() && is_separator(text[start])) ++start;
    std::size_t end = start;
    while (end < text.size() && !is_separator(text[end])) ++end;
    if (end > start) append_token(text.substr(start, end - start), key);
    start = end;
  }
}

void append_value(const Json& value, Bytes& key) {
  if (value.is_string()) {
    append_text(value.get_ref<const std::string&>(), key);
  } else if (value.is_number_integer() || value.is_number_unsigned()) {
    append_token(value.dump(), key);
  } else {
    throw bad_key(value.dump(), "has an unsupported type");
  }
}

}  // namespace

Bytes parse_xor_key(const Json& key) {
  Bytes bytes;
  if (key.is_array()) {
    for (const Json& item : key) append_value(item, bytes);
  } else {
    append_value(key, bytes);
  }
  if (bytes.empty()) throw Error("xor key is empty");
  return bytes;
}

void xor_bytes(ByteView input, ByteView key, carve::OutputBuffer& out) {
  if (key.empty()) throw Error("xor key is empty");
  const std::uint8_t* data = input.data();
  const std::uint8_t* k = key.data();
  std::size_t key_size = key.size();
  std::size_t ki = 0;
  for (std::size_t i = 0; i < input.size(); ++i) {
    out.put(static_cast<std::uint8_t>(data[i] ^ k[ki]));
    if (++ki == key_size) {
      ki = 0;
      if (out.full()) return;
    }
  }
}

std::optional<std::uint8_t> find_single_byte_key(ByteView data, std::string_view plain) {
  if (plain.size() < 2 || data.size() < plain.size()) return std::nullopt;
  const auto* text = reinterpret_cast<const std::uint8_t*>(plain.data());
  const std::uint8_t pair = text[0] ^ text[1];
  const std::size_t last = data.size() - plain.size();
  for (std::size_t i = 0; i <= last; ++i) {
    if ((data.data()[i] ^ data.data()[i + 1]) != pair) continue;
    const std::uint8_t key = data.data()[i] ^ text[0];
    if (key == 0) continue;  // the plaintext itself: nothing to decode
    std::size_t j = 2;
    while (j < plain.size() && (data.data()[i + j] ^ key) == text[j]) ++j;
    if (j == plain.size()) return key;
  }
  return std::nullopt;
}

}  // namespace stoq::plugins::decoder::xor_
