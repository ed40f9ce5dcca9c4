// carver:pe: PE files embedded in a payload. Every occurrence of a `headers` pattern
// (original: \x4d\x5a|\x5a\x4d, searched like Python's re.finditer) is validated as a
// PE (measure_pe) and carved with the size its headers give: sections plus a trailing
// certificate table, without other overlay data. The payload itself (a PE at offset 0
// spanning the whole payload) is not carved again; a PE at 0 followed by overlay is.
// Children: meta offset, size, pe_format, machine, sections (truncated when a section
// runs past the payload's end: carved up to the end).
#include <cstdio>

#include "child_output.hpp"
#include "patterns.hpp"
#include "pe_layout.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::carver::pe {

class PeCarver final : public Carver {
 public:
  bool activate(Stoq& /*stoq*/) override {
    patterns_ = carve::parse_byte_patterns(options().get_string("headers"), "headers");
    return true;
  }

  ExtractedList carve(const Payload& payload, const Json& /*kwargs*/) override {
    ByteView data = payload.bytes();
    carve::CallBudget budget(stoq().extraction_limits());
    ExtractedList children;
    std::string stop;
    carve::PatternScanner scanner(patterns_, data);
    std::size_t checked = 0;
    while (auto match = scanner.next()) {
      if ((++checked & 0xFF) == 0 && budget.limits().expired()) {
        stop = "deadline";
        break;
      }
      auto layout = measure_pe(data.tail(match->offset));
      if (!layout) continue;
      if (match->offset == 0 && layout->size == data.size()) continue;  // the payload itself
      stop = budget.stop_reason(children.size());
      if (!stop.empty()) break;
      carve::ChildSink sink(stoq(), budget.remaining_bytes());
      sink.write(*data.subview(match->offset, layout->size));
      char machine[8];
      std::snprintf(machine, sizeof(machine), "0x%04x", layout->machine);
      Json meta = {{"offset", match->offset},
                   {"pe_format", layout->pe32_plus ? "PE32+" : "PE32"},
                   {"machine", machine},
                   {"sections", layout->sections}};
      if (layout->certificate) meta["certificate"] = true;
      if (layout->truncated) meta["truncated"] = true;
      budget.spend(sink.size());
      children.push_back(sink.finish(std::move(meta)));
    }
    carve::note_stop(children, stop, "pe");
    return children;
  }

 private:
  std::vector<Bytes> patterns_;
};

constexpr stoq_option_spec kOptions[] = {
    {"headers", STOQ_OPTION_STRING, R"(\x4d\x5a|\x5a\x4d)",
     "Where to look for PE files: literal bytes with \\xNN escapes, alternatives separated by |.", 0},
};

}  // namespace stoq::plugins::carver::pe

STOQ_PLUGIN(stoq::plugins::carver::pe::PeCarver, "pe", "0.11", "Carve portable executable files from a data stream",
            stoq::plugins::carver::pe::kOptions)
