// worker:publisher: queue mode's front door. For each payload it publishes one message
// to the queue of every worker in submission_list (-w, repeatable), through the source
// plugin named by `publisher` (-q; rabbitmq by default), with `priority` (-p, 0..10).
// The message is the original's: what the source said about the payload (path,
// filename, tlp, ...) plus
//   uuid          a new uuid4, shared by every worker's results for this payload;
//   sha1          of the payload;
//   path          made absolute;
//   user_comments --comment, when given;
//   archive       the connector workers fetch the payload with: -A when given (the
//                 payload was archived there first), else "file" (by path).
// Nothing is saved (saveresults = False); the scan returns true.
#include <filesystem>
#include <random>

#include "stoq/plugin.hpp"

namespace stoq::plugins::worker::publisher {
namespace {

std::string new_uuid4() {
  std::random_device random;
  std::array<unsigned char, 16> bytes{};
  for (std::size_t i = 0; i < bytes.size(); i += 4) {
    std::uint32_t word = random();
    for (std::size_t j = 0; j < 4; ++j) bytes[i + j] = static_cast<unsigned char>(word >> (8 * j));
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += kHex[bytes[i] >> 4];
    text += kHex[bytes[i] & 0x0F];
  }
  return text;
}

class PublisherWorker final : public Worker {
 public:
  bool activate(Stoq& /*stoq*/) override {
    queues_ = options().get_list("submission_list");
    std::int64_t priority = options().get_int("priority");
    if (priority < 0 || priority > 10) throw Error("priority must be an integer between 0 and 10");
    priority_ = static_cast<int>(priority);
    source_ = options().get_string("publisher");
    if (source_.empty()) throw Error("publisher (-q) must name a source plugin that publishes, e.g. rabbitmq");
    comment_ = options().get_string("comment");
    return true;
  }

  Json scan(const Payload& payload, const Json& kwargs) override {
    std::vector<std::string> queues = queues_;
    Json message = kwargs.is_object() ? kwargs : Json::object();
    if (auto listed = message.find("submission_list"); listed != message.end()) {  // a message may choose
      if (listed->is_array()) queues = listed->get<std::vector<std::string>>();
      message.erase(listed);
    }
    if (queues.empty()) throw Error("no worker queue to publish to: give them with -w (submission_list)");
    message["uuid"] = new_uuid4();
    if (!payload.is_none()) message["sha1"] = payload.hashes().sha1;
    if (auto path = message.find("path"); path != message.end() && path->is_string()) {
      *path = std::filesystem::absolute(path->get<std::string>()).lexically_normal().string();
    }
    if (!comment_.empty()) message["user_comments"] = comment_;
    const std::string& archive = stoq().run().archive_connector;
    message["archive"] = archive.empty() ? std::string("file") : archive;
    Source& source = stoq().publisher(source_);
    for (const std::string& queue : queues) source.publish(message, queue, priority_);
    return true;
  }

 private:
  std::vector<std::string> queues_;
  int priority_ = 0;
  std::string source_;
  std::string comment_;
};

constexpr stoq_option_spec kOptions[] = {
    {"submission_list", STOQ_OPTION_LIST, "",
     "Worker queues every payload is published to (-w, repeatable: -w yara -w hash).", 'w'},
    {"publisher", STOQ_OPTION_STRING, "rabbitmq", "Source plugin to publish with (rabbitmq, redis, kafka).", 'q'},
    {"priority", STOQ_OPTION_INT, "0", "Priority of the messages, 0..10 (where the broker has priorities).", 'p'},
    {"comment", STOQ_OPTION_STRING, "", "Comment sent with every payload, as user_comments.", 0},
};

}  // namespace
}  // namespace stoq::plugins::worker::publisher

STOQ_PLUGIN(stoq::plugins::worker::publisher::PublisherWorker, "publisher", "1.0",
            "Publish messages to single or multiple queues for processing", stoq::plugins::worker::publisher::kOptions)
