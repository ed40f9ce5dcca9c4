// connector:rabbitmq: publishes each results document (one line of JSON, or the text
// of -T) to a durable queue, `results_queue`, through the exchange, as a persistent
// message. save() returns once the broker confirmed it; a failure (after `retries`
// attempts with backoff) throws, so the message behind those results is not
// acknowledged and comes back. Payloads are not archived here (RabbitMQ is not a store).
#include <optional>
#include <string>

#include "amqp_client.hpp"
#include "amqp_options.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::rabbitmq {
namespace {

class RabbitMqConnector final : public Connector {
 public:
  bool activate(Stoq& /*stoq*/) override {
    int retries = static_cast<int>(options().get_int("retries"));
    if (retries < 1 || retries > 100) throw Error("retries must be 1..100");
    results_queue_ = options().get_string("results_queue");
    if (results_queue_.empty() || results_queue_.size() > 255) throw Error("results_queue must be 1..255 bytes");
    publisher_.emplace(AmqpSettings::from_options(options()), retries);
    return true;
  }

  void deactivate() override {
    if (publisher_) publisher_->close();
  }

  Json save(const Content& payload, const Json& kwargs) override {
    if (kwargs.value("archive", false))
      throw Error("rabbitmq does not archive payloads: use file (or a store) with -A");
    publisher_->publish(stoq(), log(), results_queue_, payload.serialize(-1), 0);
    return results_queue_;
  }

 private:
  std::string results_queue_;
  std::optional<ConfirmedPublisher> publisher_;
};

constexpr auto kOptions = with_connection_options(std::array<stoq_option_spec, 1>{{
    {"results_queue", STOQ_OPTION_STRING, "stoq-results", "Queue the results documents are published to.", 0},
}});

}  // namespace
}  // namespace stoq::plugins::rabbitmq

STOQ_PLUGIN(stoq::plugins::rabbitmq::RabbitMqConnector, "rabbitmq", "1.0",
            "Publish results documents to a RabbitMQ queue", stoq::plugins::rabbitmq::kOptions)
