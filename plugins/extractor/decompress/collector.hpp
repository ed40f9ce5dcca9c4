// The children of one extract() call and the limits they are built under: each member
// streams into a MemberWriter (a ChildWriter from stoq().new_child() that also counts
// toward max_total_bytes, the compression ratio and the deadline); the Collector
// refuses new members once max_children, max_total_bytes or the deadline is reached
// and notes why on the last child (meta "stopped").
#pragma once

#include <cstdint>
#include <string>

#include "stoq/plugin.hpp"

namespace stoq::plugins::extractor::decompress {

class Collector;

/// One member being written. write() returns false once this member must stop; the
/// reason lands in the member's meta (truncated: true, error: "...").
class MemberWriter {
 public:
  explicit MemberWriter(Collector& collector);
  /// Appends `bytes`; `compressed` is how many compressed bytes this member has
  /// consumed so far (for the ratio limit).
  bool write(ByteView bytes, std::uint64_t compressed);
  /// Appends `count` zero bytes (holes of sparse members), under the same limits.
  bool write_zeros(std::uint64_t count, std::uint64_t compressed);
  [[nodiscard]] std::uint64_t written() const { return written_; }
  [[nodiscard]] bool truncated() const { return !error_.empty(); }
  /// Marks the member as cut short by a decoding error (meta error, truncated).
  void fail(const std::string& reason) {
    if (error_.empty()) error_ = reason;
  }
  /// Hands the member to the collector with `meta` (filename, size, ... plus what
  /// write() learned).
  void finish(Json meta);

 private:
  Collector& collector_;
  ChildWriter writer_;
  std::uint64_t written_ = 0;
  std::string error_;
};

class Collector {
 public:
  explicit Collector(Stoq& stoq) : stoq_(stoq), limits_(stoq.extraction_limits()) {}

  /// False (and the reason noted on the last child) when no further member may start.
  bool room_for_another();
  /// A member that is listed but not extracted (encrypted, a link, a device): an empty
  /// payload carrying `meta`.
  void record(Json meta);
  /// Notes on the last child why extraction ended early (a damaged archive, a limit).
  void note_stop(const std::string& reason);
  [[nodiscard]] bool stopped() const { return !stop_reason_.empty(); }
  [[nodiscard]] const std::string& stop_reason() const { return stop_reason_; }
  [[nodiscard]] bool empty() const { return children_.empty(); }
  ExtractedList take() { return std::move(children_); }

 private:
  friend class MemberWriter;
  Stoq& stoq_;
  const ExtractionLimits& limits_;
  ExtractedList children_;
  std::uint64_t total_bytes_ = 0;
  std::string stop_reason_;
};

}  // namespace stoq::plugins::extractor::decompress
