// source:redis: consumes a Redis list of JSON messages (RPUSHed by a publisher), at least
// once: nothing taken off the list is lost when stoq is stopped or killed.
//
// Keys, for the consumed list <q> (queue_support::consumed_queue: -Q, else the worker;
// with -E, "<that>-errors"):
//   <q>                           the messages, oldest at the head
//   <q>-processing:<consumer>     what this consumer took and has not settled yet
//   <q>-consumer:<consumer>       liveness key (SET EX 15 s, refreshed every 5 s)
//   <q>-errors                    failed messages, each with "err" (the original's)
// where <consumer> is hostname:pid:random.
//
// A message moves <q> -> processing list atomically (BLMOVE), then once its outcome is
// known (the AckInbox, drained by the ingest loop, which owns the connection):
//   saved               LREM from the processing list;
//   saved with an error  LREM, and RPUSH a copy with "err" to <q>-errors;
//   not saved           LREM, and LPUSH back to the head of <q> (redelivered first);
//   not a JSON object    straight to <q>-errors.
// The moves are Lua scripts that push only when the LREM removed the message, so an
// outcome applied twice (retried after a lost reply) or after another consumer recovered
// the message never duplicates it.
//
// Recovery: at start and every 15 s, the processing lists of consumers whose liveness key
// is gone (killed, lost their host) are moved back to the head of <q>. After a reconnect
// the consumer keeps its id, so its processing list and pending acks stay valid; what is
// in that list but unknown to it (a BLMOVE whose reply was lost) goes back to <q>.
//
// Bounded: at most `prefetch` messages are held (put and not settled), so put() never
// waits long and the liveness key is refreshed in time.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <random>
#include <thread>
#include <unordered_map>

#include "queue_support.hpp"
#include "redis_client.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::source::redis {
namespace qs = stoq::queue_support;
using stoq::redis::ConnectionLost;
using stoq::redis::RedisClient;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr seconds kLivenessTtl{15};
constexpr seconds kLivenessRefresh{5};
constexpr seconds kRecoveryInterval{15};
constexpr seconds kBlockingWait{1};  // BLMOVE's timeout: how often the loop looks at acks and stop
constexpr seconds kStopDrain{5};     // after a stop, how long acks are still awaited

// KEYS[1] processing list, KEYS[2] destination; ARGV[1] the message, ARGV[2] what to push.
constexpr const char* kRequeueScript =
    "if redis.call('LREM', KEYS[1], 1, ARGV[1]) > 0 then redis.call('LPUSH', KEYS[2], ARGV[2]) return 1 end "
    "return 0";
constexpr const char* kToErrorsScript =
    "if redis.call('LREM', KEYS[1], 1, ARGV[1]) > 0 then redis.call('RPUSH', KEYS[2], ARGV[2]) return 1 end "
    "return 0";

std::string make_consumer_id() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::string hostname(host.data());
  if (hostname.empty()) hostname = "unknown";
  std::random_device random;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string suffix;
  for (int i = 0; i < 8; ++i) suffix += "0123456789abcdef"[digit(random)];
  return hostname + ":" + std::to_string(::getpid()) + ":" + suffix;
}

}  // namespace

class RedisSource final : public Source {
 public:
  bool activate(Stoq& stoq) override {
    settings_ = stoq::redis::settings_from(options());
    std::int64_t prefetch = options().get_int("prefetch");
    if (prefetch < 0) throw Error("prefetch must be 0 (max_queue) or more, not " + std::to_string(prefetch));
    if (prefetch == 0) prefetch = std::max<std::int64_t>(1, stoq.config().max_queue);
    prefetch_ = static_cast<std::size_t>(prefetch);
    queue_ = qs::consumed_queue(stoq.run());
    errors_queue_ = queue_ + "-errors";
    consumer_id_ = make_consumer_id();
    processing_ = queue_ + "-processing:" + consumer_id_;
    liveness_ = queue_ + "-consumer:" + consumer_id_;
    client_ = std::make_unique<RedisClient>(settings_);
    client_->connect(client_name());  // one line naming host:port when the server is unreachable
    return true;
  }

  void ingest() override {
    if (queue_.empty()) throw Error("redis: no list to consume: give its name with -Q");
    if (!client_->connected()) client_->connect(client_name());
    consuming_ = true;
    log().info("consuming the list " + queue_ + " on " + settings_.address() + " as consumer " + consumer_id_);
    refresh_liveness();
    recover_dead_consumers();
    next_recovery_ = Clock::now() + kRecoveryInterval;
    while (!stoq().stopping()) {
      try {
        if (!client_->connected() && !reconnect()) continue;
        settle_outcomes();
        housekeeping();
        if (held_total_ >= prefetch_) {
          stoq().wait_for_stop(milliseconds(10));
          continue;
        }
        receive_one();
      } catch (const ConnectionLost& e) {
        note_outage(e);
      }
    }
    drain_after_stop();
  }

