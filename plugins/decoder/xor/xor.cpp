// decoder:xor: XOR-decodes the payload with a rolling key. The key comes from
// kwargs["key"] (the dispatcher's xor_This_program_key_N rules pass "N"; "auto" finds
// the single-byte key under which kwargs["key_hint"], default "This program", appears)
// or else the `key` option; see parse_xor_key for the accepted forms. One child.
#include "child_output.hpp"
#include "codecs.hpp"
#include "stoq/plugin.hpp"
#include "xor_codec.hpp"

namespace stoq::plugins::decoder::xor_ {

constexpr std::string_view kDefaultHint = "This program";

class XorDecoder final : public Decoder {
 public:
  bool activate(Stoq& /*stoq*/) override {
    std::string key = options().get_string("key");
    if (!key.empty()) default_key_ = parse_xor_key(Json(key));
    return true;
  }

  ExtractedList decode(const Payload& payload, const Json& kwargs) override {
    Bytes key = default_key_;
    if (kwargs.is_object() && kwargs.contains("key") && !kwargs["key"].is_null()) {
      const Json& given = kwargs["key"];
      if (given.is_string() && given.get<std::string>() == "auto") {
        // The bundled dispatch rule matches "This program..." XORed with any byte (YARA's
        // xor modifier) and lets the decoder find which one.
        std::string hint = kwargs.value("key_hint", std::string(kDefaultHint));
        auto found = find_single_byte_key(payload.bytes(), hint);
        if (!found) throw Error("xor: no single-byte key turns the payload into '" + hint + "'");
        key = Bytes{*found};
      } else {
        key = parse_xor_key(given);
      }
    }
    if (key.empty()) throw Error("xor: no key (kwargs key or option key)");
    Json meta = {{"encoding", "xor"}, {"key", carve::to_hex(key)}, {"key_length", key.size()}};
    return carve::decode_one(
        stoq(), payload, std::move(meta),
        [&](ByteView input, carve::OutputBuffer& out, Json& /*meta*/) { xor_bytes(input, key, out); });
  }

 private:
  Bytes default_key_;
};

constexpr stoq_option_spec kOptions[] = {
    {"key", STOQ_OPTION_STRING, "",
     R"(Key used when kwargs carry none: decimal bytes ("7", "41 166 3") or hex ("0x4142").)", 0},
};

}  // namespace stoq::plugins::decoder::xor_

STOQ_PLUGIN(stoq::plugins::decoder::xor_::XorDecoder, "xor", "0.3", "Decode XOR encoded content",
            stoq::plugins::decoder::xor_::kOptions)
