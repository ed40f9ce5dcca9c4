#include "config/values.hpp"

#include <algorithm>
#include <charconv>

#include "stoq/error.hpp"

namespace stoq::config {
namespace {

std::string_view trim(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::optional<bool> parse_bool(std::string_view text) {
  text = trim(text);
  for (const char* yes : {"1", "yes", "true", "on"}) {
    if (iequals(text, yes)) return true;
  }
  for (const char* no : {"0", "no", "false", "off"}) {
    if (iequals(text, no)) return false;
  }
  return std::nullopt;
}

std::optional<long long> parse_int(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text[0] == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text[0] == '-') return std::nullopt;  // "+-5" is not a number
  }
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Json parse_list(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '[') {
    Json parsed = Json::parse(text.begin(), text.end(), nullptr, false);
    if (parsed.is_array()) return parsed;
    text = trim(text.substr(1, text.back() == ']' ? text.size() - 2 : text.size() - 1));
  }
  Json out = Json::array();
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    if (!item.empty()) out.push_back(std::string(item));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<stoq_option_type> type_from_suffix(std::string_view key) {
  if (ends_with(key, "_list") || ends_with(key, "_tuple")) return STOQ_OPTION_LIST;
  if (ends_with(key, "_dict")) return STOQ_OPTION_DICT;
  if (ends_with(key, "_int")) return STOQ_OPTION_INT;
  return std::nullopt;
}

Json infer_value(std::string_view key, std::string_view raw, const std::string& where) {
  if (auto boolean = parse_bool(raw)) return *boolean;
  if (auto type = type_from_suffix(key)) return parse_typed(*type, key, raw, where);
  return std::string(trim(raw));
}

Json parse_typed(stoq_option_type type, std::string_view name, std::string_view raw, const std::string& where) {
  auto fail = [&](const char* expected) -> Error {
    return Error(where + ": option '" + std::string(name) + "' = '" + std::string(trim(raw)) + "' is not " + expected);
  };
  switch (type) {
    case STOQ_OPTION_BOOL:
      if (auto value = parse_bool(raw)) return *value;
      throw fail("a boolean (true/false, yes/no, on/off, 1/0)");
    case STOQ_OPTION_INT:
      if (auto value = parse_int(raw)) return *value;
      throw fail("an integer");
    case STOQ_OPTION_LIST: return parse_list(raw);
    case STOQ_OPTION_DICT: {
      std::string_view text = trim(raw);
      if (text.empty()) return Json::object();
      Json parsed = Json::parse(text.begin(), text.end(), nullptr, false);
      if (!parsed.is_object()) throw fail("a JSON object");
      return parsed;
    }
    case STOQ_OPTION_STRING:
    case STOQ_OPTION_PATH: return std::string(trim(raw));
  }
  throw fail("of a known type");
}

const char* type_name(stoq_option_type type) {
  switch (type) {
    case STOQ_OPTION_BOOL: return "bool";
    case STOQ_OPTION_INT: return "int";
    case STOQ_OPTION_STRING: return "string";
    case STOQ_OPTION_LIST: return "list";
    case STOQ_OPTION_DICT: return "dict";
    case STOQ_OPTION_PATH: return "path";
  }
  return "unknown";
}

}  // namespace stoq::config
