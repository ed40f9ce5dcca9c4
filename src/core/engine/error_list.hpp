// The `errors` list of a results document being built: one entry per failure, naming
// the plugin (or limit) and the payload it concerns.
#pragma once

#include <cstddef>
#include <string>

#include "stoq/json.hpp"

namespace stoq::engine {

struct ErrorList {
  Json list = Json::array();
  /// {"plugin": plugin, "payload_id": id, "error": message}
  void add(const std::string& plugin, const std::string& message, std::size_t payload_id = 0) {
    list.push_back(Json{{"plugin", plugin}, {"payload_id", payload_id}, {"error", message}});
  }
};

}  // namespace stoq::engine
