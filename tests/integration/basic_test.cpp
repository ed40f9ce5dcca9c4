// The command line itself: version, help, list, a worker's -h, and every kind of bad
// input (each a non-zero exit with a message on stderr and nothing on stdout).
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "run_cli.hpp"
#include "stoq/version.hpp"

namespace {

using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::StoqEnv;

class BasicCliTest : public ::testing::Test {
 protected:
  StoqEnv env;
  std::string input = env.home().write("input/sample.txt", "sample payload\n");

  CliResult stoq(const std::vector<std::string>& args) { return stoq_test::run_stoq(env, args); }
  // Without --config: STOQ_HOME (a temp dir without stoq.cfg) only.
  CliResult bare(const std::vector<std::string>& args) {
    stoq_test::SpawnOptions options;
    options.env = env.env();
    return stoq_test::run_cli(args, options);
  }

  static void expect_failure(const CliResult& result, const std::vector<std::string>& parts, bool one_line = true) {
    EXPECT_NE(result.exit_code, 0) << result.describe();
    EXPECT_FALSE(result.timed_out) << result.describe();
    EXPECT_EQ(result.out, "") << result.describe();
    if (one_line) {
      EXPECT_EQ(result.err_lines().size(), 1U) << result.describe();
    }
    for (const std::string& part : parts)
      EXPECT_TRUE(contains(result.err, part)) << "missing '" << part << "'\n" << result.describe();
  }
};

TEST_F(BasicCliTest, Version) {
  for (const char* spelling : {"--version", "version"}) {
    CliResult result = bare({spelling});
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    EXPECT_EQ(result.out, "stoq " + std::string(stoq::kVersion) + "\n");
    EXPECT_EQ(result.err, "");
  }
}

TEST_F(BasicCliTest, Help) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"help"}, std::vector<std::string>{},
                                               std::vector<std::string>{"-h"}, std::vector<std::string>{"--help"}}) {
    CliResult result = bare(args);
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    EXPECT_EQ(result.err, "");
    for (const char* text : {"usage", "stoq list", "stoq <worker>", "stoq --version", "stoq hash -F"}) {
      EXPECT_TRUE(contains(result.out, text)) << text << "\n" << result.out;
    }
  }
}

