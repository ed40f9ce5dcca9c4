// decoder:b64: base64 text (standard or URL-safe alphabet, whitespace and line breaks
// anywhere, padding optional) to bytes. Refuses anything else ("not base64: ...")
// instead of skipping characters as Python's lenient b64decode did. One child.
#include "child_output.hpp"
#include "codecs.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::decoder::b64 {

class Base64Decoder final : public Decoder {
 public:
  ExtractedList decode(const Payload& payload, const Json& /*kwargs*/) override {
    return carve::decode_one(stoq(), payload, Json{{"encoding", "base64"}},
                             [](ByteView input, carve::OutputBuffer& out, Json& meta) {
                               carve::Base64Info info = carve::decode_base64(input, out);
                               meta["alphabet"] = info.url_safe ? "urlsafe" : "standard";
                               meta["padded"] = info.padded;
                             });
  }
};

}  // namespace stoq::plugins::decoder::b64

STOQ_PLUGIN(stoq::plugins::decoder::b64::Base64Decoder, "b64", "0.3", "Decode base64 encoded content", stoq::kNoOptions)
