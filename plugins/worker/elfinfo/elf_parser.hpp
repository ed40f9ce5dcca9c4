// The ELF parser of worker:elfinfo: 32/64-bit, little/big endian, every read of the
// payload bounds-checked through stoq::ByteView. Hostile input gives what could be
// read plus an `errors` list, never a crash, a hang or unbounded memory: every table
// is capped (ElfLimits) and every string is read with a length cap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "stoq/bytes.hpp"
#include "stoq/json.hpp"
#include "stoq/path_text.hpp"

namespace stoq::plugins::worker::elfinfo {

struct ElfLimits {
  std::size_t max_sections = 4096;
  std::size_t max_segments = 4096;
  std::size_t max_symbols = 65536;
  std::size_t max_dynamic = 4096;
  std::size_t max_name = 4096;  // bytes of one name or path
};

/// Throws stoq::Error when `bytes` is not an ELF file at all (no magic, no class or
/// data encoding). Otherwise returns header, sections, segments, interpreter,
/// dynamic entries, needed libraries, soname, rpath/runpath, dynamic symbols and,
/// when something could not be read, `errors` (a list of one-line messages).
Json parse_elf(ByteView bytes, const ElfLimits& limits);

// readelf's names for the header's and the tables' codes (elf_names.cpp).
std::string class_name(unsigned value);
std::string data_name(unsigned value);
std::string osabi_name(unsigned value);
std::string type_name(unsigned value, bool pie);
std::string machine_name(unsigned value);
std::string section_type_name(std::uint32_t value, unsigned machine);
std::string section_flags(std::uint64_t flags, unsigned machine);
std::string segment_type_name(std::uint32_t value, unsigned machine);
std::string segment_flags(std::uint32_t flags);
std::string dynamic_tag_name(std::uint64_t tag);
std::string symbol_type_name(unsigned value);
std::string symbol_bind_name(unsigned value);
std::string symbol_visibility_name(unsigned value);
std::string hex(std::uint64_t value);

/// Little- or big-endian integers at offsets of a ByteView; nullopt past the end.
class ElfReader {
 public:
  ElfReader(ByteView bytes, bool big_endian) : bytes_(bytes), big_(big_endian) {}
  [[nodiscard]] ByteView bytes() const { return bytes_; }
  [[nodiscard]] std::optional<std::uint64_t> uint(std::size_t offset, std::size_t width) const {
    if (!bytes_.fits(offset, width)) return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      std::uint64_t byte = *bytes_.at(offset + (big_ ? i : width - 1 - i));
      value = (value << 8) | byte;
    }
    return value;
  }
  [[nodiscard]] std::optional<std::uint64_t> u8(std::size_t offset) const { return uint(offset, 1); }
  [[nodiscard]] std::optional<std::uint64_t> u16(std::size_t offset) const { return uint(offset, 2); }
  [[nodiscard]] std::optional<std::uint64_t> u32(std::size_t offset) const { return uint(offset, 4); }
  [[nodiscard]] std::optional<std::uint64_t> u64(std::size_t offset) const { return uint(offset, 8); }
  /// The NUL-terminated string at offset inside [table, table + table_size), at most
  /// max bytes; nullopt when offset lies outside the table or the file.
  [[nodiscard]] std::optional<std::string> string(std::uint64_t table, std::uint64_t table_size, std::uint64_t offset,
                                                  std::size_t max) const;

 private:
  ByteView bytes_;
  bool big_;
};

inline std::optional<std::string> ElfReader::string(std::uint64_t table, std::uint64_t table_size, std::uint64_t offset,
                                                    std::size_t max) const {
  if (offset >= table_size || table > bytes_.size()) return std::nullopt;
  std::uint64_t start = table + offset;
  if (start < table || start >= bytes_.size()) return std::nullopt;
  std::uint64_t end = table_size > bytes_.size() - table ? bytes_.size() : table + table_size;
  std::string text;
  for (std::uint64_t at = start; at < end && text.size() < max; ++at) {
    std::uint8_t byte = *bytes_.at(at);
    if (byte == 0) break;
    text.push_back(static_cast<char>(byte));
  }
  // Results are JSON: bytes that are not UTF-8 are written as \xNN (a backslash as \\).
  if (!is_strict_utf8(text)) return escape_invalid_utf8(text);
  return text;
}

}  // namespace stoq::plugins::worker::elfinfo
