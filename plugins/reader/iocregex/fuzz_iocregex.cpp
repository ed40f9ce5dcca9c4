// libFuzzer target for reader:iocregex's scanner: whitelist parsing, refang() and
// scan() of arbitrary bytes, checking what every result must satisfy.
//
// Input: [options byte] [whitelist text] "\n--\n" [payload]; without the separator all
// of it (after the options byte) is the payload. The options byte picks refang on/off,
// small caps and which types are enabled, so the limits are exercised too.
//
// Registered in fuzz/CMakeLists.txt (compiled there with the scanner sources, so that
// they get the fuzzer's coverage flags); seeds in fuzz/corpus/fuzz_iocregex/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <unordered_set>

#include "ioc.hpp"
#include "whitelist.hpp"

namespace {

using namespace stoq::plugins::reader::iocregex;

void check(bool condition) {
  if (!condition) std::abort();
}

const TldSet& tlds() {
  static const TldSet set = TldSet::parse("# fuzz\nCOM\nNET\nORG\nIO\nRU\nUK\nDE\nINFO\nXYZ\nXN--P1AI\n");
  return set;
}

void check_value(IocType type, const std::string& value, const ScanConfig& config) {
  check(!value.empty());
  switch (type) {
    case IocType::Ipv4: check(parse_ipv4(value).has_value()); break;
    case IocType::Ipv6: check(parse_ipv6(value).has_value() && format_ipv6(*parse_ipv6(value)) == value); break;
    case IocType::Domain: {
      check(valid_hostname(value) && value.find('.') != std::string::npos);
      check(tlds().contains(value.substr(value.rfind('.') + 1)));
      check(to_lower(value) == value);
      break;
    }
    case IocType::Email: {
      std::size_t at = value.rfind('@');
      check(at != std::string::npos && at > 0 && at <= 64);
      check(valid_hostname(value.substr(at + 1)));
      break;
    }
    case IocType::Url: {
      check(value.size() <= config.max_url_length);
      check(value.starts_with("http://") || value.starts_with("https://") || value.starts_with("ftp://"));
      break;
    }
    case IocType::Mac: check(normalize_mac(value) == value); break;
    default: check(hash_type_of(value) == type && to_lower(value) == value); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint8_t flags = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string_view payload = input;
  Whitelist whitelist;
  if (std::size_t separator = input.find("\n--\n"); separator != std::string_view::npos) {
    (void)whitelist.add_text(input.substr(0, separator), "fuzz");
    payload = input.substr(separator + 4);
  }

  ScanConfig config;
  config.tlds = &tlds();
  config.whitelist = &whitelist;
  config.refang = (flags & 1U) != 0;
  config.max_per_type = (flags & 2U) != 0 ? 2 : 10000;
  config.max_url_length = (flags & 4U) != 0 ? 24 : 4096;
  if ((flags & 8U) != 0) {
    for (std::size_t i = 0; i < kIocTypeCount; ++i) config.enabled[i] = ((flags >> 4U) & (1U << (i % 4))) != 0;
  }

  stoq::ByteView bytes(payload);
  std::string refanged = refang(bytes);
  check(refanged.size() <= payload.size());
  Findings findings = scan(bytes, config);
  for (std::size_t i = 0; i < kIocTypeCount; ++i) {
    const auto& values = findings.values[i];
    check(values.size() <= config.max_per_type);
    check(config.enabled[i] || values.empty());
    std::unordered_set<std::string> distinct(values.begin(), values.end());
    check(distinct.size() == values.size());
    for (const std::string& value : values) {
      check_value(static_cast<IocType>(i), value, config);
      check(!whitelist.drops(static_cast<IocType>(i), value));
    }
  }
  return 0;
}
