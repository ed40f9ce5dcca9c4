// Tests only: a fake Elasticsearch on FakeServer. It implements what the connector uses
// as Elasticsearch 8 does: GET / (cluster info), POST /_bulk (NDJSON action/source pairs,
// a trailing newline required, Content-Type application/x-ndjson; answers took/errors/
// items), with scripted faults: HTTP statuses for the next requests, refused items, a
// required Authorization header.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fake_http_server.hpp"

namespace fake_es {

using Json = nlohmann::ordered_json;

struct Document {
  std::string index;
  Json source;
  std::string id;
};

class FakeElasticsearch {
 public:
  FakeElasticsearch() {
    server_.respond(
        [this](const fake_http::Recorded& request, httplib::Response& response) { answer(request, response); });
  }

  [[nodiscard]] int port() const { return server_.port(); }
  [[nodiscard]] std::string url() const { return server_.url(); }
  [[nodiscard]] const fake_http::FakeServer& server() const { return server_; }

  /// The next `times` POST /_bulk answer `status` (an error body) and store nothing.
  void fail_next(int status, int times) {
    std::lock_guard lock(mutex_);
    for (int i = 0; i < times; ++i) failures_.push_back(status);
  }
  /// Documents for which `refuse` holds get a mapper_parsing_exception item (errors: true).
  void refuse_items_where(std::function<bool(const Json& source)> refuse) {
    std::lock_guard lock(mutex_);
    refuse_ = std::move(refuse);
  }
  /// Requests without this exact Authorization header get 401 (empty: no check).
  void require_authorization(std::string header) {
    std::lock_guard lock(mutex_);
    authorization_ = std::move(header);
  }

  /// Every document stored, in arrival order.
  [[nodiscard]] std::vector<Document> documents() const {
    std::lock_guard lock(mutex_);
    return documents_;
  }
  /// Documents per POST /_bulk that was answered 200, in order.
  [[nodiscard]] std::vector<std::size_t> bulk_sizes() const {
    std::lock_guard lock(mutex_);
    return bulk_sizes_;
  }

 private:
  static void error(httplib::Response& response, int status, const std::string& type, const std::string& reason) {
    response.status = status;
    response.set_content(Json{{"error", {{"type", type}, {"reason", reason}}}, {"status", status}}.dump(),
                         "application/json");
  }

  void answer(const fake_http::Recorded& request, httplib::Response& response) {
    std::lock_guard lock(mutex_);
    if (!authorization_.empty()) {
      auto given = request.headers.find("authorization");
      if (given == request.headers.end() || given->second != authorization_) {
        error(response, 401, "security_exception", "missing authentication credentials");
        return;
      }
    }
    if (request.method == "GET" && request.path == "/") {
      Json about = {{"name", "fake"}, {"version", {{"number", "8.11.0"}}}, {"tagline", "You Know, for Search"}};
      response.set_content(about.dump(), "application/json");
      return;
    }
    if (request.method != "POST" || request.path != "/_bulk") {
      error(response, 404, "not_found", request.method + " " + request.path);
      return;
    }
    if (!failures_.empty()) {
      int status = failures_.front();
      failures_.pop_front();
      error(response, status, status == 429 ? "es_rejected_execution_exception" : "unavailable", "scripted failure");
      return;
    }
    auto type = request.headers.find("content-type");
    if (type == request.headers.end() || type->second.rfind("application/x-ndjson", 0) != 0) {
      error(response, 406, "media_type_header_exception", "Content-Type must be application/x-ndjson");
      return;
    }
    if (request.body.empty() || request.body.back() != '\n') {
      error(response, 400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]");
      return;
    }
    std::vector<std::string> lines;
    std::istringstream in(request.body);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    if (lines.size() % 2 != 0) {
      error(response, 400, "illegal_argument_exception", "an action line without its source");
      return;
    }
    Json items = Json::array();
    bool errors = false;
    for (std::size_t i = 0; i < lines.size(); i += 2) {
      Json action = Json::parse(lines[i], nullptr, false);
      Json source = Json::parse(lines[i + 1], nullptr, false);
      if (!action.is_object() || !action.contains("index") || source.is_discarded()) {
        error(response, 400, "x_content_parse_exception", "malformed line " + std::to_string(i + 1));
        return;
      }
      std::string index = action["index"].value("_index", "");
      std::string id = "fake-" + std::to_string(++next_id_);
      if (refuse_ && refuse_(source)) {
        errors = true;
        items.push_back(
            {{"index",
              {{"_index", index},
               {"_id", id},
               {"status", 400},
               {"error", {{"type", "mapper_parsing_exception"}, {"reason", "failed to parse field [x]"}}}}}});
        continue;
      }
      documents_.push_back({index, source, id});
      items.push_back({{"index", {{"_index", index}, {"_id", id}, {"result", "created"}, {"status", 201}}}});
    }
    bulk_sizes_.push_back(lines.size() / 2);
    response.set_content(Json{{"took", 3}, {"errors", errors}, {"items", items}}.dump(), "application/json");
  }

  mutable std::mutex mutex_;
  std::deque<int> failures_;
  std::function<bool(const Json&)> refuse_;
  std::string authorization_;
  std::vector<Document> documents_;
  std::vector<std::size_t> bulk_sizes_;
  std::size_t next_id_ = 0;
  fake_http::FakeServer server_;  // last: stopped first, while what it answers from still exists
};

}  // namespace fake_es
