// libarchive as the main engine: archives (zip, 7z, rar, rar5, tar, cpio, cab,
// iso9660, lha, xar, ar) under any compression filter, and a single compressed stream
// (gzip, bzip2, xz, zstd, lz4, ...) as one child. Reads from memory through callbacks
// that hand libarchive pieces of the payload (released from RSS once passed when the
// payload is memory-mapped) and streams each member's data blocks into a MemberWriter,
// so no member is ever held whole in memory.
#pragma once

#include <string>
#include <vector>

#include "collector.hpp"
#include "zip_directory.hpp"

namespace stoq::plugins::extractor::decompress {

/// The compression filters libarchive implements in-process (no external program),
/// probed once: a filter libarchive would run as a helper program is left out.
const std::vector<std::string>& in_process_filters();

struct ArchiveRequest {
  ByteView data;
  const Payload* owner = nullptr;      // the payload `data` lies in: its pages are released once read
  std::vector<std::string> passwords;  // tried by libarchive on encrypted members
  const ZipDirectory* zip = nullptr;   // the zip central directory, when the payload has one
  std::string parent_filename;         // the payload's own name, to name a single stream's child
};

/// Extracts the members into `collector`. Returns false when the payload is neither an
/// archive nor a compressed stream (nothing collected); `error` then says what
/// libarchive reported. Throws stoq::Error for a recognized archive that yields nothing.
bool extract_with_libarchive(const ArchiveRequest& request, Collector& collector, std::string& error);

}  // namespace stoq::plugins::extractor::decompress
