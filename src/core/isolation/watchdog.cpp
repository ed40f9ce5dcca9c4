#include "isolation/watchdog.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

namespace stoq::isolation {
namespace {

thread_local WorkerSlot* tls_slot = nullptr;
std::atomic<std::size_t> abandoned_count{0};

// The payload as an errors message names it: sha1 when hashed, else its path.
std::string payload_label(const Json& entry, const Json& message) {
  if (auto sha1 = entry.find("sha1"); sha1 != entry.end() && sha1->is_string()) {
    return "payload sha1 " + sha1->get<std::string>();
  }
  if (auto path = message.find("path"); path != message.end() && path->is_string()) {
    return "payload " + path->get<std::string>();
  }
  return "the payload";
}

}  // namespace

void WorkerSlot::begin_message(Json message, Ack ack) {
  std::lock_guard lock(mutex_);
  has_message_ = true;
  message_ = std::move(message);
  ack_ = std::move(ack);
  known_entry_ = Json::object();
  size_.reset();
  tlp_.clear();
}

Ack WorkerSlot::end_message() {
  std::lock_guard lock(mutex_);
  has_message_ = false;
  message_ = nullptr;
  known_entry_ = Json::object();
  return std::exchange(ack_, {});
}

void WorkerSlot::set_known(const Json& entry, std::optional<std::size_t> size, const std::string& tlp) {
  std::lock_guard lock(mutex_);
  known_entry_ = entry;
  size_ = size;
  tlp_ = tlp;
}

void WorkerSlot::begin_call(const std::string& plugin, std::chrono::seconds timeout, std::size_t payload_id) {
  std::lock_guard lock(mutex_);
  in_call_ = true;
  plugin_ = plugin;
  timeout_ = timeout;
  payload_id_ = payload_id;
  deadline_ = Clock::now() + timeout;
}

void WorkerSlot::end_call() {
  std::lock_guard lock(mutex_);
  in_call_ = false;
  if (abandoned_.load()) throw CallAbandoned{};
}

std::optional<Overrun> WorkerSlot::check(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!in_call_ || abandoned_.load() || !has_message_ || now < deadline_) return std::nullopt;
  abandoned_.store(true);
  Overrun overrun;
  overrun.plugin = plugin_;
  overrun.payload_id = payload_id_;
  overrun.error = "exceeded call_timeout of " + std::to_string(timeout_.count()) + " s while processing " +
                  payload_label(known_entry_, message_) + " (the call was abandoned and its worker thread replaced)";
  overrun.message = std::move(message_);
  overrun.ack = std::exchange(ack_, {});
  overrun.known_entry = std::move(known_entry_);
  overrun.size = size_;
  overrun.tlp = tlp_;
  has_message_ = false;
  return overrun;
}

WorkerSlot* current_slot() { return tls_slot; }
void set_current_slot(WorkerSlot* slot) { tls_slot = slot; }

TimedCall::TimedCall(const std::string& plugin, std::chrono::seconds timeout, std::size_t payload_id) {
  if (timeout.count() <= 0 || tls_slot == nullptr) return;
  slot_ = tls_slot;
  slot_->begin_call(plugin, timeout, payload_id);
}

TimedCall::~TimedCall() {
  if (slot_ == nullptr) return;
  try {
    slot_->end_call();
  } catch (const CallAbandoned&) {  // unwinding already; finish() reports it otherwise
  }
}

void TimedCall::finish() {
  if (slot_ == nullptr) return;
  WorkerSlot* slot = std::exchange(slot_, nullptr);
  slot->end_call();
}

std::size_t abandoned_threads() { return abandoned_count.load(); }
void count_abandoned_thread() { abandoned_count.fetch_add(1); }

void exit_if_threads_were_abandoned(int status) {
  std::size_t count = abandoned_threads();
  if (count == 0) return;
  spdlog::warn("{} worker thread(s) were abandoned in an overrunning plugin call: exiting without unloading plugins",
               count);
  std::fflush(stdout);
  std::fflush(stderr);
  spdlog::shutdown();  // flushes every sink
  std::_Exit(status);
}

}  // namespace stoq::isolation
