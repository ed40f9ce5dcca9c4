// A minimal compound file writer for tests: version 3 (512-byte sectors) or 4 (4096),
// streams of at least 4096 bytes only (no mini stream), one optional storage. Layout:
// header sector, sector 0 = FAT, sector 1 = directory, then the streams' sectors.
// Entry ids: 0 root, 1.. the top-level streams, then the storage, then its streams.
// Siblings form a right-leaning chain (olefile does not check red-black colours).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace cfb_test {

using Stream = std::pair<std::string, std::string>;  // name (ASCII), bytes

struct Layout {
  std::string file;
  std::size_t sector_size = 0;
  std::vector<std::uint32_t> first_sector;  // per stream, in the order written
};

inline void put32(std::string& out, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}
inline void put16(std::string& out, std::size_t at, std::uint16_t value) {
  out[at] = static_cast<char>(value & 0xFF);
  out[at + 1] = static_cast<char>(value >> 8);
}

inline Layout write_cfb(int version, const std::vector<Stream>& top, const std::string& storage_name = "",
                        const std::vector<Stream>& inner = {}) {
  const std::size_t ss = version == 4 ? 4096 : 512;
  Layout layout;
  layout.sector_size = ss;
  std::vector<Stream> all = top;
  all.insert(all.end(), inner.begin(), inner.end());
  std::size_t data_sectors = 0;
  for (const auto& stream : all) data_sectors += (stream.second.size() + ss - 1) / ss;
  const std::size_t total_sectors = 2 + data_sectors;
  std::string file((total_sectors + 1) * ss, '\0');
  // Header.
  const unsigned char signature[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  std::memcpy(file.data(), signature, 8);
  put16(file, 24, 0x3E);
  put16(file, 26, static_cast<std::uint16_t>(version));
  put16(file, 28, 0xFFFE);
  put16(file, 30, version == 4 ? 12 : 9);
  put16(file, 32, 6);
  put32(file, 44, 1);           // FAT sectors
  put32(file, 48, 1);           // first directory sector
  put32(file, 56, 4096);        // mini stream cutoff
  put32(file, 60, 0xFFFFFFFE);  // no mini FAT
  put32(file, 68, 0xFFFFFFFE);  // no DIFAT sectors
  put32(file, 76, 0);           // DIFAT[0] = sector 0
  for (int i = 1; i < 109; ++i) put32(file, 76 + 4 * i, 0xFFFFFFFF);
  auto sector_at = [&](std::size_t index) { return (index + 1) * ss; };
  // FAT.
  const std::size_t fat = sector_at(0);
  for (std::size_t i = 0; i < ss / 4; ++i) put32(file, fat + 4 * i, 0xFFFFFFFF);
  put32(file, fat, 0xFFFFFFFD);      // the FAT itself
  put32(file, fat + 4, 0xFFFFFFFE);  // directory: one sector
  std::size_t next = 2;
  for (const auto& stream : all) {
    std::size_t count = (stream.second.size() + ss - 1) / ss;
    layout.first_sector.push_back(static_cast<std::uint32_t>(next));
    for (std::size_t i = 0; i < count; ++i) {
      put32(file, fat + 4 * (next + i), i + 1 == count ? 0xFFFFFFFE : static_cast<std::uint32_t>(next + i + 1));
    }
    std::memcpy(file.data() + sector_at(next), stream.second.data(), stream.second.size());
    next += count;
  }
  // Directory.
  const std::size_t dir = sector_at(1);
  auto entry = [&](std::size_t id, const std::string& name, int type, std::uint32_t left, std::uint32_t right,
                   std::uint32_t child, std::uint32_t start, std::uint64_t size) {
    std::size_t at = dir + id * 128;
    for (std::size_t i = 0; i < name.size(); ++i) put16(file, at + 2 * i, static_cast<unsigned char>(name[i]));
    put16(file, at + 64, static_cast<std::uint16_t>(2 * name.size() + 2));
    file[at + 66] = static_cast<char>(type);
    file[at + 67] = 1;  // black
    put32(file, at + 68, left);
    put32(file, at + 72, right);
    put32(file, at + 76, child);
    put32(file, at + 116, start);
    put32(file, at + 120, static_cast<std::uint32_t>(size));
    put32(file, at + 124, static_cast<std::uint32_t>(size >> 32));
  };
  const std::uint32_t none = 0xFFFFFFFF;
  const std::size_t storage_id = top.size() + 1;
  const bool has_storage = !storage_name.empty();
  std::size_t capacity = ss / 128;
  std::size_t used = 1 + all.size() + (has_storage ? 1 : 0);
  if (used > capacity) return {};  // tests keep within one directory sector
  entry(0, "Root Entry", 5, none, none, top.empty() ? (has_storage ? storage_id : none) : 1, 0xFFFFFFFE, 0);
  for (std::size_t i = 0; i < top.size(); ++i) {
    std::uint32_t right = i + 1 < top.size() ? i + 2 : (has_storage ? storage_id : none);
    entry(i + 1, top[i].first, 2, none, right, none, layout.first_sector[i], top[i].second.size());
  }
  if (has_storage) {
    entry(storage_id, storage_name, 1, none, none, inner.empty() ? none : storage_id + 1, 0, 0);
    for (std::size_t i = 0; i < inner.size(); ++i) {
      std::uint32_t right = i + 1 < inner.size() ? storage_id + i + 2 : none;
      entry(storage_id + 1 + i, inner[i].first, 2, none, right, none, layout.first_sector[top.size() + i],
            inner[i].second.size());
    }
  }
  for (std::size_t id = used; id < capacity; ++id) {
    put32(file, dir + id * 128 + 68, none);
    put32(file, dir + id * 128 + 72, none);
    put32(file, dir + id * 128 + 76, none);
  }
  layout.file = std::move(file);
  return layout;
}

}  // namespace cfb_test
