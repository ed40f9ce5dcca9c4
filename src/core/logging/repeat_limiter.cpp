#include "logging/repeat_limiter.hpp"

#include <spdlog/spdlog.h>

namespace stoq::logging {
namespace {

void emit(Level level, const std::string& line) {
  if (level == Level::Error) {
    spdlog::error("{}", line);
  } else {
    spdlog::warn("{}", line);
  }
}

}  // namespace

RepeatLimiter::RepeatLimiter(std::size_t burst, Clock::duration window) : burst_(burst), window_(window) {}

void RepeatLimiter::report_suppressed(Group& group) {
  if (group.suppressed == 0) return;
  emit(group.level, std::to_string(group.suppressed) + " similar message" + (group.suppressed == 1 ? "" : "s") +
                        " suppressed, the last: " + group.last_line);
  group.suppressed = 0;
}

void RepeatLimiter::log(Level level, const std::string& key, const std::string& line) {
  std::lock_guard lock(mutex_);
  Clock::time_point now = Clock::now();
  auto found = groups_.find(key);
  if (found == groups_.end()) {
    if (groups_.size() >= kMaxGroups) {
      for (auto& [ignored, group] : groups_) report_suppressed(group);
      groups_.clear();
    }
    found = groups_.emplace(key, Group{now, 0, 0, level, {}}).first;
  }
  Group& group = found->second;
  if (now - group.window_start >= window_) {
    report_suppressed(group);
    group.window_start = now;
    group.logged = 0;
  }
  if (group.logged < burst_) {
    ++group.logged;
    emit(level, line);
    return;
  }
  ++group.suppressed;
  group.level = level;
  group.last_line = line;
}

void RepeatLimiter::flush() {
  std::lock_guard lock(mutex_);
  for (auto& [ignored, group] : groups_) report_suppressed(group);
}

std::string one_line(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return text;
}

}  // namespace stoq::logging
