// carver:examplecarver: the stoQ guide's ExampleCarver, doing something small but real:
// it carves every PDF document embedded in a payload, from "%PDF-" to the "%%EOF" that
// ends it (a PDF inside a mail body, a dump, a document).
#include <stoq/plugin.hpp>
#include <string_view>

namespace examplecarver {

class ExampleCarver final : public stoq::Carver {
 public:
  stoq::ExtractedList carve(const stoq::Payload& payload, const stoq::Json& /*kwargs*/) override {
    constexpr std::string_view kStart = "%PDF-";
    constexpr std::string_view kEnd = "%%EOF";
    const stoq::ExtractionLimits& limits = stoq().extraction_limits();
    std::string_view data = payload.bytes().as_string_view();
    stoq::ExtractedList children;
    std::size_t start = data.find(kStart);
    while (start != std::string_view::npos && children.size() < limits.max_children && !limits.expired()) {
      std::size_t end = data.find(kEnd, start);
      if (end == std::string_view::npos) break;  // no end: not a whole document
      std::size_t next = data.find(kStart, start + kStart.size());
      // Incremental updates append sections, each ending in %%EOF: take the last end
      // before the next document starts.
      for (std::size_t later = data.find(kEnd, end + 1); later != std::string_view::npos && later < next;
           later = data.find(kEnd, later + 1)) {
        end = later;
      }
      std::string_view pdf = data.substr(start, end + kEnd.size() - start);
      stoq::Json meta = {{"filename", "carved-" + std::to_string(children.size() + 1) + ".pdf"}, {"offset", start}};
      children.emplace_back(std::move(meta), stoq::Bytes(pdf.begin(), pdf.end()));
      start = next;
    }
    return children;
  }
};

}  // namespace examplecarver

STOQ_PLUGIN(examplecarver::ExampleCarver, stoq::kNoOptions)
