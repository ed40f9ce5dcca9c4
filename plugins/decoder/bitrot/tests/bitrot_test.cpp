#include <gtest/gtest.h>

#include <string>

#include "carve_test_support.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using namespace stoq::carve::testing;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

std::string all_bytes() {
  std::string text;
  for (int i = 0; i < 256; ++i) text.push_back(static_cast<char>(i));
  return text;
}

TEST(BitrotDecoder, DefaultsToANibbleSwapWithTheOriginalConfig) {
  STOQ_NEED_PATH(original_config("decoder", "bitrot"));
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& decoder = harness.activate<stoq::Decoder>(plugin_dir_with_original(dir, "decoder", "bitrot"), "bitrot");
  auto children = decoder.decode(payload_of("\x12\xab\xf0"), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(text_of(children[0].payload), "\x21\xba\x0f");
  EXPECT_EQ(children[0].meta["bits"], 4);
  EXPECT_EQ(children[0].meta["direction"], "right");
}

TEST(BitrotDecoder, EveryRotationMatchesPython) {
  STOQ_NEED_TOOL("python3");
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& decoder = harness.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "bitrot");
  std::string data = all_bytes();
  // For bits 0..8, right then left (the original's formulas).
  std::string expected = run_with_input(dir,
                                        "python3 -c \"import sys; d=sys.stdin.buffer.read(); o=sys.stdout.buffer\n"
                                        "for n in range(9):\n"
                                        "  o.write(bytes(((b >> n) | (b << (8 - n))) & 0xFF for b in d))\n"
                                        "  o.write(bytes(((b << n) | (b >> (8 - n))) & 0xFF for b in d))\"",
                                        data);
  ASSERT_EQ(expected.size(), 18 * data.size());
  for (int bits = 0; bits <= 8; ++bits) {
    for (int left = 0; left < 2; ++left) {
      Json kwargs = {{"bits", bits}, {"direction", left == 1 ? "LEFT" : "right"}};
      auto children = decoder.decode(payload_of(data), kwargs);
      EXPECT_EQ(text_of(children.at(0).payload), expected.substr((bits * 2 + left) * 256, 256)) << kwargs.dump();
    }
  }
}

TEST(BitrotDecoder, OptionsAndBadValues) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& decoder = harness.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "bitrot", {{"bits", "1"}, {"direction", "left"}});
  EXPECT_EQ(text_of(decoder.decode(payload_of("\x81"), Json::object()).at(0).payload), "\x03");
  EXPECT_EQ(text_of(decoder.decode(payload_of("\x81"), Json{{"bits", "2"}}).at(0).payload), "\x06");
  EXPECT_THROW(decoder.decode(payload_of("a"), Json{{"bits", 9}}), stoq::Error);
  EXPECT_THROW(decoder.decode(payload_of("a"), Json{{"bits", "x"}}), stoq::Error);
  EXPECT_THROW(decoder.decode(payload_of("a"), Json{{"direction", "up"}}), stoq::Error);
  EXPECT_THROW(harness.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "bitrot", {{"bits", "12"}}), stoq::Error);
}

}  // namespace
