// connector:redis: saves results onto Redis lists, archives payloads as Redis strings
// and retrieves them again.
//
//   results / text   RPUSH the one-line JSON document (or the rendered text) onto each
//                    list of results_list (-O names one list instead); returns the
//                    length of the first list.
//   archive=true     SET <archive_prefix><sha1> to the bytes (NX: content-addressed, a
//                    duplicate is not rewritten), and the index keys
//                    <archive_prefix>md5:<md5>, ...sha256:<sha256>, ...sha512:<sha512>
//                    to the sha1, in one MULTI/EXEC; returns the key.
//   get_file         by sha1, else md5/sha256/sha512 through the index keys; refuses
//                    what is larger than max_payload_size before reading it.
//
// A dropped connection is reconnected and the command retried once; a save that still
// fails throws, so the framework does not acknowledge the message (at least once: a
// retried RPUSH whose first reply was lost may save a document twice).
#include <unistd.h>

#include <array>
#include <cctype>
#include <memory>

#include "redis_client.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::connector::redis {
using stoq::redis::ConnectionLost;
using stoq::redis::RedisClient;

namespace {

// The hex digest `value` if it is one of `length` digits (any case), in lower case; "" otherwise.
std::string hex_digest(const Json& value, std::size_t length) {
  if (!value.is_string()) return {};
  std::string text = value.get<std::string>();
  if (text.size() != length) return {};
  for (char& c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return {};
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

struct HashKind {
  const char* name;
  std::size_t length;
};
constexpr std::array<HashKind, 3> kIndexedHashes{{{"md5", 32}, {"sha256", 64}, {"sha512", 128}}};

}  // namespace

class RedisConnector final : public Connector {
 public:
  bool activate(Stoq& stoq) override {
    settings_ = stoq::redis::settings_from(options());
    results_lists_ = options().get_list("results_list");
    const RunOptions& run = stoq.run();
    if (run.output_connector == name() && !run.outfile.empty()) results_lists_ = {run.outfile};
    if (results_lists_.empty()) throw Error("results_list must name at least one Redis list");
    for (const std::string& list : results_lists_) {
      if (list.empty()) throw Error("results_list must not name an empty list");
    }
    archive_prefix_ = options().get_string("archive_prefix");
    client_name_ = "stoq-connector-" + std::to_string(::getpid());  // CLIENT LIST shows whose it is
    client_ = std::make_unique<RedisClient>(settings_);
    client_->connect(client_name_);  // one line naming host:port when the server is unreachable
    return true;
  }

  void connect() override {
    if (!client_->connected()) client_->connect(client_name_);
  }
  void disconnect() override { client_->disconnect(); }
  void deactivate() override { client_->disconnect(); }

  Json save(const Content& payload, const Json& kwargs) override {
    auto archive = kwargs.find("archive");
    if (archive != kwargs.end() && archive->is_boolean() && archive->get<bool>()) return save_payload(payload, kwargs);
    if (payload.kind() == Content::Kind::Binary) throw Error("redis: payload bytes are saved with archive=true only");
    std::string line = payload.serialize(-1);  // results: one line of JSON; text: as rendered
    stoq::redis::Reply reply = with_retry([&] {
      if (results_lists_.size() == 1) return client_->command({"RPUSH", results_lists_.front(), line});
      std::vector<std::vector<std::string_view>> pushes;
      for (const std::string& list : results_lists_) pushes.push_back({"RPUSH", list, line});
      return client_->transaction(pushes);
    });
    const redisReply* first = reply.get();
    if (results_lists_.size() > 1) first = stoq::redis::elements_of(*reply, "EXEC").at(0);
    return stoq::redis::integer_of(*first, "RPUSH");
  }

  Payload get_file(const Json& kwargs) override {
    std::string sha1 = kwargs.contains("sha1") ? hex_digest(kwargs["sha1"], 40) : "";
    if (sha1.empty()) sha1 = sha1_by_index(kwargs);
    std::string key = archive_prefix_ + sha1;
    const auto max_size = static_cast<long long>(stoq().config().max_payload_size);
    stoq::redis::Reply size = with_retry([&] { return client_->command({"STRLEN", key}); });
    long long length = stoq::redis::integer_of(*size, "STRLEN");
    if (length > max_size) {
      throw Error("redis: " + key + " holds " + std::to_string(length) + " bytes, above max_payload_size (" +
                  std::to_string(max_size) + ")");
    }
    stoq::redis::Reply value = with_retry([&] { return client_->command({"GET", key}); });
    if (stoq::redis::is_nil(*value)) throw Error("redis: no archived payload at " + key);
    return stoq::redis::payload_of(std::move(value), "GET");
  }

 private:
  // Runs `command` on a live connection; on ConnectionLost, reconnects and runs it once more.
  template <typename Command>
  stoq::redis::Reply with_retry(const Command& command) {
    try {
      if (!client_->connected()) client_->connect(client_name_);
      return command();
    } catch (const ConnectionLost& e) {
      log().warn(std::string(e.what()) + "; reconnecting once");
    }
    client_->connect(client_name_);
    return command();
  }

  Json save_payload(const Content& payload, const Json& kwargs) {
    if (payload.kind() != Content::Kind::Binary) throw Error("redis: archive=true needs payload bytes");
    ByteView bytes = payload.bytes();
    // The framework passes the four hashes; anything missing or malformed is computed here.
    std::array<std::string, 3> indexed;
    std::string sha1 = kwargs.contains("sha1") ? hex_digest(kwargs["sha1"], 40) : "";
    bool complete = !sha1.empty();
    for (std::size_t i = 0; i < kIndexedHashes.size(); ++i) {
      const char* hash = kIndexedHashes[i].name;
      indexed[i] = kwargs.contains(hash) ? hex_digest(kwargs[hash], kIndexedHashes[i].length) : "";
      complete = complete && !indexed[i].empty();
    }
    if (!complete) {
      Hashes hashes = compute_hashes(bytes);
      sha1 = hashes.sha1;
      indexed = {hashes.md5, hashes.sha256, hashes.sha512};
    }
    std::string key = archive_prefix_ + sha1;
    std::vector<std::string> index_keys;
    for (std::size_t i = 0; i < kIndexedHashes.size(); ++i) {
      index_keys.push_back(archive_prefix_ + kIndexedHashes[i].name + ":" + indexed[i]);
    }
    std::vector<std::vector<std::string_view>> commands;
    commands.push_back({"SET", key, bytes.as_string_view(), "NX"});
    for (const std::string& index_key : index_keys) commands.push_back({"SET", index_key, sha1});
    with_retry([&] { return client_->transaction(commands); });
    return key;
  }

  // The sha1 an index key (md5, sha256, sha512 of the message) points to.
  std::string sha1_by_index(const Json& kwargs) {
    for (const HashKind& hash : kIndexedHashes) {
      if (!kwargs.contains(hash.name)) continue;
      std::string digest = hex_digest(kwargs[hash.name], hash.length);
      if (digest.empty()) throw Error(std::string("redis: '") + hash.name + "' is not a " + hash.name + " hex digest");
      std::string index_key = archive_prefix_ + hash.name + ":" + digest;
      stoq::redis::Reply reply = with_retry([&] { return client_->command({"GET", index_key}); });
      if (stoq::redis::is_nil(*reply))
        throw Error("redis: no archived payload with " + std::string(hash.name) + " " + digest);
      std::string sha1 = hex_digest(Json(std::string(stoq::redis::string_of(*reply, "GET"))), 40);
      if (sha1.empty()) throw Error("redis: the index key " + index_key + " does not hold a sha1");
      return sha1;
    }
    throw Error("redis: get_file needs 'sha1' (or 'md5', 'sha256', 'sha512') of an archived payload");
  }

  stoq::redis::Settings settings_;
  std::unique_ptr<RedisClient> client_;
  std::string client_name_;
  std::vector<std::string> results_lists_;
  std::string archive_prefix_;
};

constexpr std::array<stoq_option_spec, 2> kConnectorOptions{{
    {"results_list", STOQ_OPTION_LIST, "stoq-results",
     "Redis list(s) each results document is RPUSHed onto (comma-separated; -O names one instead).", 0},
    {"archive_prefix", STOQ_OPTION_STRING, "stoq:archive:",
     "Key prefix of archived payloads (<prefix><sha1>) and their index keys (<prefix>md5:<md5>, ...).", 0},
}};
constexpr auto kOptions = stoq::redis::with_connection_options(kConnectorOptions);

}  // namespace stoq::plugins::connector::redis

STOQ_PLUGIN(stoq::plugins::connector::redis::RedisConnector, "redis", "0.3",
            "Save results to Redis lists and archive payloads in Redis", stoq::plugins::connector::redis::kOptions)
