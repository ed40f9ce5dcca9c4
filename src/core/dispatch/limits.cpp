#include "dispatch/limits.hpp"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "stoq/error.hpp"

namespace stoq::dispatch {

DispatchLimits DispatchLimits::from(const CoreConfig& config, std::optional<std::int64_t> max_recursion_override) {
  DispatchLimits limits;
  limits.max_recursion = max_recursion_override.value_or(config.max_recursion);
  limits.max_children = static_cast<std::uint64_t>(config.max_children);
  limits.max_payloads = static_cast<std::uint64_t>(config.max_payloads);
  limits.max_extracted_bytes = static_cast<std::uint64_t>(config.max_extracted_bytes);
  limits.max_child_size = static_cast<std::uint64_t>(config.max_child_size);
  limits.max_compression_ratio = config.max_compression_ratio;
  limits.extraction_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(config.extraction_timeout * 1000)));
  limits.memory_budget = static_cast<std::uint64_t>(config.dispatch_memory_budget);
  return limits;
}

SpillDirectory::SpillDirectory(const std::string& temp_dir) {
  std::error_code error;
  std::filesystem::create_directories(temp_dir, error);
  if (error) throw Error("cannot create temp_dir " + temp_dir + ": " + error.message());
  std::string pattern = temp_dir + "/stoq-spill-" + std::to_string(::getpid()) + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Error("cannot create a spill directory in " + temp_dir + ": " + std::strerror(errno));
  }
  path_ = pattern;
}

SpillDirectory::~SpillDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace stoq::dispatch
