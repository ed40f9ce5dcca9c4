// What source:kafka and connector:kafka share (compiled into both modules): the option
// table, the settings read from it, and librdkafka handles with the callbacks stoq needs.
//
// Both plugins are named "kafka", so `--plugin-opt kafka:servers_list=...` or a
// `[kafka]` section of stoq.cfg sets the option of both: they therefore declare the same
// table, and each ignores the options that are not its own.
//
// Secrets: sasl.password comes from the environment variable named by password_env and
// is never logged nor put in an error message (librdkafka's error texts do not carry
// configuration values).
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stoq/plugin.hpp"

namespace stoq::plugins::kafka {

inline constexpr stoq_option_spec kOptions[] = {
    {"servers_list", STOQ_OPTION_LIST, "127.0.0.1:9092", "Kafka brokers to bootstrap from, host:port, comma-separated.",
     0},
    {"group", STOQ_OPTION_STRING, "stoq", "Consumer group of the source; its offsets are committed for this group.", 0},
    {"retries", STOQ_OPTION_INT, "5",
     "How many times to try producing a message (to <topic>-errors, publish, results) before giving up.", 0},
    {"prefetch", STOQ_OPTION_INT, "0",
     "Messages read and not yet acknowledged before consumption pauses (0: the core max_queue).", 0},
    {"connect_timeout", STOQ_OPTION_INT, "10",
     "Seconds to reach the brokers at start, and to wait for one delivery report.", 0},
    {"properties", STOQ_OPTION_DICT, "{}",
     R"(Extra librdkafka properties, e.g. {"security.protocol": "SASL_SSL", "sasl.username": "stoq"}.)", 0},
    {"password_env", STOQ_OPTION_STRING, "STOQ_KAFKA_PASSWORD",
     "Environment variable whose value, when it is set, becomes sasl.password.", 0},
    {"results_topic", STOQ_OPTION_STRING, "stoq-results", "Connector: the topic results are produced to.", 0},
};

/// The options of either plugin, checked.
struct Settings {
  std::string servers;  // bootstrap.servers: the servers_list joined with ','
  std::string group;
  int attempts = 5;  // retries, at least 1
  std::int64_t prefetch = 0;
  std::chrono::seconds connect_timeout{10};
  std::vector<std::pair<std::string, std::string>> properties;
  std::string password;  // from the password_env variable; never logged
  std::string results_topic;

  /// Throws stoq::Error naming the option that is out of range.
  static Settings from(const Options& options);
};

/// A client's connection health, fed by librdkafka's error callback and by successful
/// operations: one warning per outage (all brokers down), one info line when it ends.
/// Thread-safe (librdkafka may call from its own threads).
class Health {
 public:
  Health(Logger log, std::string servers) : log_(std::move(log)), servers_(std::move(servers)) {}
  /// From the error callback.
  void on_error(rd_kafka_resp_err_t error, std::string_view reason);
  /// Something reached a broker: an outage, if any, is over.
  void on_success();
  /// The start-up check passed: from now on outages are warned about (before, the check
  /// reports them itself).
  void arm() { armed_.store(true); }
  [[nodiscard]] bool down() const { return down_.load(); }
  /// The most telling recent error text ("" when none).
  [[nodiscard]] std::string last_error() const;

 private:
  Logger log_;
  std::string servers_;
  std::atomic<bool> armed_{false};
  std::atomic<bool> down_{false};
  mutable std::mutex mutex_;
  std::string last_error_;
};

/// An rd_kafka_t with stoq's configuration and callbacks. Not movable: it is the opaque
/// librdkafka hands back to the callbacks.
class KafkaHandle {
 public:
  using Rebalance = std::function<void(rd_kafka_t*, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t*)>;
  using CommitDone = std::function<void(rd_kafka_resp_err_t)>;

  /// A producer whose delivery reports go through Producer::send().
  static std::unique_ptr<KafkaHandle> producer(const Settings& settings, const Logger& log,
                                               std::shared_ptr<Health> health);
  /// A consumer of settings.group: no automatic commit nor offset store, reading from
  /// the earliest offset when the group has none (unless properties say otherwise).
  static std::unique_ptr<KafkaHandle> consumer(const Settings& settings, const Logger& log,
                                               std::shared_ptr<Health> health, Rebalance rebalance,
                                               CommitDone commit_done);
  ~KafkaHandle();
  KafkaHandle(const KafkaHandle&) = delete;
  KafkaHandle& operator=(const KafkaHandle&) = delete;

  [[nodiscard]] rd_kafka_t* get() const { return handle_; }
  [[nodiscard]] Health& health() const { return *health_; }

  /// Asks the brokers for metadata within connect_timeout; throws the one-line
  /// stoq::Error "kafka: cannot connect to <servers> within N s: <reason>" otherwise.
  void check_reachable();
  /// A short metadata request while an outage lasts, so its end is noticed on an idle
  /// client; blocks up to `timeout`.
  void probe(std::chrono::milliseconds timeout);
  /// Destroys without the implicit consumer close (the source closes with a deadline).
  void destroy_without_close() { destroy_flags_ = RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE; }

 private:
  KafkaHandle(const Settings& settings, Logger log, std::shared_ptr<Health> health);
  void create(rd_kafka_type_t type, rd_kafka_conf_t* conf);

  static void on_error(rd_kafka_t* handle, int error, const char* reason, void* opaque);
  static void on_log(const rd_kafka_t* handle, int level, const char* facility, const char* message);
  static void on_delivery(rd_kafka_t* handle, const rd_kafka_message_t* message, void* opaque);
  static void on_rebalance(rd_kafka_t* handle, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions,
                           void* opaque);
  static void on_commit(rd_kafka_t* handle, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* offsets,
                        void* opaque);

  rd_kafka_conf_t* base_conf(const Settings& settings);

  Logger log_;
  std::string servers_;
  std::chrono::seconds connect_timeout_;
  std::shared_ptr<Health> health_;
  Rebalance rebalance_;
  CommitDone commit_done_;
  rd_kafka_t* handle_ = nullptr;
  int destroy_flags_ = 0;
};

/// Where a produced message landed.
struct Delivered {
  std::int32_t partition = -1;
  std::int64_t offset = -1;
};

/// Produces messages and waits for each delivery report. One thread at a time.
class Producer {
 public:
  /// Connects (check_reachable: throws the one-line error when the brokers cannot be reached).
  Producer(const Settings& settings, const Logger& log, std::shared_ptr<Health> health);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  /// Produces `value` (with `key` unless empty) to `topic`, up to settings.attempts
  /// times, each waiting for the broker's delivery report; throws stoq::Error once all
  /// failed.
  Delivered send(const std::string& topic, std::string_view key, std::string_view value);

 private:
  // One try: the delivery report's error (RD_KAFKA_RESP_ERR_NO_ERROR on success).
  rd_kafka_resp_err_t try_send(const std::string& topic, std::string_view key, std::string_view value,
                               Delivered& delivered);

  std::unique_ptr<KafkaHandle> handle_;
  int attempts_;
  std::chrono::seconds timeout_;
};

/// `json` as one line; invalid UTF-8 in strings (a non-JSON body kept for the errors
/// topic) becomes U+FFFD instead of throwing.
std::string one_line(const Json& json);

}  // namespace stoq::plugins::kafka