  void publish(const Json& message, const std::string& queue, int priority) override {
    if (queue.empty()) throw Error("redis: publish needs the name of a list");
    std::string body = dump_json(message, -1);  // one line, ASCII
    // Lists have no priorities: a priority above 0 puts the message at the head of the
    // list, so it is served before everything already waiting (LIFO among such messages).
    std::string_view push = priority > 0 ? "LPUSH" : "RPUSH";
    for (int attempt = 0;; ++attempt) {
      try {
        if (!client_->connected()) client_->connect(client_name());
        client_->command({push, queue, body});
        return;
      } catch (const ConnectionLost&) {
        if (attempt > 0) throw;  // once more on a fresh connection, then give up
      }
    }
  }

  // Every ack has returned (plugin.hpp): settle what the stop drain did not see, then
  // drop the liveness key so whatever is still unsettled is recovered at once by the
  // next consumer instead of after the key's expiry.
  void deactivate() override {
    if (!consuming_ || !client_) return;
    try {
      if (!client_->connected()) client_->connect(client_name());
      settle_outcomes();
      client_->command({"DEL", liveness_});
    } catch (const std::exception& e) {
      log().warn(std::string("could not settle every message at shutdown (they will be redelivered): ") + e.what());
    }
    if (held_total_ > 0) {
      log().warn(std::to_string(held_total_) + " message(s) left in " + processing_ + " for redelivery");
    }
    client_->disconnect();
  }

 private:
  enum class Action { Remove, ToErrors, Requeue };
  struct Settlement {
    std::string body;
    Action action = Action::Remove;
    std::string error;  // ToErrors: the "err" of the error-list copy
  };

  [[nodiscard]] std::string client_name() const {
    std::string name = "stoq-" + consumer_id_;
    std::replace_if(
        name.begin(), name.end(), [](char c) { return c <= ' ' || c > '~'; }, '_');  // SETNAME: no spaces
    return name;
  }

  // One BLMOVE: the message, if any, is now in our processing list; hand it over.
  void receive_one() {
    stoq::redis::Reply reply = client_->command(
        {"BLMOVE", queue_, processing_, "LEFT", "RIGHT", std::to_string(kBlockingWait.count())}, kBlockingWait);
    if (stoq::redis::is_nil(*reply)) return;
    std::string body(stoq::redis::string_of(*reply, "BLMOVE"));
    ++held_[body];
    ++held_total_;
    std::string error;
    std::optional<Json> message = qs::parse_message(body, error);
    if (!message) {
      log().warn("a message on " + queue_ + " goes to " + errors_queue_ + ": " + error);
      unsettled_.push_back({std::move(body), Action::ToErrors, error});
      settle_outcomes();
      return;
    }
    stoq().put(std::move(*message), inbox_.ack_for(body));  // false when stopping: the ack requeues it
  }

  // Applies the outcomes recorded so far, oldest first. ConnectionLost leaves the one
  // being applied and the rest in unsettled_, for after the reconnect.
  void settle_outcomes() {
    for (auto& [body, outcome] : inbox_.take()) {
      Settlement settlement{body, Action::Remove, {}};
      if (!outcome.saved) {
        settlement.action = Action::Requeue;
      } else if (!outcome.error.empty()) {
        settlement.action = Action::ToErrors;
        settlement.error = outcome.error;
      }
      unsettled_.push_back(std::move(settlement));
    }
    while (!unsettled_.empty()) {
      apply(unsettled_.front());
      forget(unsettled_.front().body);
      unsettled_.pop_front();
    }
  }

  void apply(const Settlement& settlement) {
    const std::string& body = settlement.body;
    switch (settlement.action) {
      case Action::Remove: client_->command({"LREM", processing_, "1", body}); break;
      case Action::Requeue: client_->command({"EVAL", kRequeueScript, "2", processing_, queue_, body, body}); break;
      case Action::ToErrors: {
        std::string parse_error;
        std::optional<Json> message = qs::parse_message(body, parse_error);
        // dump_json never throws: a body that is not even UTF-8 keeps its valid parts
        // (U+FFFD for the rest) rather than blocking the list.
        std::string copy = dump_json(qs::error_message(std::move(message), body, settlement.error), -1);
        client_->command({"EVAL", kToErrorsScript, "2", processing_, errors_queue_, body, copy});
        break;
      }
    }
  }

  void forget(const std::string& body) {
    auto found = held_.find(body);
    if (found == held_.end()) return;
    if (--found->second == 0) held_.erase(found);
    --held_total_;
  }

  void housekeeping() {
    auto now = Clock::now();
    if (now >= next_liveness_) refresh_liveness();
    if (now >= next_recovery_) {
      recover_dead_consumers();
      next_recovery_ = Clock::now() + kRecoveryInterval;
    }
  }

  void refresh_liveness() {
    client_->command({"SET", liveness_, std::to_string(::getpid()), "EX", std::to_string(kLivenessTtl.count())});
    next_liveness_ = Clock::now() + kLivenessRefresh;
  }

