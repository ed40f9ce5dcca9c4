// source:kafka: consumes the topic queue_support::consumed_queue() (-Q, else the worker's
// name; with -E "<that>-errors") as a member of consumer group `group`, and publishes
// (publish(): the publisher worker, the errors topic) to any topic. The original stoQ v1
// plugin (kafka-python) did both, with the same options.
//
// At-least-once, commit only after save:
//   * automatic commit and offset store are off; every message is put() with an ack that
//     the ingest thread (the only one touching the consumer) collects from an AckInbox;
//   * per partition only the contiguous acknowledged prefix is committed (OffsetTracker),
//     asynchronously as it grows, synchronously at the end and on a revoke;
//   * saved with an error, or not a JSON object: the message (with "err") is produced to
//     "<topic>-errors" and waited for before it counts as acknowledged;
//   * not saved: nothing after it in its partition is committed, and the partition is
//     paused, then read again from that offset (seek) after a delay that doubles (0.5 s
//     to 30 s) while saves keep failing; messages after it come twice (at-least-once);
//   * at most `prefetch` messages are in flight: the assignment is paused above, resumed
//     below, and the consumer keeps polling meanwhile (group heartbeats, rebalances);
//   * a revoke commits what is acknowledged and forgets the rest of those partitions:
//     their new owner reads them again.
// A broker that goes away is reconnected to by librdkafka itself; Health logs one warning
// per outage. Kafka has no priorities: publish() ignores `priority`.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "kafka_client.hpp"
#include "offset_tracker.hpp"
#include "queue_support.hpp"

