// What the queue sources and connectors (rabbitmq, redis, kafka) share.
//
// Broker clients (rabbitmq-c, hiredis, a librdkafka consumer) are not to be used from
// several threads, but acks arrive on the worker threads (plugin.hpp ACKS). So a source
// hands each put() an ack that only records the outcome in an AckInbox; its ingest loop,
// which owns the connection, drains the inbox between waits and acknowledges, requeues or
// republishes to <queue>-errors from there.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stoq/plugin.hpp"

namespace stoq::queue_support {

/// Outcomes of the messages in flight, keyed by the broker's delivery tag. Thread-safe.
/// The inbox must outlive every ack it made: the engine calls every ack before the
/// source's deactivate() (plugin.hpp), so a member of the source is fine.
template <typename Tag>
class AckInbox {
 public:
  /// The Ack to pass to put() for the delivery `tag`; counts it as in flight.
  Ack ack_for(Tag tag) {
    {
      std::lock_guard lock(mutex_);
      ++in_flight_;
    }
    return [this, tag = std::move(tag)](const Outcome& outcome) {
      std::lock_guard lock(mutex_);
      done_.emplace_back(tag, outcome);
    };
  }
  /// The outcomes recorded since the last call, oldest first.
  std::vector<std::pair<Tag, Outcome>> take() {
    std::lock_guard lock(mutex_);
    in_flight_ -= done_.size();
    return std::exchange(done_, {});
  }
  /// Messages put and not yet taken back through take().
  [[nodiscard]] std::size_t in_flight() const {
    std::lock_guard lock(mutex_);
    return in_flight_;
  }

 private:
  mutable std::mutex mutex_;
  std::size_t in_flight_ = 0;
  std::vector<std::pair<Tag, Outcome>> done_;
};

/// Reconnect delays: 0.5 s, doubling to 30 s; reset() after a success.
class Backoff {
 public:
  /// Sleeps the next delay; false as soon as the run is stopping.
  bool wait(Stoq& stoq);
  void reset() { delay_ = kFirst; }
  [[nodiscard]] std::chrono::milliseconds next_delay() const { return delay_; }

 private:
  static constexpr std::chrono::milliseconds kFirst{500};
  static constexpr std::chrono::milliseconds kLast{30'000};
  std::chrono::milliseconds delay_ = kFirst;
};

/// The value of option `name`, unless option `<name>_env` names an environment variable
/// that is set: then that variable's value. Secrets (passwords, tokens) never have to
/// be written in a .stoq file, and are never logged.
std::string secret(const Options& options, const std::string& name);

/// A message off a queue: a JSON object (the original's message format). Anything
/// else gives nullopt and `error` says why, for <queue>-errors.
std::optional<Json> parse_message(std::string_view body, std::string& error);

/// The error-queue copy of a message that failed: the message with "err" set. A
/// message that was not JSON keeps its body under "message".
Json error_message(std::optional<Json> message, std::string_view body, const std::string& error);

/// The queue a source consumes: -Q, else the worker's name (RunOptions::source_queue
/// already defaults to it); with -E, "<that>-errors".
std::string consumed_queue(const RunOptions& run);

/// `url` with the password (user:password@) replaced by "***", for messages.
std::string redact_url(std::string_view url);

}  // namespace stoq::queue_support
