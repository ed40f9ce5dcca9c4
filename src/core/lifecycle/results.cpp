#include "lifecycle/results.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace stoq::lifecycle {

std::string new_uuid() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uint64_t high = generator();
  std::uint64_t low = generator();
  high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;    // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof(text), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xffff),
                static_cast<unsigned>(low >> 48), static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

std::string iso_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[40];
  std::size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &local);
  std::snprintf(text + length, sizeof(text) - length, ".%06lld", static_cast<long long>(micros));
  return text;
}

Json make_source_meta(const Json& message, const Json& metadata, Json& entry) {
  Json meta = message.is_object() ? message : Json::object();
  for (const auto& [key, value] : metadata.items()) {
    if (!meta.contains(key)) meta[key] = value;
  }
  for (const char* promoted : {"filename", "magic", "ssdeep", "path", "size"}) {
    auto it = meta.find(promoted);
    if (it == meta.end()) continue;
    if (!entry.contains(promoted)) entry[promoted] = *it;
  }
  Json kept = Json::object();
  for (const auto& [key, value] : meta.items()) {
    if (entry.contains(key) && entry[key] == value) continue;
    if (key == "filename" || key == "magic" || key == "ssdeep" || key == "path" || key == "size") continue;
    kept[key] = value;
  }
  return kept;
}

namespace {

// ordered_json objects are vectors of pair<const string, json>: growing one copies
// (const keys cannot move) every value already in it, so reserve before the big ones.
void reserve_keys(Json& object, std::size_t count) { object.get_ref<Json::object_t&>().reserve(count); }

}  // namespace

Json finish_entry(Json entry, Json scan, const Json& uuids, const Json& worker, std::optional<std::size_t> size,
                  const Json& message, const Json& metadata) {
  reserve_keys(entry, entry.size() + 8);
  entry["scan"] = std::move(scan);
  entry["uuid"] = uuids;
  entry["plugin"] = worker;
  if (size) entry["size"] = *size;
  Json source_meta = make_source_meta(message, metadata, entry);
  entry["source_meta"] = std::move(source_meta);
  entry["payload_id"] = 0;
  return entry;
}

Json make_document(Json entry, const Json& worker, const std::string& tlp) {
  // Built key by key: nlohmann's initializer lists would deep-copy the entry.
  Json document = Json::object();
  reserve_keys(document, 6);
  document["results"] = Json::array();
  document["results"].push_back(std::move(entry));
  document["plugins"] = Json::object();
  document["plugins"]["0"] = worker;
  document["date"] = iso_now();
  document["tlp"] = tlp;
  document["payloads"] = 1;
  return document;
}

Json make_child_entry(const Json& rule_meta, const std::string& dispatcher, const Json& worker, const Json& uuids,
                      Json scan, const Hashes* hashes, std::size_t size, const Json& extracted_meta,
                      std::size_t payload_id) {
  Json entry = Json::object();
  reserve_keys(entry, rule_meta.size() + 16);
  for (const auto& [key, value] : rule_meta.items()) entry[key] = value;
  entry["dispatcher"] = dispatcher;
  entry["plugin"] = worker;
  entry["uuid"] = uuids;
  entry["scan"] = std::move(scan);
  if (hashes != nullptr) {
    entry["md5"] = hashes->md5;
    entry["sha1"] = hashes->sha1;
    entry["sha256"] = hashes->sha256;
    entry["sha512"] = hashes->sha512;
  }
  entry["size"] = size;
  Json source_meta = Json::object();
  if (extracted_meta.is_object()) {
    for (const auto& [key, value] : extracted_meta.items()) {
      bool promoted = key == "filename" || key == "magic" || key == "ssdeep" || key == "path";
      if (promoted && !entry.contains(key)) {
        entry[key] = value;
      } else if (!(key == "size" && value == entry["size"])) {
        source_meta[key] = value;
      }
    }
  }
  entry["source_meta"] = std::move(source_meta);
  entry["payload_id"] = payload_id;
  return entry;
}

void add_child(Json& document, Json entry, std::size_t payload_id, const std::string& dispatcher) {
  Json& results = document["results"];
  results.push_back(std::move(entry));
  document["plugins"][std::to_string(payload_id)] = dispatcher;
  document["payloads"] = results.size();
}

bool nested_deeper_than(const Json& value, int limit) {
  if (!value.is_structured()) return false;
  if (limit <= 0) return true;
  for (const Json& item : value) {
    if (nested_deeper_than(item, limit - 1)) return true;
  }
  return false;
}

namespace {

// Beyond this depth a subtree is kept whole under its flattened key: recursion (and
// so the stack) stays bounded whatever a plugin returned.
constexpr int kMaxFlattenDepth = 256;

void flatten_into(const Json& value, const std::string& prefix, const std::string& delimiter, Json& out, int depth) {
  if (depth > kMaxFlattenDepth) {
    out[prefix] = value;
    return;
  }
  if (value.is_object() && (!value.empty() || prefix.empty())) {
    for (const auto& [key, item] : value.items()) {
      flatten_into(item, prefix.empty() ? key : prefix + delimiter + key, delimiter, out, depth + 1);
    }
    return;
  }
  if (value.is_array()) {
    bool has_objects = false;
    for (const Json& item : value) has_objects = has_objects || item.is_object();
    if (has_objects) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        flatten_into(value[i], prefix + delimiter + std::to_string(i), delimiter, out, depth + 1);
      }
      return;
    }
  }
  out[prefix] = value;
}

}  // namespace

Json flatten(const Json& document, const std::string& delimiter) {
  Json out = Json::object();
  if (!document.is_object()) return document;
  flatten_into(document, "", delimiter, out, 0);
  return out;
}

std::vector<Json> split(const Json& document) {
  std::vector<Json> documents;
  auto results = document.find("results");
  if (results == document.end() || !results->is_array()) return {document};
  for (const Json& entry : *results) {
    Json one = entry.is_object() ? entry : Json{{"result", entry}};  // a decorator may return anything
    for (const char* key : {"date", "payloads", "plugins", "tlp", "errors"}) {
      if (document.contains(key)) one[key] = document[key];
    }
    documents.push_back(std::move(one));
  }
  return documents;
}

}  // namespace stoq::lifecycle