TEST_F(BasicCliTest, ListShowsCategoriesAndVersions) {
  CliResult result = stoq({"list"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  const std::string& out = result.out;
  auto has_line = [&](const std::string& pattern) {
    return std::regex_search(out, std::regex(pattern, std::regex::multiline));
  };
  EXPECT_TRUE(has_line(R"(^worker$)")) << out;
  EXPECT_TRUE(has_line(R"(^connector$)")) << out;
  EXPECT_TRUE(has_line(R"(^source$)")) << out;
  EXPECT_TRUE(has_line(R"(^  hash +v0\.2 +Hash content$)")) << out;
  EXPECT_TRUE(has_line(R"(^  stdout +v0\.10 +Sends content to STDOUT$)")) << out;
  EXPECT_TRUE(has_line(R"(^  file +v0\.11 +Retrieves and saves content to local disk$)")) << out;
  EXPECT_TRUE(has_line(R"(^  filedir +v0\.11 +Ingest a file or directory for processing$)")) << out;
  EXPECT_TRUE(has_line(R"(^  dirmon +v0\.11 +Monitor a directory for newly created files for processing$)")) << out;
  // Categories in the guide's order, each plugin under its own.
  auto worker = out.find("worker\n");
  auto connector = out.find("connector\n");
  auto source = out.find("source\n");
  ASSERT_NE(worker, std::string::npos);
  ASSERT_NE(connector, std::string::npos);
  ASSERT_NE(source, std::string::npos);
  EXPECT_LT(worker, connector);
  EXPECT_LT(connector, source);
  EXPECT_LT(out.find("  hash"), connector);
  EXPECT_GT(out.find("  dirmon"), source);
  EXPECT_FALSE(contains(out, "broken")) << out;
}

TEST_F(BasicCliTest, ListTakesNoArguments) { expect_failure(stoq({"list", "extra"}), {"extra"}); }

TEST_F(BasicCliTest, WorkerHelpHasSharedAndOwnOptions) {
  CliResult result = stoq({"hash", "-h"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.err, "") << result.describe();
  for (const char* text : {"--split",
                           "-F",
                           "--file",
                           "-C",
                           "--connector",
                           "-A",
                           "--archive",
                           "-P",
                           "--decorator",
                           "--flatten",
                           "--delimiter",
                           "--use-date",
                           "--tlp",
                           "--metadata",
                           "--rate-limit",
                           "--cron",
                           "-M",
                           "-O",
                           "--config",
                           "--hashes-list",
                           "--hashpayload",
                           "--saveresults",
                           "--max-tlp",
                           "Hash content"}) {
    EXPECT_TRUE(contains(result.out, text)) << text << "\n" << result.out;
  }
  EXPECT_EQ(stoq({"hash", "--help"}).out, result.out);
}

TEST_F(BasicCliTest, NonexistentFileNamesThePath) {
  std::string missing = env.home().path("no/such/file.bin");
  expect_failure(stoq({"hash", "-F", missing}), {missing});
}

TEST_F(BasicCliTest, UnknownWorkerListsWorkers) {
  expect_failure(stoq({"nosuchworker", "-F", input}), {"nosuchworker", "hash"});
}

TEST_F(BasicCliTest, UnknownSharedFlag) {
  expect_failure(stoq({"hash", "-F", input, "--bogus-flag"}), {"--bogus-flag"});
}

TEST_F(BasicCliTest, FlagBeforeTheWorker) { expect_failure(bare({"-F", input}), {"-F"}); }

// -D with no dispatch_rules in stoq.cfg: the rules bundled with stoq route a zip (written
// here by Python's zipfile) to extractor:decompress, whose members become entries.
TEST_F(BasicCliTest, DispatchWithTheBundledRulesUnpacksAZip) {
  std::string zip = env.home().path("two.zip");
  std::string script = "import zipfile; z = zipfile.ZipFile('" + zip +
                       "', 'w', zipfile.ZIP_DEFLATED); z.writestr('a.txt', 'alpha\\n'); "
                       "z.writestr('dir/b.txt', 'bravo\\n'); z.close()";
  ASSERT_EQ(std::system(("python3 -c \"" + script + "\"").c_str()), 0);
  CliResult result = stoq({"hash", "--dispatch", "-F", zip});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<stoq_test::OJson> docs = stoq_test::documents_of(result);
  ASSERT_EQ(docs.size(), 1U) << result.describe();
  const stoq_test::OJson& results = docs[0]["results"];
  ASSERT_EQ(results.size(), 3U) << docs[0].dump(2);
  EXPECT_EQ(docs[0]["payloads"], 3);
  EXPECT_EQ(results[1]["filename"], "a.txt");
  EXPECT_EQ(results[1]["dispatcher"], "extractor:decompress");
  EXPECT_EQ(results[1]["md5"], "9f9f90dbe3e5ee1218c86b8839db1995");  // md5("alpha\n"), Python's hashlib
  EXPECT_EQ(results[1]["scan"]["md5"], results[1]["md5"]);
  EXPECT_EQ(results[2]["filename"], "dir/b.txt");
  EXPECT_EQ(results[2]["uuid"][0], results[0]["uuid"][0]);
}

TEST_F(BasicCliTest, DispatchRulesThatDoNotExistAreAStartUpError) {
  env.write_config("dispatch_rules = /nonexistent/rules.yar\n");
  expect_failure(stoq({"hash", "-F", input, "-D"}), {"/nonexistent/rules.yar"});
}

TEST_F(BasicCliTest, BadRateLimit) {
  expect_failure(stoq({"hash", "-F", input, "--rate-limit", "bad"}), {"rate-limit", "bad"});
  expect_failure(stoq({"hash", "-F", input, "--rate-limit", "0/1"}), {"rate-limit"});
  CliResult good = stoq({"hash", "-F", input, "--rate-limit", "100/1"});
  EXPECT_EQ(good.exit_code, 0) << good.describe();
}

TEST_F(BasicCliTest, BadTlpAndLogLevel) {
  expect_failure(stoq({"hash", "-F", input, "--tlp", "purple"}), {"purple"});
  expect_failure(stoq({"hash", "-F", input, "-L", "loud"}), {"loud"});
}

TEST_F(BasicCliTest, BadMetadata) { expect_failure(stoq({"hash", "-F", input, "--metadata", "novalue"}), {"novalue"}); }

TEST_F(BasicCliTest, MalformedConfigNamesFileAndLine) {
  std::string cfg = env.home().write("bad.cfg", "[core]\nresults_dir = results\nthis line has no separator\n");
  CliResult result = bare({"hash", "-F", input, "--config", cfg});
  expect_failure(result, {cfg + ":3"});

  cfg = env.home().write("nocore.cfg", "[other]\nkey = value\n");
  expect_failure(bare({"hash", "-F", input, "--config", cfg}), {cfg, "[core]"});

  cfg = env.home().write("badint.cfg", "[core]\nmax_queue = lots\n");
  expect_failure(bare({"hash", "-F", input, "--config", cfg}), {cfg + ":2", "max_queue"});

  cfg = env.home().write("badtlp.cfg", "[core]\ndefault_tlp = purple\n");
  expect_failure(bare({"hash", "-F", input, "--config", cfg}), {cfg, "default_tlp"});

  expect_failure(bare({"list", "--config", env.home().path("missing.cfg")}), {"missing.cfg"});
  expect_failure(bare({"hash", "--config"}), {"--config"});
}

TEST_F(BasicCliTest, StoqHomeConfigIsUsedWithoutConfigFlag) {
  // STOQ_HOME/stoq.cfg is the config when --config is absent.
  std::string custom = env.home().path("custom-results");
  env.home().write("stoq.cfg", "[core]\nresults_dir = " + custom + "\nlog_dir = " + env.home().path("logs") + "\n");
  CliResult result = bare({"hash", "-F", input, "-C", "file"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(stoq_test::files_under(custom + "/hash").size(), 1U);
}

TEST_F(BasicCliTest, LogsGoToStderrAndLogFileNeverStdout) {
  CliResult result = stoq({"hash", "-F", input, "-L", "debug"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::string trailing;
  auto documents = stoq_test::parse_json_stream(result.out, &trailing);
  EXPECT_EQ(documents.size(), 1U) << result.describe();
  EXPECT_EQ(trailing, "");
  // A run that logs at info level (a payload skipped by max_tlp): the log line is on
  // stderr and in log_dir/stoq.log, and stdout stays empty.
  result = stoq({"hash", "-F", input, "--max-tlp", "amber", "--tlp", "red"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
  EXPECT_TRUE(contains(result.err, "skipping")) << result.describe();
  EXPECT_TRUE(contains(result.err, input)) << result.describe();
  std::string log = stoq_test::read_file(env.log_dir() / "stoq.log");
  EXPECT_TRUE(contains(log, "skipping")) << log;
}

}  // namespace
