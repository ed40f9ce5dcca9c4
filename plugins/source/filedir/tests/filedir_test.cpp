#include <gtest/gtest.h>

#include <algorithm>

#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

std::vector<std::string> queued_paths(const PluginHarness& harness) {
  std::vector<std::string> paths;
  for (const Json& message : harness.messages()) {
    EXPECT_EQ(message["archive"], "file");
    paths.push_back(message["path"].get<std::string>());
  }
  return paths;
}

class FileDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir.write("input/b.txt", "b");
    dir.write("input/a.txt", "a");
    dir.write("input/.hidden", "h");
    dir.write("input/sub/c.txt", "c");
  }
  TempDir dir;
  TempDir work;
  PluginHarness harness{work.path()};
};

TEST_F(FileDirTest, TopLevelFilesSortedHiddenSkipped) {
  harness.mutable_run().path = dir.path() + "/input";
  harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "filedir").ingest();
  EXPECT_EQ(queued_paths(harness),
            (std::vector<std::string>{dir.path() + "/input/a.txt", dir.path() + "/input/b.txt"}));
}

TEST_F(FileDirTest, RecursiveWalksTheTree) {
  harness.mutable_run().path = dir.path() + "/input";
  harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "filedir", {{"recursive", "true"}}).ingest();
  std::vector<std::string> paths = queued_paths(harness);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{dir.path() + "/input/.hidden", dir.path() + "/input/a.txt",
                                             dir.path() + "/input/b.txt", dir.path() + "/input/sub/c.txt"}));
}

TEST_F(FileDirTest, SingleFileAndRelativePath) {
  harness.mutable_run().path = dir.path() + "/input/./a.txt";
  harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "filedir").ingest();
  EXPECT_EQ(queued_paths(harness), std::vector<std::string>{dir.path() + "/input/a.txt"});
}

TEST_F(FileDirTest, RefusesWhatItCannotIngest) {
  harness.mutable_run().path = dir.path() + "/missing";
  EXPECT_THROW(harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "filedir"), stoq::Error);
  harness.mutable_run().path = "";
  EXPECT_THROW(harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "filedir"), stoq::Error);
  harness.mutable_run().path = "https://example.com/sample.exe";
  EXPECT_THROW(harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "filedir"), stoq::Error);
}

TEST_F(FileDirTest, StopsWhenTheRunStops) {
  harness.mutable_run().path = dir.path() + "/input";
  auto& source = harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "filedir");
  harness.stop();
  source.ingest();
  EXPECT_TRUE(harness.messages().empty());
}

}  // namespace
