// connector:slack: posts each document to a Slack incoming webhook as {"text": ...}
// (libcurl, through the shared client of connector:elasticsearch/http_client.hpp).
//
//   text (-T)  the rendered template, as is (a template writes Slack mrkdwn itself);
//   results    a one-line summary: "stoq <worker>: <filename> sha1 <sha1>, N payloads,
//              M errors" (&, <, > escaped, as Slack wants for literal text);
//   archive    refused.
// The text is cut to max_chars characters. Slack answers 200 "ok"; a 429 is retried after
// its Retry-After, a 5xx or a lost connection after queue_support::Backoff, at most
// `retries` times; any other answer (invalid_payload, no_service, ...) throws with
// Slack's reason, so the message is not acknowledged.
//
// The webhook URL is a secret (whoever has it can post): no message names more than its
// host:port.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include "http_client.hpp"
#include "queue_support.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::connector::slack {
namespace {

constexpr std::int64_t kSlackTextLimit = 40'000;  // Slack truncates longer texts itself
constexpr std::chrono::seconds kLongestRetryAfter{300};

// `text` with &, < and > escaped: Slack reads them as markup otherwise.
std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string string_at(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::string counted(std::size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

// The first `limit` characters (UTF-8 code points) of `text`, the last one "…" when cut.
std::string truncated(std::string_view text, std::size_t limit) {
  if (limit == 0) return std::string(text);
  std::size_t characters = 0;
  std::size_t keep = 0;  // bytes of the first limit-1 characters
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0U) == 0x80U) continue;  // a continuation byte
    ++characters;
    if (characters == limit) keep = i;
    if (characters > limit) return std::string(text.substr(0, keep)) + "\u2026";
  }
  return std::string(text);
}

/// The text saved for a results document (no -T).
std::string summary_of(const Json& document, const std::string& worker) {
  const Json* results = document.is_object() && document.contains("results") ? &document["results"] : nullptr;
  // With --split, the document is one entry of results.
  const Json& first = results != nullptr && results->is_array() && !results->empty() ? results->front() : document;
  std::string filename = string_at(first, "filename");
  std::string sha1 = string_at(first, "sha1");
  std::size_t payloads = results != nullptr && results->is_array() ? results->size() : 1;
  if (auto count = document.find("payloads"); count != document.end() && count->is_number_unsigned()) {
    payloads = count->get<std::size_t>();
  }
  std::size_t errors = 0;
  if (auto list = document.find("errors"); list != document.end() && list->is_array()) errors = list->size();
  std::string text = "stoq " + worker + ": " + (filename.empty() ? "payload" : filename);
  if (!sha1.empty()) text += " sha1 " + sha1;
  return escape(text + ", " + counted(payloads, "payload") + ", " + counted(errors, "error"));
}

}  // namespace

class SlackConnector final : public Connector {
 public:
  bool activate(Stoq& /*stoq*/) override {
    url_ = queue_support::secret(options(), "webhook_url");
    if (url_.empty()) {
      const std::string variable = options().get_string("webhook_url_env");
      throw Error("no Slack webhook URL: set webhook_url ([slack] in stoq.cfg, or --plugin-opt slack:webhook_url=...)" +
                  (variable.empty() ? std::string() : " or the environment variable " + variable));
    }
    if (url_.rfind("https://", 0) != 0 && url_.rfind("http://", 0) != 0) {
      throw Error("the Slack webhook URL must start with https:// (its host: " + http::endpoint_of(url_) + ")");
    }
    std::int64_t max_chars = options().get_int("max_chars");
    if (max_chars < 0 || max_chars > kSlackTextLimit) {
      throw Error("max_chars must be 0..40000, got " + std::to_string(max_chars));
    }
    max_chars_ = static_cast<std::size_t>(max_chars);
    retries_ = options().get_int("retries");
    if (retries_ < 0 || retries_ > 100) throw Error("retries must be 0..100, got " + std::to_string(retries_));
    std::int64_t timeout = options().get_int("timeout");
    if (timeout < 1 || timeout > 600) throw Error("timeout must be 1..600 seconds, got " + std::to_string(timeout));
    timeout_ = std::chrono::seconds(timeout);
    // A post would be a message: only open a connection (and the TLS handshake).
    try {
      http_.check_reachable(url_, timeout_);
    } catch (const http::TransportError& e) {
      throw Error(std::string("cannot connect to ") + e.what());
    }
    return true;
  }

  void disconnect() override { http_.disconnect(); }
  void deactivate() override { http_.disconnect(); }

