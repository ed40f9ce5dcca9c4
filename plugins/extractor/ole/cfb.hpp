// A bounds-checked reader of Compound File Binary files (MS-CFB, "OLE2"): header,
// DIFAT, FAT, MiniFAT, the directory's red-black trees and sector chains, for version 3
// (512-byte sectors) and version 4 (4096-byte sectors) files.
//
// Hostile input: every offset is checked through ByteView; sector chains stop at a
// loop, at an invalid sector or at the end of the file; the directory walk visits each
// entry at most once (cycles and shared subtrees are cut); nothing is allocated from a
// length in the file without clamping it to the bytes actually present. Damage found
// on the way is reported in warnings() instead of failing the whole file.
//
// Shared by extractor:ole and the carvers (occupied_size()).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stoq/bytes.hpp"

namespace stoq::cfb {

enum class EntryType : std::uint8_t { Unknown = 0, Storage = 1, Stream = 2, Root = 5 };

/// One storage or stream reached from the root entry.
struct Entry {
  std::uint32_t id = 0;  // index in the directory
  EntryType type = EntryType::Unknown;
  std::string name;        // UTF-8 (from the UTF-16 name)
  std::string path;        // "Storage/Sub/Stream", names joined by '/'
  std::uint64_t size = 0;  // declared stream size (v3: low 32 bits, as olefile)
  std::uint32_t start_sector = 0;
  std::string clsid;          // "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX", "" when all zero
  std::uint64_t created = 0;  // FILETIME (100 ns since 1601-01-01 UTC), 0 when unset
  std::uint64_t modified = 0;
  std::uint32_t depth = 0;  // 0 for entries directly under the root
};

/// What reading one stream found.
struct StreamStatus {
  std::uint64_t bytes = 0;  // bytes delivered
  bool complete = true;     // false: the chain ended (or broke) before `size` bytes
  std::string error;        // why it is incomplete, "" otherwise
};

class File;
std::optional<std::uint64_t> occupied_size(ByteView data);

class File {
 public:
  /// Parses the header, allocation tables and directory of `data`, which must stay
  /// valid while the File is used. Throws stoq::Error when `data` is not a compound
  /// file or its header/directory cannot be read at all.
  static File parse(ByteView data);

  /// Storages and streams in directory order: in-order walk of each sibling tree
  /// (the CFB name order), a storage followed by its own contents.
  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }
  /// The root entry's CLSID (the document class), "" when all zero.
  [[nodiscard]] const std::string& root_clsid() const { return root_clsid_; }
  [[nodiscard]] std::uint16_t major_version() const { return major_version_; }
  [[nodiscard]] std::uint32_t sector_size() const { return sector_size_; }
  /// Damage that was worked around (broken chains, cycles, bad entries).
  [[nodiscard]] const std::vector<std::string>& warnings() const { return warnings_; }

  /// The entry with this path (case-insensitive, as CFB names compare), or nullptr.
  [[nodiscard]] const Entry* find(std::string_view path) const;

  /// Lends a stream's bytes piece by piece (one sector run at a time, no copy);
  /// `sink` returns false to stop early. At most entry.size bytes are delivered.
  StreamStatus read_stream(const Entry& entry, const std::function<bool(ByteView)>& sink) const;
  /// The stream's bytes (at most entry.size and `max_bytes`); `status` gets the outcome.
  [[nodiscard]] Bytes read_stream(const Entry& entry, std::uint64_t max_bytes = UINT64_MAX,
                                  StreamStatus* status = nullptr) const;

 private:
  friend std::optional<std::uint64_t> occupied_size(ByteView data);
  File() = default;
  void read_header();
  void read_fat();
  void read_directory();
  void read_mini_stream();
  void walk_tree();
  std::vector<std::uint32_t> chain(std::uint32_t start, const std::vector<std::uint32_t>& table, std::string_view what,
                                   std::string* error = nullptr) const;
  [[nodiscard]] ByteView sector(std::uint32_t index) const;

  ByteView data_;
  std::uint16_t major_version_ = 0;
  std::uint32_t sector_shift_ = 9;
  std::uint32_t sector_size_ = 512;
  std::uint32_t mini_sector_size_ = 64;
  std::uint32_t mini_cutoff_ = 4096;
  std::uint32_t fat_sector_count_ = 0;
  std::uint32_t first_directory_sector_ = 0;
  std::uint32_t first_mini_fat_sector_ = 0;
  std::uint32_t mini_fat_sector_count_ = 0;
  std::uint32_t first_difat_sector_ = 0;
  std::uint32_t difat_sector_count_ = 0;
  std::uint64_t sectors_in_file_ = 0;
  std::vector<std::uint32_t> fat_;
  std::vector<std::uint32_t> fat_sectors_;  // sectors holding the FAT (from the DIFAT)
  std::vector<std::uint32_t> difat_sectors_;
  std::vector<std::uint32_t> mini_fat_;
  std::vector<std::uint32_t> mini_stream_sectors_;  // the root entry's chain
  std::uint64_t mini_stream_size_ = 0;
  std::vector<ByteView> directory_;  // 128-byte raw entries
  std::vector<Entry> entries_;
  std::string root_clsid_;
  std::vector<std::string> warnings_;
};

/// True when `data` starts with the compound file signature D0 CF 11 E0 A1 B1 1A E1.
bool has_signature(ByteView data);

/// For carving: the bytes a compound file starting at offset 0 of `data` (a larger
/// buffer) occupies: (highest sector in use + 2) * sector size, i.e. the header sector
/// plus sectors 0..max ((max + 1) * 512 + 512 for v3). "In use" means referenced by the
/// header/DIFAT or not free in the FAT. nullopt when the header or FAT cannot be read.
/// The result may exceed data.size() when the file is truncated: clamp it yourself.
std::optional<std::uint64_t> occupied_size(ByteView data);

/// FILETIME (100 ns units since 1601-01-01 UTC) as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ";
/// "" for 0 or a value outside years 1601..9999.
std::string filetime_to_iso8601(std::uint64_t filetime);

}  // namespace stoq::cfb
