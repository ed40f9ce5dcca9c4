// The CLI refuses, before the first payload, what it used to accept and then ignore or
// misuse: numbers out of range (-M, -R, --cron), empty option values, bad stoq.cfg
// values (log_level, a _dict that is not JSON, an unwritable log_dir), and options the
// chosen plugins cannot honour (-O with -C stdout, -A stdout, -Q/-E with filedir, an
// -O folder that cannot be written or whose parent does not exist). Each: exit status 2,
// one line on stderr saying what is wrong, nothing on stdout.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::StoqEnv;

class CliValidationTest : public ::testing::Test {
 protected:
  StoqEnv env;
  std::string input = env.home().write("input/sample.txt", "a small payload\n");

  CliResult stoq(const std::vector<std::string>& args) { return stoq_test::run_stoq(env, args); }

  // `stoq <args> --config <cfg>` where cfg is `core_text` as the whole [core] section.
  CliResult stoq_with_config(const std::string& core_text, const std::vector<std::string>& args) {
    std::string config = env.home().write("custom.cfg", "[core]\n" + core_text);
    std::vector<std::string> full = args;
    full.insert(full.end(), {"--config", config});
    stoq_test::SpawnOptions options;
    options.env = env.env();
    return stoq_test::run_cli(full, options);
  }

  // Refused before the run: status 2, nothing on stdout, one stderr line with every part.
  static void expect_refused(const CliResult& result, const std::vector<std::string>& parts) {
    EXPECT_EQ(result.exit_code, 2) << result.describe();
    EXPECT_EQ(result.out, "") << result.describe();
    std::vector<std::string> lines = result.err_lines();
    ASSERT_EQ(lines.size(), 1U) << result.describe();
    for (const std::string& part : parts) {
      EXPECT_TRUE(contains(lines[0], part)) << "missing '" << part << "' in\n" << lines[0];
    }
    EXPECT_LT(lines[0].size(), 400U) << "a message, not a dump: " << lines[0];
  }
};

std::string max_threads_text() { return std::to_string(std::max(256U, 4 * std::thread::hardware_concurrency())); }

TEST_F(CliValidationTest, MaxProcessesOutOfRange) {
  for (const char* value : {"0", "-1", "40000", "abc", "1.5"}) {
    SCOPED_TRACE(value);
    expect_refused(stoq({"hash", "-F", input, "-M", value}),
                   {"--max-processes: must be a whole number from 1 to " + max_threads_text(), value});
  }
}

TEST_F(CliValidationTest, MaxProcessesAtTheBoundsRuns) {
  for (const char* value : {"1", "256"}) {
    CliResult result = stoq({"hash", "-F", input, "-M", value});
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    EXPECT_EQ(stoq_test::parse_json_stream(result.out).size(), 1U) << result.describe();
  }
}

TEST_F(CliValidationTest, CronOutOfRange) {
  for (const char* value : {"0", "1e-300", "0.01", "-5", "inf", "nan", "1e9", "soon"}) {
    SCOPED_TRACE(value);
    expect_refused(stoq({"hash", "-F", input, "--cron", value}),
                   {"--cron: must be a number of seconds from 0.1 to 31536000", value});
  }
}

TEST_F(CliValidationTest, MaxRecursionOutOfRange) {
  for (const char* value : {"-1", "1001"}) {
    expect_refused(stoq({"hash", "-F", input, "-D", "-R", value}),
                   {"--max-recursion: must be a whole number from 0 to 1000"});
  }
}

TEST_F(CliValidationTest, EmptyOptionValues) {
  for (const std::string option : {"-C", "-A", "-I", "-O", "-F", "-P", "-Q", "-L", "-T", "--rate-limit"}) {
    SCOPED_TRACE(option);
    std::vector<std::string> args = {"hash", option, ""};
    if (option != "-F") args.insert(args.end(), {"-F", input});
    expect_refused(stoq(args), {"must not be empty"});
  }
}

