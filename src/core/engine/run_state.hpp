// What all threads of one run share: configuration, the catalog, the queue, the
// stop flag and the worker's rate limiter.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "engine/queue.hpp"
#include "engine/settings.hpp"
#include "lifecycle/ratelimit.hpp"
#include "loader/catalog.hpp"
#include "stoq/config.hpp"
#include "stoq/plugin.hpp"

namespace stoq::engine {

class RunState {
 public:
  RunState(CoreConfig config, RunSettings settings, loader::Catalog& catalog);

  const CoreConfig config;
  const RunSettings settings;
  const RunOptions run_options;
  loader::Catalog& catalog;
  MessageQueue queue;
  /// The worker's options (options_for the run's worker).
  Options worker_options;
  std::unique_ptr<lifecycle::RateLimiter> rate_limiter;  // null: no ratelimit
  /// Messages whose results could not be saved (they were negatively acknowledged).
  std::atomic<std::uint64_t> unsaved{0};

  /// A plugin's options: its .stoq values, then stoq.cfg [name] overrides, then the
  /// command line's. Throws stoq::Error naming the source of a bad override.
  [[nodiscard]] Options options_for(const loader::LoadedPlugin& plugin) const;

  [[nodiscard]] bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void request_stop();
  /// Sleeps up to `timeout`; true as soon as stopping.
  bool wait_for_stop(std::chrono::steady_clock::duration timeout);

 private:
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
};

}  // namespace stoq::engine
