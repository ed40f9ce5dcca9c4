#include <gtest/gtest.h>

#include <stoq/testing.hpp>

TEST(FileSource, QueuesEachListedPath) {
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  harness.mutable_run().path = work.write("list.txt", "/data/a.exe\r\n\n# comment\n/data/b.doc\n");
  auto& source = harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "filesource");
  source.ingest();
  std::vector<stoq::Json> messages = harness.messages();
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[0]["path"], "/data/a.exe");
  EXPECT_EQ(messages[1]["path"], "/data/b.doc");
  EXPECT_EQ(messages[1]["archive"], "file");
}
