// Signals of a run: SIGINT, SIGTERM and SIGHUP are blocked in every thread of the run
// and received by one watcher thread.
//   * The first one stops the run gracefully: ingest stops, messages still queued are
//     acknowledged negatively (on the watcher thread), in-flight payloads finish and are
//     saved, every plugin is deactivated; the exit status is what the run earned.
//   * A second one, or kShutdownGrace after the first without the run having ended (a
//     plugin or a source that never returns), ends the process at once: one line on
//     stderr, the summary, exit status 128 + the signal's number. A document being
//     printed is printed whole first; in-flight payloads are neither saved nor
//     acknowledged (a queue source redelivers them); files are never left half-written
//     (the file connector names a file only once it is complete).
#pragma once

#include <signal.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "engine/run_state.hpp"

namespace stoq::engine {

class SignalWatcher {
 public:
  static constexpr std::chrono::seconds kShutdownGrace{30};

  /// `report(ending)` prints the summary line before an immediate exit.
  SignalWatcher(RunState& state, std::function<void(const std::string& ending)> report);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  /// The signal that stopped the run (0: none).
  [[nodiscard]] int stop_signal() const { return stop_signal_.load(); }

 private:
  void watch();
  [[noreturn]] void exit_now(int signal_number, const std::string& why);

  static constexpr int kWake = SIGUSR2;  // sent by the destructor only
  RunState& state_;
  std::function<void(const std::string&)> report_;
  sigset_t signals_{};
  sigset_t previous_{};
  std::atomic<bool> done_{false};
  std::atomic<int> stop_signal_{0};
  std::thread thread_;
};

/// "SIGINT", "SIGTERM", "SIGHUP" (else "signal N").
std::string signal_name(int signal_number);

}  // namespace stoq::engine