  // Moves the processing lists of consumers without a liveness key back to the head of
  // the list, oldest message first. No DEL afterwards: a list emptied by LMOVE no longer
  // exists, and a DEL could drop a message a consumer that was only late (its key expired
  // while it stalled) moved in meanwhile.
  void recover_dead_consumers() {
    const std::string prefix = queue_ + "-processing:";
    std::vector<std::string> keys;
    std::string cursor = "0";
    do {
      stoq::redis::Reply reply =
          client_->command({"SCAN", cursor, "MATCH", stoq::redis::glob_escape(prefix) + "*", "COUNT", "1000"});
      auto parts = stoq::redis::elements_of(*reply, "SCAN");
      if (parts.size() != 2) throw Error("redis: unexpected reply to SCAN");
      cursor = std::string(stoq::redis::string_of(*parts[0], "SCAN"));
      for (const auto* key : stoq::redis::elements_of(*parts[1], "SCAN")) {
        keys.emplace_back(stoq::redis::string_of(*key, "SCAN"));
      }
    } while (cursor != "0");
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const std::string& key : keys) {
      if (key == processing_ || key.size() <= prefix.size()) continue;
      std::string consumer = key.substr(prefix.size());
      stoq::redis::Reply alive = client_->command({"EXISTS", queue_ + "-consumer:" + consumer});
      if (stoq::redis::integer_of(*alive, "EXISTS") != 0) continue;
      std::size_t moved = 0;
      while (!stoq().stopping()) {
        stoq::redis::Reply item = client_->command({"LMOVE", key, queue_, "RIGHT", "LEFT"});
        if (stoq::redis::is_nil(*item)) break;
        ++moved;
      }
      if (moved > 0) {
        log().warn("redelivering " + std::to_string(moved) + " message(s) held by consumer " + consumer +
                   ", which is gone (no liveness key)");
      }
    }
  }

  // After a reconnect: what is in our processing list but not held (a BLMOVE whose reply
  // was lost with the connection) goes back to the head of the list.
  void reclaim_unknown() {
    stoq::redis::Reply reply = client_->command({"LRANGE", processing_, "0", "-1"});
    std::unordered_map<std::string, std::size_t> known = held_;
    std::size_t returned = 0;
    for (const auto* item : stoq::redis::elements_of(*reply, "LRANGE")) {
      std::string body(stoq::redis::string_of(*item, "LRANGE"));
      auto found = known.find(body);
      if (found != known.end() && found->second > 0) {
        --found->second;
        continue;
      }
      client_->command({"EVAL", kRequeueScript, "2", processing_, queue_, body, body});
      ++returned;
    }
    if (returned > 0) log().warn("returned " + std::to_string(returned) + " message(s) to " + queue_);
  }

  // False when the run stops or the server is still away (the next round tries again).
  bool reconnect() {
    if (!backoff_.wait(stoq())) return false;
    try {
      client_->connect(client_name());
      refresh_liveness();
      reclaim_unknown();
    } catch (const ConnectionLost& e) {
      note_outage(e);
      return false;
    }
    log().info("reconnected to " + settings_.address());
    outage_logged_ = false;
    backoff_.reset();
    return true;
  }

  void note_outage(const ConnectionLost& e) {
    client_->disconnect();
    if (outage_logged_) return;
    outage_logged_ = true;
    log().warn(std::string(e.what()) + "; reconnecting (held messages stay in " + processing_ + ")");
  }

  // The run is stopping: settle acks as they come, for up to kStopDrain.
  void drain_after_stop() {
    auto deadline = Clock::now() + kStopDrain;
    while (true) {
      try {
        if (!client_->connected()) client_->connect(client_name());
        settle_outcomes();
      } catch (const ConnectionLost& e) {
        note_outage(e);
      }
      if ((inbox_.in_flight() == 0 && unsettled_.empty()) || Clock::now() >= deadline) return;
      std::this_thread::sleep_for(milliseconds(20));
    }
  }

  stoq::redis::Settings settings_;
  std::unique_ptr<RedisClient> client_;
  std::size_t prefetch_ = 1;
  std::string queue_;
  std::string errors_queue_;
  std::string consumer_id_;
  std::string processing_;
  std::string liveness_;
  bool consuming_ = false;  // ingest() ran: deactivate() has a liveness key and acks to settle

  qs::AckInbox<std::string> inbox_;  // keyed by the message body, as LREM needs it
  std::deque<Settlement> unsettled_;
  std::unordered_map<std::string, std::size_t> held_;  // bodies in our processing list -> how many
  std::size_t held_total_ = 0;

  qs::Backoff backoff_;
  bool outage_logged_ = false;
  Clock::time_point next_liveness_;
  Clock::time_point next_recovery_;
};

constexpr std::array<stoq_option_spec, 1> kSourceOptions{{
    {"prefetch", STOQ_OPTION_INT, "0",
     "Most messages taken off the list and not yet settled at a time (0: the framework's max_queue).", 0},
}};
constexpr auto kOptions = stoq::redis::with_connection_options(kSourceOptions);

}  // namespace stoq::plugins::source::redis

STOQ_PLUGIN(stoq::plugins::source::redis::RedisSource, "redis", "0.3",
            "Publish and Consume messages from a Redis Server", stoq::plugins::source::redis::kOptions)
