// The OLE Packager format: what an "\x01Ole10Native" stream (carver:olepackagestream)
// and the native data of an OLE1 "Package" object in RTF (carver:rtf) hold.
//
//   [u32 total size]   only in the stream form (`with_size_prefix`)
//   u16 0x0002         signature
//   label\0            display name, usually the file name (ANSI)
//   source path\0      where the file was packaged from
//   u16 reserved, u16 type   type 3: embedded file, 1: link (no data)
//   u32 length, temp path\0  where it is extracted to on double click
//   u32 size, data[size]
//   [u32 n, UTF-16LE temp path[n]; u32 n, label[n]; u32 n, source path[n]]  optional
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "stoq/bytes.hpp"

namespace stoq::carve {

struct PackagedFile {
  std::string label;  // UTF-8 (ANSI bytes read as Latin-1)
  std::string src_path;
  std::string tmp_path;
  std::uint16_t type = 0;           // 3 = embedded file, 1 = link
  std::uint32_t declared_size = 0;  // the data size field
  ByteView data;                    // clamped to the bytes present
  bool truncated = false;           // data shorter than declared_size
  // The unicode copies some writers append after the data ("" when absent).
  std::string tmp_path_w;
  std::string label_w;
  std::string src_path_w;

  /// The name to give the child: the unicode label, else the label, else the last
  /// component of the source path.
  [[nodiscard]] std::string filename() const;
};

/// Parses a Packager blob. nullopt when it is not one (signature, missing
/// terminators, no data size field). Never reads outside `blob`.
std::optional<PackagedFile> parse_packager(ByteView blob, bool with_size_prefix);

}  // namespace stoq::carve
