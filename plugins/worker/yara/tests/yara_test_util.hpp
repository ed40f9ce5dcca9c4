// Shared by the yara worker's tests: payloads and rules written by the tests, and
// the 1.0.2 example's "scan" that the shape tests compare with.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stoq/testing.hpp"

namespace yara_test {

using stoq::Json;

using stoq::testing::payload_of;

/// A PE-like buffer: "MZ", e_lfanew = 0x80 at 0x3C, the DOS stub text at offset 78
/// (as in Strelka's test.exe and the 1.0.2 example), "PE\0\0" at 0x80, zero padding.
inline std::string pe_like(std::size_t size = 1024) {
  std::string bytes(size, '\0');
  bytes[0] = 'M';
  bytes[1] = 'Z';
  bytes[0x3C] = '\x80';
  std::string_view stub = "This program cannot be run in DOS mode.\r\r\n$";
  bytes.replace(78, stub.size(), stub);
  bytes.replace(0x80, 4, std::string("PE\0\0", 4));
  return bytes;
}

/// The two rules behind the 1.0.2 example (stoq-1.0.2-output-example.json).
inline constexpr std::string_view kExampleRules = R"(
rule bar_mz_header
{
    condition:
        uint16(0) == 0x5A4D
}

rule bar_dos_stub
{
    strings:
        $a = "This program cannot be run in DOS mode"
    condition:
        $a
}
)";

/// The "scan" of the 1.0.2 example, verbatim.
inline Json example_scan() {
  return Json::parse(R"([
    {"matches": true, "rule": "bar_mz_header", "namespace": "default", "tags": [], "meta": {}, "strings": []},
    {"matches": true, "rule": "bar_dos_stub", "namespace": "default", "tags": [], "meta": {},
     "strings": [["78", "$a", "b'This program cannot be run in DOS mode'"]]}
  ])");
}

inline std::filesystem::path shared_dir() { return STOQ_SHARED_DIR; }

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Keys of an object, in order (recursively equal objects can still differ in order).
inline std::vector<std::string> keys_of(const Json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

/// True when `a` and `b` are equal with every object's keys in the same order.
inline bool same_in_order(const Json& a, const Json& b) { return a.dump() == b.dump(); }

/// A worker activated on `rules` (a path) with option overrides, in its own harness.
class Scanner {
 public:
  explicit Scanner(const std::string& rules, std::vector<std::pair<std::string, std::string>> overrides = {})
      : harness_(dir_.path()) {
    if (!rules.empty()) overrides.emplace_back("yararules", rules);
    try {
      worker_ = &harness_.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "yara", overrides);
    } catch (const stoq::Error& e) {
      // Copied while the module is loaded: the exception's vtable lives in yara.so,
      // which the harness unloads when it is destroyed.
      throw stoq::Error(e.what());
    }
  }
  Json scan(std::string_view bytes) { return worker_->scan(payload_of(bytes), Json::object()); }
  Json scan(const stoq::Payload& payload) { return worker_->scan(payload, Json::object()); }
  stoq::testing::PluginHarness& harness() { return harness_; }
  stoq::Worker& worker() { return *worker_; }

 private:
  stoq::testing::TempDir dir_{"stoq-yara"};
  stoq::testing::PluginHarness harness_;
  stoq::Worker* worker_ = nullptr;
};

/// The list of matches of a scan that matched (the worker returns [matches]).
inline Json matches_of(const Json& scan) {
  EXPECT_TRUE(scan.is_array() && scan.size() == 1 && scan[0].is_array()) << scan.dump();
  return scan.is_array() && scan.size() == 1 ? scan[0] : Json::array();
}

inline std::vector<std::string> rule_names(const Json& scan) {
  std::vector<std::string> names;
  if (scan.is_null()) return names;
  for (const Json& match : matches_of(scan)) names.push_back(match["rule"].get<std::string>());
  return names;
}

}  // namespace yara_test
