// decoder:binhex: BinHex 4.0 (.hqx) to the data fork (meta filename from the BinHex
// header) and, when not empty, the resource fork (meta fork "resource"). Every CRC is
// checked; a mismatch or damaged text fails the call ("not binhex: ...").
#include "binhex_codec.hpp"
#include "child_output.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::decoder::binhex {

class BinhexDecoder final : public Decoder {
 public:
  ExtractedList decode(const Payload& payload, const Json& /*kwargs*/) override {
    carve::CallBudget budget(stoq().extraction_limits());
    // Runs expand up to 255x: the ratio limit bounds what one payload may turn into.
    std::uint64_t allowance = budget.remaining_bytes();
    const ExtractionLimits& limits = budget.limits();
    if (limits.max_ratio > 0) {
      auto by_ratio = static_cast<std::uint64_t>(limits.max_ratio * static_cast<double>(payload.size()));
      allowance = std::min(allowance, std::max<std::uint64_t>(by_ratio, 1ULL << 20));
    }
    carve::ChildSink data_sink(stoq(), allowance);
    carve::ChildSink resource_sink(stoq(), allowance);
    BinhexInfo info;
    {
      carve::OutputBuffer data(data_sink);
      carve::OutputBuffer resource(resource_sink);
      info = decode_binhex(payload.bytes(), data, resource);
      data.flush();
      resource.flush();
    }
    Json meta = {{"encoding", "binhex"},    {"filename", info.filename}, {"type", info.type},
                 {"creator", info.creator}, {"flags", info.flags},       {"fork", "data"}};
    if (info.truncated) meta["truncated"] = true;
    ExtractedList children;
    children.push_back(data_sink.finish(meta));
    if (info.resource_length > 0 && resource_sink.size() > 0) {
      meta["fork"] = "resource";
      children.push_back(resource_sink.finish(meta));
    }
    return children;
  }
};

}  // namespace stoq::plugins::decoder::binhex

STOQ_PLUGIN(stoq::plugins::decoder::binhex::BinhexDecoder, "binhex", "0.1", "Decode BinHex 4.0 encoded content",
            stoq::kNoOptions)
