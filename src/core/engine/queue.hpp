// The bounded message queue between the source and the worker threads. Producers
// block while it is full (back-pressure, so a fast source cannot exhaust memory);
// once stopped, messages still queued are handed back for a negative ack.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "stoq/json.hpp"
#include "stoq/plugin.hpp"

namespace stoq::engine {

struct Envelope {
  Json message;
  Ack ack;
};

class MessageQueue {
 public:
  explicit MessageQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  /// Blocks while full. False (envelope not taken) once closed or aborted.
  bool push(Envelope& envelope) {
    std::unique_lock lock(mutex_);
    ++waiting_producers_;
    not_full_.wait(lock, [&] { return items_.size() < capacity_ || closed_ || aborted_; });
    --waiting_producers_;
    if (closed_ || aborted_) return false;
    items_.push_back(std::move(envelope));
    if (waiting_consumers_ > 0) not_empty_.notify_one();  // signalling costs; skip it when nobody waits
    return true;
  }

  /// Blocks until a message arrives; nullopt when closed and drained, or aborted.
  std::optional<Envelope> pop() {
    std::unique_lock lock(mutex_);
    ++waiting_consumers_;
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_ || aborted_; });
    --waiting_consumers_;
    if (aborted_ || items_.empty()) return std::nullopt;
    Envelope envelope = std::move(items_.front());
    items_.pop_front();
    // Wake a blocked producer only once the queue is half empty: it then refills in a
    // batch, instead of one wake-up (two context switches) per message.
    if (waiting_producers_ > 0 && items_.size() <= capacity_ / 2) not_full_.notify_all();
    return envelope;
  }

  /// No more messages will come; consumers drain what is queued.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  /// Stop now: consumers finish their current message only. Returns what was queued.
  std::vector<Envelope> abort() {
    std::lock_guard lock(mutex_);
    aborted_ = true;
    std::vector<Envelope> left(std::make_move_iterator(items_.begin()), std::make_move_iterator(items_.end()));
    items_.clear();
    not_empty_.notify_all();
    not_full_.notify_all();
    return left;
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<Envelope> items_;
  bool closed_ = false;
  bool aborted_ = false;
  int waiting_producers_ = 0;  // threads inside push()/pop() waits, guarded by mutex_
  int waiting_consumers_ = 0;
};

}  // namespace stoq::engine
