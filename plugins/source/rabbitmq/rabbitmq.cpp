// source:rabbitmq: consumes the AMQP queue named after the worker (-Q to choose, -E for
// <queue>-errors) and publishes for the publisher worker and the error queues.
//
// Nothing is lost (at-least-once): a delivery is acknowledged only once the framework
// says its results were saved (stoq::Outcome); one not saved is rejected with requeue;
// one saved with an error is first published to <queue>-errors with "err" and then
// acknowledged. The broker holds at most `prefetch` unacknowledged deliveries per
// consumer and requeues them all when the connection drops (a killed worker, a broker
// restart): those are delivered again, here or to another consumer, so a payload can be
// processed twice, never zero times.
//
// rabbitmq-c is not thread-safe: the consuming connection belongs to ingest()'s thread.
// Acks arrive on worker threads and only land in an AckInbox, which ingest() drains
// between waits for deliveries (and deactivate() once more, after the last ack).
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "amqp_client.hpp"
#include "amqp_options.hpp"
#include "queue_support.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::rabbitmq {
namespace {

using std::chrono::milliseconds;

/// A delivery tag is only valid on the connection that delivered it.
struct Tag {
  std::uint64_t connection = 0;
  std::uint64_t delivery = 0;
};

class RabbitMqSource final : public Source {
 public:
  bool activate(Stoq& stoq) override {
    settings_ = AmqpSettings::from_options(options());
    retries_ = static_cast<int>(options().get_int("retries"));
    if (retries_ < 1 || retries_ > 100) throw Error("retries must be 1..100");
    std::int64_t prefetch = options().get_int("prefetch");
    if (prefetch < 0 || prefetch > 65535) throw Error("prefetch must be 0..65535");
    // 0: as many as the framework queue holds, so put() never waits long.
    prefetch_ = prefetch == 0 ? static_cast<int>(std::clamp<std::int64_t>(stoq.config().max_queue, 1, 65535))
                              : static_cast<int>(prefetch);
    publisher_.emplace(settings_, retries_);
    return true;
  }

  void ingest() override {
    queue_ = queue_support::consumed_queue(stoq().run());
    consumer_.emplace(settings_);
    open_consumer();  // unreachable at start: one line, and the run ends
    log().info("consuming " + queue_ + " on " + settings_.where() + " (prefetch " + std::to_string(prefetch_) + ")");
    queue_support::Backoff backoff;
    while (!stoq().stopping()) {
      try {
        if (!consumer_->connected()) {
          open_consumer();
          log().info("reconnected to " + settings_.where() + "; consuming " + queue_ + " again");
          backoff.reset();
        }
        settle();
        if (std::optional<Delivery> delivery = consumer_->next_delivery(milliseconds(100))) take(*delivery);
      } catch (const Error& error) {
        lost_connection(error.what());
        if (!backoff.wait(stoq())) break;
      }
    }
  }

  void deactivate() override {
    // Every ack has returned by now (plugin.hpp ACKS): settle them while connected.
    if (consumer_ && consumer_->connected()) {
      try {
        settle();
      } catch (const Error& error) {
        log().warn(std::string("could not settle the last acknowledgements (the broker redelivers them): ") +
                   error.what());
      }
    }
    if (consumer_) consumer_->close();
    if (publisher_) publisher_->close();
  }

  void publish(const Json& message, const std::string& queue, int priority) override {
    publisher_->publish(stoq(), log(), queue, message.dump(-1, ' ', false, Json::error_handler_t::replace), priority);
  }

 private:
  void open_consumer() {
    consumer_->connect();
    consumer_->consume(queue_, prefetch_);
    ++connection_;
    in_flight_.clear();  // the broker requeued those of the connection before
  }

  void lost_connection(const std::string& why) {
    consumer_->close();
    log().warn("lost " + settings_.where() + " (" + why + "); " + std::to_string(in_flight_.size()) +
               " unacknowledged message(s) go back to the queue; reconnecting");
    in_flight_.clear();
  }

  void take(const Delivery& delivery) {
    std::string problem;
    std::optional<Json> message = queue_support::parse_message(delivery.body, problem);
    if (!message && stoq().run().consume_errors) {  // republishing it to this same queue would loop
      log().error("a message on " + queue_ + " is unusable (" + problem +
                  "): dropped: " + delivery.body.substr(0, 200));
      consumer_->reject(delivery.tag, /*requeue=*/false);
      return;
    }
    if (!message) {
      log().warn("a message on " + queue_ + " is unusable (" + problem + "): moved to " + queue_ + "-errors");
      to_error_queue(delivery.tag, queue_support::error_message(std::nullopt, delivery.body, problem));
      return;
    }
    in_flight_.emplace(delivery.tag, *message);
    stoq().put(std::move(*message), inbox_.ack_for(Tag{connection_, delivery.tag}));
  }

  // Acknowledges, requeues or moves to the error queue what the workers finished.
  void settle() {
    for (auto& [tag, outcome] : inbox_.take()) {
      if (tag.connection != connection_) continue;  // that connection's deliveries were requeued
      auto it = in_flight_.find(tag.delivery);
      if (it == in_flight_.end()) continue;
      Json message = std::move(it->second);
      in_flight_.erase(it);
      if (!outcome.saved) {
        consumer_->reject(tag.delivery, /*requeue=*/true);
      } else if (outcome.error.empty() || stoq().run().consume_errors) {
        // With -E a message failing again is acknowledged (its results say why): it must not loop.
        consumer_->ack(tag.delivery);
      } else {
        to_error_queue(tag.delivery, queue_support::error_message(std::move(message), {}, outcome.error));
      }
    }
  }

  void to_error_queue(std::uint64_t delivery, const Json& message) {
    std::string errors = queue_ + "-errors";
    try {
      publisher_->publish(stoq(), log(), errors, message.dump(-1, ' ', false, Json::error_handler_t::replace), 0);
    } catch (const Error& error) {
      log().error("cannot publish to " + errors + " (" + error.what() + "): the message is requeued");
      consumer_->reject(delivery, /*requeue=*/true);
      return;
    }
    consumer_->ack(delivery);
  }

  AmqpSettings settings_;
  int retries_ = 5;
  int prefetch_ = 1;
  std::string queue_;
  std::optional<AmqpClient> consumer_;
  std::optional<ConfirmedPublisher> publisher_;
  std::uint64_t connection_ = 0;             // counts the consumer's connections
  std::map<std::uint64_t, Json> in_flight_;  // delivery tag -> message, on this connection
  queue_support::AckInbox<Tag> inbox_;
};

constexpr auto kOptions = with_connection_options(std::array<stoq_option_spec, 1>{{
    {"prefetch", STOQ_OPTION_INT, "0",
     "Unacknowledged messages the broker may hand this process at once (0: max_queue).", 0},
}});

}  // namespace
}  // namespace stoq::plugins::rabbitmq

STOQ_PLUGIN(stoq::plugins::rabbitmq::RabbitMqSource, "rabbitmq", "1.0",
            "Publish and Consume messages from a RabbitMQ Server", stoq::plugins::rabbitmq::kOptions)
