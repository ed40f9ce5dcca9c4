// Where stoQ's workers report YARA hits and IOCs in a result entry, read one way by the
// summary and verdict decorators. Only fixed places are read: a scan of any other shape
// is ignored, never an error. An entry of `stoq scan` (`plugin` a list of workers, `scan`
// an object keyed by worker name) is read as one scan per listed worker (for_each_scan).
//
//   YARA  a scan that is a list of hits ({"rule", "meta", ...}: stoQ's yara worker; a hit
//         with "matches": false is skipped), one hit object, or the "matches"/"yara"
//         member of an object scan (hits or rule names, two levels down at most).
//   IOCs  an object scan, or its "iocs" member, mapping a type to a list of strings
//         (stoQ's iocextract: IocShape::Map); or lists of {"ioc", "ioc_type"} objects in
//         the scan's or the entry's "iocs" (Strelka: IocShape::List).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "stoq/json.hpp"

namespace stoq::plugins::decorator {

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// At most `limit` bytes, cut on a UTF-8 character boundary.
inline std::string clip_utf8(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

inline const Json& empty_meta() {
  static const Json empty = Json::object();
  return empty;
}

// A hit object ({"rule": "name", ...}); false when `item` is not one.
template <typename OnHit>
bool visit_hit(const Json& item, const OnHit& on_hit) {
  auto rule = item.find("rule");
  if (rule == item.end() || !rule->is_string()) return false;
  auto matches = item.find("matches");
  if (matches != item.end() && matches->is_boolean() && !matches->get<bool>()) return true;
  auto meta = item.find("meta");
  on_hit(rule->get_ref<const std::string&>(), meta != item.end() && meta->is_object() ? *meta : empty_meta());
  return true;
}

// Calls on_hit(rule, meta) for every YARA rule hit `scan` reports.
template <typename OnHit>
void visit_rules(const Json& scan, const OnHit& on_hit, int depth = 0) {
  if (scan.is_array()) {
    for (const Json& item : scan) {
      if (item.is_object()) {
        visit_hit(item, on_hit);
      } else if (item.is_string() && depth > 0) {
        on_hit(item.get_ref<const std::string&>(), empty_meta());
      }
    }
    return;
  }
  if (!scan.is_object() || visit_hit(scan, on_hit) || depth >= 2) return;
  for (const char* key : {"matches", "yara"}) {
    auto member = scan.find(key);
    if (member != scan.end()) visit_rules(*member, on_hit, depth + 1);
  }
}

// Calls on_scan(scan) for each scan of a result entry: its `scan`, or in stoq scan's
// shape each listed worker's part of it, in `plugin` order.
template <typename OnScan>
void for_each_scan(const Json& entry, const OnScan& on_scan) {
  auto scan = entry.find("scan");
  if (scan == entry.end()) return;
  auto plugin = entry.find("plugin");
  if (plugin != entry.end() && plugin->is_array() && scan->is_object()) {
    for (const Json& name : *plugin) {
      if (!name.is_string()) continue;
      auto part = scan->find(name.get_ref<const std::string&>());
      if (part != scan->end()) on_scan(*part);
    }
    return;
  }
  on_scan(*scan);
}

enum class IocShape { Map, List };

namespace detail {

template <typename OnIoc>
void visit_ioc_map(const Json& object, const OnIoc& on_ioc) {
  for (const auto& [key, value] : object.items()) {
    if (!value.is_array()) continue;
    std::string type = ascii_lower(key);
    for (const Json& item : value) {
      if (item.is_string() && !item.get_ref<const std::string&>().empty()) {
        on_ioc(type, item.get_ref<const std::string&>(), IocShape::Map);
      }
    }
  }
}

template <typename OnIoc>
void visit_ioc_list(const Json& list, const OnIoc& on_ioc) {
  if (!list.is_array()) return;
  for (const Json& item : list) {
    if (!item.is_object()) continue;
    auto ioc = item.find("ioc");
    auto type = item.find("ioc_type");
    if (ioc == item.end() || type == item.end() || !ioc->is_string() || !type->is_string()) continue;
    if (ioc->get_ref<const std::string&>().empty()) continue;
    on_ioc(ascii_lower(type->get_ref<const std::string&>()), ioc->get_ref<const std::string&>(), IocShape::List);
  }
}

}  // namespace detail

// Calls on_ioc(type (lower-cased), value (not empty), shape) for every IOC of a result
// entry, in document order: each scan's map, its "iocs" map and list, the entry's "iocs" list.
template <typename OnIoc>
void visit_iocs(const Json& entry, const OnIoc& on_ioc) {
  for_each_scan(entry, [&](const Json& scan) {
    if (!scan.is_object()) return;
    detail::visit_ioc_map(scan, on_ioc);
    auto nested = scan.find("iocs");
    if (nested != scan.end()) {
      if (nested->is_object()) detail::visit_ioc_map(*nested, on_ioc);
      detail::visit_ioc_list(*nested, on_ioc);
    }
  });
  auto entry_iocs = entry.find("iocs");
  if (entry_iocs != entry.end()) detail::visit_ioc_list(*entry_iocs, on_ioc);
}

}  // namespace stoq::plugins::decorator
