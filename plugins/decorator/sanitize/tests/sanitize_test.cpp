#include <gtest/gtest.h>

#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

class SanitizeTest : public ::testing::Test {
 protected:
  TempDir dir;
  PluginHarness harness{dir.path()};
};

TEST_F(SanitizeTest, KeysAtEveryDepthValuesUntouched) {
  auto& decorator = harness.activate<stoq::Decorator>(STOQ_PLUGIN_DIR, "sanitize");
  Json results = Json::parse(R"({"results": [{"scan": {"a.b": "x.y", "$set": 1, "with space": [{"k.k": "v v"}]},
                                 "source_meta": {"file.name": "a b.exe"}}], "payloads": 1})");
  Json clean = decorator.decorate(results);
  Json expected = Json::parse(R"({"results": [{"scan": {"a_b": "x.y", "_set": 1, "with_space": [{"k_k": "v v"}]},
                                   "source_meta": {"file_name": "a b.exe"}}], "payloads": 1})");
  EXPECT_EQ(clean, expected);
  EXPECT_EQ(clean["results"][0]["scan"].begin().key(), "a_b");  // key order kept
}

TEST_F(SanitizeTest, CollisionsKeepBothValues) {
  auto& decorator = harness.activate<stoq::Decorator>(STOQ_PLUGIN_DIR, "sanitize");
  Json clean = decorator.decorate(Json{{"a_b", 1}, {"a.b", 2}, {"a b", 3}});
  EXPECT_EQ(clean, (Json{{"a_b", 1}, {"a_b_1", 2}, {"a_b_2", 3}}));
}

TEST_F(SanitizeTest, ReplacementOption) {
  auto& decorator = harness.activate<stoq::Decorator>(STOQ_PLUGIN_DIR, "sanitize", {{"replacement", "-"}});
  EXPECT_EQ(decorator.decorate(Json{{"a.b", 1}}), (Json{{"a-b", 1}}));
  EXPECT_THROW(harness.activate<stoq::Decorator>(STOQ_PLUGIN_DIR, "sanitize", {{"replacement", "."}}), stoq::Error);
}

TEST_F(SanitizeTest, NonObjectsPassThrough) {
  auto& decorator = harness.activate<stoq::Decorator>(STOQ_PLUGIN_DIR, "sanitize");
  EXPECT_EQ(decorator.decorate(Json::array({1, "a.b"})), Json::array({1, "a.b"}));
  EXPECT_EQ(decorator.decorate(Json("x")), Json("x"));
}

}  // namespace
