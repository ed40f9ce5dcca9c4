#include <gtest/gtest.h>

#include <stoq/testing.hpp>
#include <string>

TEST(ExampleCarver, CarvesEachEmbeddedPdf) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& carver = harness.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "examplecarver");
  std::string one = "%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\nupdate\n%%EOF";
  std::string two = "%PDF-1.7\n%%EOF";
  std::string payload = "junk" + one + "\nmore junk " + two + " trailing %PDF- without end";
  stoq::ExtractedList children = carver.carve(stoq::testing::payload_of(payload), stoq::Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(children[0].payload.bytes().as_string_view(), one);
  EXPECT_EQ(children[0].meta["offset"], 4);
  EXPECT_EQ(children[1].payload.bytes().as_string_view(), two);
  EXPECT_EQ(children[1].meta["filename"], "carved-2.pdf");
}
