// connector:elasticsearch: indexes results documents in Elasticsearch through the _bulk
// API (libcurl), with the original plugin's options.
//
//   results   the document, as is ({"index": {"_index": <index>}} then the one-line
//             document); returns the _id Elasticsearch gave it.
//   text (-T) a rendered template that is a JSON object is indexed as that object;
//             any other text as {"text": <text>}.
//   archive   refused: Elasticsearch is no payload store (use -A file, redis, s3...).
//
// <index> is es_index_name, else the worker's name (kwargs "index"), in lower case, plus
// -YYYY.MM.DD / -YYYY.MM / -YYYY (UTC) when date_suffix is day / month / year, or -YYYY.MM.DD
// with --use-date. Keys holding '.' are left alone (Elasticsearch reads them as object
// paths): the sanitize decorator (-P sanitize) renames them.
//
// bulk = False: one _bulk request per save(). bulk = True: the documents of all worker
// threads share one buffer (bulk_queue.hpp) and save() returns once the request holding
// its document was answered, so nothing is acknowledged before it is stored.
// Every failure throws (after the retries of es_client.hpp): the framework then does not
// acknowledge the message. A retried request whose first answer was lost may index a
// document twice (at least once).
#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <ctime>
#include <memory>

#include "bulk_queue.hpp"
#include "es_client.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::connector::elasticsearch {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The original wrote "False"/"None" for "not set" (es_index_name = False).
std::string unless_disabled(const std::string& value) {
  const std::string folded = lower(value);
  return folded == "false" || folded == "none" ? std::string() : value;
}

// "-2024.05.31", "-2024.05" or "-2024" for today (UTC).
std::string date_text(const std::string& suffix) {
  const char* format = suffix == "year" ? "-%Y" : suffix == "month" ? "-%Y.%m" : "-%Y.%m.%d";
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::size_t length = std::strftime(text, sizeof(text), format, &utc);
  return {text, length};
}

}  // namespace

