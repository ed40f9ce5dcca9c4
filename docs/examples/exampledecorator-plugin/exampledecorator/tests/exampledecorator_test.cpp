#include <gtest/gtest.h>

#include <stoq/testing.hpp>

TEST(ExampleDecorator, CountsAndFlagsTheMarker) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& decorator = harness.activate<stoq::Decorator>(STOQ_PLUGIN_DIR, "exampledecorator");
  stoq::Json document = {{"results", stoq::Json::array({{{"scan", {{"rule", "APT_dropper"}}}}, {{"scan", {}}}})},
                         {"errors", stoq::Json::array({{{"plugin", "worker:x"}, {"error", "e"}}})}};
  stoq::Json decorated = decorator.decorate(document);
  EXPECT_EQ(decorated["results"], document["results"]);  // kept as it was
  EXPECT_EQ(decorated["exampledecorator"]["payloads"], 2);
  EXPECT_EQ(decorated["exampledecorator"]["errors"], 1);
  EXPECT_EQ(decorated["exampledecorator"]["marker_found"], true);

  auto& quiet = harness.activate<stoq::Decorator>(STOQ_PLUGIN_DIR, "exampledecorator", {{"marker", "FIN7"}});
  EXPECT_EQ(quiet.decorate(document)["exampledecorator"]["marker_found"], false);
}
