// carver:xdp: the base64 documents of an XDP file (the PDF inside <pdf><document>
// <chunk>...</chunk>), decoded. Element names: kwargs "xdp_elements" or the option
// of the same name, colon-separated (default "chunk"), as the original. Elements
// whose text is not base64 are skipped (the original passed their raw text on).
// Children: meta filename "xdp_pdf_<n>.pdf" (n counts from 0), element_name, offset.
#include "child_output.hpp"
#include "codecs.hpp"
#include "stoq/plugin.hpp"
#include "xdp_chunks.hpp"

namespace stoq::plugins::carver::xdp {
namespace {

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t colon = text.find(':', start);
    std::string name = text.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!name.empty()) names.push_back(name);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (names.empty()) throw Error("xdp_elements names no element");
  return names;
}

}  // namespace

class XdpCarver final : public Carver {
 public:
  bool activate(Stoq& /*stoq*/) override {
    elements_ = split_names(options().get_string("xdp_elements"));
    return true;
  }

  ExtractedList carve(const Payload& payload, const Json& kwargs) override {
    std::vector<std::string> elements = elements_;
    if (auto text = carve::kwarg_text(kwargs, "xdp_elements")) elements = split_names(*text);
    carve::CallBudget budget(stoq().extraction_limits());
    ExtractedList children;
    std::string stop;
    std::size_t skipped = 0;
    for (const std::string& name : elements) {
      ElementScanner scanner(payload.bytes(), name);
      while (auto element = scanner.next()) {
        stop = budget.stop_reason(children.size());
        if (!stop.empty()) break;
        std::string unescaped;
        ByteView text = element->raw;
        if (needs_unescaping(text)) {
          unescaped = element_text(text);
          text = ByteView(unescaped);
        }
        carve::ChildSink sink(stoq(), budget.remaining_bytes());
        try {
          carve::OutputBuffer out(sink);
          carve::decode_base64(text, out);
          out.flush();
        } catch (const Error&) {
          ++skipped;
          continue;
        }
        budget.spend(sink.size());
        children.push_back(sink.finish(Json{{"filename", "xdp_pdf_" + std::to_string(children.size()) + ".pdf"},
                                            {"element_name", name},
                                            {"offset", element->offset}}));
      }
      if (!stop.empty()) break;
    }
    if (children.empty() && stop.empty()) {
      throw Error(skipped > 0 ? "xdp: no element holds base64 text" : "xdp: no element named " + elements.front());
    }
    if (skipped > 0) children.back().meta["skipped_elements"] = skipped;
    carve::note_stop(children, stop, "xdp");
    return children;
  }

 private:
  std::vector<std::string> elements_;
};

constexpr stoq_option_spec kOptions[] = {
    {"xdp_elements", STOQ_OPTION_STRING, "chunk",
     "Colon-separated names of the elements holding base64 documents; kwargs xdp_elements overrides.", 0},
};

}  // namespace stoq::plugins::carver::xdp

STOQ_PLUGIN(stoq::plugins::carver::xdp::XdpCarver, "xdp", "0.11", "Carve and decode streams from XDP documents",
            stoq::plugins::carver::xdp::kOptions)
