// What extractors, carvers and decoders produce, and the limits they work within.
//
// A plugin of these three categories returns a list of `Extracted` children. Small
// children are plain byte vectors (`Extracted{meta, bytes}`); a child that may be large
// (a decompressed archive member) is written piece by piece into a `ChildWriter` from
// `stoq().new_child()`, which keeps at most the request's memory budget in RAM and
// spills the rest to an unlinked file in a private temporary directory.
//
// Every call runs under `stoq().extraction_limits()`: the request's remaining
// allowance (children, bytes, time). Plugins check it in their loops and stop early;
// the framework enforces the same limits on what they return and records each hit.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stoq/bytes.hpp"
#include "stoq/json.hpp"
#include "stoq/payload.hpp"

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

/// The allowance of one extractor/carver/decoder call (the request's remainder when
/// the call starts). Outside a dispatch (a plugin test), generous defaults apply.
struct ExtractionLimits {
  /// Children this call may return; the framework drops (and records) any beyond.
  std::size_t max_children = 1000;
  /// Bytes of one child; a larger child is truncated there and flagged.
  std::uint64_t max_child_size = 512ULL << 20;
  /// Bytes all children of this call may add up to.
  std::uint64_t max_total_bytes = 4ULL << 30;
  /// Largest ratio of a child's size to the compressed bytes it came from (archive
  /// members, compressed streams); 0 = unlimited. Decompressors stop a member there.
  double max_ratio = 0;
  /// When the call must give up (it returns what it has so far).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();

  [[nodiscard]] bool expired() const { return std::chrono::steady_clock::now() >= deadline; }
  /// True when `expanded` bytes from `compressed` input exceed max_ratio (compressed
  /// 0 counts as 1 byte; bytes under 1 MiB never trip it: tiny files compress absurdly well).
  [[nodiscard]] bool ratio_exceeded(std::uint64_t expanded, std::uint64_t compressed) const {
    if (max_ratio <= 0 || expanded < (1ULL << 20)) return false;
    return static_cast<double>(expanded) > max_ratio * static_cast<double>(compressed == 0 ? 1 : compressed);
  }
};

/// Builds one child payload from bytes written in pieces. Bytes stay in memory up to
/// `memory_limit`; beyond, everything moves to an unlinked file in `spill_dir` (gone
/// when the payload is released, or the process ends, however it ends) and the finished
/// payload is memory-mapped from it. md5/sha1/sha256/sha512 are computed as the bytes
/// arrive, so the child is never read again to be hashed.
class ChildWriter {
 public:
  struct Settings {
    std::uint64_t max_size = 512ULL << 20;     // write() refuses beyond this (truncated)
    std::uint64_t memory_limit = 64ULL << 20;  // in RAM up to here, then spilled
    std::string spill_dir;                     // private directory for spill files ("" = temp_dir default)
    /// RAM left to all writers of one call together (null: memory_limit alone decides).
    /// A writer takes from it what it keeps in memory and gives it back when it spills.
    std::shared_ptr<std::uint64_t> shared_budget;
  };
  explicit ChildWriter(Settings settings);
  ChildWriter();
  ~ChildWriter();
  ChildWriter(ChildWriter&&) noexcept;
  ChildWriter& operator=(ChildWriter&&) noexcept;
  ChildWriter(const ChildWriter&) = delete;
  ChildWriter& operator=(const ChildWriter&) = delete;

  /// Appends `bytes`. Returns false once max_size is reached: what fits was kept, the
  /// child is truncated() and further writes are ignored. Throws stoq::Error when the
  /// spill file cannot be written (disk full).
  bool write(ByteView bytes);
  [[nodiscard]] std::uint64_t size() const;
  [[nodiscard]] bool truncated() const;
  [[nodiscard]] bool spilled() const;
  /// The child, hashes already known. The writer is empty afterwards.
  Payload finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// One payload produced from another: metadata (filename, size, ...) and its bytes.
/// Metadata keys stoQ promotes to the result entry: filename, magic, ssdeep, path,
/// size. The rest lands in the child's source_meta.
struct Extracted {
  Json meta = Json::object();
  Payload payload;

  Extracted() = default;
  Extracted(Json metadata, Bytes bytes) : meta(std::move(metadata)), payload(std::move(bytes)) {}
  Extracted(Json metadata, Payload child) : meta(std::move(metadata)), payload(std::move(child)) {}
};
using ExtractedList = std::vector<Extracted>;

}  // namespace stoq
#pragma GCC visibility pop
