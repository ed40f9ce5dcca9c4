// How the framework calls one plugin: in-process or in an isolation helper, and the
// limits of each call. From the plugin's framework options (loader/options_schema.cpp):
//   isolation     run calls in a helper process (worker, extractor, carver, decoder)
//   call_timeout  seconds of wall time one call may take (0: no limit)
//   memory_limit  bytes of address space of the helper (RLIMIT_AS; 0: no limit)
//   cpu_limit     seconds of CPU time one isolated call may use (RLIMIT_CPU; 0: no limit)
#pragma once

#include <chrono>
#include <cstdint>

#include "stoq/options.hpp"
#include "stoq/plugin.hpp"

namespace stoq::isolation {

struct CallPolicy {
  bool isolation = false;
  std::chrono::seconds timeout{0};
  std::uint64_t memory_limit = 0;
  std::chrono::seconds cpu_limit{0};

  /// Reads the options above; a category without them (connector, source, ...) gets
  /// the in-process policy without limits.
  static CallPolicy from(const Options& options);
};

/// Whether a category has these options at all: the ones whose calls take a payload.
constexpr bool isolatable(Category category) {
  return category == Category::Worker || category == Category::Extractor || category == Category::Carver ||
         category == Category::Decoder;
}

}  // namespace stoq::isolation
