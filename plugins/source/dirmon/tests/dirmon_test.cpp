#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

// Polls until `ready` or a generous deadline; the assertion is on `ready`, not on time.
template <typename Predicate>
bool eventually(Predicate ready) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool has_path(const PluginHarness& harness, const std::string& path) {
  for (const Json& message : harness.messages()) {
    if (message["path"] == path && message["archive"] == "file") return true;
  }
  return false;
}

TEST(DirMon, QueuesFilesWrittenOrMovedInUntilStopped) {
  TempDir watched;
  TempDir work;
  std::string before = watched.write("before.txt", "old");
  PluginHarness harness(work.path());
  harness.mutable_run().path = watched.path();
  auto& source = harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "dirmon");
  std::thread ingest([&] { source.ingest(); });

  std::string written = watched.write("new.txt", "new");
  TempDir elsewhere;
  std::string staged = elsewhere.write("staged.txt", "moved");
  std::filesystem::rename(staged, watched.path() + "/moved.txt");
  watched.write(".partial", "hidden");

  EXPECT_TRUE(eventually([&] { return has_path(harness, written); }));
  EXPECT_TRUE(eventually([&] { return has_path(harness, watched.path() + "/moved.txt"); }));
  harness.stop();
  ingest.join();
  EXPECT_FALSE(has_path(harness, before));
  EXPECT_FALSE(has_path(harness, watched.path() + "/.partial"));
}

TEST(DirMon, RefusesAFileOrMissingDirectory) {
  TempDir work;
  PluginHarness harness(work.path());
  harness.mutable_run().path = work.write("file.txt", "x");
  EXPECT_THROW(harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "dirmon"), stoq::Error);
  harness.mutable_run().path = work.path() + "/missing";
  EXPECT_THROW(harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "dirmon"), stoq::Error);
}

TEST(DirMon, EndsWithAnErrorWhenTheDirectoryGoesAway) {
  TempDir work;
  TempDir parent;
  std::string watched = parent.path() + "/watched";
  std::filesystem::create_directories(watched);
  PluginHarness harness(work.path());
  harness.mutable_run().path = watched;
  auto& source = harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "dirmon");
  std::filesystem::remove_all(watched);
  EXPECT_THROW(source.ingest(), stoq::Error);
}

}  // namespace
