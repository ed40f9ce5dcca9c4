// worker:echo: returns its own typed options, whether it got a payload, its size and
// the message (kwargs), so tests can see how .stoq values and CLI flags combine.
#include <stoq/plugin.hpp>

namespace stoq_test {

class EchoWorker final : public stoq::Worker {
 public:
  stoq::Json scan(const stoq::Payload& payload, const stoq::Json& kwargs) override {
    return stoq::Json{{"options", options().all()},
                      {"has_payload", !payload.is_none()},
                      {"size", payload.size()},
                      {"plugin_path", info().plugin_path},
                      {"kwargs", kwargs}};
  }
};

constexpr stoq_option_spec kOptions[] = {
    {"my_int", STOQ_OPTION_INT, "1", "An integer.", 0},
    {"my_flag", STOQ_OPTION_BOOL, "False", "A boolean that is off unless asked for.", 0},
    {"strict", STOQ_OPTION_BOOL, "True", "A boolean that is on unless turned off.", 0},
    {"my_string", STOQ_OPTION_STRING, "default", "A string with a short flag.", 'x'},
    {"tags_list", STOQ_OPTION_LIST, "a, b", "A list.", 0},
    {"extra_dict", STOQ_OPTION_DICT, "{}", "A JSON object.", 0},
    {"rules_path", STOQ_OPTION_PATH, "rules/default.yar", "A path relative to the plugin folder.", 0},
};

}  // namespace stoq_test

STOQ_PLUGIN(stoq_test::EchoWorker, "echo", "1.2.3", "Echo options and message", stoq_test::kOptions)
