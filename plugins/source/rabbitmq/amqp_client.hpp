// One AMQP 0-9-1 connection (rabbitmq-c), for the rabbitmq source and connector. Not
// thread-safe: one owner thread (plugin.hpp THREADING CONTRACT). Every failure throws
// stoq::Error with one line naming the broker (never the password); after a failure
// the connection is closed and connect() may be called again.
#pragma once

#include <amqp.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "stoq/options.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::rabbitmq {

/// Where and how to connect, from the plugin's options (amqp_options.hpp).
struct AmqpSettings {
  std::string host = "127.0.0.1";
  int port = 5672;
  std::string user = "guest";
  std::string password = "guest";
  std::string virtual_host = "/";
  std::string exchange_name = "stoq";
  std::string exchange_type = "direct";
  int heartbeat_seconds = 60;
  std::chrono::seconds connect_timeout{5};
  bool use_ssl = false;
  std::string ca_certs, keyfile, certfile;
  bool verify_peer = false;

  /// From the options of either plugin; `url` (amqp[s]://user:password@host:port/vhost)
  /// wins over host/port/user/password/virtual_host when set.
  static AmqpSettings from_options(const Options& options);
  /// "host:port/vhost", for messages (no credentials).
  [[nodiscard]] std::string where() const;
};

/// A message taken off a queue; ack or reject it by its delivery tag.
struct Delivery {
  std::uint64_t tag = 0;
  bool redelivered = false;
  std::string body;
};

class AmqpClient {
 public:
  explicit AmqpClient(AmqpSettings settings) : settings_(std::move(settings)) {}
  ~AmqpClient() { close(); }
  AmqpClient(const AmqpClient&) = delete;
  AmqpClient& operator=(const AmqpClient&) = delete;

  /// Opens the socket, logs in, opens channel 1 and declares the exchange.
  void connect();
  [[nodiscard]] bool connected() const { return connection_ != nullptr; }
  /// Best effort: closes channel and connection (no throw).
  void close();

  /// Declares `queue` (durable, x-max-priority 10, as the original) and binds it to the
  /// exchange with itself as routing key. Once per connection per queue.
  void declare_queue(const std::string& queue);

  // --- consuming (channel 1)
  void consume(const std::string& queue, int prefetch);
  /// The next delivery, or nullopt when none came within `timeout`.
  std::optional<Delivery> next_delivery(std::chrono::milliseconds timeout);
  void ack(std::uint64_t tag);
  void reject(std::uint64_t tag, bool requeue);

  // --- publishing
  /// Puts the channel in confirm mode (a connection used for publishing only).
  void enable_confirms();
  /// Publishes `body` (persistent, JSON) with routing key `queue` through the exchange,
  /// declaring the queue first; with confirms, returns only once the broker confirmed.
  void publish(const std::string& queue, const std::string& body, int priority);

 private:
  [[noreturn]] void fail(const std::string& what, const amqp_rpc_reply_t& reply);
  void check_reply(const std::string& what);
  void check_status(const std::string& what, int status);
  void wait_for_confirm();

  AmqpSettings settings_;
  amqp_connection_state_t connection_ = nullptr;
  bool confirms_ = false;
  std::uint64_t next_publish_tag_ = 1;
  std::set<std::string> declared_;
};

}  // namespace stoq::plugins::rabbitmq

namespace stoq::plugins::rabbitmq {

/// A publishing connection (confirm mode) that connects on first use and, when the
/// broker goes away, reconnects and tries again: `retries` attempts with backoff. What
/// publish() returns from is confirmed by the broker (and on disk: the messages are
/// persistent and the queues durable).
class ConfirmedPublisher {
 public:
  /// No heartbeats on this connection: it may sit idle for hours between publications,
  /// and a broker that went away shows when the next one fails (and is retried).
  ConfirmedPublisher(AmqpSettings settings, int retries)
      : client_(without_heartbeat(std::move(settings))), retries_(retries) {}
  /// Throws stoq::Error (the last failure) when every attempt failed or the run stopped.
  void publish(Stoq& stoq, const Logger& log, const std::string& queue, const std::string& body, int priority);
  void close() { client_.close(); }

 private:
  static AmqpSettings without_heartbeat(AmqpSettings settings) {
    settings.heartbeat_seconds = 0;
    return settings;
  }
  AmqpClient client_;
  int retries_;
};

}  // namespace stoq::plugins::rabbitmq
