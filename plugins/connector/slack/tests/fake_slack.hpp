// Tests only: a fake Slack incoming webhook on FakeServer. POST <path> with a JSON body
// {"text": ...} is answered 200 "ok" as Slack does, unless answers were scripted (429
// with Retry-After, 404 no_service, ...). A body that is not JSON with a string "text"
// gets 400 invalid_payload, as from Slack.
#pragma once

#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fake_http_server.hpp"

namespace fake_slack {

struct Answer {
  int status = 200;
  std::string body = "ok";
  std::string retry_after;  // Retry-After header, when not empty
};

class FakeSlack {
 public:
  /// The webhook's path: unguessable in real life, and what must never be printed.
  static constexpr const char* kPath = "/services/T000/B000/SECRETxPATHx42";

  FakeSlack() {
    server_.respond([this](const fake_http::Recorded& request, httplib::Response& response) {
      Answer answer = next(request);
      response.status = answer.status;
      if (!answer.retry_after.empty()) response.set_header("Retry-After", answer.retry_after);
      response.set_content(answer.body, "text/html");
    });
  }

  [[nodiscard]] std::string url() const { return server_.url() + kPath; }
  [[nodiscard]] int port() const { return server_.port(); }
  [[nodiscard]] const fake_http::FakeServer& server() const { return server_; }

  /// The next posts get these answers, in order; then 200 "ok" again.
  void answer_next(Answer answer) {
    std::lock_guard lock(mutex_);
    scripted_.push_back(std::move(answer));
  }
  /// The texts of the posts answered "ok" (the messages the channel shows).
  [[nodiscard]] std::vector<std::string> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  Answer next(const fake_http::Recorded& request) {
    std::lock_guard lock(mutex_);
    if (request.method != "POST" || request.path != kPath) return {404, "no_service", ""};
    if (!scripted_.empty()) {
      Answer answer = scripted_.front();
      scripted_.pop_front();
      return answer;
    }
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    auto type = request.headers.find("content-type");
    if (!body.is_object() || !body.contains("text") || !body["text"].is_string() || type == request.headers.end() ||
        type->second.rfind("application/json", 0) != 0) {
      return {400, "invalid_payload", ""};
    }
    messages_.push_back(body["text"].get<std::string>());
    return {};
  }

  mutable std::mutex mutex_;
  std::deque<Answer> scripted_;
  std::vector<std::string> messages_;
  fake_http::FakeServer server_;  // last: stopped first, while what it answers from still exists
};

}  // namespace fake_slack
