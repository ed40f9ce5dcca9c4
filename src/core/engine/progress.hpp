// The progress line: while a run is going, when stderr is a terminal and the run is
// older than a second, one line on stderr redrawn in place twice a second:
//   stoq: 1234 files, 456.7 files/s, 12.3 MB/s, 3 errors, ETA 0:42
// (the ETA once the total is known: the source said how many messages it will queue,
// or has queued them all). It goes to the terminal only, never into results or logs,
// is erased before anything the run prints at the end, and `--no-progress` turns it off.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "engine/run_report.hpp"

namespace stoq::engine {

/// The line for `counters` after `elapsed` (without the carriage return).
std::string progress_text(const RunCounters& counters, std::chrono::steady_clock::duration elapsed);

class ProgressLine {
 public:
  /// Draws nothing when `enabled` is false or stderr is not a terminal (TERM=dumb counts
  /// as not a terminal).
  ProgressLine(const RunCounters& counters, bool enabled);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  /// Stops redrawing and erases the line (idempotent; safe from any thread, also the
  /// signal watcher's before an immediate exit). The destructor joins the drawing thread.
  void erase();

 private:
  void draw_loop();
  const RunCounters& counters_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace stoq::engine
