// reader:stix: the objects declared in bundle.hpp.
#include "bundle.hpp"

#include <array>
#include <cstdint>
#include <set>

#include "decode.hpp"  // reader:text's strict UTF-8 check

namespace stoq::plugins::reader::stix {

namespace {

struct PatternPath {
  std::string_view ioc_type;
  std::string_view path;
  bool lowercase;  // hex digits (hashes) are given in lower case
};

constexpr std::array<PatternPath, 10> kPaths = {{
    {"ipv4", "ipv4-addr:value", false},
    {"ipv6", "ipv6-addr:value", false},
    {"domain", "domain-name:value", false},
    {"url", "url:value", false},
    {"email", "email-addr:value", false},
    {"md5", "file:hashes.MD5", true},
    {"sha1", "file:hashes.'SHA-1'", true},
    {"sha256", "file:hashes.'SHA-256'", true},
    {"sha512", "file:hashes.'SHA-512'", true},
    {"mac_address", "mac-addr:value", true},
}};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::array<std::uint8_t, 16> uuid_bytes(std::string_view text) {
  std::array<std::uint8_t, 16> bytes{};
  std::size_t n = 0;
  int high = -1;
  for (char c : text) {
    int value = hex_value(c);
    if (value < 0) continue;
    if (high < 0) {
      high = value;
    } else if (n < bytes.size()) {
      bytes[n++] = static_cast<std::uint8_t>(high * 16 + value);
      high = -1;
    }
  }
  return bytes;
}

// Strictly well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF),
// as nlohmann::json requires to serialize it.
bool strict_utf8(std::string_view value) {
  std::size_t replacements = 0;
  (void)text::convert(ByteView(value), text::Encoding::Utf8, &replacements);
  return replacements == 0;
}

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return !text.empty();
}

int number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

Json indicator(const std::string& pattern, std::string_view name, const std::string& timestamp) {
  return {{"type", "indicator"},
          {"spec_version", "2.1"},
          {"id", "indicator--" + uuid5(kIndicatorNamespace, pattern + "\n" + timestamp)},
          {"created", timestamp},
          {"modified", timestamp},
          {"name", name},
          {"pattern", pattern},
          {"pattern_type", "stix"},
          {"pattern_version", "2.1"},
          {"valid_from", timestamp}};
}

}  // namespace

std::string uuid5(std::string_view namespace_uuid, std::string_view name) {
  std::array<std::uint8_t, 16> ns = uuid_bytes(namespace_uuid);
  std::string input(ns.begin(), ns.end());
  input.append(name);
  std::string sha1 = compute_hashes(ByteView(std::string_view(input))).sha1;
  std::array<std::uint8_t, 16> id = uuid_bytes(std::string_view(sha1).substr(0, 32));
  id[6] = static_cast<std::uint8_t>((id[6] & 0x0FU) | 0x50U);  // version 5
  id[8] = static_cast<std::uint8_t>((id[8] & 0x3FU) | 0x80U);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[id[i] >> 4U]);
    text.push_back(kHex[id[i] & 15U]);
  }
  return text;
}

std::string pattern_literal(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::optional<std::string> indicator_pattern(std::string_view ioc_type, std::string_view value) {
  if (value.empty() || !strict_utf8(value)) return std::nullopt;
  for (const PatternPath& path : kPaths) {
    if (path.ioc_type != ioc_type) continue;
    std::string text(value);
    if (path.lowercase) {
      for (char& c : text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
    }
    return "[" + std::string(path.path) + " = " + pattern_literal(text) + "]";
  }
  return std::nullopt;
}

std::optional<std::string> normalize_timestamp(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction]Z
  if (text.size() < 20 || text.back() != 'Z') return std::nullopt;
  std::string_view date = text.substr(0, 19);
  for (std::size_t i : {4U, 7U}) {
    if (date[i] != '-') return std::nullopt;
  }
  if (date[10] != 'T' || date[13] != ':' || date[16] != ':') return std::nullopt;
  for (std::size_t i : {0U, 5U, 8U, 11U, 14U, 17U}) {
    if (!all_digits(date.substr(i, i == 0 ? 4 : 2))) return std::nullopt;
  }
  int month = number(date.substr(5, 2));
  int day = number(date.substr(8, 2));
  if (month < 1 || month > 12 || day < 1 || day > 31 || number(date.substr(11, 2)) > 23 ||
      number(date.substr(14, 2)) > 59 || number(date.substr(17, 2)) > 60) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(19, text.size() - 20);
  std::string millis = "000";
  if (!rest.empty()) {
    if (rest[0] != '.' || !all_digits(rest.substr(1))) return std::nullopt;
    std::string_view fraction = rest.substr(1);
    for (std::size_t i = 0; i < 3 && i < fraction.size(); ++i) millis[i] = fraction[i];
  }
  return std::string(date) + "." + millis + "Z";
}

Json build_bundle(const BundleInput& input) {
  Json hashes = {{"MD5", input.hashes.md5},
                 {"SHA-1", input.hashes.sha1},
                 {"SHA-256", input.hashes.sha256},
                 {"SHA-512", input.hashes.sha512}};
  // ID contributing properties, canonical: sorted keys, no spaces (nlohmann::json sorts).
  nlohmann::json contributing = {{"hashes", {{"MD5", input.hashes.md5}}}};
  if (!input.filename.empty()) contributing["name"] = input.filename;
  Json file = {{"type", "file"},
               {"spec_version", "2.1"},
               {"id", "file--" + uuid5(kScoNamespace, contributing.dump())},
               {"hashes", std::move(hashes)}};
  if (!input.filename.empty()) file["name"] = input.filename;

  Json objects = Json::array({file});
  std::set<std::string> seen;
  std::string ids = file["id"].get<std::string>();
  auto add = [&](std::string_view ioc_type, std::string_view value) {
    std::optional<std::string> pattern = indicator_pattern(ioc_type, value);
    if (!pattern || !seen.insert(*pattern).second) return;
    Json object = indicator(*pattern, value, input.timestamp);
    ids += "\n" + object["id"].get<std::string>();
    objects.push_back(std::move(object));
  };
  if (input.payload_indicator) add("sha256", input.hashes.sha256);
  if (input.indicators != nullptr && input.indicators->is_object()) {
    for (const PatternPath& path : kPaths) {
      auto found = input.indicators->find(std::string(path.ioc_type));
      if (found == input.indicators->end() || !found->is_array()) continue;
      for (const Json& value : *found) {
        if (value.is_string()) add(path.ioc_type, value.get<std::string>());
      }
    }
  }
  return {{"type", "bundle"}, {"id", "bundle--" + uuid5(kIndicatorNamespace, ids)}, {"objects", std::move(objects)}};
}

}  // namespace stoq::plugins::reader::stix
