// connector:elasticsearch with bulk = True: ONE buffer of documents for all worker
// threads (each thread has its own connector instance, plugin.hpp THREADING CONTRACT),
// sent as one _bulk request.
//
// Contract: add_and_wait() returns only once the request holding its document was
// answered, with that document's result; so a message is acknowledged only when its
// document is in Elasticsearch. The open batch is sent
//   * by the save() that fills it to bulk_size, or that makes every attached instance
//     wait on it (no more documents can come: waiting longer gains nothing);
//   * by flush_if_due(), the heartbeat's poll, once its oldest document is bulk_interval old;
//   * by flush(), at deactivate;
//   * by a waiting save() itself once stoq is stopping (the heartbeats have ended then).
// A batch is sent by exactly one thread, with that thread's own client, outside the lock;
// a failed request makes every save() waiting on it throw.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "es_client.hpp"

namespace stoq::plugins::connector::elasticsearch {

class BulkQueue {
 public:
  struct Limits {
    std::size_t size = 500;
    std::chrono::milliseconds interval{10'000};
  };
  /// Sends NDJSON holding `count` documents; returns one result per document or throws.
  using Sender = std::function<std::vector<ItemResult>(std::string_view ndjson, std::size_t count)>;

  explicit BulkQueue(Limits limits) : limits_(limits) {}

  /// The queue every instance with the same `key` (their options) shares. Lives while an
  /// instance holds it.
  static std::shared_ptr<BulkQueue> shared(const std::string& key, Limits limits);

  /// Instances count themselves in at activate and out at deactivate (see the top).
  void attach();
  void detach();

  /// Adds one document (its action and source lines, each ending in '\n') and waits
  /// for its result; throws stoq::Error when the request holding it failed.
  ItemResult add_and_wait(const std::string& lines, Stoq& stoq, const Sender& send);
  /// Sends the open batch if its oldest document waited bulk_interval.
  void flush_if_due(const Sender& send);
  /// Sends the open batch, if any.
  void flush(const Sender& send);

 private:
  using Clock = std::chrono::steady_clock;
  struct Batch {
    std::string ndjson;
    std::size_t count = 0;
    Clock::time_point oldest;
    bool taken = false;  // a thread is sending it
    bool done = false;   // answered: results or failure
    std::vector<ItemResult> results;
    std::string failure;
  };
  // Takes `batch` (the open one), sends it with the lock released, records the answer.
  void send_locked(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Batch>& batch, const Sender& send);

  const Limits limits_;
  std::mutex mutex_;
  std::condition_variable answered_;
  std::shared_ptr<Batch> open_;
  std::size_t instances_ = 0;
};

}  // namespace stoq::plugins::connector::elasticsearch
