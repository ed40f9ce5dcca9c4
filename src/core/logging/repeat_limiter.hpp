// Rate-limits repeated log lines: a worker that fails on each of 100,000 payloads for
// the same reason gets a few lines and a count, not 100,000 lines.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace stoq::logging {

enum class Level { Warning, Error };

/// Thread-safe. Lines are grouped by a key the caller chooses (e.g. plugin + reason,
/// without the payload's name): within one window, the first `burst` lines of a key are
/// logged; later ones are counted, and reported as "N similar messages suppressed" when
/// the key next logs a line after the window, or at flush().
class RepeatLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RepeatLimiter(std::size_t burst = 5, Clock::duration window = std::chrono::seconds(10));

  /// Logs `line` (on the configured sinks: stderr and the log file) unless suppressed.
  void log(Level level, const std::string& key, const std::string& line);
  /// Logs the counts still pending (end of the run).
  void flush();

 private:
  struct Group {
    Clock::time_point window_start;
    std::size_t logged = 0;
    std::uint64_t suppressed = 0;
    Level level = Level::Warning;
    std::string last_line;
  };
  void report_suppressed(Group& group);
  static constexpr std::size_t kMaxGroups = 10000;  // bounds memory with many distinct keys

  std::size_t burst_;
  Clock::duration window_;
  std::mutex mutex_;
  std::map<std::string, Group> groups_;
};

/// `text` on one line: control characters (newlines, tabs, escapes) become spaces.
std::string one_line(std::string text);

}  // namespace stoq::logging
