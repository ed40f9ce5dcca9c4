#include "bulk_queue.hpp"

#include <algorithm>
#include <map>

namespace stoq::plugins::connector::elasticsearch {

std::shared_ptr<BulkQueue> BulkQueue::shared(const std::string& key, Limits limits) {
  // The one piece of process-wide state of this plugin: the queues, by configuration (so
  // two runs with different options in one process, e.g. tests, never share one).
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<BulkQueue>> registry;
  std::lock_guard lock(registry_mutex);
  std::shared_ptr<BulkQueue> queue = registry[key].lock();
  if (!queue) {
    queue = std::make_shared<BulkQueue>(limits);
    registry[key] = queue;
  }
  for (auto it = registry.begin(); it != registry.end();) {  // forget the queues nobody holds
    it = it->second.expired() ? registry.erase(it) : std::next(it);
  }
  return queue;
}

void BulkQueue::attach() {
  std::lock_guard lock(mutex_);
  ++instances_;
}

void BulkQueue::detach() {
  std::lock_guard lock(mutex_);
  if (instances_ > 0) --instances_;
}

ItemResult BulkQueue::add_and_wait(const std::string& lines, Stoq& stoq, const Sender& send) {
  std::unique_lock lock(mutex_);
  if (!open_) {
    open_ = std::make_shared<Batch>();
    open_->oldest = Clock::now();
  }
  std::shared_ptr<Batch> batch = open_;
  const std::size_t position = batch->count;
  batch->ndjson += lines;
  ++batch->count;
  if (batch->count >= std::min(limits_.size, std::max<std::size_t>(instances_, 1))) send_locked(lock, batch, send);
  while (!batch->done) {
    answered_.wait_for(lock, std::chrono::milliseconds(100));
    if (!batch->done && !batch->taken && stoq.stopping()) send_locked(lock, batch, send);
  }
  if (!batch->failure.empty()) throw Error(batch->failure);
  return batch->results.at(position);
}

void BulkQueue::flush_if_due(const Sender& send) {
  std::unique_lock lock(mutex_);
  if (open_ && Clock::now() - open_->oldest >= limits_.interval) send_locked(lock, open_, send);
}

void BulkQueue::flush(const Sender& send) {
  std::unique_lock lock(mutex_);
  if (open_) send_locked(lock, open_, send);
}

void BulkQueue::send_locked(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Batch>& batch,
                            const Sender& send) {
  // A copy on purpose: `batch` may be open_ itself, which is reset below.
  std::shared_ptr<Batch> keep = batch;  // NOLINT(performance-unnecessary-copy-initialization)
  keep->taken = true;
  if (open_ == keep) open_.reset();
  lock.unlock();
  std::vector<ItemResult> results;
  std::string failure;
  try {
    results = send(keep->ndjson, keep->count);
    if (results.size() != keep->count) failure = "the _bulk answer does not match the request";
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "the _bulk request failed";
  }
  lock.lock();
  keep->results = std::move(results);
  keep->failure = failure.empty() ? std::string()
                                  : "bulk request of " + std::to_string(keep->count) + " documents failed: " + failure;
  keep->ndjson.clear();
  keep->ndjson.shrink_to_fit();
  keep->done = true;
  answered_.notify_all();
}

}  // namespace stoq::plugins::connector::elasticsearch
