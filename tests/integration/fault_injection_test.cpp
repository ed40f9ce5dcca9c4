// Fault injection: a disk that fills up while results are saved (a tiny tmpfs, when the
// tests run as root; skipped otherwise), an output directory removed mid-run, a source
// directory that disappears mid-run. In every case: no crash, clear messages, no file
// left half-written, and nothing acknowledged to the source that was not saved (the
// acksource test plugin records every ack).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "run_cli.hpp"
#include "run_report.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::OJson;
using stoq_test::StoqEnv;

const std::string kTree = STOQ_TEST_PLUGIN_DIR;

class FaultInjectionTest : public ::testing::Test {
 protected:
  StoqEnv env{{kTree}};
  std::string record = env.home().path("acks.json");

  std::string make_input(int files, std::size_t size = 64) const {
    std::string dir = env.home().mkdir("in");
    for (int i = 0; i < files; ++i) {
      std::string name = "f" + std::to_string(1000 + i);
      env.home().write("in/" + name, name + std::string(size, 'x'));
    }
    return dir;
  }
  // `worker -I acksource -F <input> <extra...>`, which records how each message was acked.
  std::vector<std::string> args(const std::string& worker, const std::string& input,
                                const std::vector<std::string>& extra) const {
    std::vector<std::string> all = {
        worker, "-I", "acksource", "-F", input, "--plugin-opt", "acksource:record=" + record};
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  }
  OJson acks() const { return OJson::parse(stoq_test::read_file(record)); }
  std::set<std::string> acked(bool saved) const {
    std::set<std::string> paths;
    const OJson all = acks();
    for (const auto& [path, value] : all.items()) {
      if (value == saved) paths.insert(path);
    }
    return paths;
  }
  std::unique_ptr<stoq_test::CliProcess> start(const std::vector<std::string>& all) const {
    stoq_test::SpawnOptions options;
    options.env = env.env();
    return std::make_unique<stoq_test::CliProcess>(STOQ_CLI, env.args(all), options);
  }
};

// The payload path each saved results file holds; a test failure for a file that is not
// a whole JSON document.
std::set<std::string> saved_paths(const fs::path& dir) {
  std::set<std::string> paths;
  for (const fs::path& file : stoq_test::files_under(dir)) {
    EXPECT_NE(file.filename().string()[0], '.') << "a staging file was left: " << file;
    std::string text = stoq_test::read_file(file);
    try {
      paths.insert(OJson::parse(text)["results"][0]["path"].get<std::string>());
    } catch (const std::exception& e) {
      ADD_FAILURE() << file << " is not a whole document (" << text.size() << " bytes): " << e.what();
    }
  }
  return paths;
}

TEST_F(FaultInjectionTest, DiskFullWhileSavingResultFiles) {
  stoq_test::TinyTmpfs disk(64 * 1024);
  if (!disk.mounted()) GTEST_SKIP() << "mounting a tmpfs needs root";
  std::string input = make_input(150);
  std::string out = disk.path("results");
  CliResult result = stoq_test::run_stoq(env, args("hash", input, {"-C", "file", "-O", out, "-M", "2"}));
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_FALSE(result.timed_out);
  EXPECT_TRUE(contains(result.err, "No space left on device")) << result.describe();
  EXPECT_TRUE(contains(result.err, "could not be saved")) << result.describe();

  std::set<std::string> on_disk = saved_paths(out);
  EXPECT_GT(on_disk.size(), 0U);
  EXPECT_LT(on_disk.size(), 150U) << "the disk was meant to fill up";
  EXPECT_EQ(acked(true), on_disk) << "acknowledged exactly what was saved";
  EXPECT_EQ(acked(true).size() + acked(false).size(), 150U);
  auto summary = stoq_test::summary_of(result.err);
  ASSERT_TRUE(summary) << result.describe();
  EXPECT_EQ(summary->saved, on_disk.size());
}

