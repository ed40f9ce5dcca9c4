// fuzz_values: the typing of option values (config/values.hpp). The first byte picks
// the declared type and the key (whose suffix drives infer_value); the rest is the raw
// text as written after `key =`. Contract: parse_typed throws only stoq::Error;
// infer_value too, and only for a key whose suffix demands an int or a dict; the other
// functions never throw; results have the promised JSON types.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/values.hpp"
#include "stoq/error.hpp"

namespace {

constexpr stoq_option_type kTypes[] = {STOQ_OPTION_BOOL, STOQ_OPTION_INT,  STOQ_OPTION_STRING,
                                       STOQ_OPTION_LIST, STOQ_OPTION_DICT, STOQ_OPTION_PATH};
constexpr const char* kKeys[] = {"plain",     "hashes_list", "url_prefix_tuple", "rules_dict", "max_int",
                                 "log_level", "flag",        "source_base_tuple"};

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  stoq_option_type type = kTypes[data[0] % 6];
  std::string key = kKeys[(data[0] >> 3) % 8];
  std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);

  try {
    stoq::Json value = stoq::config::parse_typed(type, key, raw, "fuzz.stoq:1");
    switch (type) {
      case STOQ_OPTION_BOOL: check(value.is_boolean()); break;
      case STOQ_OPTION_INT: check(value.is_number_integer()); break;
      case STOQ_OPTION_LIST: check(value.is_array()); break;
      case STOQ_OPTION_DICT: check(value.is_object()); break;
      case STOQ_OPTION_STRING:
      case STOQ_OPTION_PATH: check(value.is_string()); break;
    }
  } catch (const stoq::Error&) {
    check(type == STOQ_OPTION_BOOL || type == STOQ_OPTION_INT || type == STOQ_OPTION_DICT);
  }

  check(stoq::config::parse_list(raw).is_array());
  (void)stoq::config::parse_bool(raw);
  (void)stoq::config::parse_int(raw);
  auto infer = [](std::string_view any_key, std::string_view any_raw) {
    try {
      stoq::Json inferred = stoq::config::infer_value(any_key, any_raw, "fuzz.cfg:1");
      check(!inferred.is_null() && !inferred.is_discarded());
    } catch (const stoq::Error&) {
      auto demanded = stoq::config::type_from_suffix(any_key);
      check(demanded == STOQ_OPTION_INT || demanded == STOQ_OPTION_DICT);
    }
  };
  infer(key, raw);
  // A key from the input too: infer_value must cope with any key text.
  std::size_t split = raw.find('=');
  if (split != std::string_view::npos) infer(raw.substr(0, split), raw.substr(split + 1));
  return 0;
}
