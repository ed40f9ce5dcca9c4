// The limits of one dispatched request (a message and everything extracted from it),
// from stoq.cfg [core] (docs/configuration.md), and the run's private spill directory.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "stoq/config.hpp"

namespace stoq::dispatch {

struct DispatchLimits {
  std::int64_t max_recursion = 8;
  std::uint64_t max_children = 1000;
  std::uint64_t max_payloads = 10000;
  std::uint64_t max_extracted_bytes = 8ULL << 30;
  std::uint64_t max_child_size = 1ULL << 30;
  double max_compression_ratio = 1000;
  std::chrono::milliseconds extraction_timeout{60000};
  std::uint64_t memory_budget = 256ULL << 20;

  /// From stoq.cfg, with -R (when given) over max_recursion.
  static DispatchLimits from(const CoreConfig& config, std::optional<std::int64_t> max_recursion_override);
};

/// A directory only this process uses (mode 0700) under temp_dir, for the unlinked
/// files children spill to; removed with anything left in it when destroyed (the run
/// ends, SIGTERM included: the engine turns it into an orderly stop).
class SpillDirectory {
 public:
  explicit SpillDirectory(const std::string& temp_dir);
  ~SpillDirectory();
  SpillDirectory(const SpillDirectory&) = delete;
  SpillDirectory& operator=(const SpillDirectory&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace stoq::dispatch