namespace stoq::plugins::kafka {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPollWait{100};
constexpr milliseconds kFirstRetry{500};
constexpr milliseconds kLastRetry{30'000};
constexpr milliseconds kProbeEvery{5'000};
constexpr std::chrono::seconds kDrainTime{5};
constexpr std::chrono::seconds kCloseTime{5};
constexpr milliseconds kRecommitEvery{1'000};

// A C partition list, destroyed with its scope.
class PartitionList {
 public:
  explicit PartitionList(int size = 1) : list_(rd_kafka_topic_partition_list_new(size)) {}
  ~PartitionList() { rd_kafka_topic_partition_list_destroy(list_); }
  PartitionList(const PartitionList&) = delete;
  PartitionList& operator=(const PartitionList&) = delete;
  void add(const PartitionKey& where, std::int64_t offset = RD_KAFKA_OFFSET_INVALID) {
    rd_kafka_topic_partition_list_add(list_, where.topic.c_str(), where.partition)->offset = offset;
  }
  [[nodiscard]] rd_kafka_topic_partition_list_t* get() const { return list_; }
  [[nodiscard]] bool empty() const { return list_->cnt == 0; }

 private:
  rd_kafka_topic_partition_list_t* list_;
};

std::vector<PartitionKey> keys_of(const rd_kafka_topic_partition_list_t* list) {
  std::vector<PartitionKey> keys;
  for (int i = 0; list != nullptr && i < list->cnt; ++i)
    keys.push_back({list->elems[i].topic, list->elems[i].partition});
  return keys;
}

}  // namespace

class KafkaSource final : public Source {
 public:
  bool activate(Stoq& stoq) override {
    settings_ = Settings::from(options());
    prefetch_ = static_cast<std::size_t>(settings_.prefetch > 0 ? settings_.prefetch : stoq.config().max_queue);
    health_ = std::make_shared<Health>(log(), settings_.servers);
    return true;
  }

  void ingest() override {
    topic_ = queue_support::consumed_queue(stoq().run());
    tracker_ = OffsetTracker();  // a fresh start (cron runs ingest() again)
    seeks_.clear();
    retry_delay_.clear();
    paused_for_prefetch_ = false;
    consumer_ = KafkaHandle::consumer(
        settings_, log(), health_,
        [this](rd_kafka_t* /*handle*/, rd_kafka_resp_err_t event, rd_kafka_topic_partition_list_t* partitions) {
          rebalance(event, partitions);
        },
        [this](rd_kafka_resp_err_t error) { commit_failed(error); });
    consumer_->destroy_without_close();  // shut_down() closes, with a deadline
    consumer_->check_reachable();
    rd_kafka_t* handle = consumer_->get();
    rd_kafka_poll_set_consumer(handle);
    PartitionList topics;
    topics.add({topic_, RD_KAFKA_PARTITION_UA});
    if (rd_kafka_resp_err_t error = rd_kafka_subscribe(handle, topics.get()); error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw Error("kafka: cannot subscribe to topic '" + topic_ + "': " + rd_kafka_err2str(error));
    }
    log().info("kafka: consuming topic '" + topic_ + "' from " + settings_.servers + " as group '" + settings_.group +
               "'");
    bool accepting = true;
    while (accepting && !stoq().stopping()) {
      settle();
      rd_kafka_message_t* message = rd_kafka_consumer_poll(handle, static_cast<int>(kPollWait.count()));
      if (message == nullptr) {
        probe_if_down();
        continue;
      }
      accepting = take(*message);
      rd_kafka_message_destroy(message);
    }
    shut_down();
  }

  void publish(const Json& message, const std::string& queue, int /*priority: Kafka has none*/) override {
    producer().send(queue, {}, one_line(message));
  }

  void deactivate() override {
    errors_producer_.reset();
    consumer_.reset();
  }

 private:
  struct PendingSeek {
    std::int64_t offset = 0;
    Clock::time_point due;
  };

  // One message off the consumer; false once put() refused it (the run is stopping).
  bool take(const rd_kafka_message_t& message) {
    if (message.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      report_consumer_error(message);
      return true;
    }
    health_->on_success();
    PartitionKey where{rd_kafka_topic_name(message.rkt), message.partition};
    // A partition waiting to be read again from an earlier offset: this one comes again.
    if (seeks_.contains(where)) return true;
    std::string body;
    if (message.payload != nullptr) body.assign(static_cast<const char*>(message.payload), message.len);
    std::string error;
    std::optional<Json> parsed = queue_support::parse_message(body, error);
    DeliveryTag tag = tracker_.track(where, message.offset, body);
    if (!parsed) {
      if (send_to_errors(where.topic, queue_support::error_message(std::nullopt, body, error))) {
        tracker_.acknowledge(tag);
      } else {
        rewind(tag);
      }
      return true;
    }
    return stoq().put(std::move(*parsed), inbox_.ack_for(tag));
  }

  // Between polls: outcomes, commits, due seeks, flow control.
  void settle() {
    drain_acks();
    commit(true);
    seek_due();
    bool full = inbox_.in_flight() >= prefetch_;
    if (full != paused_for_prefetch_) {
      paused_for_prefetch_ = full;
      set_paused(full);
    }
  }

  void drain_acks() {
    for (auto& [tag, outcome] : inbox_.take()) {
      const std::string* body = tracker_.body_of(tag);
      if (body == nullptr) continue;  // revoked or rewound since: it is read again anyway
      if (!outcome.saved) {
        // Stopping: left uncommitted, read again at the next start.
        if (!stoq().stopping()) rewind(tag);
        continue;
      }
      if (!outcome.error.empty()) {
        std::string ignored;
        Json copy = queue_support::error_message(queue_support::parse_message(*body, ignored), *body, outcome.error);
        if (!send_to_errors(tag.where.topic, copy)) {
          if (!stoq().stopping()) rewind(tag);
          continue;
        }
      }
      tracker_.acknowledge(tag);
      retry_delay_.erase(tag.where);
    }
  }

  // <topic>-errors gets `copy`; false (logged) when it cannot be produced.
  bool send_to_errors(const std::string& topic, const Json& copy) {
    try {
      producer().send(topic + "-errors", {}, one_line(copy));
      return true;
    } catch (const std::exception& e) {
      log().warn(std::string(e.what()) + ": the message is read again later");
      return false;
    }
  }

  Producer& producer() {
    if (!errors_producer_) errors_producer_ = std::make_unique<Producer>(settings_, log(), health_);
    return *errors_producer_;
  }

  // Not saved: pause its partition now, read it again from tag.offset once the delay is over.
  void rewind(const DeliveryTag& tag) {
    if (!tracker_.rewind(tag)) return;
    milliseconds& delay = retry_delay_.try_emplace(tag.where, kFirstRetry / 2).first->second;
    delay = std::min(kLastRetry, delay * 2);
    auto [seek, inserted] = seeks_.try_emplace(tag.where, PendingSeek{tag.offset, Clock::now() + delay});
    if (!inserted) seek->second.offset = std::min(seek->second.offset, tag.offset);
    PartitionList list;
    list.add(tag.where);
    rd_kafka_pause_partitions(consumer_->get(), list.get());
    log().debug("kafka: " + tag.where.topic + "[" + std::to_string(tag.where.partition) + "] is read again from " +
                std::to_string(tag.offset) + " in " + std::to_string(delay.count()) + " ms");
  }

  void seek_due() {
    auto now = Clock::now();
    for (auto it = seeks_.begin(); it != seeks_.end();) {
      if (it->second.due > now) {
        ++it;
        continue;
      }
      PartitionList list;
      list.add(it->first, it->second.offset);
      // With a timeout, no message fetched before the seek is handed out after it.
      rd_kafka_error_t* error = rd_kafka_seek_partitions(consumer_->get(), list.get(), 5000);
      rd_kafka_resp_err_t result = error != nullptr ? rd_kafka_error_code(error) : list.get()->elems[0].err;
      if (error != nullptr) rd_kafka_error_destroy(error);
      if (result != RD_KAFKA_RESP_ERR_NO_ERROR) {
        log().warn("kafka: cannot seek " + it->first.topic + "[" + std::to_string(it->first.partition) +
                   "] back to offset " + std::to_string(it->second.offset) +
                   " (tried again): " + rd_kafka_err2str(result));
        it->second.due = now + kFirstRetry;
        ++it;
        continue;
      }
      if (!paused_for_prefetch_) rd_kafka_resume_partitions(consumer_->get(), list.get());
      it = seeks_.erase(it);
    }
  }

  // Pauses or resumes the whole assignment (a partition waiting for its seek stays paused).
  void set_paused(bool paused) {
    rd_kafka_topic_partition_list_t* assigned = nullptr;
    if (rd_kafka_assignment(consumer_->get(), &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR || assigned == nullptr) return;
    PartitionList list;
    for (const PartitionKey& where : keys_of(assigned)) {
      if (paused || !seeks_.contains(where)) list.add(where);
    }
    rd_kafka_topic_partition_list_destroy(assigned);
    if (list.empty()) return;
    if (paused) {
      rd_kafka_pause_partitions(consumer_->get(), list.get());
    } else {
      rd_kafka_resume_partitions(consumer_->get(), list.get());
    }
  }

  // Commits what became committable; asynchronously (the result comes back through
  // commit_failed()) or, at a revoke and at the end, synchronously and everything.
  void commit(bool async) {
    auto commits = tracker_.take_commits();
    if (!async) commits = tracker_.positions();
    if (async && commits.empty() && recommit_ && Clock::now() - last_commit_ >= kRecommitEvery) {
      commits = tracker_.positions();  // an earlier commit failed: repeat the latest offsets
    }
    if (commits.empty()) return;
    recommit_ = false;
    last_commit_ = Clock::now();
    PartitionList list(static_cast<int>(commits.size()));
    for (const auto& [where, offset] : commits) list.add(where, offset);
    rd_kafka_resp_err_t error = rd_kafka_commit(consumer_->get(), list.get(), async ? 1 : 0);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) commit_failed(error);
  }

  // A commit failed: it is repeated later. During a rebalance that is expected (debug);
  // otherwise one warning per kind of error.
  void commit_failed(rd_kafka_resp_err_t error) {
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR || error == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
    recommit_ = true;
    std::string text = std::string("kafka: committing offsets failed (tried again later): ") + rd_kafka_err2str(error);
    bool rebalancing = error == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS ||
                       error == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION || error == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID;
    if (!rebalancing && warned_.insert(error).second) {
      log().warn(text);
    } else {
      log().debug(text);
    }
  }

  void rebalance(rd_kafka_resp_err_t event, rd_kafka_topic_partition_list_t* partitions) {
    rd_kafka_t* handle = consumer_->get();
    bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(handle), "COOPERATIVE") == 0;
    if (event == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      for (const PartitionKey& where : keys_of(partitions)) tracker_.forget(where);
      if (cooperative) {
        if (rd_kafka_error_t* error = rd_kafka_incremental_assign(handle, partitions)) rd_kafka_error_destroy(error);
      } else {
        rd_kafka_assign(handle, partitions);
      }
      if (paused_for_prefetch_) rd_kafka_pause_partitions(handle, partitions);
      log().debug("kafka: assigned " + std::to_string(partitions->cnt) + " partition(s)");
      return;
    }
    if (event == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      // What is acknowledged is committed; the rest goes to the partitions' next owner.
      drain_acks();
      if (!rd_kafka_assignment_lost(handle)) commit(false);
      for (const PartitionKey& where : keys_of(partitions)) {
        tracker_.forget(where);
        seeks_.erase(where);
      }
      log().debug("kafka: revoked " + std::to_string(partitions->cnt) + " partition(s)");
    } else {
      log().warn(std::string("kafka: rebalance failed: ") + rd_kafka_err2str(event));
    }
    if (cooperative) {
      if (rd_kafka_error_t* error = rd_kafka_incremental_unassign(handle, partitions)) rd_kafka_error_destroy(error);
    } else {
      rd_kafka_assign(handle, nullptr);
    }
  }

  void report_consumer_error(const rd_kafka_message_t& message) {
    if (message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
    // One warning per kind of error (e.g. the topic does not exist yet), not one per poll.
    std::string text = "kafka: topic '" + topic_ + "': " + rd_kafka_message_errstr(&message);
    if (warned_.insert(message.err).second) {
      log().warn(text);
    } else {
      log().debug(text);
    }
  }

  void probe_if_down() {
    if (!health_->down() || Clock::now() - last_probe_ < kProbeEvery) return;
    last_probe_ = Clock::now();
    consumer_->probe(milliseconds(500));
  }

  // Stopping: nothing new is read; the outcomes of what is in flight are awaited (a few
  // seconds at most), committed, and the group is left.
  void shut_down() {
    paused_for_prefetch_ = true;
    set_paused(true);
    auto deadline = Clock::now() + kDrainTime;
    while (inbox_.in_flight() > 0 && Clock::now() < deadline) {
      drain_acks();
      serve_consumer(milliseconds(50));
    }
    drain_acks();
    commit(false);
    if (inbox_.in_flight() > 0) {
      log().warn("kafka: " + std::to_string(inbox_.in_flight()) +
                 " message(s) still in flight at the stop: they are read again at the next start");
    }
    leave_group();
    close_consumer();
  }

  // Serves the consumer queue (rebalance callbacks, errors) for up to `wait`. A message
  // fetched before the pause is dropped: uncommitted, it is read again.
  void serve_consumer(milliseconds wait) {
    if (rd_kafka_message_t* late = rd_kafka_consumer_poll(consumer_->get(), static_cast<int>(wait.count()))) {
      rd_kafka_message_destroy(late);
    }
  }

  [[nodiscard]] bool assigned() const {
    rd_kafka_topic_partition_list_t* assignment = nullptr;
    if (rd_kafka_assignment(consumer_->get(), &assignment) != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
    bool any = assignment->cnt > 0;
    rd_kafka_topic_partition_list_destroy(assignment);
    return any;
  }

  // Unsubscribes while the consumer is fully alive, so the revoke (pending from a
  // rebalance, or this one) is served by the callback here. A revoke handed out during
  // the close instead can find the group already terminated, and librdkafka 2.0's
  // rd_kafka_assign() then waits for ever.
  void leave_group() {
    rd_kafka_unsubscribe(consumer_->get());
    auto deadline = Clock::now() + kCloseTime;
    while (assigned() && Clock::now() < deadline) serve_consumer(milliseconds(50));
    serve_consumer(milliseconds(0));
  }

  // Closes with a deadline. Served as events: the close queue may also carry messages and
  // errors, which the callback interface cannot take.
  void close_consumer() {
    rd_kafka_t* handle = consumer_->get();
    rd_kafka_queue_t* close_queue = rd_kafka_queue_new(handle);
    if (rd_kafka_error_t* error = rd_kafka_consumer_close_queue(handle, close_queue)) {
      rd_kafka_error_destroy(error);
    } else {
      auto deadline = Clock::now() + kCloseTime;
      while (rd_kafka_consumer_closed(handle) == 0 && Clock::now() < deadline) {
        rd_kafka_event_t* event = rd_kafka_queue_poll(close_queue, 100);
        if (event == nullptr) continue;
        // Only a revoke of partitions still assigned needs an answer (see leave_group()).
        if (rd_kafka_event_type(event) == RD_KAFKA_EVENT_REBALANCE &&
            rd_kafka_event_error(event) == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && assigned()) {
          rebalance(rd_kafka_event_error(event), rd_kafka_event_topic_partition_list(event));
        }
        rd_kafka_event_destroy(event);
      }
    }
    rd_kafka_queue_destroy(close_queue);
    consumer_->destroy_without_close();
  }

  Settings settings_;
  std::size_t prefetch_ = 0;
  std::string topic_;
  std::shared_ptr<Health> health_;
  std::unique_ptr<KafkaHandle> consumer_;
  std::unique_ptr<Producer> errors_producer_;  // <topic>-errors, and publish()
  queue_support::AckInbox<DeliveryTag> inbox_;
  OffsetTracker tracker_;
  std::map<PartitionKey, PendingSeek> seeks_;
  std::map<PartitionKey, milliseconds> retry_delay_;
  bool paused_for_prefetch_ = false;
  std::set<rd_kafka_resp_err_t> warned_;
  Clock::time_point last_probe_{};
  bool recommit_ = false;  // a commit failed: the latest offsets are committed again
  Clock::time_point last_commit_{};
};

}  // namespace stoq::plugins::kafka

STOQ_PLUGIN(stoq::plugins::kafka::KafkaSource, "kafka", "0.2", "Publish and consume messages from a Kafka server",
            stoq::plugins::kafka::kOptions)
