// Failures people see, and the exit status that tells scripts: stdout that cannot take
// results (/dev/full, closed, a reader gone), plugin failures as warning lines, the
// summary line, and each documented exit status (README "Exit status", `stoq help`).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "run_cli.hpp"
#include "run_report.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::StoqEnv;

const std::string kTree = STOQ_TEST_PLUGIN_DIR;

class OutputFailuresTest : public ::testing::Test {
 protected:
  StoqEnv env{{kTree}};
  std::string input = make_input(5);

  std::string make_input(int files) const {
    std::string dir = env.home().mkdir("in");
    for (int i = 0; i < files; ++i) env.home().write("in/f" + std::to_string(1000 + i), "payload " + std::to_string(i));
    return dir;
  }
  CliResult through_shell(const std::vector<std::string>& args, const std::string& tail) const {
    stoq_test::CliProcess process = stoq_test::start_stoq_through_shell(env, args, tail);
    return process.finish(60s);
  }
};

TEST_F(OutputFailuresTest, StdoutOnAFullDiskIsAnErrorNotASilentLoss) {
  CliResult result = through_shell({"hash", "-F", input, "-M", "2"}, "> /dev/full");
  EXPECT_EQ(stoq_test::shell_reported_status(result.err), 1) << result.describe();
  EXPECT_EQ(stoq_test::count_lines_with(result.err, "cannot write to stdout: No space left on device"), 5U)
      << result.describe();
  EXPECT_TRUE(contains(result.err, input + "/f1000")) << "the message names the payload\n" << result.describe();
  auto summary = stoq_test::summary_of(result.err);
  ASSERT_TRUE(summary) << result.describe();
  EXPECT_EQ(summary->payloads, 5U);
  EXPECT_EQ(summary->saved, 0U);
}

TEST_F(OutputFailuresTest, ClosedStdoutIsRefusedBeforeTheRun) {
  CliResult result = through_shell({"hash", "-F", input}, ">&-");
  EXPECT_EQ(stoq_test::shell_reported_status(result.err), 2) << result.describe();
  EXPECT_TRUE(contains(result.err, "stdout is closed")) << result.describe();
  EXPECT_FALSE(stoq_test::summary_of(result.err)) << "no payload was processed\n" << result.describe();
  EXPECT_FALSE(fs::exists(env.log_dir() / "stoq.log") &&
               contains(stoq_test::read_file(env.log_dir() / "stoq.log"), "{"))
      << "no document went into the log file through a reused descriptor 1";
}

// A closed stdout does not matter when results go to files, and nothing else takes its
// descriptor: the log file stays the log file.
TEST_F(OutputFailuresTest, ClosedStdoutIsFineWithTheFileConnector) {
  CliResult result = through_shell({"hash", "-F", input, "-C", "file"}, ">&-");
  EXPECT_EQ(stoq_test::shell_reported_status(result.err), 0) << result.describe();
  EXPECT_EQ(stoq_test::files_under(env.results_dir()).size(), 5U) << result.describe();
  for (const fs::path& file : stoq_test::files_under(env.log_dir())) {
    EXPECT_FALSE(contains(stoq_test::read_file(file), "\"results\"")) << file;
  }
}

// `| head -1` over many files: the first write after head exits fails with EPIPE, the
// run stops at once with 141, one line says why, and no error is printed per payload.
TEST_F(OutputFailuresTest, ReaderGoneStopsTheRunPromptly) {
  constexpr int kFiles = 3000;
  std::string many = env.home().mkdir("many");
  for (int i = 0; i < kFiles; ++i) env.home().write("many/f" + std::to_string(i), "payload " + std::to_string(i));
  CliResult result = through_shell({"hash", "-F", many, "-M", "2"}, "| head -1 > /dev/null");
  EXPECT_EQ(stoq_test::shell_reported_status(result.err), 141) << result.describe();
  EXPECT_EQ(stoq_test::count_lines_with(result.err, "stdout was closed"), 1U) << result.describe();
  EXPECT_EQ(stoq_test::count_lines_with(result.err, "failed"), 0U) << result.describe();
  auto summary = stoq_test::summary_of(result.err);
  ASSERT_TRUE(summary) << result.describe();
  EXPECT_LT(summary->payloads, static_cast<std::uint64_t>(kFiles / 2)) << "the run went on after the reader left";
  EXPECT_EQ(summary->ending, ", stopped: stdout closed");
}

