// decoder:uu: every uuencoded block of the payload ("begin 644 name" ... "end", and
// GNU's "begin-base64" form), one child per block with meta filename and mode. A
// corrupt block is skipped (its error kept in the next child's meta "skipped"); with
// no block decoded at all the call fails ("not uuencoded: ...").
#include "child_output.hpp"
#include "stoq/plugin.hpp"
#include "uu_codec.hpp"

namespace stoq::plugins::decoder::uu {

class UuDecoder final : public Decoder {
 public:
  ExtractedList decode(const Payload& payload, const Json& /*kwargs*/) override {
    ByteView text = payload.bytes();
    carve::CallBudget budget(stoq().extraction_limits());
    ExtractedList children;
    std::vector<std::string> errors;
    std::string stop;
    std::size_t position = 0;
    while (auto header = find_uu_header(text, position)) {
      stop = budget.stop_reason(children.size());
      if (!stop.empty()) break;
      carve::ChildSink sink(stoq(), budget.remaining_bytes());
      UuBody body;
      try {
        carve::OutputBuffer out(sink);
        body = decode_uu_body(text, *header, out);
        out.flush();
      } catch (const Error& error) {
        errors.push_back(header->filename + ": " + error.what());
        position = header->body;
        continue;
      }
      Json meta = {{"encoding", header->base64 ? "uuencode-base64" : "uuencode"},
                   {"filename", header->filename},
                   {"mode", header->mode},
                   {"offset", header->offset}};
      if (!body.complete) meta["incomplete"] = true;
      if (!errors.empty()) meta["skipped"] = errors;
      errors.clear();
      budget.spend(sink.size());
      children.push_back(sink.finish(std::move(meta)));
      position = body.end > header->body ? body.end : header->body;
    }
    if (children.empty() && !errors.empty()) throw Error(errors.front());
    if (children.empty() && stop.empty()) throw Error("not uuencoded: no \"begin <mode> <name>\" line");
    if (!errors.empty()) children.back().meta["skipped"] = errors;
    carve::note_stop(children, stop, "uu");
    return children;
  }
};

}  // namespace stoq::plugins::decoder::uu

STOQ_PLUGIN(stoq::plugins::decoder::uu::UuDecoder, "uu", "0.1", "Decode uuencoded content", stoq::kNoOptions)
