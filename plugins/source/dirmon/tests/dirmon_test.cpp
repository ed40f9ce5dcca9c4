#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
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

std::size_t count_path(const PluginHarness& harness, const std::string& path) {
  std::size_t count = 0;
  for (const Json& message : harness.messages()) count += message["path"] == path ? 1 : 0;
  return count;
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
  auto& source = harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "dirmon", {{"scan_existing", "false"}});
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

// Runs dirmon's ingest() on a thread until the test ends.
class RunningDirMon {
 public:
  RunningDirMon(PluginHarness& harness, const std::vector<std::pair<std::string, std::string>>& options)
      : harness_(harness), source_(harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "dirmon", options)) {}
  void start() {
    thread_ = std::thread([this] { source_.ingest(); });
  }
  RunningDirMon(const RunningDirMon&) = delete;
  RunningDirMon& operator=(const RunningDirMon&) = delete;
  ~RunningDirMon() {
    harness_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  PluginHarness& harness_;
  stoq::Source& source_;
  std::thread thread_;
};

TEST(DirMon, ScansFilesAlreadyThereAtStartByDefault) {
  TempDir watched;
  TempDir work;
  std::string before = watched.write("before.txt", "old");
  std::string hidden = watched.write(".hidden", "h");
  PluginHarness harness(work.path());
  harness.mutable_run().path = watched.path();
  RunningDirMon dirmon(harness, {});
  dirmon.start();
  std::string after = watched.write("after.txt", "new");
  EXPECT_TRUE(eventually([&] { return has_path(harness, before) && has_path(harness, after); }));
  EXPECT_FALSE(has_path(harness, hidden));
}

TEST(DirMon, AChunkedWriterGetsItsFileScannedOnceWhenItSettles) {
  TempDir watched;
  TempDir work;
  PluginHarness harness(work.path());
  harness.mutable_run().path = watched.path();
  RunningDirMon dirmon(harness, {{"settle_ms", "400"}});
  dirmon.start();
  std::string path = watched.path() + "/chunked.log";
  for (int chunk = 0; chunk < 5; ++chunk) {  // open, append, close: one IN_CLOSE_WRITE each
    std::ofstream(path, std::ios::app) << "chunk " << chunk << "\n";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(eventually([&] { return has_path(harness, path); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // two more settle periods
  EXPECT_EQ(count_path(harness, path), 1U);
}

TEST(DirMon, WithoutSettleEveryCloseIsQueued) {
  TempDir watched;
  TempDir work;
  PluginHarness harness(work.path());
  harness.mutable_run().path = watched.path();
  RunningDirMon dirmon(harness, {{"settle_ms", "0"}, {"scan_existing", "false"}});
  dirmon.start();
  std::string path = watched.path() + "/chunked.log";
  for (int chunk = 0; chunk < 3; ++chunk) {
    std::ofstream(path, std::ios::app) << "chunk " << chunk << "\n";
    ASSERT_TRUE(eventually([&] { return count_path(harness, path) == static_cast<std::size_t>(chunk) + 1; }));
  }
}

// stoQ's own dirmon.stoq has neither new option: it loads, and the defaults apply.
TEST(DirMon, StoqsOriginalDirmonStoqLoadsWithTheDefaults) {
  std::filesystem::path original =
      std::filesystem::path(STOQ_SHARED_DIR) / "corpus" / "stoq-configs" / "source" / "dirmon.stoq";
  if (!std::filesystem::is_regular_file(original)) STOQ_MISSING("corpus not present: " << original);
  TempDir plugins;
  std::string folder = plugins.mkdir("source/dirmon");
  std::filesystem::copy_file(original, folder + "/dirmon.stoq");
  std::filesystem::copy_file(std::string(STOQ_PLUGIN_DIR) + "/source/dirmon/dirmon.so", folder + "/dirmon.so");
  TempDir watched;
  TempDir work;
  std::string before = watched.write("before.txt", "old");
  PluginHarness harness(work.path());
  harness.mutable_run().path = watched.path();
  auto& source = harness.activate<stoq::Source>(plugins.path(), "dirmon");
  std::thread ingest([&] { source.ingest(); });
  EXPECT_TRUE(eventually([&] { return has_path(harness, before); }));  // scan_existing = True
  harness.stop();
  ingest.join();
}

TEST(DirMon, RejectsANegativeSettleTime) {
  TempDir watched;
  TempDir work;
  PluginHarness harness(work.path());
  harness.mutable_run().path = watched.path();
  EXPECT_THROW(harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "dirmon", {{"settle_ms", "-1"}}), stoq::Error);
}

std::size_t max_queued_events() {
  std::ifstream in("/proc/sys/fs/inotify/max_queued_events");
  std::size_t value = 0;
  in >> value;
  return value;
}

// More files arrive than the inotify queue holds before dirmon reads it: the queue
// overflows (events are dropped) and dirmon rescans the directory, losing none.
TEST(DirMon, RescansTheDirectoryWhenTheEventQueueOverflows) {
  std::size_t queue_limit = max_queued_events();
  ASSERT_GT(queue_limit, 0U);
  ASSERT_LE(queue_limit, 200000U) << "max_queued_events is too large for this test to overflow the queue";
  TempDir watched;
  TempDir work;
  PluginHarness harness(work.path());
  harness.mutable_run().path = watched.path();
  // The watch starts at activate(); the files existing before ingest() are not listed
  // at start (scan_existing off): only the events, and the overflow rescan, find them.
  RunningDirMon dirmon(harness, {{"scan_existing", "false"}, {"settle_ms", "0"}});
  std::size_t count = queue_limit + 2000;
  std::set<std::string> expected;
  for (std::size_t i = 0; i < count; ++i) expected.insert(watched.write("f" + std::to_string(i), "x"));
  dirmon.start();
  auto all_seen = [&] {
    std::set<std::string> seen;
    for (const Json& message : harness.messages()) seen.insert(message["path"].get<std::string>());
    return std::includes(seen.begin(), seen.end(), expected.begin(), expected.end());
  };
  EXPECT_TRUE(eventually(all_seen));
}

}  // namespace
