// A checker of STIX 2.1 objects for the tests: the required properties the OASIS
// specification (STIX Version 2.1, sections 3, 4.7, 6.7 and 8) sets for what reader:stix
// emits: bundle, indicator (an SDO) and file (an SCO). check_bundle() returns every
// violation found, one line each (empty: conformant).
#pragma once

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "stix_pattern_grammar.hpp"
#include "stoq/json.hpp"

namespace stix_checker {

using Problems = std::vector<std::string>;

// <type>--<RFC 4122 UUID> (section 2.9: lower-case hex, any version, RFC 4122 variant).
inline bool valid_id(const stoq::Json& id, const std::string& type) {
  static const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  if (!id.is_string()) return false;
  std::string text = id.get<std::string>();
  std::string prefix = type + "--";
  return text.rfind(prefix, 0) == 0 && std::regex_match(text.substr(prefix.size()), kUuid);
}

// Section 3.2: RFC 3339, UTC ("Z"); created/modified to the millisecond (3 digits).
inline bool valid_timestamp(const stoq::Json& value, bool milliseconds) {
  static const std::regex kAny(
      "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?Z");
  static const std::regex kMillis(
      "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)\\.[0-9]{3}Z");
  return value.is_string() && std::regex_match(value.get<std::string>(), milliseconds ? kMillis : kAny);
}

// Section 3.1: type names are 3-250 characters of a-z, 0-9 and '-'.
inline bool valid_type(const stoq::Json& type) {
  static const std::regex kType("[a-z0-9-]{3,250}");
  return type.is_string() && std::regex_match(type.get<std::string>(), kType) &&
         type.get<std::string>().find("--") == std::string::npos;
}

inline void check_indicator(const stoq::Json& object, Problems& problems, const std::string& where) {
  for (const char* key : {"spec_version", "id", "created", "modified", "pattern", "pattern_type", "valid_from"}) {
    if (!object.contains(key)) problems.push_back(where + ": required property " + key + " missing");
  }
  if (object.value("spec_version", "") != "2.1") problems.push_back(where + ": spec_version is not \"2.1\"");
  for (const char* key : {"created", "modified"}) {
    if (object.contains(key) && !valid_timestamp(object[key], true)) {
      problems.push_back(where + ": " + key + " is not a timestamp with milliseconds: " + object[key].dump());
    }
  }
  if (object.contains("created") && object.contains("modified") && object["modified"] < object["created"]) {
    problems.push_back(where + ": modified is before created");
  }
  if (object.contains("valid_from") && !valid_timestamp(object["valid_from"], false)) {
    problems.push_back(where + ": valid_from is not a timestamp");
  }
  if (object.value("pattern_type", "") != "stix") problems.push_back(where + ": pattern_type is not stix");
  if (!object.contains("pattern") || !object["pattern"].is_string() ||
      !stix_grammar::valid_pattern(object["pattern"].get<std::string>())) {
    problems.push_back(where + ": pattern does not follow the STIX 2.1 grammar: " + object.value("pattern", ""));
  }
  if (object.contains("pattern_version") && object["pattern_version"] != "2.1") {
    problems.push_back(where + ": pattern_version is not 2.1");
  }
  if (object.contains("name") && !object["name"].is_string()) problems.push_back(where + ": name is not a string");
}

// Section 6.7: hashes and/or name; hash values of the right length per algorithm.
inline void check_file(const stoq::Json& object, Problems& problems, const std::string& where) {
  if (object.contains("spec_version") && object["spec_version"] != "2.1") {
    problems.push_back(where + ": spec_version is not \"2.1\"");
  }
  if (!object.contains("hashes") && !object.contains("name")) problems.push_back(where + ": neither hashes nor name");
  if (object.contains("hashes")) {
    static const std::regex kHex("[0-9a-fA-F]+");
    const std::vector<std::pair<std::string, std::size_t>> lengths = {
        {"MD5", 32}, {"SHA-1", 40}, {"SHA-256", 64}, {"SHA-512", 128}};
    if (!object["hashes"].is_object() || object["hashes"].empty()) problems.push_back(where + ": empty hashes");
    for (const auto& [algorithm, length] : lengths) {
      if (!object["hashes"].contains(algorithm)) continue;
      std::string value = object["hashes"][algorithm].get<std::string>();
      if (value.size() != length || !std::regex_match(value, kHex)) {
        problems.push_back(where + ": hashes." + algorithm + " is not " + std::to_string(length) + " hex digits");
      }
    }
  }
}

// Section 8: type "bundle", id, objects (a non-empty list); every object with type and id,
// ids unique.
inline Problems check_bundle(const stoq::Json& bundle) {
  Problems problems;
  if (!bundle.is_object()) return {"the bundle is not a JSON object"};
  if (bundle.value("type", "") != "bundle") problems.emplace_back("type is not \"bundle\"");
  if (!valid_id(bundle.value("id", stoq::Json()), "bundle")) problems.emplace_back("id is not bundle--<uuid>");
  if (bundle.contains("spec_version")) problems.emplace_back("a 2.1 bundle has no spec_version");
  if (!bundle.contains("objects") || !bundle["objects"].is_array() || bundle["objects"].empty()) {
    problems.emplace_back("objects is not a non-empty list");
    return problems;
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < bundle["objects"].size(); ++i) {
    const stoq::Json& object = bundle["objects"][i];
    std::string where = "objects[" + std::to_string(i) + "]";
    if (!object.contains("type") || !valid_type(object["type"])) {
      problems.push_back(where + ": no valid type");
      continue;
    }
    std::string type = object["type"].get<std::string>();
    if (!valid_id(object.value("id", stoq::Json()), type))
      problems.push_back(where + ": id is not " + type + "--<uuid>");
    if (object.contains("id") && !ids.insert(object["id"].dump()).second) problems.push_back(where + ": duplicate id");
    if (type == "indicator") check_indicator(object, problems, where);
    if (type == "file") check_file(object, problems, where);
  }
  return problems;
}

}  // namespace stix_checker