TEST_F(FaultInjectionTest, DiskFullWhileAppendingToAnOutfile) {
  stoq_test::TinyTmpfs disk(64 * 1024);
  if (!disk.mounted()) GTEST_SKIP() << "mounting a tmpfs needs root";
  std::string input = make_input(150);
  std::string out = disk.path("all.jsonl");
  {
    std::ofstream(out) << R"({"written": "before the run"})"
                       << "\n";
  }
  CliResult result = stoq_test::run_stoq(env, args("hash", input, {"-C", "file", "-O", out, "-M", "2"}));
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_TRUE(contains(result.err, "cannot append to " + out + ": No space left on device")) << result.describe();

  std::string text = stoq_test::read_file(out);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n') << "no cut last line";
  std::istringstream lines(text);
  std::set<std::string> appended;
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, R"({"written": "before the run"})");
  while (std::getline(lines, line)) {
    try {
      appended.insert(OJson::parse(line)["results"][0]["path"].get<std::string>());
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a whole document: " << line.substr(0, 200) << ": " << e.what();
    }
  }
  EXPECT_GT(appended.size(), 0U);
  EXPECT_LT(appended.size(), 150U) << "the disk was meant to fill up";
  EXPECT_EQ(acked(true), appended);
}

// The results (index) directory is replaced by a file mid-run: each later payload is one clear
// error naming the directory, and is not acknowledged; the run exits 1.
TEST_F(FaultInjectionTest, OutputDirectoryReplacedMidRun) {
  std::string input = make_input(6);
  std::string out = env.home().path("out");
  auto process = start(args("slow", input, {"-C", "file", "-O", out, "-M", "1"}));
  bool first = process->wait_for(
      [&](const std::string&, const std::string&) { return !stoq_test::files_under(out).empty(); }, 30s);
  ASSERT_TRUE(first) << process->err();
  fs::remove_all(out + "/slow");  // the index directory; `out` itself as a file would be appended to
  env.home().write("out/slow", "a file where the results directory was");
  CliResult result = process->finish(60s);
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_EQ(result.term_signal, 0) << result.describe();
  std::set<std::string> lost = acked(false);
  EXPECT_GE(lost.size(), 1U) << acks().dump();
  EXPECT_EQ(acked(true).size() + lost.size(), 6U) << acks().dump();
  EXPECT_TRUE(contains(result.err, "cannot create the directory " + out + "/slow")) << result.describe();
  for (const std::string& path : lost) {
    EXPECT_TRUE(contains(result.err, "connector file failed to save the results of " + path)) << result.describe();
  }
  auto summary = stoq_test::summary_of(result.err);
  ASSERT_TRUE(summary) << result.describe();
  EXPECT_EQ(summary->saved, acked(true).size());
}

// Removed only: the directory is made again and nothing is lost.
TEST_F(FaultInjectionTest, OutputDirectoryRemovedMidRunIsMadeAgain) {
  std::string input = make_input(6);
  std::string out = env.home().path("out");
  auto process = start(args("slow", input, {"-C", "file", "-O", out, "-M", "1"}));
  bool first = process->wait_for(
      [&](const std::string&, const std::string&) { return !stoq_test::files_under(out).empty(); }, 30s);
  ASSERT_TRUE(first) << process->err();
  std::set<std::string> before = saved_paths(out);
  fs::remove_all(out);
  CliResult result = process->finish(60s);
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(acked(true).size(), 6U) << acks().dump();
  std::set<std::string> after = saved_paths(out);
  EXPECT_GE(after.size(), 1U);
  EXPECT_EQ(before.size() + after.size(), 6U) << "each payload saved once, before or after the removal";
}

// The input directory disappears mid-run: the payloads not yet read get an `errors`
// entry naming the file (a warning line each) and their documents are saved; nothing
// crashes, and each document on disk is whole.
TEST_F(FaultInjectionTest, SourceDirectoryDisappearsMidRun) {
  std::string input = make_input(6);
  auto process = start(args("slow", input, {"-C", "file", "-M", "1"}));
  bool first = process->wait_for(
      [&](const std::string&, const std::string&) { return !stoq_test::files_under(env.results_dir()).empty(); }, 30s);
  ASSERT_TRUE(first) << process->err();
  fs::remove_all(input);
  CliResult result = process->finish(60s);
  EXPECT_EQ(result.term_signal, 0) << result.describe();
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(saved_paths(env.results_dir()).size(), 6U);
  EXPECT_EQ(acked(true).size(), 6U) << "documents with errors were saved: acknowledged\n" << acks().dump();
  auto summary = stoq_test::summary_of(result.err);
  ASSERT_TRUE(summary) << result.describe();
  EXPECT_GE(summary->with_errors, 1U) << result.describe();
  EXPECT_EQ(stoq_test::count_lines_with(result.err, "warning: connector:file failed on " + input + "/f"),
            summary->with_errors)
      << result.describe();
}

}  // namespace
