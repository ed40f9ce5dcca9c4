#include <gtest/gtest.h>

#include <stoq/testing.hpp>

TEST(BasicReader, ReturnsLinesUpToTheLimit) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& reader = harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "basicreader", {{"max_lines", "2"}});
  stoq::Json read = reader.read(stoq::testing::payload_of("one\r\ntwo\nthree\n"), stoq::Json::object());
  EXPECT_EQ(read["lines"], stoq::Json::array({"one", "two"}));
  EXPECT_EQ(read["truncated"], true);
}

// A worker gets the same reader through the framework, as stoq().reader("basicreader").
TEST(BasicReader, IsFoundByNameThroughTheFramework) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "basicreader");
  stoq::Json read = harness.reader("basicreader").read(stoq::testing::payload_of("a\nb"), stoq::Json::object());
  EXPECT_EQ(read["lines"], stoq::Json::array({"a", "b"}));
  EXPECT_EQ(read["truncated"], false);
}
