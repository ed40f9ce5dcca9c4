// decoder:exampledecoder: the stoQ guide's ExampleDecoder, doing something small but
// real: it reverses its input, a trick droppers use to hide a PE ("...This program" ->
// "margorp sihT..."). Its child is scanned and dispatched again like any other.
#include <algorithm>
#include <stoq/plugin.hpp>

namespace exampledecoder {

class ExampleDecoder final : public stoq::Decoder {
 public:
  stoq::ExtractedList decode(const stoq::Payload& payload, const stoq::Json& /*kwargs*/) override {
    stoq::ByteView input = payload.bytes();
    if (input.size() > stoq().extraction_limits().max_child_size) {
      throw stoq::Error("exampledecoder: payload larger than max_child_size");
    }
    stoq::Bytes reversed(input.data(), input.data() + input.size());
    std::reverse(reversed.begin(), reversed.end());
    stoq::ExtractedList children;
    children.emplace_back(stoq::Json{{"decoded", "reversed"}}, std::move(reversed));
    return children;
  }
};

}  // namespace exampledecoder

STOQ_PLUGIN(exampledecoder::ExampleDecoder, stoq::kNoOptions)
