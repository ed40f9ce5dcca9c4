#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

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

TEST_F(FileDirTest, RecursiveOrderIsEachDirectorysFilesThenItsSubdirectories) {
  dir.write("input/sub/.hidden_below", "h");
  dir.write("input/sub/b.txt", "b");
  harness.mutable_run().path = dir.path() + "/input";
  harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "filedir", {{"recursive", "true"}}).ingest();
  // Each directory's files in name order, then its sub-directories.
  EXPECT_EQ(queued_paths(harness),
            (std::vector<std::string>{dir.path() + "/input/.hidden", dir.path() + "/input/a.txt",
                                      dir.path() + "/input/b.txt", dir.path() + "/input/sub/.hidden_below",
                                      dir.path() + "/input/sub/b.txt", dir.path() + "/input/sub/c.txt"}));
}

TEST_F(FileDirTest, InvalidUtf8PathsCarryAnEscapedForm) {
  std::string name = std::string("caf") + '\xe9' + "\\x.txt";  // Latin-1 e-acute and a backslash
  dir.write("input/" + name, "x");
  harness.mutable_run().path = dir.path() + "/input";
  harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "filedir").ingest();
  bool found = false;
  for (const Json& message : harness.messages()) {
    std::string path = message["path"].get<std::string>();
    if (path.ends_with("a.txt") || path.ends_with("b.txt")) {
      EXPECT_FALSE(message.contains("path_escaped")) << message.dump();
      continue;
    }
    found = true;
    EXPECT_EQ(path, dir.path() + "/input/" + name);  // the exact bytes, for the fetch
    EXPECT_EQ(message["path_escaped"], dir.path() + "/input/caf\\xe9\\\\x.txt");
  }
  EXPECT_TRUE(found);
}

// A tree deeper than PATH_MAX allows to name in one path, built and removed one
// directory at a time (open(), mkdir() and remove_all() refuse such paths).
class DeepTree {
 public:
  DeepTree(const std::string& root, int depth) : root_(root), depth_(depth) {
    int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY);
    for (int level = 1; level <= depth && fd >= 0; ++level) {
      ::mkdirat(fd, "d", 0700);
      if (level % 1000 == 0 || level == depth) write_file(fd, "f" + std::to_string(level), std::to_string(level));
      int next = ::openat(fd, "d", O_RDONLY | O_DIRECTORY);
      ::close(fd);
      fd = next;
    }
    if (fd >= 0) ::close(fd);
  }
  DeepTree(const DeepTree&) = delete;
  DeepTree& operator=(const DeepTree&) = delete;
  ~DeepTree() {
    // Down to the bottom, then back up through "..", removing as it goes.
    int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY);
    for (int level = 1; level <= depth_ && fd >= 0; ++level) {
      int next = ::openat(fd, "d", O_RDONLY | O_DIRECTORY);
      if (next < 0) break;
      ::close(fd);
      fd = next;
    }
    // At level L the directory holds f<L+1> (written beside the "d" it contains) and "d".
    for (int level = depth_; fd >= 0; --level) {
      ::unlinkat(fd, ("f" + std::to_string(level + 1)).c_str(), 0);
      if (level == 0) break;
      int parent = ::openat(fd, "..", O_RDONLY | O_DIRECTORY);
      ::close(fd);
      fd = parent;
      if (fd >= 0) ::unlinkat(fd, "d", AT_REMOVEDIR);
    }
    if (fd >= 0) ::close(fd);
  }

  /// The files the tree holds, as the walk should queue them (top to bottom).
  [[nodiscard]] std::vector<std::string> files() const {
    std::vector<std::string> paths;
    std::string path = root_;
    for (int level = 1; level <= depth_; ++level) {
      path += "/d";
      if (level % 1000 == 0 || level == depth_)
        paths.push_back(path.substr(0, path.size() - 2) + "/f" + std::to_string(level));
    }
    return paths;
  }

 private:
  static void write_file(int dir_fd, const std::string& name, const std::string& content) {
    int fd = ::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
  }

  std::string root_;
  int depth_;
};

long peak_rss_kib() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Regression: a tree 3,000 deep took 537 MB (each level kept its full path) and its
// files were out of open()'s reach. Now: every file, memory linear in the depth.
TEST_F(FileDirTest, WalksATreeDeeperThanPathMax) {
  STOQ_SKIP_RSS_CHECK_UNDER_ASAN();
  constexpr int kDepth = 3000;
  std::string root = dir.mkdir("deep");
  DeepTree tree(root, kDepth);
  long before = peak_rss_kib();
  harness.mutable_run().path = root;
  harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "filedir", {{"recursive", "true"}}).ingest();
  EXPECT_EQ(queued_paths(harness), tree.files());
  EXPECT_LT(peak_rss_kib() - before, 64 * 1024) << "KiB of peak RSS added by the walk";
  // The deepest file is readable by path, though its path is longer than PATH_MAX.
  std::string deepest = tree.files().back();
  ASSERT_GT(deepest.size(), static_cast<std::size_t>(PATH_MAX));
  EXPECT_EQ(harness.get_file(deepest).bytes().as_string_view(), std::to_string(kDepth));
}

}  // namespace
