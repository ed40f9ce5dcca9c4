// call_timeout without isolation: a watchdog over the in-process plugin calls of the
// worker threads (docs/architecture.md#isolation).
//
// Each worker thread has a WorkerSlot: the message it works on (and its ack), what is
// known of its results so far (path, filename, hashes), and the timed call in progress.
// The engine's watchdog thread checks the slots; a call past its deadline is abandoned:
// the slot hands the message over (an Overrun), a fresh worker thread saves its document
// with the error, acks it and takes the stuck thread's place. The stuck thread keeps its
// plugin instances (leaked on purpose: their code may still run) and, if the call ever
// returns, throws CallAbandoned out of the call site, discards what it made and ends
// without touching the run. A process with an abandoned thread ends through
// exit_after_abandoned_threads(): no static destructors, no dlclose under running code.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "stoq/json.hpp"
#include "stoq/plugin.hpp"

namespace stoq::isolation {

/// Thrown on an abandoned thread when its overrunning call returns at last. Not a
/// std::exception, and never caught by the `catch (...)` blocks around plugin calls:
/// TimedCall::finish() throws it after them.
struct CallAbandoned {};

/// A message whose call never came back, handed to the replacement thread.
struct Overrun {
  Json message;
  Ack ack;
  Json known_entry = Json::object();  // the results entry so far
  std::optional<std::size_t> size;
  std::string tlp;
  std::string plugin;  // "worker:name"
  std::size_t payload_id = 0;
  std::string error;
};

class WorkerSlot {
 public:
  using Clock = std::chrono::steady_clock;

  // --- the worker thread
  void begin_message(Json message, Ack ack);
  /// The ack of the message just processed (empty when the watchdog took it over).
  Ack end_message();
  /// What the results of the current message hold so far, for an overrun's document.
  void set_known(const Json& entry, std::optional<std::size_t> size, const std::string& tlp);
  void begin_call(const std::string& plugin, std::chrono::seconds timeout, std::size_t payload_id);
  /// Throws CallAbandoned when the watchdog gave up on the call meanwhile.
  void end_call();
  [[nodiscard]] bool abandoned() const { return abandoned_.load(); }

  // --- the watchdog
  /// The overrun when the call in progress is past its deadline at `now` (once; the
  /// slot is abandoned from then on).
  std::optional<Overrun> check(Clock::time_point now);

 private:
  mutable std::mutex mutex_;
  bool has_message_ = false;
  Json message_;
  Ack ack_;
  Json known_entry_ = Json::object();
  std::optional<std::size_t> size_;
  std::string tlp_;
  bool in_call_ = false;
  std::string plugin_;
  std::chrono::seconds timeout_{0};
  std::size_t payload_id_ = 0;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::atomic<bool> abandoned_{false};
};

/// The slot of the calling thread; null when no watchdog watches it (a run without a
/// source: its one pipeline runs on the main thread).
WorkerSlot* current_slot();
void set_current_slot(WorkerSlot* slot);

/// One in-process plugin call under `timeout` (0: none, nothing is recorded):
///   TimedCall timed(plugin, policy.timeout, payload_id);
///   try { result = plugin.call(...); } catch (...) { ... }
///   timed.finish();  // outside the catch-all
class TimedCall {
 public:
  TimedCall(const std::string& plugin, std::chrono::seconds timeout, std::size_t payload_id = 0);
  ~TimedCall();
  TimedCall(const TimedCall&) = delete;
  TimedCall& operator=(const TimedCall&) = delete;
  void finish();

 private:
  WorkerSlot* slot_ = nullptr;
};

/// Threads abandoned in this process so far.
std::size_t abandoned_threads();
void count_abandoned_thread();

/// Ends the process with `status` when threads were abandoned (after flushing stdout
/// and the logs): exiting normally would run static destructors and unload plugin
/// modules under code that may still be running. Returns when none were.
void exit_if_threads_were_abandoned(int status);

}  // namespace stoq::isolation
