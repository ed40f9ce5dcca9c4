// Unpacks a plugin package archive (.tar.gz, .tgz, .tar, .tar.xz, .zip) into a staging
// directory for `stoq install`. The archive is untrusted input: only directories and
// regular files are written, every path stays inside the staging directory (no absolute
// path, no `..`, no link of any kind), and the dispatch limits of stoq.cfg bound what
// it may expand to.
#pragma once

#include <cstdint>
#include <string>

namespace stoq::cli::package {

struct UnpackLimits {
  std::uint64_t max_entries = 10000;           // max_payloads: entries of one request
  std::uint64_t max_file_size = 1ULL << 30;    // max_child_size: one file (larger: refused, not truncated)
  std::uint64_t max_total_bytes = 8ULL << 30;  // max_extracted_bytes: all files together
  double max_ratio = 1000;                     // max_compression_ratio: expanded bytes per archive byte (0: none)
};

/// True when `path` names a file stoq unpacks (by its name: .tar.gz, .tgz, .tar, .tar.xz,
/// .tar.bz2, .zip).
bool is_package_archive(const std::string& path);

/// Writes the archive's directories and regular files under `into` (which must exist and
/// be empty). Throws stoq::Error naming the archive and the entry for anything refused.
void unpack_archive(const std::string& archive_path, const std::string& into, const UnpackLimits& limits);

}  // namespace stoq::cli::package
