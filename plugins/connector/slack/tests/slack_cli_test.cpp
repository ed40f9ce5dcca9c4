// connector:slack end to end: the real stoq executable against the fake webhook. The
// oracles: `stoq render` of the same document (saved by the file connector in the same
// run) for -T, sha1sum for the summary.
#include <gtest/gtest.h>

#include "fake_slack.hpp"
#include "run_cli.hpp"

namespace {
using fake_slack::FakeSlack;
using stoq_test::CliResult;
using stoq_test::StoqEnv;

class SlackCliTest : public ::testing::Test {
 protected:
  // `stoq <args...> --plugin-opt slack:webhook_url=<fake>`, without any real webhook from the environment.
  CliResult run(std::vector<std::string> args) {
    args.insert(args.end(), {"--plugin-opt", "slack:webhook_url=" + slack_.url(), "--plugin-opt",
                             "slack:webhook_url_env=STOQ_SLACK_CLI_TEST_UNSET"});
    return stoq_test::run_stoq(env_, args);
  }
  // The webhook URL, or its secret path, must never be printed.
  static void expect_no_secret(const CliResult& result) {
    EXPECT_FALSE(stoq_test::contains(result.err, "SECRET")) << result.describe();
    EXPECT_FALSE(stoq_test::contains(result.out, "SECRET")) << result.describe();
  }

  FakeSlack slack_;
  StoqEnv env_;
  stoq::testing::TempDir files_;
};

TEST_F(SlackCliTest, TheRenderedTemplateIsPostedAsIs) {
  std::string report = files_.write("report.txt",
                                    "Beacon to http://bad.example.net/x and 10.1.2.3, mail evil@example.com,\n"
                                    "dropper md5 d41d8cd98f00b204e9800998ecf8427e.\n");
  std::string saved = files_.write("saved.jsonl", "");  // -O: an existing file, appended to
  // One run, two connectors: the file connector keeps the JSON, slack gets the template's text.
  CliResult result = run({"iocextract", "-F", report, "-C", "file", "-O", saved, "-C", "slack", "-T", "slack.tpl"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  expect_no_secret(result);
  std::string tpl = std::string(STOQ_PLUGIN_DIR) + "/worker/iocextract/templates/slack.tpl";
  stoq_test::SpawnOptions options;
  options.env = env_.env();
  CliResult rendered = stoq_test::run_cli({"render", tpl, saved}, options);  // render takes no --config
  ASSERT_EQ(rendered.exit_code, 0) << rendered.describe();
  ASSERT_FALSE(rendered.out.empty());
  std::string expected = rendered.out.substr(0, rendered.out.size() - 1);  // render adds one newline per document
  ASSERT_EQ(slack_.messages().size(), 1U);
  EXPECT_EQ(slack_.messages()[0], expected);
  EXPECT_TRUE(stoq_test::contains(expected, "`10.1.2.3`")) << expected;  // not an empty rendering
}

TEST_F(SlackCliTest, WithoutATemplateTheSummaryIsPosted) {
  STOQ_NEED_TOOL("sha1sum");
  std::string path = files_.write("sample.bin", "some bytes");
  std::string sha1 = stoq::testing::run_command("sha1sum " + stoq::testing::shell_quote(path));
  sha1 = sha1.substr(0, sha1.find(' '));
  CliResult result = run({"hash", "-F", path, "-C", "slack"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(slack_.messages(),
            std::vector<std::string>{"stoq hash: sample.bin sha1 " + sha1 + ", 1 payload, 0 errors"});
}

TEST_F(SlackCliTest, ARateLimitedPostIsRetriedAndPostedOnce) {
  std::string path = files_.write("sample.bin", "some bytes");
  slack_.answer_next({429, "rate_limited", "1"});
  CliResult result = run({"hash", "-F", path, "-C", "slack", "-L", "debug"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(slack_.messages().size(), 1U);
  EXPECT_EQ(slack_.server().requests("POST", FakeSlack::kPath).size(), 2U);
  expect_no_secret(result);
}

TEST_F(SlackCliTest, NoServiceFailsTheRunWithoutPrintingTheUrl) {
  std::string path = files_.write("sample.bin", "some bytes");
  slack_.answer_next({404, "no_service", ""});
  CliResult result = run({"hash", "-F", path, "-C", "slack", "-L", "debug"});
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_TRUE(stoq_test::contains(result.err, "no_service")) << result.describe();
  EXPECT_TRUE(stoq_test::contains(result.err, "failed to save")) << result.describe();
  EXPECT_TRUE(slack_.messages().empty());
  expect_no_secret(result);
}

TEST_F(SlackCliTest, WithoutAWebhookTheRunStopsWithOneLine) {
  std::string path = files_.write("sample.bin", "some bytes");
  CliResult result = stoq_test::run_stoq(
      env_, {"hash", "-F", path, "-C", "slack", "--plugin-opt", "slack:webhook_url_env=STOQ_SLACK_CLI_TEST_UNSET"});
  EXPECT_NE(result.exit_code, 0) << result.describe();
  std::size_t naming = 0;
  for (const std::string& line : result.err_lines()) {
    if (stoq_test::contains(line, "no Slack webhook URL")) ++naming;
  }
  EXPECT_EQ(naming, 1U) << result.describe();
}

}  // namespace
