// Tests only: an in-process HTTP server (cpp-httplib) on 127.0.0.1, on a free port, that
// records every request and answers through a function the test sets (and may change at
// any time). The fake Elasticsearch and the fake Slack webhook are built on it.
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace fake_http {

struct Recorded {
  std::string method;
  std::string path;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case (last value wins)
};

class FakeServer {
 public:
  /// Answers one request (already recorded); the default answers 404.
  using Responder = std::function<void(const Recorded& request, httplib::Response& response)>;

  FakeServer() {
    // Ordinary handlers for every path (a pre-routing handler would run before the body is read).
    auto handle = [this](const httplib::Request& request, httplib::Response& response) { answer(request, response); };
    server_.Get(".*", handle);
    server_.Post(".*", handle);
    server_.Put(".*", handle);
    server_.Delete(".*", handle);
    server_.Patch(".*", handle);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("the fake server cannot bind a port on 127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FakeServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  [[nodiscard]] int port() const { return port_; }
  /// "http://127.0.0.1:<port>"
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void respond(Responder responder) {
    std::lock_guard lock(mutex_);
    responder_ = std::move(responder);
  }
  [[nodiscard]] std::vector<Recorded> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  /// The recorded requests with this method and path.
  [[nodiscard]] std::vector<Recorded> requests(const std::string& method, const std::string& path) const {
    std::vector<Recorded> matching;
    for (Recorded& request : requests()) {
      if (request.method == method && request.path == path) matching.push_back(std::move(request));
    }
    return matching;
  }

 private:
  void answer(const httplib::Request& request, httplib::Response& response) {
    Recorded recorded{request.method, request.path, request.body, {}};
    for (const auto& [name, value] : request.headers) {
      std::string key = name;
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      recorded.headers[key] = value;
    }
    Responder responder;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(recorded);
      responder = responder_;
    }
    if (responder) {
      responder(recorded, response);
    } else {
      response.status = 404;
    }
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  Responder responder_;
  std::vector<Recorded> requests_;
};

}  // namespace fake_http
