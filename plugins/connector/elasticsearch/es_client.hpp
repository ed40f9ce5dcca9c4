// connector:elasticsearch: where the cluster is (the original plugin's options), and the
// _bulk API with its retries.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http_client.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::connector::elasticsearch {

struct Settings {
  /// "http(s)://host:port[/prefix]", no trailing slash: url, else one per connect_host_list entry.
  std::vector<std::string> base_urls;
  std::string user_password;  // basic auth "user:password", or empty; never logged
  bool verify_tls = true;
  std::string ca_file;
  std::chrono::milliseconds timeout{60'000};
  /// Attempts of one request: 1 + es_max_retries when es_retry, else 1.
  int attempts = 11;
  /// connect_opts_dict keys this plugin does not use (Python client options such as
  /// sniff_on_start), for one warning.
  std::vector<std::string> ignored_keys;
};

/// The connection options, checked: url, else connect_host_list with the port, use_ssl,
/// verify_certs, ca_certs, url_prefix and http_auth of connect_opts_dict; the password
/// from the variable named by password_env when it is set. Throws stoq::Error.
Settings settings_from(const Options& options);

/// One document's answer in a _bulk response: its _id, or why it was refused.
struct ItemResult {
  std::string id;
  std::string error;  // "type: reason"; empty when the document was stored
};

/// An answer a retry cannot fix (4xx other than 429, a response that is not a _bulk
/// answer): thrown at once, without retries.
class Refused : public Error {
 public:
  using Error::Error;
};

/// The _bulk API through one HttpClient; owned by one thread.
class EsClient {
 public:
  EsClient(const Settings& settings, Stoq& stoq, const Logger& log) : settings_(settings), stoq_(stoq), log_(log) {}

  /// GET / on the first host: throws one line naming host:port when it cannot be
  /// reached or refuses us (401, 403, ...).
  void check();

  /// POSTs `ndjson` (`count` action/document line pairs) to /_bulk. 429, 5xx and
  /// transport errors are retried (Settings::attempts, queue_support::Backoff between
  /// attempts, the next host of the list each time); then, or at once for an answer a
  /// retry cannot fix, throws stoq::Error. Returns one ItemResult per document, in order.
  std::vector<ItemResult> bulk(std::string_view ndjson, std::size_t count);

  void disconnect() { http_.disconnect(); }

 private:
  const Settings& settings_;
  Stoq& stoq_;
  const Logger& log_;
  http::HttpClient http_;
  std::size_t host_ = 0;  // the host the next request goes to
};

/// "type: reason" of an Elasticsearch error body ({"error": {"type", "reason"}}), else the
/// start of the body on one line.
std::string error_text(std::string_view body);

/// The items of a _bulk answer, checked against `count`. Throws Refused.
std::vector<ItemResult> parse_bulk_answer(std::string_view body, std::size_t count);

}  // namespace stoq::plugins::connector::elasticsearch
