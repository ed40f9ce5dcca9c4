// A bounds-checked reader of a zip file's central directory, used only to find the
// members libarchive cannot decompress (deflate64, implode) and the compressed sizes
// of all members. Every offset and length comes from hostile input: each is checked
// against the payload before use; nothing is allocated from a declared count.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stoq/bytes.hpp"

namespace stoq::plugins::extractor::decompress {

struct ZipEntry {
  std::string name;
  std::uint16_t method = 0;
  std::uint16_t flags = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;  // already shifted by ZipDirectory::prefix
  [[nodiscard]] bool encrypted() const { return (flags & 1U) != 0; }
};

struct ZipDirectory {
  std::vector<ZipEntry> entries;
  /// Bytes before the archive proper (a self-extractor stub): offsets in the directory
  /// are relative to its end.
  std::uint64_t prefix = 0;
  /// True when the directory ended early or an entry was cut: entries holds the good ones.
  bool damaged = false;
};

inline constexpr std::uint16_t kZipMethodImplode = 6;
inline constexpr std::uint16_t kZipMethodDeflate64 = 9;

/// The central directory of `zip`, or nullopt when there is no end-of-central-directory
/// record in the last 64 KiB + 22 bytes. At most `max_entries` entries are read.
std::optional<ZipDirectory> read_zip_directory(ByteView zip, std::size_t max_entries);

/// The compressed data of `entry`: located through its local header, clamped to the
/// payload. nullopt when the local header is missing or lies outside the payload.
std::optional<ByteView> zip_entry_data(ByteView zip, const ZipEntry& entry);

}  // namespace stoq::plugins::extractor::decompress
