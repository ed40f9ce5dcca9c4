// libFuzzer target: reader:stix's builders over arbitrary values. The first byte picks
// the indicator type (modulo the ten iocregex types); the rest is the value. A pattern,
// when built, must be [<path> = '<literal>'] whose literal unescapes to the value (hex
// in lower case for hashes and MAC addresses); a timestamp, when accepted, must be
// normalized once and for all; a bundle with the value as indicator and file name must
// serialize. Any violation aborts.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "bundle.hpp"

namespace stix = stoq::plugins::reader::stix;

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

constexpr std::array<const char*, 10> kTypes = {"ipv4", "ipv6", "domain", "url",    "email",
                                                "md5",  "sha1", "sha256", "sha512", "mac_address"};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The literal of `pattern` (after " = '" up to the closing "']"), unescaped.
std::string unescape_literal(const std::string& pattern) {
  std::size_t open = pattern.find(" = '");
  check(open != std::string::npos && pattern.size() >= open + 6);
  check(pattern.compare(pattern.size() - 2, 2, "']") == 0);
  std::string out;
  for (std::size_t i = open + 4; i < pattern.size() - 2; ++i) {
    char c = pattern[i];
    if (c == '\\') {
      check(i + 1 < pattern.size() - 2);
      c = pattern[++i];
      check(c == '\\' || c == '\'');
    } else {
      check(c != '\'');
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string type = kTypes[data[0] % kTypes.size()];
  std::string value(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::optional<std::string> pattern = stix::indicator_pattern(type, value);
  if (pattern) {
    check(pattern->front() == '[');
    std::string literal = unescape_literal(*pattern);
    check(literal.size() == value.size());
    for (std::size_t i = 0; i < value.size(); ++i) check(lower(literal[i]) == lower(value[i]));
  }
  if (std::optional<std::string> stamp = stix::normalize_timestamp(value)) {
    check(stamp->size() == 24 && stix::normalize_timestamp(*stamp) == stamp);
  }
  stix::BundleInput input;
  stoq::Json indicators = stoq::Json::object();
  if (pattern) {
    indicators[type] = stoq::Json::array({value});
    input.filename = value;
  }
  input.indicators = &indicators;
  input.hashes = stoq::compute_hashes(stoq::ByteView(std::string_view(value)));
  input.timestamp = "1970-01-01T00:00:00.000Z";
  input.payload_indicator = (data[0] & 0x80U) != 0;
  stoq::Json bundle = stix::build_bundle(input);
  std::size_t most = 1 + (pattern ? 1 : 0) + (input.payload_indicator ? 1 : 0);
  check(!bundle["objects"].empty() && bundle["objects"].size() <= most);
  check(!bundle.dump().empty());
  return 0;
}
