#include "lifecycle/ratelimit.hpp"

#include <charconv>
#include <string>

namespace stoq::lifecycle {

std::optional<Clock::duration> parse_ratelimit(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view count_text = text.substr(0, slash);
  std::string_view seconds_text = text.substr(slash + 1);
  long long count = 0;
  double seconds = 0;
  auto count_result = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
  if (count_result.ec != std::errc() || count_result.ptr != count_text.data() + count_text.size()) {
    return std::nullopt;
  }
  try {
    std::size_t used = 0;
    seconds = std::stod(std::string(seconds_text), &used);
    if (used != seconds_text.size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (count <= 0 || !(seconds > 0) || seconds > 1e9) return std::nullopt;
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(seconds / static_cast<double>(count)));
}

bool RateLimiter::acquire(const std::function<bool(Clock::duration)>& sleep_for) {
  Clock::time_point slot;
  {
    std::lock_guard lock(mutex_);
    Clock::time_point now = Clock::now();
    slot = next_ && *next_ > now ? *next_ : now;
    next_ = slot + interval_;
  }
  Clock::duration wait = slot - Clock::now();
  if (wait > Clock::duration::zero()) return !sleep_for(wait);
  return true;
}

}  // namespace stoq::lifecycle
