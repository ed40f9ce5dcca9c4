#include "zip_directory.hpp"

namespace stoq::plugins::extractor::decompress {
namespace {

constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint32_t kEnd64Signature = 0x06064b50;
constexpr std::uint32_t kEnd64LocatorSignature = 0x07064b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::size_t kEndSize = 22;
constexpr std::size_t kCentralSize = 46;
constexpr std::size_t kLocalSize = 30;
constexpr std::uint32_t kMarker32 = 0xFFFFFFFF;

struct DirectoryLocation {
  std::uint64_t end_position = 0;  // where the (zip64) end record starts
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

/// The last end-of-central-directory record whose comment fits the payload.
std::optional<std::size_t> find_end_record(ByteView zip) {
  if (zip.size() < kEndSize) return std::nullopt;
  std::size_t lowest = zip.size() > 0xFFFF + kEndSize ? zip.size() - 0xFFFF - kEndSize : 0;
  for (std::size_t position = zip.size() - kEndSize + 1; position-- > lowest;) {
    if (zip.read_le<std::uint32_t>(position) != kEndSignature) continue;
    auto comment = zip.read_le<std::uint16_t>(position + 20);
    if (comment && position + kEndSize + *comment <= zip.size()) return position;
  }
  return std::nullopt;
}

std::optional<DirectoryLocation> locate_directory(ByteView zip, std::size_t end) {
  auto offset = zip.read_le<std::uint32_t>(end + 16);
  auto size = zip.read_le<std::uint32_t>(end + 12);
  if (!offset || !size) return std::nullopt;
  DirectoryLocation location{end, *offset, *size};
  // Zip64: a locator right before the end record points to the zip64 end record.
  if (end >= 20 && zip.read_le<std::uint32_t>(end - 20) == kEnd64LocatorSignature) {
    auto record = zip.read_le<std::uint64_t>(end - 12);
    if (record && zip.read_le<std::uint32_t>(static_cast<std::size_t>(*record)) == kEnd64Signature &&
        *record < zip.size()) {
      auto position = static_cast<std::size_t>(*record);
      auto size64 = zip.read_le<std::uint64_t>(position + 40);
      auto offset64 = zip.read_le<std::uint64_t>(position + 48);
      if (size64 && offset64) location = {position, *offset64, *size64};
    }
  }
  return location;
}

/// Replaces 0xFFFFFFFF fields by their zip64 extra-field values (tag 0x0001).
void apply_zip64_extra(ByteView extra, std::uint32_t raw_uncompressed, std::uint32_t raw_compressed,
                       std::uint32_t raw_offset, ZipEntry& entry) {
  std::size_t position = 0;
  while (extra.fits(position, 4)) {
    auto tag = *extra.read_le<std::uint16_t>(position);
    auto length = *extra.read_le<std::uint16_t>(position + 2);
    auto body = extra.subview(position + 4, length);
    if (!body) return;
    if (tag == 0x0001) {
      std::size_t field = 0;
      auto next = [&](std::uint64_t& target) {
        if (auto value = body->read_le<std::uint64_t>(field)) target = *value;
        field += 8;
      };
      if (raw_uncompressed == kMarker32) next(entry.uncompressed_size);
      if (raw_compressed == kMarker32) next(entry.compressed_size);
      if (raw_offset == kMarker32) next(entry.local_header_offset);
      return;
    }
    position += 4 + static_cast<std::size_t>(length);
  }
}

}  // namespace

std::optional<ZipDirectory> read_zip_directory(ByteView zip, std::size_t max_entries) {
  auto end = find_end_record(zip);
  if (!end) return std::nullopt;
  auto location = locate_directory(zip, *end);
  if (!location) return std::nullopt;
  ZipDirectory directory;
  // A stub before the archive shifts every offset: the directory really ends where the
  // end record starts.
  if (location->offset > zip.size() || location->size > zip.size()) return std::nullopt;
  if (location->offset + location->size < location->end_position) {
    std::uint64_t shift = location->end_position - location->offset - location->size;
    if (zip.read_le<std::uint32_t>(static_cast<std::size_t>(location->offset + shift)) == kCentralSignature) {
      directory.prefix = shift;
    }
  }
  std::size_t position = static_cast<std::size_t>(location->offset + directory.prefix);
  while (directory.entries.size() < max_entries && zip.read_le<std::uint32_t>(position) == kCentralSignature) {
    auto header = zip.subview(position, kCentralSize);
    if (!header) break;
    auto name_length = *header->read_le<std::uint16_t>(28);
    auto extra_length = *header->read_le<std::uint16_t>(30);
    auto comment_length = *header->read_le<std::uint16_t>(32);
    std::size_t variable = static_cast<std::size_t>(name_length) + extra_length + comment_length;
    if (!zip.fits(position + kCentralSize, variable)) {
      directory.damaged = true;
      break;
    }
    ZipEntry entry;
    entry.flags = *header->read_le<std::uint16_t>(8);
    entry.method = *header->read_le<std::uint16_t>(10);
    auto raw_compressed = *header->read_le<std::uint32_t>(20);
    auto raw_uncompressed = *header->read_le<std::uint32_t>(24);
    auto raw_offset = *header->read_le<std::uint32_t>(42);
    entry.compressed_size = raw_compressed;
    entry.uncompressed_size = raw_uncompressed;
    entry.local_header_offset = raw_offset;
    entry.name = std::string(zip.subview(position + kCentralSize, name_length)->as_string_view());
    apply_zip64_extra(*zip.subview(position + kCentralSize + name_length, extra_length), raw_uncompressed,
                      raw_compressed, raw_offset, entry);
    if (entry.local_header_offset <= UINT64_MAX - directory.prefix) entry.local_header_offset += directory.prefix;
    directory.entries.push_back(std::move(entry));
    position += kCentralSize + variable;
  }
  return directory;
}

std::optional<ByteView> zip_entry_data(ByteView zip, const ZipEntry& entry) {
  if (entry.local_header_offset >= zip.size()) return std::nullopt;
  auto local = static_cast<std::size_t>(entry.local_header_offset);
  if (zip.read_le<std::uint32_t>(local) != kLocalSignature) return std::nullopt;
  auto name_length = zip.read_le<std::uint16_t>(local + 26);
  auto extra_length = zip.read_le<std::uint16_t>(local + 28);
  if (!name_length || !extra_length) return std::nullopt;
  std::size_t start = local + kLocalSize + *name_length + *extra_length;
  if (start > zip.size()) return std::nullopt;
  ByteView rest = zip.tail(start);
  return rest.head(entry.compressed_size < rest.size() ? static_cast<std::size_t>(entry.compressed_size) : rest.size());
}

}  // namespace stoq::plugins::extractor::decompress