TEST_F(CliValidationTest, HelpShowsTheBounds) {
  CliResult result = stoq({"hash", "-h"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(contains(result.out, "1 to " + max_threads_text())) << result.out;
  EXPECT_TRUE(contains(result.out, "0 to 1000")) << result.out;
  EXPECT_TRUE(contains(result.out, "0.1 to 31536000 s")) << result.out;
}

TEST_F(CliValidationTest, UnknownLogLevelInConfig) {
  expect_refused(stoq_with_config("results_dir = out\nlog_level = LOUD\n", {"hash", "-F", input}),
                 {"custom.cfg:3: log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got 'LOUD'"});
}

TEST_F(CliValidationTest, DictKeyThatIsNotJson) {
  expect_refused(stoq_with_config("foo_dict = {not json\n", {"hash", "-F", input}),
                 {"custom.cfg:2: option 'foo_dict' = '{not json' is not a JSON object"});
}

// /proc takes no new files, whoever runs the test (root included).
TEST_F(CliValidationTest, UnwritableLogDir) {
  for (const char* dir : {"/proc/stoq-logs", "/proc"}) {
    SCOPED_TRACE(dir);
    expect_refused(stoq_with_config(std::string("log_dir = ") + dir + "\n", {"hash", "-F", input}),
                   {"custom.cfg: log_dir " + std::string(dir) + " cannot hold stoq.log"});
  }
}

TEST_F(CliValidationTest, OutfileWithStdoutConnector) {
  expect_refused(stoq({"hash", "-F", input, "-C", "stdout", "-O", env.home().path("out")}),
                 {"-O " + env.home().path("out") + ": stdout prints results and writes no files"});
  EXPECT_FALSE(fs::exists(env.home().path("out")));
}

TEST_F(CliValidationTest, ArchiveToStdout) {
  expect_refused(stoq({"hash", "-F", input, "-A", "stdout"}), {"-A stdout: stdout cannot archive payloads"});
  expect_refused(stoq({"hash", "-F", input, "-C", "file", "-A", "stdout"}),
                 {"-A stdout: stdout cannot archive payloads"});
}

TEST_F(CliValidationTest, QueueOptionsWithFileSources) {
  std::string dir = env.home().path("input");
  const std::vector<std::vector<std::string>> cases = {
      {"hash", "-F", input, "-Q", "myqueue"},
      {"hash", "-F", input, "-E"},
      {"hash", "-I", "dirmon", "-F", dir, "-E"},
  };
  for (const auto& args : cases) {
    expect_refused(stoq(args), {"-Q and -E are for sources that consume a queue"});
  }
}

TEST_F(CliValidationTest, UnwritableOutfileFolderBeforeTheRun) {
  expect_refused(stoq({"hash", "-F", input, "-C", "file", "-O", "/proc"}),
                 {"-O /proc: cannot write results in this folder"});
}

TEST_F(CliValidationTest, OutfileCreatesOnlyItsLastFolder) {
  std::string deep = env.home().path("missing/deep/dir");
  expect_refused(stoq({"hash", "-F", input, "-C", "file", "-O", deep}),
                 {"-O " + deep + ": the folder " + env.home().path("missing/deep") + " does not exist"});
  EXPECT_FALSE(fs::exists(env.home().path("missing")));

  std::string fresh = env.home().path("fresh");
  CliResult result = stoq({"hash", "-F", input, "-C", "file", "-O", fresh + "/"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(stoq_test::files_under(fresh).size(), 1U) << result.describe();
  for (const fs::path& file : stoq_test::files_under(fresh)) {
    EXPECT_EQ(file.parent_path(), fs::path(fresh) / "hash");  // no write-test file left behind
  }
}

// Threads the system will not give (a small address space, big stacks) end the run
// cleanly: fewer workers and a warning, or a clear error; never std::terminate.
TEST_F(CliValidationTest, ThreadsThatCannotStart) {
  // sh sets the limits, then becomes stoq: $0 is the program, "$@" its arguments.
  const std::string limits = R"(ulimit -s 65536 && ulimit -v 2000000 && exec "$0" "$@")";
  std::vector<std::string> args = {"-c", limits, STOQ_CLI, "hash", "-M", "256", "-F", env.home().path("input")};
  args.insert(args.end(), {"--config", env.config()});
  stoq_test::SpawnOptions options;
  options.env = env.env();
  stoq_test::CliProcess process("/bin/sh", args, options);
  CliResult result = process.finish(options.timeout);
  EXPECT_EQ(result.term_signal, 0) << result.describe();
  EXPECT_FALSE(contains(result.err, "terminate")) << result.describe();
  EXPECT_TRUE(contains(result.err, "of 256 worker threads could be started") ||
              contains(result.err, "cannot start a worker thread"))
      << result.describe();
}

}  // namespace
