// decoder:rot47: ROT47 of the payload (printable ASCII rotated by 47). Every input
// decodes; meta "unchanged" counts the bytes outside '!'..'~'. One child.
#include "child_output.hpp"
#include "rot47_codec.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::decoder::rot47 {

class Rot47Decoder final : public Decoder {
 public:
  ExtractedList decode(const Payload& payload, const Json& /*kwargs*/) override {
    return carve::decode_one(
        stoq(), payload, Json{{"encoding", "rot47"}},
        [](ByteView input, carve::OutputBuffer& out, Json& meta) { meta["unchanged"] = rot47_bytes(input, out); });
  }
};

}  // namespace stoq::plugins::decoder::rot47

STOQ_PLUGIN(stoq::plugins::decoder::rot47::Rot47Decoder, "rot47", "0.3", "Decode ROT47 encoded content",
            stoq::kNoOptions)
