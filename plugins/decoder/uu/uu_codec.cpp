#include "uu_codec.hpp"

#include <cstring>

#include "codecs.hpp"
#include "stoq/error.hpp"
#include "stoq/text.hpp"

namespace stoq::plugins::decoder::uu {
namespace {

struct Line {
  std::size_t start = 0;
  std::size_t end = 0;   // without "\r\n" / "\n"
  std::size_t next = 0;  // start of the following line
};

Line line_at(ByteView text, std::size_t start) {
  ByteView rest = text.tail(start);
  Line line{start, text.size(), text.size()};
  if (rest.empty()) return line;
  const void* newline = std::memchr(rest.data(), '\n', rest.size());
  if (newline != nullptr) {
    line.end = start + static_cast<std::size_t>(static_cast<const std::uint8_t*>(newline) - rest.data());
    line.next = line.end + 1;
  }
  if (line.end > line.start && text.data()[line.end - 1] == '\r') --line.end;
  return line;
}

std::string_view view(ByteView text, const Line& line) {
  return text.as_string_view().substr(line.start, line.end - line.start);
}

std::optional<UuHeader> parse_begin(ByteView text, const Line& line) {
  std::string_view content = view(text, line);
  UuHeader header;
  if (content.starts_with("begin-base64 ")) {
    header.base64 = true;
    content.remove_prefix(13);
  } else if (content.starts_with("begin ")) {
    content.remove_prefix(6);
  } else {
    return std::nullopt;
  }
  std::size_t digits = 0;
  while (digits < content.size() && content[digits] >= '0' && content[digits] <= '7') ++digits;
  if (digits == 0 || digits > 6 || digits >= content.size() || content[digits] != ' ') return std::nullopt;
  header.mode = std::string(content.substr(0, digits));
  header.filename = latin1_to_utf8(ByteView(content.substr(digits + 1)));
  header.offset = line.start;
  header.body = line.next;
  return header;
}

std::uint8_t uu_value(std::uint8_t c, std::size_t offset) {
  if (c < 0x20 || c > 0x60) {
    throw Error("not uuencoded: invalid character 0x" + carve::to_hex(ByteView(&c, 1)) + " at offset " +
                std::to_string(offset));
  }
  return static_cast<std::uint8_t>((c - 0x20) & 0x3F);
}

UuBody decode_base64_body(ByteView text, const UuHeader& header, carve::OutputBuffer& out) {
  std::size_t position = header.body;
  while (position < text.size()) {
    Line line = line_at(text, position);
    std::string_view content = view(text, line);
    if (content == "====" || parse_begin(text, line)) {
      ByteView body(text.data() + header.body, line.start - header.body);
      if (!body.empty()) carve::decode_base64(body, out);
      return {content == "====" ? line.next : line.start, content == "===="};
    }
    position = line.next;
  }
  ByteView body = text.tail(header.body);
  if (!body.empty()) carve::decode_base64(body, out);
  return {text.size(), false};
}

}  // namespace

std::optional<UuHeader> find_uu_header(ByteView text, std::size_t from) {
  std::size_t position = from;
  while (position < text.size()) {
    // Only lines starting with 'b' can begin a block: jump from line to line.
    Line line = line_at(text, position);
    if (text.data()[position] == 'b') {
      if (auto header = parse_begin(text, line)) return header;
    }
    position = line.next;
  }
  return std::nullopt;
}

UuBody decode_uu_body(ByteView text, const UuHeader& header, carve::OutputBuffer& out) {
  if (header.base64) return decode_base64_body(text, header, out);
  std::size_t position = header.body;
  while (position < text.size()) {
    Line line = line_at(text, position);
    std::string_view content = view(text, line);
    if (content.starts_with("begin")) {
      if (parse_begin(text, line)) return {line.start, false};  // the next block: this one broke off
    }
    if (content == "end") return {line.next, true};
    std::size_t length = content.empty() ? 0 : uu_value(static_cast<std::uint8_t>(content[0]), line.start);
    if (length == 0) {
      // The zero-length line ends the data; "end" should follow.
      Line after = line_at(text, line.next);
      bool ended = line.next < text.size() && view(text, after) == "end";
      return {ended ? after.next : line.next, ended};
    }
    // Groups of four characters make three bytes; missing trailing characters (spaces
    // stripped by a mailer) count as zero.
    std::size_t produced = 0;
    for (std::size_t group = 0; produced < length; ++group) {
      std::uint32_t value = 0;
      for (std::size_t k = 0; k < 4; ++k) {
        std::size_t index = 1 + group * 4 + k;
        std::uint8_t c = index < content.size() ? static_cast<std::uint8_t>(content[index]) : ' ';
        value = (value << 6) | uu_value(c, line.start + index);
      }
      for (int k = 0; k < 3 && produced < length; ++k, ++produced) {
        out.put(static_cast<std::uint8_t>(value >> (16 - 8 * k)));
      }
    }
    if (out.full()) return {line.next, false};
    position = line.next;
  }
  return {text.size(), false};
}

}  // namespace stoq::plugins::decoder::uu
