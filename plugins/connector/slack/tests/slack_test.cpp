// connector:slack through PluginHarness against the fake webhook (fake_slack.hpp): what
// the webhook received is the oracle.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "es_test_support.hpp"
#include "fake_slack.hpp"
#include "stoq/testing.hpp"

namespace {
using fake_slack::Answer;
using fake_slack::FakeSlack;
using stoq::Content;
using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;
using Overrides = std::vector<std::pair<std::string, std::string>>;

// An environment variable nobody sets: the tests never read a real STOQ_SLACK_WEBHOOK_URL.
const std::string kUnsetVariable = "STOQ_SLACK_TEST_UNSET_" + std::to_string(::getpid());

class SlackTest : public ::testing::Test {
 protected:
  stoq::Connector& connector(const Overrides& more = {}) {
    Overrides overrides{{"webhook_url", slack_.url()}, {"webhook_url_env", kUnsetVariable}, {"timeout", "10"}};
    overrides.insert(overrides.end(), more.begin(), more.end());  // later ones win
    return harness_.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "slack", overrides);
  }
  // The message of what activating with `overrides` throws ("" when it does not).
  std::string activation_error(const Overrides& overrides) {
    try {
      connector(overrides);
    } catch (const stoq::Error& e) {
      return e.what();
    }
    return {};
  }

  FakeSlack slack_;
  TempDir work_;
  PluginHarness harness_{work_.path()};
};

TEST_F(SlackTest, TheShippedStoqFileGivesTheDocumentedDefaults) {
  auto& slack = connector();
  EXPECT_EQ(slack.options().get_string("webhook_url_env"), kUnsetVariable);
  EXPECT_EQ(slack.options().get_int("max_chars"), 3000);
  EXPECT_EQ(slack.options().get_int("retries"), 3);
  EXPECT_EQ(slack.options().get_int("timeout"), 10);
  // (Not activated with the shipped webhook_url_env: a developer's real webhook may be set.)
  auto stoq_file = stoq::testing::read_file_bytes(std::string(STOQ_PLUGIN_DIR) + "/connector/slack/slack.stoq");
  EXPECT_NE(stoq_file.find("webhook_url_env = STOQ_SLACK_WEBHOOK_URL"), std::string::npos);
}

TEST_F(SlackTest, TextIsPostedAsJsonAsIs) {
  auto& slack = connector();
  const std::string text = "*IOCExtract* for `a.txt` \"quoted\" <http://x|x> & more\nsecond line é";
  EXPECT_TRUE(slack.save(Content::text(text), Json{{"index", "iocextract"}}).is_null());
  EXPECT_EQ(slack_.messages(), std::vector<std::string>{text});
  auto posts = slack_.server().requests("POST", FakeSlack::kPath);
  ASSERT_EQ(posts.size(), 1U);
  EXPECT_EQ(posts[0].headers["content-type"], "application/json; charset=utf-8");
  EXPECT_EQ(Json::parse(posts[0].body), Json({{"text", text}}));
}

TEST_F(SlackTest, ResultsBecomeAOneLineSummary) {
  auto& slack = connector();
  Json document = {{"results", Json::array({Json{{"sha1", "abc123"}, {"filename", "a<b>.txt"}},
                                            Json{{"sha1", "def"}, {"filename", "child"}}})},
                   {"payloads", 2},
                   {"errors", Json::array({Json{{"plugin", "worker:x"}, {"error", "boom"}}})}};
  slack.save(Content::results(document), Json{{"index", "hash"}});
  Json split_entry = {{"sha1", "s1"}, {"filename", "one"}, {"payloads", 1}};  // --split: an entry
  slack.save(Content::results(split_entry), Json{{"index", "yara"}});
  EXPECT_EQ(slack_.messages(), (std::vector<std::string>{"stoq hash: a&lt;b&gt;.txt sha1 abc123, 2 payloads, 1 error",
                                                         "stoq yara: one sha1 s1, 1 payload, 0 errors"}));
}

TEST_F(SlackTest, MaxCharsCutsTheTextOnACharacterBoundary) {
  auto& slack = connector({{"max_chars", "5"}});
  slack.save(Content::text("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"), Json::object());  // 7 two-byte characters
  slack.save(Content::text("fits!"), Json::object());
  EXPECT_EQ(slack_.messages(), (std::vector<std::string>{"\u00e9\u00e9\u00e9\u00e9\u2026", "fits!"}));
}

TEST_F(SlackTest, A429IsRetriedAfterRetryAfterAndPostedOnce) {
  auto& slack = connector();
  slack_.answer_next({429, "rate_limited", "1"});
  slack_.answer_next({503, "service_unavailable", ""});
  slack.save(Content::text("hello"), Json::object());
  EXPECT_EQ(slack_.messages(), std::vector<std::string>{"hello"});
  EXPECT_EQ(slack_.server().requests("POST", FakeSlack::kPath).size(), 3U);
}

TEST_F(SlackTest, RetriesAreBounded) {
  auto& slack = connector({{"retries", "1"}});
  for (int i = 0; i < 3; ++i) slack_.answer_next({429, "rate_limited", "1"});
  EXPECT_THROW(slack.save(Content::text("hello"), Json::object()), stoq::Error);
  EXPECT_EQ(slack_.server().requests("POST", FakeSlack::kPath).size(), 2U);
  EXPECT_TRUE(slack_.messages().empty());
}

TEST_F(SlackTest, AnotherClientErrorThrowsWithSlacksReasonAndNeverTheUrl) {
  auto& slack = connector();
  slack_.answer_next({404, "no_service", ""});
  try {
    slack.save(Content::text("hello"), Json::object());
    FAIL() << "a 404 was taken for a post";
  } catch (const stoq::Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("404: no_service"), std::string::npos) << message;
    EXPECT_NE(message.find("127.0.0.1:" + std::to_string(slack_.port())), std::string::npos) << message;
    EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
  }
  EXPECT_EQ(slack_.server().requests("POST", FakeSlack::kPath).size(), 1U);
}

TEST_F(SlackTest, WithoutAWebhookUrlActivationIsOneClearLine) {
  std::string message = activation_error({{"webhook_url", ""}});
  EXPECT_NE(message.find("no Slack webhook URL"), std::string::npos) << message;
  EXPECT_NE(message.find(kUnsetVariable), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST_F(SlackTest, TheWebhookUrlFromTheEnvironmentWins) {
  const std::string variable = "STOQ_SLACK_TEST_URL_" + std::to_string(::getpid());
  ::setenv(variable.c_str(), slack_.url().c_str(), 1);
  auto& slack = connector({{"webhook_url", "https://wrong.invalid/x"}, {"webhook_url_env", variable}});
  ::unsetenv(variable.c_str());
  slack.save(Content::text("via env"), Json::object());
  EXPECT_EQ(slack_.messages(), std::vector<std::string>{"via env"});
}

TEST_F(SlackTest, AnUnreachableWebhookIsOneLineNamingOnlyHostAndPort) {
  es_test::RefusingPort refusing;
  const std::string address = "127.0.0.1:" + std::to_string(refusing.port());
  std::string message = activation_error({{"webhook_url", "http://" + address + FakeSlack::kPath}});
  EXPECT_NE(message.find("cannot connect to " + address), std::string::npos) << message;
  EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_TRUE(slack_.server().requests().empty());  // the check never posts
}

}  // namespace
