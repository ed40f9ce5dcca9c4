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

// The worker calls the iocregex reader (indicators = True): the harness finds it the
// way stoq does, through its plugin_dir_list, which ends with the bundled plugins of the
// stoq this test links.
TEST(WordCount, CountsIndicatorsThroughTheIocregexReader) {
  TempDir work;
  PluginHarness harness(work.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "wordcount", {{"indicators", "True"}});
  Json scan = worker.scan(stoq::testing::payload_of("beacon to 203.0.113.7 and badhost.xyz\n"), Json::object());
  EXPECT_EQ(scan["indicators"], 2);
}

// A test may call a reader itself, e.g. to compare with what the worker reports.
TEST(WordCount, ATestCanCallAReader) {
  TempDir work;
  PluginHarness harness(work.path());
  stoq::Reader& reader = harness.reader("iocregex");
  Json found = reader.read(stoq::testing::payload_of("see 203.0.113.7"), Json::object());
  ASSERT_TRUE(found.contains("ipv4")) << found.dump();
  EXPECT_EQ(found["ipv4"], Json::array({"203.0.113.7"}));
}

}  // namespace
