#include "queue_support.hpp"

#include <algorithm>
#include <cstdlib>

namespace stoq::queue_support {

bool Backoff::wait(Stoq& stoq) {
  if (stoq.wait_for_stop(delay_)) return false;
  delay_ = std::min(kLast, delay_ * 2);
  return true;
}

std::string secret(const Options& options, const std::string& name) {
  std::string variable = options.has(name + "_env") ? options.get_string(name + "_env") : std::string();
  if (!variable.empty()) {
    if (const char* value = std::getenv(variable.c_str())) return value;
  }
  return options.has(name) ? options.get_string(name) : std::string();
}

std::optional<Json> parse_message(std::string_view body, std::string& error) {
  Json message = Json::parse(body, nullptr, false);
  if (message.is_discarded()) {
    error = "the message is not JSON";
    return std::nullopt;
  }
  if (!message.is_object()) {
    error = "the message is not a JSON object";
    return std::nullopt;
  }
  return message;
}

Json error_message(std::optional<Json> message, std::string_view body, const std::string& error) {
  Json copy = message ? std::move(*message) : Json{{"message", std::string(body)}};
  copy["err"] = error;
  return copy;
}

std::string consumed_queue(const RunOptions& run) {
  std::string queue = run.source_queue.empty() ? run.worker : run.source_queue;
  return run.consume_errors ? queue + "-errors" : queue;
}

std::string redact_url(std::string_view url) {
  std::size_t scheme = url.find("://");
  std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  std::size_t at = url.find('@', start);
  if (at == std::string_view::npos) return std::string(url);
  std::size_t colon = url.find(':', start);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

}  // namespace stoq::queue_support
