#include "engine/signal_watcher.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "sdk/output.hpp"

namespace stoq::engine {

std::string signal_name(int signal_number) {
  switch (signal_number) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "signal " + std::to_string(signal_number);
  }
}

SignalWatcher::SignalWatcher(RunState& state, std::function<void(const std::string&)> report)
    : state_(state), report_(std::move(report)) {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGHUP);
  sigaddset(&signals_, kWake);
  pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
  ::signal(SIGPIPE, SIG_IGN);  // a reader gone is EPIPE from write(), handled where it happens
  thread_ = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
  done_.store(true);
  pthread_kill(thread_.native_handle(), kWake);  // end the wait now, not at the next tick
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void SignalWatcher::watch() {
  const timespec tick{0, 100 * 1000 * 1000};
  std::chrono::steady_clock::time_point deadline;
  while (!done_.load()) {
    int signal_number = sigtimedwait(&signals_, nullptr, &tick);
    int first = stop_signal_.load();
    if (signal_number <= 0 || signal_number == kWake) {
      if (first != 0 && std::chrono::steady_clock::now() >= deadline) {
        exit_now(first, "still running " + std::to_string(kShutdownGrace.count()) + " s after " + signal_name(first));
      }
      continue;
    }
    if (first != 0) exit_now(signal_number, signal_name(signal_number) + " after " + signal_name(first));
    stop_signal_.store(signal_number);
    deadline = std::chrono::steady_clock::now() + kShutdownGrace;
    spdlog::info("received {}: finishing in-flight payloads (send it again to exit at once)",
                 signal_name(signal_number));
    state_.abort_run(StopCause::Signal);
  }
}

void SignalWatcher::exit_now(int signal_number, const std::string& why) {
  std::fprintf(stderr, "stoq: %s: exiting now; payloads in flight are neither saved nor acknowledged\n", why.c_str());
  state_.failure_log.flush();
  report_(", ended at once by " + signal_name(signal_number));
  spdlog::default_logger()->flush();
  (void)output::hold_stdout(std::chrono::seconds(2));  // a document being printed ends whole
  std::_Exit(exit_status::kSignalBase + signal_number);
}

}  // namespace stoq::engine
