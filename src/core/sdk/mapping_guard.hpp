// Guarded file mappings: a file that shrinks while it is memory-mapped must not kill
// the process. Reading a mapped page past the file's new end raises SIGBUS; a
// process-wide SIGBUS handler looks the faulting address up in a lock-free registry
// of live mappings and, when it belongs to one, replaces the rest of that mapping with
// anonymous zero pages and marks it "zero-filled", so the code reading the payload
// carries on (reading zeros) and the pipeline reports the payload's error afterwards.
// A fault outside every registered mapping keeps its previous disposition (a crash,
// or the handler that was installed before this one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "stoq/payload.hpp"

namespace stoq::mapping_guard {

/// A registered mapping, unregistered on destruction (before the caller unmaps it).
/// Registering installs the SIGBUS handler the first time. When every registry slot is
/// taken the mapping is simply unguarded (`guarded()` is false): a shrink then crashes
/// as it would without the guard.
class GuardedRange {
 public:
  GuardedRange(const void* start, std::size_t length);
  ~GuardedRange();
  GuardedRange(const GuardedRange&) = delete;
  GuardedRange& operator=(const GuardedRange&) = delete;

  [[nodiscard]] bool guarded() const { return slot_ >= 0; }
  /// True once a read past the file's end was answered with zero pages.
  [[nodiscard]] bool zero_filled() const;

 private:
  int slot_ = -1;
};

// shrunk_mapping_length() and shrunk_file_error() are SDK functions: stoq/payload.hpp.

}  // namespace stoq::mapping_guard
