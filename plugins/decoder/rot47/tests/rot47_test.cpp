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

TEST(Rot47Decoder, MatchesTrWithTheOriginalConfig) {
  STOQ_NEED_TOOL("tr");
  STOQ_NEED_PATH(original_config("decoder", "rot47"));
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& decoder = harness.activate<stoq::Decoder>(plugin_dir_with_original(dir, "decoder", "rot47"), "rot47");
  std::string text;
  for (int i = 0; i < 4096; ++i) text.push_back(static_cast<char>(i & 0xFF));  // every byte value
  text += "The Quick Brown Fox Jumps Over The Lazy Dog. 0123456789 {}[]~!";
  auto children = decoder.decode(payload_of(text), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(text_of(children[0].payload), run_with_input(dir, "LC_ALL=C tr '!-~' 'P-~!-O'", text));
  EXPECT_EQ(children[0].meta["encoding"], "rot47");
}

TEST(Rot47Decoder, IsItsOwnInverse) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& decoder = harness.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "rot47");
  std::string once = text_of(decoder.decode(payload_of("Hello, World!"), Json::object()).at(0).payload);
  EXPECT_EQ(once, "w6==@[ (@C=5P");
  EXPECT_EQ(text_of(decoder.decode(payload_of(once), Json::object()).at(0).payload), "Hello, World!");
  EXPECT_THROW(decoder.decode(payload_of(""), Json::object()), stoq::Error);
}

}  // namespace
