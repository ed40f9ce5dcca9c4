// connector:kafka: produces each results document (one-line JSON) or rendered text (-T)
// to the topic results_topic, keyed by the root payload's sha1 when there is one, and
// returns once the broker confirmed it ("<topic>:<partition>:<offset>"). A failed
// delivery throws: the framework then does not acknowledge the message, which its
// source delivers again.
//
// No archive (-A kafka is refused: Kafka is no blob store) and no get_file (the default
// refuses). The brokers must be reachable at activate(): a one-line error otherwise.
#include <memory>

#include "kafka_client.hpp"

namespace stoq::plugins::kafka {

class KafkaConnector final : public Connector {
 public:
  bool activate(Stoq& /*stoq*/) override {
    settings_ = Settings::from(options());
    producer_ = std::make_unique<Producer>(settings_, log(), std::make_shared<Health>(log(), settings_.servers));
    return true;
  }

  Json save(const Content& payload, const Json& kwargs) override {
    if (payload.kind() == Content::Kind::Binary || kwargs.value("archive", false)) {
      throw Error("kafka connector does not archive payloads (use -A file)");
    }
    std::string value =
        payload.kind() == Content::Kind::Results ? one_line(payload.json()) : std::string(payload.text());
    std::string key;
    if (auto sha1 = kwargs.find("sha1"); sha1 != kwargs.end() && sha1->is_string()) key = sha1->get<std::string>();
    Delivered delivered = producer_->send(settings_.results_topic, key, value);
    return settings_.results_topic + ":" + std::to_string(delivered.partition) + ":" + std::to_string(delivered.offset);
  }

  void deactivate() override { producer_.reset(); }

 private:
  Settings settings_;
  std::unique_ptr<Producer> producer_;
};

}  // namespace stoq::plugins::kafka

STOQ_PLUGIN(stoq::plugins::kafka::KafkaConnector, "kafka", "0.2", "Save results to a Kafka topic",
            stoq::plugins::kafka::kOptions)
