#include "http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <system_error>

namespace stoq::http {
namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trim(std::string_view text) {
  const auto* first = std::find_if_not(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
  const auto* last =
      std::find_if_not(text.rbegin(), text.rend(), [](unsigned char c) { return std::isspace(c); }).base();
  return first < last ? std::string(first, last) : std::string();
}

// What a transfer collects; the callbacks get it through CURLOPT_*DATA.
struct Sink {
  Response response;
  std::size_t limit = 0;
  bool over_limit = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t length = size * count;
  if (sink->limit != 0 && sink->response.body.size() + length > sink->limit) {
    sink->over_limit = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  sink->response.body.append(data, length);
  return length;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t length = size * count;
  std::string_view line(data, length);
  if (line.rfind("HTTP/", 0) == 0) {
    sink->response.headers.clear();  // a new answer (after 100 Continue): only the final one counts
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    sink->response.headers.emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
  }
  return length;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

void append(Slist& list, const char* line) {
  curl_slist* head = curl_slist_append(list.get(), line);  // the same head, or a new one when `list` was empty
  if (head == nullptr) throw Error("libcurl could not add a header");
  if (head != list.get()) list.reset(head);
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

Easy new_easy() {
  global_init_once();
  Easy easy(curl_easy_init());
  if (!easy) throw Error("libcurl could not create a handle");
  return easy;
}

// The options every transfer gets: safe in threads, http(s) only, no redirects.
void set_common(CURL* easy, const std::string& url, std::chrono::milliseconds timeout,
                std::chrono::milliseconds connect_timeout, bool verify_tls, char* error_buffer) {
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts: we are one thread of many
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(connect_timeout, timeout).count()));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, verify_tls ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, verify_tls ? 2L : 0L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "stoq");
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  error_buffer[0] = '\0';
}

// Throws what a failed transfer means (see the header's Errors).
[[noreturn]] void throw_failure(CURL* easy, CURLcode code, const std::string& url, const char* error_buffer) {
  const std::string endpoint = endpoint_of(url);
  if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_BAD_FUNCTION_ARGUMENT) {
    throw Error(endpoint + ": not a usable http(s) URL (" + curl_easy_strerror(code) + ")");
  }
  std::string reason = curl_easy_strerror(code);
  if (code == CURLE_COULDNT_CONNECT) {
    long os_error = 0;
    curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_error);
    if (os_error != 0) reason += " (" + std::system_category().message(static_cast<int>(os_error)) + ")";
  } else if (error_buffer[0] != '\0') {
    reason = error_buffer;  // more precise: "SSL certificate problem: ...", "Operation timed out after ..."
  }
  throw TransportError(endpoint + ": " + reason);
}

}  // namespace

std::string Response::header(std::string_view name) const {
  const std::string wanted = lower(name);
  for (const auto& [key, value] : headers) {
    if (key == wanted) return value;
  }
  return {};
}

std::string endpoint_of(std::string_view url) {
  std::string_view rest = url;
  std::string port = "80";
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    if (lower(rest.substr(0, scheme)) == "https") port = "443";
    rest.remove_prefix(scheme + 3);
  }
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);  // user:password@
  std::string_view host = rest;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    auto close = rest.find(']');
    host = rest.substr(0, close == std::string_view::npos ? rest.size() : close + 1);
    if (close != std::string_view::npos && close + 1 < rest.size() && rest[close + 1] == ':') {
      port = std::string(rest.substr(close + 2));
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = std::string(rest.substr(colon + 1));
  }
  return std::string(host) + ":" + port;
}

struct HttpClient::Handle {
  Easy easy = new_easy();
};

HttpClient::HttpClient() : handle_(std::make_unique<Handle>()) {}
HttpClient::~HttpClient() = default;

void HttpClient::disconnect() { handle_ = std::make_unique<Handle>(); }

Response HttpClient::perform(const Request& request) {
  CURL* easy = handle_->easy.get();
  curl_easy_reset(easy);  // forgets the last request's options, keeps the live connections
  char error_buffer[CURL_ERROR_SIZE];
  set_common(easy, request.url, request.timeout, request.connect_timeout, request.verify_tls, error_buffer);
  if (!request.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, request.ca_file.c_str());

  const std::string& method = request.method;
  if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (method == "GET" && request.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
    if (method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  Slist headers;
  bool has_expect = false;
  for (const std::string& header : request.headers) {
    has_expect = has_expect || lower(header).rfind("expect:", 0) == 0;
    append(headers, header.c_str());
  }
  if (!has_expect) append(headers, "Expect:");  // no "100-continue" round trip before large bodies
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());

  if (!request.user_password.empty()) curl_easy_setopt(easy, CURLOPT_USERPWD, request.user_password.c_str());
  if (!request.aws_sigv4.empty()) {
    curl_easy_setopt(easy, CURLOPT_AWS_SIGV4, request.aws_sigv4.c_str());
  } else if (!request.user_password.empty()) {
    curl_easy_setopt(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
  }

  Sink sink;
  sink.limit = request.max_response_bytes;
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &sink);

  CURLcode code = curl_easy_perform(easy);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);  // `headers` dies here; the handle lives on
  if (sink.over_limit) {
    throw Error(endpoint_of(request.url) + ": the answer is larger than " + std::to_string(request.max_response_bytes) +
                " bytes");
  }
  if (code != CURLE_OK) throw_failure(easy, code, request.url, error_buffer);
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &sink.response.status);
  return std::move(sink.response);
}

void HttpClient::check_reachable(const std::string& url, std::chrono::milliseconds timeout, bool verify_tls) {
  Easy easy = new_easy();  // its own handle: a connect-only connection is not reusable for requests
  char error_buffer[CURL_ERROR_SIZE];
  set_common(easy.get(), url, timeout, timeout, verify_tls, error_buffer);
  curl_easy_setopt(easy.get(), CURLOPT_CONNECT_ONLY, 1L);
  CURLcode code = curl_easy_perform(easy.get());
  if (code != CURLE_OK) throw_failure(easy.get(), code, url, error_buffer);
}

}  // namespace stoq::http
