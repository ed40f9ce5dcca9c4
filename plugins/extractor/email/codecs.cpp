// Mail decoders; see codecs.hpp.
#include "codecs.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "stoq/text.hpp"

namespace stoq::mime {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::array<std::int8_t, 256> make_base64_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& value : table) value = -1;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}
constexpr std::array<std::int8_t, 256> kBase64 = make_base64_table();

// Q encoding of RFC 2047 4.2: QP with '_' for space.
std::string decode_q(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out += ' ';
    } else if (text[i] == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Bytes decode_base64(std::string_view text) {
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t quantum = 0;
  int count = 0;
  int pads = 0;
  for (char c : text) {
    if (c == '=') {
      if (count >= 2 && count + ++pads >= 4) break;  // a padded quantum ends the data
      continue;
    }
    std::int8_t value = kBase64[static_cast<unsigned char>(c)];
    if (value < 0) continue;
    pads = 0;
    quantum = (quantum << 6) | static_cast<std::uint32_t>(value);
    if (++count == 4) {
      out.push_back(static_cast<std::uint8_t>(quantum >> 16));
      out.push_back(static_cast<std::uint8_t>(quantum >> 8));
      out.push_back(static_cast<std::uint8_t>(quantum));
      count = 0;
      quantum = 0;
    }
  }
  if (count == 2) out.push_back(static_cast<std::uint8_t>(quantum >> 4));
  if (count == 3) {
    out.push_back(static_cast<std::uint8_t>(quantum >> 10));
    out.push_back(static_cast<std::uint8_t>(quantum >> 2));
  }
  return out;
}

Bytes decode_quoted_printable(std::string_view text) {
  Bytes out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '=') {
      out.push_back(static_cast<std::uint8_t>(text[i++]));
      continue;
    }
    ++i;
    if (i >= text.size()) break;
    if (text[i] == '\n' || text[i] == '\r') {  // soft line break
      while (i < text.size() && text[i] != '\n') ++i;
      if (i < text.size()) ++i;
    } else if (text[i] == '=') {
      out.push_back('=');
      ++i;
    } else if (i + 1 < text.size() && hex_value(text[i]) >= 0 && hex_value(text[i + 1]) >= 0) {
      out.push_back(static_cast<std::uint8_t>(hex_value(text[i]) * 16 + hex_value(text[i + 1])));
      i += 2;
    } else {
      out.push_back('=');
    }
  }
  return out;
}

bool decode_uu_line(std::string_view line, Bytes& out) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.empty()) return true;
  auto sextet = [&](std::size_t i) -> std::uint32_t {
    if (i >= line.size()) return 0;
    return (static_cast<unsigned char>(line[i]) - 0x20U) & 0x3FU;
  };
  if (static_cast<unsigned char>(line[0]) < 0x20 || static_cast<unsigned char>(line[0]) > 0x60) return false;
  // A line shortened by a mailer (trailing spaces stripped) decodes with the missing
  // characters as zero, but never to more than its characters can carry (plus 2): a
  // short line cannot amplify.
  std::size_t length = std::min<std::size_t>(sextet(0), (line.size() - 1) * 3 / 4 + 2);
  std::size_t produced = 0;
  // Trailing spaces are often stripped by mailers: missing characters count as zero.
  for (std::size_t i = 1; produced < length; i += 4) {
    std::uint32_t group = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    for (int k = 2; k >= 0 && produced < length; --k, ++produced)
      out.push_back(static_cast<std::uint8_t>(group >> (8 * k)));
  }
  return true;
}

Bytes decode_uuencoded(std::string_view text, std::string* name) {
  Bytes out;
  bool begun = text.find("begin ") == std::string_view::npos;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!begun) {
      if (line.substr(0, 6) == "begin ") {
        begun = true;
        std::size_t space = line.find(' ', 6);
        if (name != nullptr && space != std::string_view::npos) *name = std::string(line.substr(space + 1));
      }
      continue;
    }
    if (line == "end") break;
    if (!decode_uu_line(line, out)) break;
  }
  return out;
}

std::string to_utf8(std::string_view bytes, std::string_view charset) {
  std::string name = to_lower(charset);
  // iconv_open's documented failure value is (iconv_t)-1.
  const auto failed = reinterpret_cast<iconv_t>(-1);  // NOLINT(performance-no-int-to-ptr)
  iconv_t converter = failed;
  if (!(name.empty() || name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii")) {
    converter = iconv_open("UTF-8", name.c_str());
  }
  if (converter == failed) {  // no charset, a UTF-8 one, or one iconv does not know
    if (is_valid_utf8(bytes)) return std::string(bytes);
    converter = iconv_open("UTF-8", "WINDOWS-1252");  // the usual mislabelling
    if (converter == failed) {                        // (glibc always has it) read as Latin-1
      std::string out;
      for (char c : bytes) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
          out += c;
        } else {
          out += static_cast<char>(0xC0 | (byte >> 6));
          out += static_cast<char>(0x80 | (byte & 0x3F));
        }
      }
      return out;
    }
  }
  std::string out;
  std::array<char, 1024> buffer{};
  std::string input(bytes);
  char* in = input.data();
  std::size_t in_left = input.size();
  while (in_left > 0) {
    char* dst = buffer.data();
    std::size_t dst_left = buffer.size();
    std::size_t rc = iconv(converter, &in, &in_left, &dst, &dst_left);
    out.append(buffer.data(), buffer.size() - dst_left);
    if (rc == static_cast<std::size_t>(-1) && errno != E2BIG) {
      out += "\xEF\xBF\xBD";  // U+FFFD for an invalid or incomplete sequence
      ++in;
      --in_left;
    }
  }
  iconv_close(converter);
  return out;
}

std::string decode_encoded_words(std::string_view value) {
  std::string out;
  std::size_t pos = 0;
  std::size_t pending_space = std::string::npos;  // start of whitespace after an encoded word
  while (pos < value.size()) {
    std::size_t start = value.find("=?", pos);
    if (start == std::string_view::npos) break;
    std::size_t q1 = value.find('?', start + 2);
    std::size_t q2 = q1 == std::string_view::npos ? q1 : value.find('?', q1 + 1);
    std::size_t close = q2 == std::string_view::npos ? q2 : value.find("?=", q2 + 1);
    if (close == std::string_view::npos || q2 != q1 + 2) {
      out.append(value.substr(pos, start + 2 - pos));
      pos = start + 2;
      pending_space = std::string::npos;
      continue;
    }
    std::string_view between = value.substr(pos, start - pos);
    bool only_space = between.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (!(pending_space != std::string::npos && only_space)) out.append(between);
    std::string charset(value.substr(start + 2, q1 - start - 2));
    if (std::size_t star = charset.find('*'); star != std::string::npos) charset.resize(star);  // RFC 2231 language
    char encoding = static_cast<char>(value[q1 + 1] | 0x20);
    std::string_view text = value.substr(q2 + 1, close - q2 - 1);
    std::string raw;
    if (encoding == 'b') {
      Bytes decoded = decode_base64(text);
      raw.assign(decoded.begin(), decoded.end());
    } else {
      raw = decode_q(text);
    }
    out += to_utf8(raw, charset);
    pos = close + 2;
    pending_space = pos;
  }
  out.append(value.substr(std::min(pos, value.size())));
  return out;
}

}  // namespace stoq::mime
