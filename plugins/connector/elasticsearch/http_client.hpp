// A small synchronous HTTP client over libcurl, shared by the connectors that speak HTTP
// (elasticsearch, slack; compiled into each module that uses it).
//
// One HttpClient is one libcurl easy handle, owned by one thread (plugin.hpp THREADING
// CONTRACT): it keeps its connections alive between requests. It knows nothing of the
// services: method, URL, headers, body, timeout, credentials in; status, headers, body
// out.
//
// Errors:
//   * TransportError: no HTTP answer (refused, unresolvable, timed out, TLS failure,
//     connection reset). Retrying may help.
//   * stoq::Error: the request itself is wrong (a malformed URL), or the answer was
//     larger than max_response_bytes.
// An HTTP error status is NOT an exception: the caller decides what 4xx/5xx mean.
//
// Secrets: messages name the endpoint as host:port only. A URL may hold a secret (a
// Slack webhook's path, user:password@), so no message of this client contains it.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stoq/error.hpp"

namespace stoq::http {

struct Request {
  std::string method = "GET";  // any verb; HEAD sends no body and reads none
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  /// Sent as is (not copied): it must outlive perform(). Empty: no body (GET, HEAD) or
  /// Content-Length: 0 (other methods).
  std::string_view body;
  /// The whole exchange, connection included.
  std::chrono::milliseconds timeout{30'000};
  std::chrono::milliseconds connect_timeout{10'000};
  /// TLS: check the server's certificate and name (false: accept any, for test clusters).
  bool verify_tls = true;
  /// TLS: a CA bundle (PEM) to trust instead of the system's; empty: the system's.
  std::string ca_file;
  /// Basic authentication "user:password" (empty: none). Never logged.
  std::string user_password;
  /// libcurl's CURLOPT_AWS_SIGV4, e.g. "aws:amz:us-east-1:s3" (empty: none); the key
  /// pair goes in user_password as "access_key:secret_key".
  std::string aws_sigv4;
  /// Answers larger than this are abandoned with stoq::Error (0: no limit).
  std::size_t max_response_bytes = 0;
};

struct Response {
  long status = 0;
  std::string body;
  /// The final answer's headers, names in lower case, in order.
  std::vector<std::pair<std::string, std::string>> headers;
  /// The value of the first header `name` (any case), or "" when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
};

/// No HTTP answer came. what() is one line: "<host:port>: <libcurl's reason>".
class TransportError : public Error {
 public:
  using Error::Error;
};

/// "host:port" of an http(s) URL (the port filled in from the scheme when absent), for
/// messages: no scheme, credentials, path or query.
std::string endpoint_of(std::string_view url);

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `request` and reads the whole answer. Throws TransportError or stoq::Error
  /// (see the top of this file); any HTTP status is returned.
  Response perform(const Request& request);

  /// Opens a connection to the server of `url` (TCP, plus the TLS handshake for https)
  /// without sending a request: a start-up check for services where any request would
  /// have an effect (a webhook). Throws TransportError.
  void check_reachable(const std::string& url, std::chrono::milliseconds timeout, bool verify_tls = true);

  /// Closes the kept-alive connections (the next perform() opens a new one).
  void disconnect();

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
};

}  // namespace stoq::http
