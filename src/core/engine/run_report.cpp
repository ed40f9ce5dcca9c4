#include "engine/run_report.hpp"

#include <cstdio>

namespace stoq::engine {
namespace {

std::string text_of(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// `text` with every occurrence of `name` replaced by "<payload>": the reasons of one
// failure on different payloads often quote the payload, and are the same reason.
std::string without_name(std::string text, const std::string& name) {
  if (name.empty()) return text;
  for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at + 9)) {
    text.replace(at, name.size(), "<payload>");
  }
  return text;
}

}  // namespace

std::string summary_line(const RunCounters& counters, std::chrono::steady_clock::duration elapsed,
                         const std::string& ending) {
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.1f s", std::chrono::duration<double>(elapsed).count());
  const std::uint64_t payloads = counters.payloads.load();
  return "stoq: " + std::to_string(payloads) + (payloads == 1 ? " payload, " : " payloads, ") +
         std::to_string(counters.saved.load()) + " saved, " + std::to_string(counters.with_errors.load()) +
         " with errors, " + std::to_string(counters.skipped_by_tlp.load()) + " skipped by TLP, " + seconds + ending;
}

std::string payload_name(const Json& document, const Json& error_entry) {
  std::size_t id = 0;
  if (auto found = error_entry.find("payload_id"); found != error_entry.end() && found->is_number_unsigned()) {
    id = found->get<std::size_t>();
  }
  if (document.is_object()) {
    auto results = document.find("results");
    if (results != document.end() && results->is_array() && id < results->size()) {
      const Json& entry = (*results)[id];
      for (const char* key : {"path", "filename", "sha1"}) {
        std::string name = text_of(entry, key);
        if (!name.empty()) return name;
      }
    }
  }
  return "payload " + std::to_string(id);
}

void log_plugin_failures(const Json& errors, const Json& document, logging::RepeatLimiter& limiter) {
  if (!errors.is_array()) return;
  for (const Json& error : errors) {
    std::string plugin = text_of(error, "plugin");
    std::string reason = error.is_object() && error.contains("error")
                             ? (error["error"].is_string() ? error["error"].get<std::string>() : error["error"].dump())
                             : error.dump();
    std::string name = payload_name(document, error);
    std::string line = (plugin.empty() ? "a plugin" : plugin) + " failed on " + name + ": " + reason;
    limiter.log(logging::Level::Warning, plugin + '\x1f' + without_name(reason, name), logging::one_line(line));
  }
}

}  // namespace stoq::engine
