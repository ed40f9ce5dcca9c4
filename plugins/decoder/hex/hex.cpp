// decoder:hex: hex text ("4d5a90", "4d 5a 90", "0x4d,0x5a", "\x4d\x5a") to bytes.
// Refuses anything else ("not hex: ..."). One child.
#include "child_output.hpp"
#include "hex_codec.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::decoder::hex {

class HexDecoder final : public Decoder {
 public:
  ExtractedList decode(const Payload& payload, const Json& /*kwargs*/) override {
    return carve::decode_one(stoq(), payload, Json{{"encoding", "hex"}},
                             [](ByteView input, carve::OutputBuffer& out, Json& /*meta*/) { decode_hex(input, out); });
  }
};

}  // namespace stoq::plugins::decoder::hex

STOQ_PLUGIN(stoq::plugins::decoder::hex::HexDecoder, "hex", "0.1", "Decode hex encoded content", stoq::kNoOptions)
