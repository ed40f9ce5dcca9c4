// Unit tests of the wordcount worker: the harness loads the built module exactly as
// stoq does (its .stoq file, option table and ABI handshake) and activates it.
#include <gtest/gtest.h>

#include <string_view>

#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::Payload;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

TEST(WordCount, CountsLinesWordsAndFrequentWords) {
  TempDir work;
  PluginHarness harness(work.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "wordcount");
  Json scan = worker.scan(stoq::testing::payload_of("The cat saw the dog.\nThe end\n"), Json::object());
  EXPECT_EQ(scan["lines"], 2);
  EXPECT_EQ(scan["words"], 7);
  EXPECT_EQ(scan["bytes"], 29);
  ASSERT_EQ(scan["top_words"].size(), 3U);  // top = 3 in wordcount.stoq
  EXPECT_EQ(scan["top_words"][0]["word"], "the");
  EXPECT_EQ(scan["top_words"][0]["count"], 3);
}

TEST(WordCount, OptionsOverrideTheStoqFile) {
  TempDir work;
  PluginHarness harness(work.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "wordcount", {{"top", "1"}, {"lowercase", "False"}});
  Json scan = worker.scan(stoq::testing::payload_of("Dog dog dog Cat"), Json::object());
  ASSERT_EQ(scan["top_words"].size(), 1U);
  EXPECT_EQ(scan["top_words"][0]["word"], "dog");
  EXPECT_EQ(scan["top_words"][0]["count"], 2);
}

TEST(WordCount, RefusesANegativeTop) {
  TempDir work;
  PluginHarness harness(work.path());
  EXPECT_THROW(harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "wordcount", {{"top", "-1"}}), stoq::Error);
}

TEST(WordCount, NoPayloadIsAnError) {
  TempDir work;
  PluginHarness harness(work.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "wordcount");
  EXPECT_THROW(worker.scan(Payload(), Json::object()), stoq::Error);
}

}  // namespace
