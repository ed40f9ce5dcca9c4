// decoder:b85: base85 text to bytes, as Python's base64.b85decode (the original) or
// Ascii85 (a85decode, "<~ ~>" optional); option/kwarg "variant": auto, b85 or a85.
// Refuses text that is neither ("not base85: ..."). One child.
#include "b85_codec.hpp"
#include "child_output.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::decoder::b85 {

class Base85Decoder final : public Decoder {
 public:
  bool activate(Stoq& /*stoq*/) override {
    variant_ = parse_variant(options().get_string("variant"));
    return true;
  }

  ExtractedList decode(const Payload& payload, const Json& kwargs) override {
    Variant variant = variant_;
    if (auto text = carve::kwarg_text(kwargs, "variant")) variant = parse_variant(*text);
    return carve::decode_one(stoq(), payload, Json{{"encoding", "base85"}},
                             [&](ByteView input, carve::OutputBuffer& out, Json& meta) {
                               Variant used = decode_base85(input, variant, out);
                               meta["variant"] = used == Variant::Ascii85 ? "a85" : "b85";
                             });
  }

 private:
  Variant variant_ = Variant::Auto;
};

constexpr stoq_option_spec kOptions[] = {
    {"variant", STOQ_OPTION_STRING, "auto",
     "auto (Ascii85 when framed <~ ~> or using Ascii85-only characters, else b85), b85 or a85.", 0},
};

}  // namespace stoq::plugins::decoder::b85

STOQ_PLUGIN(stoq::plugins::decoder::b85::Base85Decoder, "b85", "0.3", "Decode base85 encoded content",
            stoq::plugins::decoder::b85::kOptions)
