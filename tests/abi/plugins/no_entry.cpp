// A module built with hidden visibility whose author wrote the entry point by hand
// and forgot to export it: the loader finds no stoq_plugin_entry symbol.
#include <stoq/plugin.hpp>

namespace stoq_test {

class Worker final : public stoq::Worker {
 public:
  stoq::Json scan(const stoq::Payload& /*payload*/, const stoq::Json& /*kwargs*/) override {
    return stoq::Json::object();
  }
};

}  // namespace stoq_test

// Not exported: CXX_VISIBILITY_PRESET hidden and no visibility attribute.
extern "C" const stoq_plugin_descriptor* stoq_plugin_entry(void) { return nullptr; }

// Exported, but under another name.
extern "C" __attribute__((visibility("default"))) const void* stoq_plugin_entry_v0(void) {
  return reinterpret_cast<const void*>(&stoq_plugin_entry);
}