// Tried as a new user would: a worker that throws on every payload. Each failure is a
// warning line naming plugin, payload and reason (rate-limited), in the log file too;
// the summary counts them; the exit status is 0 unless --fail-on-errors (3).
TEST_F(OutputFailuresTest, PluginFailuresAreWarningsAndCounted) {
  std::string boom = env.home().mkdir("boom");
  constexpr int kFailing = 12;
  for (int i = 0; i < kFailing; ++i) env.home().write("boom/b" + std::to_string(10 + i), "boom");
  env.home().write("boom/fine", "fine");
  CliResult result = stoq_test::run_stoq(env, {"thrower", "-F", boom, "-M", "2"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(stoq_test::documents_of(result).size(), static_cast<std::size_t>(kFailing + 1));
  std::size_t shown = stoq_test::count_lines_with(result.err, "warning: worker:thrower failed on " + boom + "/b");
  EXPECT_GE(shown, 1U) << result.describe();
  EXPECT_LT(shown, static_cast<std::size_t>(kFailing)) << "identical failures are rate-limited\n" << result.describe();
  EXPECT_TRUE(contains(result.err, ": thrower refuses " + boom + "/b")) << "the reason\n" << result.describe();
  EXPECT_EQ(stoq_test::count_lines_with(result.err, std::to_string(kFailing - shown) + " similar messages suppressed"),
            1U)
      << result.describe();
  auto summary = stoq_test::summary_of(result.err);
  ASSERT_TRUE(summary) << result.describe();
  EXPECT_EQ(summary->payloads, static_cast<std::uint64_t>(kFailing + 1));
  EXPECT_EQ(summary->saved, static_cast<std::uint64_t>(kFailing + 1));
  EXPECT_EQ(summary->with_errors, static_cast<std::uint64_t>(kFailing));
  EXPECT_EQ(summary->skipped_by_tlp, 0U);
  std::string log = stoq_test::read_file(env.log_dir() / "stoq.log");
  EXPECT_EQ(stoq_test::count_lines_with(log, "warning: worker:thrower failed on"), shown) << log;

  result = stoq_test::run_stoq(env, {"thrower", "-F", boom, "--fail-on-errors"});
  EXPECT_EQ(result.exit_code, 3) << result.describe();
  result = stoq_test::run_stoq(env, {"thrower", "-F", boom + "/fine", "--fail-on-errors"});
  EXPECT_EQ(result.exit_code, 0) << "no errors, nothing to fail on\n" << result.describe();
}

TEST_F(OutputFailuresTest, SummaryCountsPayloadsSkippedByTlp) {
  CliResult result = stoq_test::run_stoq(env, {"amber", "-F", input, "--tlp", "red"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  auto summary = stoq_test::summary_of(result.err);
  ASSERT_TRUE(summary) << result.describe();
  EXPECT_EQ(summary->payloads, 5U);
  EXPECT_EQ(summary->saved, 0U);
  EXPECT_EQ(summary->skipped_by_tlp, 5U);
  EXPECT_EQ(summary->ending, "");
}

// The documented statuses besides the ones above (1: StdoutOnAFullDisk..., 3:
// PluginFailures..., 141: ReaderGone..., 128+N: SecondSignalTest): 0 and 2 (usage).
TEST_F(OutputFailuresTest, ExitStatusOkAndUsage) {
  CliResult ok = stoq_test::run_stoq(env, {"hash", "-F", input});
  EXPECT_EQ(ok.exit_code, 0) << ok.describe();
  auto summary = stoq_test::summary_of(ok.err);
  ASSERT_TRUE(summary) << ok.describe();
  EXPECT_EQ(summary->saved, 5U);

  CliResult usage = stoq_test::run_stoq(env, {"hash", "-F", input, "--no-such-option"});
  EXPECT_EQ(usage.exit_code, 2) << usage.describe();
  EXPECT_EQ(usage.err_lines().size(), 1U) << usage.describe();
}

TEST_F(OutputFailuresTest, HelpDocumentsTheExitStatus) {
  CliResult help = stoq_test::run_stoq(env, {"help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* text : {"exit status:", "--fail-on-errors", "128+N", "141", "SIGHUP"}) {
    EXPECT_TRUE(contains(help.out, text)) << text << "\n" << help.out;
  }
}

}  // namespace
