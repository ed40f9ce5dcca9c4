// A minimal worker written the way a plugin author writes one. Compiled several
// times with a different TEST_PLUGIN_NAME: the loader tests pair it with .stoq
// files that are wrong in one way each (name, category folder, options, version).
#include <stoq/plugin.hpp>

#ifndef TEST_PLUGIN_NAME
#error "TEST_PLUGIN_NAME must be defined"
#endif

namespace stoq_test {

class SimpleWorker final : public stoq::Worker {
 public:
  stoq::Json scan(const stoq::Payload& payload, const stoq::Json& /*kwargs*/) override {
    return stoq::Json{{"worker", TEST_PLUGIN_NAME}, {"size", payload.size()}};
  }
};

#ifdef TEST_BAD_LIST_OPTION
// A `_list` option declared as a STRING: the suffix and the type disagree.
constexpr stoq_option_spec kOptions[] = {
    {"foo_list", STOQ_OPTION_STRING, nullptr, "A list declared as a string.", 0},
};
#define TEST_OPTION_TABLE stoq_test::kOptions
#else
#define TEST_OPTION_TABLE stoq::kNoOptions
#endif

}  // namespace stoq_test

#ifdef TEST_SHORT_FORM
// The short form: name, version and description come from the .stoq file.
STOQ_PLUGIN(stoq_test::SimpleWorker, TEST_OPTION_TABLE)
#else
STOQ_PLUGIN(stoq_test::SimpleWorker, TEST_PLUGIN_NAME, "1.0", "A worker for loader tests", TEST_OPTION_TABLE)
#endif