class ElasticsearchConnector final : public Connector {
 public:
  bool activate(Stoq& stoq) override {
    settings_ = settings_from(options());
    index_name_ = unless_disabled(options().get_string("es_index_name"));
    date_suffix_ = lower(unless_disabled(options().get_string("date_suffix")));
    if (!date_suffix_.empty() && date_suffix_ != "day" && date_suffix_ != "month" && date_suffix_ != "year") {
      throw Error("date_suffix must be day, month or year (or empty), got " + date_suffix_);
    }
    warn_about_ignored_keys();
    client_ = std::make_unique<EsClient>(settings_, stoq, log());
    client_->check();  // one line naming host:port when the first host is unreachable

    if (options().get_bool("bulk")) {
      BulkQueue::Limits limits;
      std::int64_t size = options().get_int("bulk_size");
      std::int64_t interval = options().get_int("bulk_interval");
      if (size < 1 || size > 100'000) throw Error("bulk_size must be 1..100000, got " + std::to_string(size));
      if (interval < 0 || interval > 86'400) {
        throw Error("bulk_interval must be 0..86400 seconds, got " + std::to_string(interval));
      }
      limits.size = static_cast<std::size_t>(size);
      limits.interval = std::chrono::seconds(interval);
      queue_ = BulkQueue::shared(options().all().dump(), limits);
      queue_->attach();
      heartbeat_client_ = std::make_unique<EsClient>(settings_, stoq, log());
    }
    return true;
  }

  void disconnect() override { client_->disconnect(); }

  void deactivate() override {
    if (!queue_ || detached_) return;
    detached_ = true;
    queue_->detach();
    // Documents of other instances' waiting saves may still be in the open batch.
    queue_->flush([this](std::string_view ndjson, std::size_t count) { return client_->bulk(ndjson, count); });
  }

  [[nodiscard]] bool wants_heartbeat() const override { return queue_ != nullptr; }
  void heartbeat() override {
    const BulkQueue::Sender send = [this](std::string_view ndjson, std::size_t count) {
      return heartbeat_client_->bulk(ndjson, count);
    };
    while (!stoq().wait_for_stop(std::chrono::milliseconds(100))) queue_->flush_if_due(send);
  }

  Json save(const Content& payload, const Json& kwargs) override {
    if (auto archive = kwargs.find("archive");
        archive != kwargs.end() && archive->is_boolean() && archive->get<bool>()) {
      throw Error("elasticsearch does not archive payloads: use another connector with -A (file, redis, ...)");
    }
    const std::string index = index_for(kwargs);
    std::string lines = Json{{"index", {{"_index", index}}}}.dump() + "\n" + source_of(payload) + "\n";
    ItemResult result;
    if (queue_) {
      result = queue_->add_and_wait(
          lines, stoq(), [this](std::string_view ndjson, std::size_t count) { return client_->bulk(ndjson, count); });
    } else {
      result = client_->bulk(lines, 1).at(0);
    }
    if (!result.error.empty()) throw Error("index " + index + " refused the document: " + result.error);
    return result.id;
  }

 private:
  // Once per process, not once per worker thread.
  void warn_about_ignored_keys() const {
    static std::atomic<bool> warned{false};
    if (settings_.ignored_keys.empty() || warned.exchange(true)) return;
    std::string keys;
    for (const std::string& key : settings_.ignored_keys) keys += (keys.empty() ? "" : ", ") + key;
    log().warn("connect_opts_dict: ignoring " + keys +
               " (options of the Python client; this plugin reads port, use_ssl, verify_certs, ca_certs, "
               "http_auth, scheme and url_prefix)");
  }

  [[nodiscard]] std::string index_for(const Json& kwargs) const {
    std::string index = index_name_;
    if (index.empty()) {
      auto worker = kwargs.find("index");
      index = worker != kwargs.end() && worker->is_string() ? worker->get<std::string>() : "stoq";
    }
    std::string suffix = date_suffix_;
    auto use_date = kwargs.find("use_date");
    if (suffix.empty() && use_date != kwargs.end() && use_date->is_boolean() && use_date->get<bool>()) suffix = "day";
    return lower(index) + (suffix.empty() ? "" : date_text(suffix));
  }

  // The document as one line of JSON (invalid UTF-8 replaced: Elasticsearch refuses it).
  static std::string source_of(const Content& payload) {
    constexpr auto kReplace = Json::error_handler_t::replace;
    switch (payload.kind()) {
      case Content::Kind::Results: return payload.json().dump(-1, ' ', false, kReplace);
      case Content::Kind::Text: {
        Json parsed = Json::parse(payload.text(), nullptr, false);
        if (parsed.is_object()) return parsed.dump(-1, ' ', false, kReplace);
        return Json{{"text", std::string(payload.text())}}.dump(-1, ' ', false, kReplace);
      }
      case Content::Kind::Binary: break;
    }
    throw Error("elasticsearch saves results or text, not payload bytes");
  }

  Settings settings_;
  std::string index_name_;
  std::string date_suffix_;
  std::unique_ptr<EsClient> client_;
  std::unique_ptr<EsClient> heartbeat_client_;  // the heartbeat thread's own connection
  std::shared_ptr<BulkQueue> queue_;            // bulk = True only
  bool detached_ = false;                       // deactivate() ran
};

constexpr std::array<stoq_option_spec, 12> kOptions{{
    {"connect_host_list", STOQ_OPTION_LIST, "localhost",
     "Elasticsearch hosts (host, host:port or http(s)://host:port), tried round robin on failures.", 0},
    {"connect_opts_dict", STOQ_OPTION_DICT, "{\"port\": 9200}",
     "Connection options: port, use_ssl, verify_certs, ca_certs, http_auth (\"user:password\"), url_prefix.", 0},
    {"url", STOQ_OPTION_STRING, "",
     "Base URL of Elasticsearch (e.g. https://es:9200); when set it replaces connect_host_list, port and use_ssl.", 0},
    {"password_env", STOQ_OPTION_STRING, "STOQ_ELASTICSEARCH_PASSWORD",
     "Environment variable holding the http_auth password; when it is set it wins (user: http_auth's, else elastic).",
     0},
    {"es_timeout", STOQ_OPTION_INT, "60", "Seconds one Elasticsearch request may take.", 0},
    {"es_retry", STOQ_OPTION_BOOL, "True", "Retry a request that failed with 429, 5xx or a connection error.", 0},
    {"es_max_retries", STOQ_OPTION_INT, "10", "How many times a failed request is retried (es_retry = True).", 0},
    {"date_suffix", STOQ_OPTION_STRING, "",
     "Date appended to the index name (UTC): day (-YYYY.MM.DD), month (-YYYY.MM), year (-YYYY); empty: none.", 0},
    {"bulk", STOQ_OPTION_BOOL, "False", "Send the documents of all worker threads together in bulk requests.", 0},
    {"bulk_interval", STOQ_OPTION_INT, "10",
     "bulk = True: seconds the oldest waiting document may wait before the request is sent.", 0},
    {"bulk_size", STOQ_OPTION_INT, "500", "bulk = True: documents per bulk request.", 0},
    {"es_index_name", STOQ_OPTION_STRING, "",
     "One index for every document (empty: an index per worker, named after it).", 0},
}};

}  // namespace stoq::plugins::connector::elasticsearch

STOQ_PLUGIN(stoq::plugins::connector::elasticsearch::ElasticsearchConnector, "elasticsearch", "0.8",
            "Saves results to Elasticsearch indices through the _bulk API",
            stoq::plugins::connector::elasticsearch::kOptions)
