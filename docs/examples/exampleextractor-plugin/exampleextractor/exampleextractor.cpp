// extractor:exampleextractor: the stoQ guide's ExampleExtractor, doing something small
// but real: it splits a payload into the parts between lines holding only the separator
// (option `separator`), each part a child that stoq hashes, scans and dispatches again.
// Route payloads to it with a dispatch rule (meta: plugin = "extractor:exampleextractor").
#include <stoq/plugin.hpp>
#include <string>
#include <string_view>

namespace exampleextractor {

class ExampleExtractor final : public stoq::Extractor {
 public:
  stoq::ExtractedList extract(const stoq::Payload& payload, const stoq::Json& /*kwargs*/) override {
    const std::string separator = "\n" + options().get_string("separator") + "\n";
    const stoq::ExtractionLimits& limits = stoq().extraction_limits();  // this call's allowance
    std::string_view text = payload.bytes().as_string_view();
    stoq::ExtractedList children;
    std::size_t start = 0;
    while (start <= text.size() && children.size() < limits.max_children && !limits.expired()) {
      std::size_t end = text.find(separator, start);
      std::string_view part = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      if (!part.empty()) {
        stoq::Json meta = {{"filename", "part-" + std::to_string(children.size() + 1)}, {"offset", start}};
        children.emplace_back(std::move(meta), stoq::Bytes(part.begin(), part.end()));
      }
      if (end == std::string_view::npos) break;
      start = end + separator.size();
    }
    return children;  // the framework enforces the limits too, and records any it had to apply
  }
};

constexpr stoq_option_spec kOptions[] = {
    {"separator", STOQ_OPTION_STRING, "-----8<-----", "The line that separates parts.", 0},
};

}  // namespace exampleextractor

STOQ_PLUGIN(exampleextractor::ExampleExtractor, exampleextractor::kOptions)