  Json save(const Content& payload, const Json& kwargs) override {
    if (auto archive = kwargs.find("archive");
        archive != kwargs.end() && archive->is_boolean() && archive->get<bool>()) {
      throw Error("slack does not archive payloads: use another connector with -A (file, redis, ...)");
    }
    std::string text;
    switch (payload.kind()) {
      case Content::Kind::Text: text = std::string(payload.text()); break;
      case Content::Kind::Results: {
        auto worker = kwargs.find("index");
        text = summary_of(payload.json(), worker != kwargs.end() && worker->is_string() ? worker->get<std::string>()
                                                                                        : std::string("worker"));
        break;
      }
      case Content::Kind::Binary: throw Error("slack posts results or text, not payload bytes");
    }
    post(Json{{"text", truncated(text, max_chars_)}}.dump(-1, ' ', false, Json::error_handler_t::replace));
    return nullptr;
  }

 private:
  // POSTs `body`, retrying 429 (after Retry-After), 5xx and lost connections.
  void post(const std::string& body) {
    const std::string host = http::endpoint_of(url_);
    http::Request request;
    request.method = "POST";
    request.url = url_;
    request.headers = {"Content-Type: application/json; charset=utf-8"};
    request.body = body;
    request.timeout = timeout_;
    request.max_response_bytes = 1 << 20;
    queue_support::Backoff backoff;
    std::string failure;
    std::int64_t attempt = 1;
    for (;; ++attempt) {
      std::chrono::milliseconds delay{0};
      bool rate_limited = false;
      try {
        http::Response response = http_.perform(request);
        if (response.status >= 200 && response.status < 300) return;
        const std::string answer = host + " answered " + std::to_string(response.status) + ": " + reason(response.body);
        if (response.status != 429 && response.status < 500) throw Error(answer);
        failure = answer;
        rate_limited = response.status == 429;
        delay = rate_limited ? retry_after(response) : backoff.next_delay();
      } catch (const http::TransportError& e) {
        failure = std::string("cannot connect to ") + e.what();
        http_.disconnect();
        delay = backoff.next_delay();
      }
      if (attempt > retries_) break;
      log().warn(failure + "; retrying in " + std::to_string(delay.count()) + " ms (retry " + std::to_string(attempt) +
                 " of " + std::to_string(retries_) + ")");
      // A 429 waits what Slack asked for; anything else the Backoff's next delay (then doubled).
      const bool stopping = rate_limited ? stoq().wait_for_stop(delay) : !backoff.wait(stoq());
      if (stopping) {
        failure += " (no retry: stoq is stopping)";
        break;
      }
    }
    throw Error(failure + " (" + std::to_string(attempt) + (attempt == 1 ? " attempt)" : " attempts)"));
  }

  // Slack's reason (a short word such as invalid_payload), on one line and bounded.
  static std::string reason(std::string body) {
    std::replace_if(
        body.begin(), body.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    if (body.size() > 200) body = body.substr(0, 200) + "...";
    return body.empty() ? "(empty answer)" : body;
  }

  // Retry-After (seconds) of a 429, 1 s when absent or unreadable, at most 300 s.
  static std::chrono::milliseconds retry_after(const http::Response& response) {
    std::string value = response.header("retry-after");
    std::int64_t seconds = 1;
    if (!value.empty() && value.size() < 7 &&
        std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
      seconds = std::stoll(value);
    }
    return std::min<std::chrono::milliseconds>(std::chrono::seconds(std::max<std::int64_t>(seconds, 1)),
                                               kLongestRetryAfter);
  }

  std::string url_;  // a secret: never in a message
  std::size_t max_chars_ = 3000;
  std::int64_t retries_ = 3;
  std::chrono::milliseconds timeout_{30'000};
  http::HttpClient http_;
};

constexpr std::array<stoq_option_spec, 5> kOptions{{
    {"webhook_url", STOQ_OPTION_STRING, "",
     "Slack incoming-webhook URL (a secret: prefer webhook_url_env; only its host is ever printed).", 0},
    {"webhook_url_env", STOQ_OPTION_STRING, "STOQ_SLACK_WEBHOOK_URL",
     "Environment variable holding the webhook URL; when it is set it wins over webhook_url.", 0},
    {"max_chars", STOQ_OPTION_INT, "3000",
     "Longest text posted, in characters (longer is cut, ending in ...; 0: no limit).", 0},
    {"retries", STOQ_OPTION_INT, "3", "Retries of a post answered 429 (after Retry-After), 5xx, or without answer.", 0},
    {"timeout", STOQ_OPTION_INT, "30", "Seconds one post (or the start-up connection check) may take.", 0},
}};

}  // namespace stoq::plugins::connector::slack

STOQ_PLUGIN(stoq::plugins::connector::slack::SlackConnector, "slack", "0.1",
            "Posts results to a Slack channel through an incoming webhook", stoq::plugins::connector::slack::kOptions)
