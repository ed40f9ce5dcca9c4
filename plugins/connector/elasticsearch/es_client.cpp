#include "es_client.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "queue_support.hpp"

namespace stoq::plugins::connector::elasticsearch {
namespace {

// connect_opts_dict keys this plugin reads; any other is reported once and ignored.
constexpr std::array<std::string_view, 7> kUsedKeys{"port",     "use_ssl", "verify_certs", "http_auth",
                                                    "ca_certs", "scheme",  "url_prefix"};

bool truthy(const Json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) return value.get<double>() != 0;
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text == "true" || text == "1" || text == "yes" || text == "on";
  }
  return false;
}

std::string text_of(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return {};
  return value.dump();
}

std::string one_line(std::string text, std::size_t limit) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  if (text.size() > limit) text = text.substr(0, limit) + "...";
  return text;
}

// "http(s)://host:port" for one connect_host_list entry: a URL as given, "host:port",
// or "host" with the port of connect_opts_dict.
std::string base_url_of(std::string host, const std::string& scheme, const std::string& port,
                        const std::string& prefix) {
  if (host.find("://") == std::string::npos) {
    std::size_t colons = std::count(host.begin(), host.end(), ':');
    if (colons > 1 && host.front() != '[') host = "[" + host + "]";  // a bare IPv6 address
    bool has_port = colons == 1 || (host.front() == '[' && host.find("]:") != std::string::npos);
    host = scheme + "://" + host + (has_port ? "" : ":" + port) + prefix;
  }
  while (!host.empty() && host.back() == '/') host.pop_back();
  return host;
}

}  // namespace

Settings settings_from(const Options& options) {
  Settings settings;
  const Json& connect = options.get_dict("connect_opts_dict");
  for (const auto& item : connect.items()) {
    if (std::find(kUsedKeys.begin(), kUsedKeys.end(), item.key()) == kUsedKeys.end()) {
      settings.ignored_keys.push_back(item.key());
    }
  }
  std::string port = connect.contains("port") ? text_of(connect["port"]) : "9200";
  if (port.empty() || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      port.size() > 5 || std::stoi(port) < 1 || std::stoi(port) > 65535) {
    throw Error("connect_opts_dict: port must be 1..65535, got " + port);
  }
  std::string scheme = connect.contains("scheme") ? text_of(connect["scheme"]) : "http";
  if (connect.contains("use_ssl") && truthy(connect["use_ssl"])) scheme = "https";
  if (scheme != "http" && scheme != "https") throw Error("connect_opts_dict: scheme must be http or https");
  std::string prefix = connect.contains("url_prefix") ? text_of(connect["url_prefix"]) : "";
  if (!prefix.empty() && prefix.front() != '/') prefix.insert(0, "/");
  settings.verify_tls = !connect.contains("verify_certs") || truthy(connect["verify_certs"]);
  if (connect.contains("ca_certs")) settings.ca_file = text_of(connect["ca_certs"]);

  if (std::string url = options.get_string("url"); !url.empty()) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      throw Error("url must start with http:// or https://, got " + queue_support::redact_url(url));
    }
    settings.base_urls.push_back(base_url_of(url, scheme, port, prefix));
  } else {
    for (const std::string& host : options.get_list("connect_host_list")) {
      if (!host.empty()) settings.base_urls.push_back(base_url_of(host, scheme, port, prefix));
    }
  }
  if (settings.base_urls.empty()) throw Error("connect_host_list names no host (and url is empty)");

  // http_auth: "user:password" (or the Python client's [user, password]).
  std::string user;
  std::string password;
  if (connect.contains("http_auth")) {
    const Json& auth = connect["http_auth"];
    std::string pair = auth.is_array() && auth.size() == 2 ? text_of(auth[0]) + ":" + text_of(auth[1]) : text_of(auth);
    auto colon = pair.find(':');
    user = pair.substr(0, colon);
    password = colon == std::string::npos ? "" : pair.substr(colon + 1);
  }
  if (std::string from_env = queue_support::secret(options, "password"); !from_env.empty()) {
    password = from_env;
    if (user.empty()) user = "elastic";  // Elasticsearch's built-in superuser
  }
  if (!user.empty()) settings.user_password = user + ":" + password;

  std::int64_t timeout = options.get_int("es_timeout");
  if (timeout < 1 || timeout > 3600) throw Error("es_timeout must be 1..3600 seconds, got " + std::to_string(timeout));
  settings.timeout = std::chrono::seconds(timeout);
  std::int64_t retries = options.get_int("es_max_retries");
  if (retries < 0 || retries > 1000) throw Error("es_max_retries must be 0..1000, got " + std::to_string(retries));
  settings.attempts = options.get_bool("es_retry") ? static_cast<int>(retries) + 1 : 1;
  return settings;
}

