#include <gtest/gtest.h>

#include <stoq/testing.hpp>

TEST(ExampleExtractor, SplitsAtSeparatorLines) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& extractor = harness.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "exampleextractor", {{"separator", "--"}});
  stoq::ExtractedList children =
      extractor.extract(stoq::testing::payload_of("first\n--\nsecond\n--\nthird"), stoq::Json::object());
  ASSERT_EQ(children.size(), 3U);
  EXPECT_EQ(children[0].payload.bytes().as_string_view(), "first");
  EXPECT_EQ(children[1].payload.bytes().as_string_view(), "second");
  EXPECT_EQ(children[2].payload.bytes().as_string_view(), "third");
  EXPECT_EQ(children[2].meta["filename"], "part-3");
  EXPECT_EQ(children[1].meta["offset"], 9);  // "first\n--\n" is 9 bytes
}

TEST(ExampleExtractor, StopsAtMaxChildren) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  harness.mutable_limits().max_children = 2;
  auto& extractor = harness.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "exampleextractor", {{"separator", "--"}});
  EXPECT_EQ(extractor.extract(stoq::testing::payload_of("a\n--\nb\n--\nc"), stoq::Json::object()).size(), 2U);
}
