// decorator:exampledecorator: the stoQ guide's ExampleDecorator, doing something small but
// real: it adds to each results document how many payloads it holds, how many errors,
// and whether any scan mentions the marker (the guide's 'APT'). What decorate() returns
// is what is saved: add to the document, do not drop what is there.
#include <stoq/plugin.hpp>
#include <string>

namespace exampledecorator {

class ExampleDecorator final : public stoq::Decorator {
 public:
  stoq::Json decorate(stoq::Json results) override {
    const std::string marker = options().get_string("marker");
    std::size_t payloads = 0;
    bool found = false;
    if (auto entries = results.find("results"); entries != results.end() && entries->is_array()) {
      for (const stoq::Json& entry : *entries) {
        ++payloads;
        if (auto scan = entry.find("scan"); !marker.empty() && scan != entry.end()) {
          found = found || scan->dump().find(marker) != std::string::npos;
        }
      }
    }
    std::size_t errors = results.contains("errors") ? results["errors"].size() : 0;
    results["exampledecorator"] = {{"payloads", payloads}, {"errors", errors}, {"marker_found", found}};
    return results;
  }
};

constexpr stoq_option_spec kOptions[] = {
    {"marker", STOQ_OPTION_STRING, "APT", "Text whose presence in any scan result is flagged.", 0},
};

}  // namespace exampledecorator

STOQ_PLUGIN(exampledecorator::ExampleDecorator, exampledecorator::kOptions)