std::string error_text(std::string_view body) {
  Json answer = Json::parse(body, nullptr, false);
  if (answer.is_object() && answer.contains("error")) {
    const Json& error = answer["error"];
    if (error.is_object()) {
      std::string text = text_of(error.value("type", Json())) + ": " + text_of(error.value("reason", Json()));
      return one_line(text, 300);
    }
    return one_line(text_of(error), 300);
  }
  return body.empty() ? std::string("(empty answer)") : one_line(std::string(body), 300);
}

std::vector<ItemResult> parse_bulk_answer(std::string_view body, std::size_t count) {
  Json answer = Json::parse(body, nullptr, false);
  if (!answer.is_object() || !answer.contains("items") || !answer["items"].is_array()) {
    throw Refused("the _bulk answer is not an Elasticsearch bulk response: " + one_line(std::string(body), 200));
  }
  const Json& items = answer["items"];
  if (items.size() != count) {
    throw Refused("the _bulk answer has " + std::to_string(items.size()) + " items for " + std::to_string(count) +
                  " documents");
  }
  std::vector<ItemResult> results;
  for (const Json& item : items) {
    // {"index": {"_index", "_id", "status", "error": {"type", "reason"}}}: one action key.
    const Json& action = item.is_object() && !item.empty() ? item.begin().value() : item;
    ItemResult result;
    if (!action.is_object()) {
      result.error = "malformed item " + one_line(item.dump(), 200);
    } else {
      result.id = text_of(action.value("_id", Json()));
      const int status = action.value("status", 0);
      if (action.contains("error")) {
        result.error = error_text(Json{{"error", action["error"]}}.dump());
      } else if (status >= 300) {
        result.error = "status " + std::to_string(status);
      }
    }
    results.push_back(std::move(result));
  }
  return results;
}

void EsClient::check() {
  const std::string& base = settings_.base_urls.front();
  http::Request request;
  request.url = base + "/";
  request.headers = {"Accept: application/json"};
  request.timeout = settings_.timeout;
  request.verify_tls = settings_.verify_tls;
  request.ca_file = settings_.ca_file;
  request.user_password = settings_.user_password;
  request.max_response_bytes = 1 << 20;
  http::Response response;
  try {
    response = http_.perform(request);
  } catch (const http::TransportError& e) {
    throw Error(std::string("cannot connect to ") + e.what());
  }
  if (response.status >= 400) {
    throw Error("cannot use " + http::endpoint_of(base) + ": GET / answered " + std::to_string(response.status) + " " +
                error_text(response.body));
  }
  Json about = Json::parse(response.body, nullptr, false);
  if (about.is_object() && about.contains("version") && about["version"].is_object()) {
    log_.debug("Elasticsearch " + text_of(about["version"].value("number", Json())) + " at " + http::endpoint_of(base));
  }
}

std::vector<ItemResult> EsClient::bulk(std::string_view ndjson, std::size_t count) {
  queue_support::Backoff backoff;
  std::string failure;
  int attempt = 1;
  for (;; ++attempt) {
    const std::string& base = settings_.base_urls[host_ % settings_.base_urls.size()];
    const std::string endpoint = http::endpoint_of(base);
    http::Request request;
    request.method = "POST";
    request.url = base + "/_bulk";
    request.headers = {"Content-Type: application/x-ndjson", "Accept: application/json"};
    request.body = ndjson;
    request.timeout = settings_.timeout;
    request.verify_tls = settings_.verify_tls;
    request.ca_file = settings_.ca_file;
    request.user_password = settings_.user_password;
    request.max_response_bytes = std::size_t{64} << 20;
    try {
      http::Response response = http_.perform(request);
      if (response.status != 429 && response.status < 500) {
        if (response.status >= 300) {
          throw Refused(endpoint + " answered " + std::to_string(response.status) +
                        " to POST /_bulk: " + error_text(response.body));
        }
        return parse_bulk_answer(response.body, count);
      }
      failure =
          endpoint + " answered " + std::to_string(response.status) + " to POST /_bulk: " + error_text(response.body);
    } catch (const http::TransportError& e) {
      failure = std::string("cannot connect to ") + e.what();
      http_.disconnect();
    }
    ++host_;  // round robin: the next attempt goes to the next host
    if (attempt == settings_.attempts) break;
    log_.warn(failure + "; retrying in " + std::to_string(backoff.next_delay().count()) + " ms (attempt " +
              std::to_string(attempt + 1) + " of " + std::to_string(settings_.attempts) + ")");
    if (!backoff.wait(stoq_)) {
      failure += " (no retry: stoq is stopping)";
      break;
    }
  }
  throw Error(failure + " (" + std::to_string(attempt) + (attempt == 1 ? " attempt)" : " attempts)"));
}

}  // namespace stoq::plugins::connector::elasticsearch
