#include "packager.hpp"

#include <cstring>

#include "codecs.hpp"
#include "stoq/text.hpp"

namespace stoq::carve {
namespace {

// A NUL-terminated string starting at `offset`; advances past the NUL.
std::optional<ByteView> read_cstring(ByteView blob, std::size_t& offset) {
  ByteView rest = blob.tail(offset);
  if (rest.empty()) return std::nullopt;
  const void* nul = std::memchr(rest.data(), 0, rest.size());
  if (nul == nullptr) return std::nullopt;
  std::size_t length = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - rest.data());
  offset += length + 1;
  return ByteView(rest.data(), length);
}

// u32 count of UTF-16 code units, then the units; "" (and no advance) when absent.
std::string read_unicode(ByteView blob, std::size_t& offset) {
  auto units = blob.read_le<std::uint32_t>(offset);
  if (!units || *units > (blob.size() - offset - 4) / 2) return {};
  auto text = blob.subview(offset + 4, static_cast<std::size_t>(*units) * 2);
  offset += 4 + static_cast<std::size_t>(*units) * 2;
  return text ? utf16le_to_utf8(utf16le_until_nul(*text)) : std::string();
}

}  // namespace

std::string PackagedFile::filename() const {
  if (!label_w.empty()) return label_w;
  if (!label.empty()) return label;
  std::size_t slash = src_path.find_last_of("\\/");
  return slash == std::string::npos ? src_path : src_path.substr(slash + 1);
}

std::optional<PackagedFile> parse_packager(ByteView blob, bool with_size_prefix) {
  std::size_t offset = 0;
  if (with_size_prefix) {
    auto total = blob.read_le<std::uint32_t>(0);
    if (!total) return std::nullopt;
    offset = 4;
    // The size covers what follows it; a smaller one bounds the parse.
    if (*total >= 2 && *total < blob.size() - 4) blob = blob.head(4 + static_cast<std::size_t>(*total));
  }
  if (blob.read_le<std::uint16_t>(offset) != std::uint16_t{2}) return std::nullopt;
  offset += 2;
  PackagedFile file;
  auto label = read_cstring(blob, offset);
  if (!label) return std::nullopt;
  auto src_path = read_cstring(blob, offset);
  if (!src_path) return std::nullopt;
  auto type = blob.read_le<std::uint16_t>(offset + 2);
  auto tmp_length = blob.read_le<std::uint32_t>(offset + 4);
  if (!type || !tmp_length) return std::nullopt;
  file.type = *type;
  offset += 8;
  std::size_t tmp_start = offset;
  auto tmp_path = read_cstring(blob, offset);
  if (!tmp_path) return std::nullopt;
  // The length field counts the NUL; when it disagrees with the terminator, trust the
  // terminator (writers differ) unless the field points exactly at a NUL.
  if (*tmp_length > 0 && blob.at(tmp_start + *tmp_length - 1) == std::uint8_t{0} &&
      *tmp_length <= blob.size() - tmp_start) {
    offset = tmp_start + *tmp_length;
    tmp_path = blob.subview(tmp_start, *tmp_length - 1);
    if (const void* nul = std::memchr(tmp_path->data(), 0, tmp_path->size())) {
      tmp_path = ByteView(tmp_path->data(),
                          static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - tmp_path->data()));
    }
  }
  auto size = blob.read_le<std::uint32_t>(offset);
  if (!size) return std::nullopt;
  offset += 4;
  file.declared_size = *size;
  ByteView rest = blob.tail(offset);
  file.truncated = rest.size() < *size;
  file.data = rest.head(*size);
  offset += file.data.size();
  file.label = latin1_to_utf8(*label);
  file.src_path = latin1_to_utf8(*src_path);
  file.tmp_path = latin1_to_utf8(*tmp_path);
  if (!file.truncated) {
    file.tmp_path_w = read_unicode(blob, offset);
    file.label_w = read_unicode(blob, offset);
    file.src_path_w = read_unicode(blob, offset);
  }
  return file;
}

}  // namespace stoq::carve
