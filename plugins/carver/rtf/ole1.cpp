#include "ole1.hpp"

#include <algorithm>

#include "codecs.hpp"
#include "stoq/text.hpp"

namespace stoq::plugins::carver::rtf {
namespace {

constexpr std::uint32_t kEmbedded = 2;
constexpr std::uint32_t kMaxName = 1024;

// A length-prefixed ANSI string (length counts the terminating NUL; 0 = empty).
std::optional<std::string> read_name(ByteView data, std::size_t& offset) {
  auto length = data.read_le<std::uint32_t>(offset);
  if (!length || *length > kMaxName) return std::nullopt;
  auto text = data.subview(offset + 4, *length);
  if (!text) return std::nullopt;
  offset += 4 + *length;
  ByteView name = *text;
  auto nul = std::find(name.span().begin(), name.span().end(), std::uint8_t{0});
  return latin1_to_utf8(name.head(static_cast<std::size_t>(nul - name.span().begin())));
}

}  // namespace

std::optional<Ole1Object> parse_ole1(ByteView data) {
  auto version = data.read_le<std::uint32_t>(0);
  auto format = data.read_le<std::uint32_t>(4);
  if (!version || format != kEmbedded) return std::nullopt;
  Ole1Object object;
  object.version = *version;
  std::size_t offset = 8;
  auto class_name = read_name(data, offset);
  if (!class_name || class_name->empty()) return std::nullopt;
  for (char c : *class_name) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) return std::nullopt;
  }
  auto topic = read_name(data, offset);
  auto item = read_name(data, offset);
  auto size = data.read_le<std::uint32_t>(offset);
  if (!topic || !item || !size) return std::nullopt;
  object.class_name = std::move(*class_name);
  object.topic = std::move(*topic);
  object.item = std::move(*item);
  ByteView rest = data.tail(offset + 4);
  object.truncated = rest.size() < *size;
  object.native = rest.head(*size);
  return object;
}

}  // namespace stoq::plugins::carver::rtf
