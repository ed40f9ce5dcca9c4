// decoder:bitrot: rotates the bits of every byte (default 4 right: nibble swap).
// kwargs "bits" (0..8) and "direction" (left/right) override the options, as in the
// original. One child.
#include <charconv>

#include "bitrot_codec.hpp"
#include "child_output.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::decoder::bitrot {
namespace {

unsigned parse_bits(const std::string& text) {
  unsigned bits = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), bits);
  if (error != std::errc() || end != text.data() + text.size() || bits > 8) {
    throw Error("bitrot: bits must be 0..8, got '" + text + "'");
  }
  return bits;
}

std::string parse_direction(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text != "left" && text != "right") throw Error("bitrot: direction must be left or right, got '" + text + "'");
  return text;
}

}  // namespace

class BitrotDecoder final : public Decoder {
 public:
  bool activate(Stoq& /*stoq*/) override {
    bits_ = parse_bits(std::to_string(options().get_int("bits")));
    direction_ = parse_direction(options().get_string("direction"));
    return true;
  }

  ExtractedList decode(const Payload& payload, const Json& kwargs) override {
    unsigned bits = bits_;
    std::string direction = direction_;
    if (auto text = carve::kwarg_text(kwargs, "bits")) bits = parse_bits(*text);
    if (auto text = carve::kwarg_text(kwargs, "direction")) direction = parse_direction(*text);
    Json meta = {{"encoding", "bitrot"}, {"bits", bits}, {"direction", direction}};
    return carve::decode_one(stoq(), payload, std::move(meta),
                             [&](ByteView input, carve::OutputBuffer& out, Json& /*meta*/) {
                               rotate_bits(input, bits, direction == "left", out);
                             });
  }

 private:
  unsigned bits_ = 4;
  std::string direction_ = "right";
};

constexpr stoq_option_spec kOptions[] = {
    {"bits", STOQ_OPTION_INT, "4", "Bits to rotate each byte by (0..8); kwargs bits overrides.", 0},
    {"direction", STOQ_OPTION_STRING, "right", "Rotation direction, left or right; kwargs direction overrides.", 0},
};

}  // namespace stoq::plugins::decoder::bitrot

STOQ_PLUGIN(stoq::plugins::decoder::bitrot::BitrotDecoder, "bitrot", "0.4",
            "Rotate bits left or right. Defaults to 4 bits right for nibble swapping.",
            stoq::plugins::decoder::bitrot::kOptions)
