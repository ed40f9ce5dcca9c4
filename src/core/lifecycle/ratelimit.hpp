// The worker ratelimit "count/seconds": calls are spaced at least seconds/count
// apart, across all worker threads of the run.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

namespace stoq::lifecycle {

using Clock = std::chrono::steady_clock;

/// Parses "count/seconds" (e.g. "1/10"); nullopt when malformed or not positive.
std::optional<Clock::duration> parse_ratelimit(std::string_view text);

class RateLimiter {
 public:
  explicit RateLimiter(Clock::duration interval) : interval_(interval) {}

  /// Reserves the next slot and sleeps until it with `sleep_for`, which returns
  /// true when the run is stopping (then acquire returns false at once).
  bool acquire(const std::function<bool(Clock::duration)>& sleep_for);

 private:
  Clock::duration interval_;
  std::mutex mutex_;
  std::optional<Clock::time_point> next_;
};

}  // namespace stoq::lifecycle
