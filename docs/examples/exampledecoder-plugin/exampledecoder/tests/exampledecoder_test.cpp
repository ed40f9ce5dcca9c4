#include <gtest/gtest.h>

#include <stoq/testing.hpp>

TEST(ExampleDecoder, ReversesItsInput) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& decoder = harness.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "exampledecoder");
  stoq::ExtractedList children =
      decoder.decode(stoq::testing::payload_of("edom SOD ni nur eb tonnac"), stoq::Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].payload.bytes().as_string_view(), "cannot be run in DOS mode");
  EXPECT_EQ(children[0].meta["decoded"], "reversed");
}
