// source:redis through PluginHarness, against the real server (redis-cli is the oracle).
// The harness acknowledges every put() at once (saved), so these tests check how
// messages leave the list, the error list, recovery, publish and reconnects; the CLI
// tests (redis_cli_test.cpp) check the outcomes the engine reports.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "redis_test_support.hpp"
#include "stoq/testing.hpp"

namespace {
namespace fs = std::filesystem;
using redis_test::cli;
using redis_test::eventually;
using redis_test::KeySpace;
using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

using Overrides = std::vector<std::pair<std::string, std::string>>;

// Runs the source's ingest() on a thread; stops it and joins at the end of the scope.
class Ingesting {
 public:
  Ingesting(PluginHarness& harness, stoq::Source& source) : harness_(harness) {
    thread_ = std::thread([&source, this] {
      try {
        source.ingest();
      } catch (const std::exception& e) {
        failure_ = e.what();
      }
    });
  }
  ~Ingesting() { stop(); }
  Ingesting(const Ingesting&) = delete;
  Ingesting& operator=(const Ingesting&) = delete;
  void stop() {
    harness_.stop();
    if (thread_.joinable()) thread_.join();
  }
  [[nodiscard]] const std::string& failure() const { return failure_; }

 private:
  PluginHarness& harness_;
  std::thread thread_;
  std::string failure_;
};

class RedisSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::signal(SIGPIPE, SIG_IGN);  // as stoq does: a connection closed by the server is EPIPE, not death
    REDIS_REQUIRED();
    harness_ = std::make_unique<PluginHarness>(work_.path());
    harness_->mutable_run().worker = "hash";
    harness_->mutable_run().source_queue = queue();
  }
  [[nodiscard]] std::string queue() const { return keys_.key("q"); }
  stoq::Source& source(const Overrides& overrides = {}) {
    return harness_->activate<stoq::Source>(STOQ_PLUGIN_DIR, "redis", overrides);
  }
  [[nodiscard]] std::vector<Json> messages() const { return harness_->messages(); }
  [[nodiscard]] std::vector<std::string> processing_lists() const {
    return redis_test::keys(queue() + "-processing:*");  // the prefix has no glob characters
  }

  KeySpace keys_;
  TempDir work_;
  std::unique_ptr<PluginHarness> harness_;
};

TEST_F(RedisSourceTest, ConsumesJsonMessagesInOrderAndSettlesThem) {
  for (int i = 0; i < 5; ++i) cli({"RPUSH", queue(), Json{{"path", "/x/" + std::to_string(i)}, {"n", i}}.dump()});
  stoq::Source& redis = source();
  {
    Ingesting running(*harness_, redis);
    ASSERT_TRUE(eventually([&] { return messages().size() == 5; })) << running.failure();
    // Acked (the harness saves at once): nothing left in the list or a processing list.
    EXPECT_TRUE(eventually([&] { return redis_test::length(queue()) == 0 && processing_lists().empty(); }));
    // The consumer announces itself while it runs.
    EXPECT_EQ(redis_test::keys(queue() + "-consumer:*").size(), 1U);
  }
  for (int i = 0; i < 5; ++i) EXPECT_EQ(messages()[static_cast<std::size_t>(i)]["n"], i);
  harness_.reset();  // deactivate(): the liveness key goes
  EXPECT_TRUE(redis_test::keys(queue() + "-consumer:*").empty());
}

TEST_F(RedisSourceTest, MessagesThatAreNotJsonObjectsGoToTheErrorList) {
  cli({"RPUSH", queue(), "not json at all"});
  cli({"RPUSH", queue(), "[1, 2]"});
  cli({"RPUSH", queue(), R"({"path": "/ok"})"});
  Ingesting running(*harness_, source());
  ASSERT_TRUE(eventually([&] { return messages().size() == 1 && redis_test::length(queue() + "-errors") == 2; }));
  EXPECT_EQ(messages()[0]["path"], "/ok");
  std::vector<std::string> errors = redis_test::list(queue() + "-errors");
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(Json::parse(errors[0]), (Json{{"message", "not json at all"}, {"err", "the message is not JSON"}}));
  EXPECT_EQ(Json::parse(errors[1]), (Json{{"message", "[1, 2]"}, {"err", "the message is not a JSON object"}}));
  EXPECT_TRUE(eventually([&] { return processing_lists().empty() && redis_test::length(queue()) == 0; }));
}

TEST_F(RedisSourceTest, RedeliversWhatADeadConsumerHeldButNotWhatALiveOneHolds) {
  std::string dead = queue() + "-processing:deadhost:1:00000000";
  std::string live = queue() + "-processing:livehost:2:11111111";
  cli({"RPUSH", dead, R"({"n": 1})", R"({"n": 2})"});  // no liveness key: its consumer is gone
  cli({"RPUSH", live, R"({"n": 3})"});
  cli({"SET", queue() + "-consumer:livehost:2:11111111", "1", "EX", "60"});
  cli({"RPUSH", queue(), R"({"n": 4})"});
  Ingesting running(*harness_, source());
  ASSERT_TRUE(eventually([&] { return messages().size() == 3; })) << running.failure();
  // The dead consumer's messages come first (back at the head), in their order.
  EXPECT_EQ(messages()[0]["n"], 1);
  EXPECT_EQ(messages()[1]["n"], 2);
  EXPECT_EQ(messages()[2]["n"], 4);
  EXPECT_EQ(redis_test::list(live), std::vector<std::string>{R"({"n": 3})"});
  EXPECT_EQ(cli({"EXISTS", dead}), "0\n");
}

TEST_F(RedisSourceTest, AStoppedRunTakesNothing) {
  stoq::Source& redis = source();
  harness_->stop();
  cli({"RPUSH", queue(), R"({"n": 1})", R"({"n": 2})"});
  redis.ingest();  // returns at once; the CLI tests check messages in flight at a stop
  EXPECT_EQ(redis_test::list(queue()), (std::vector<std::string>{R"({"n": 1})", R"({"n": 2})"}));
  EXPECT_TRUE(processing_lists().empty());
  EXPECT_TRUE(messages().empty());
}

TEST_F(RedisSourceTest, PublishesOneLineJsonAndPriorityGoesFirst) {
  stoq::Source& redis = source();
  Json first{{"path", "/a b"}, {"nested", {{"k", 1}}}};
  Json urgent{{"path", "/urgent"}};
  redis.publish(first, queue(), 0);
  redis.publish(urgent, queue(), 5);  // no real priorities: LPUSH to the head
  std::vector<std::string> stored = redis_test::list(queue());
  ASSERT_EQ(stored.size(), 2U);
  EXPECT_EQ(Json::parse(stored[0]), urgent);
  EXPECT_EQ(Json::parse(stored[1]), first);
  EXPECT_EQ(stored[1], first.dump());
}

TEST_F(RedisSourceTest, ReconnectsWhenTheServerClosesTheConnection) {
  cli({"RPUSH", queue(), R"({"n": 1})"});
  stoq::Source& redis = source();
  Ingesting running(*harness_, redis);
  ASSERT_TRUE(eventually([&] { return messages().size() == 1; })) << running.failure();
  std::string own = ":" + std::to_string(::getpid()) + ":";
  ASSERT_GE(redis_test::kill_clients_named(own), 1);
  cli({"RPUSH", queue(), R"({"n": 2})"});
  ASSERT_TRUE(eventually([&] { return messages().size() == 2; })) << running.failure();
  EXPECT_EQ(messages()[1]["n"], 2);
  EXPECT_TRUE(eventually([&] { return processing_lists().empty() && redis_test::length(queue()) == 0; }));
  EXPECT_TRUE(running.failure().empty()) << running.failure();
}

TEST_F(RedisSourceTest, AnUnreachableServerIsOneLineNamingHostAndPort) {
  redis_test::RefusingPort refusing;
  std::string port = std::to_string(refusing.port());
  try {
    source({{"redis_port", port}});
    FAIL() << "activate() succeeded without a server";
  } catch (const stoq::Error& e) {
    std::string text = e.what();
    EXPECT_NE(text.find("redis: cannot connect to 127.0.0.1:" + port), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
}

TEST_F(RedisSourceTest, ThePasswordComesFromTheEnvironmentAndIsNeverShown) {
  // The test server has no password: AUTH is refused, which shows it was sent.
  ::setenv("STOQ_REDIS_TEST_PASSWORD", "s3cret-from-env", 1);
  try {
    source({{"password_env", "STOQ_REDIS_TEST_PASSWORD"}, {"password", "from-option"}});
    FAIL() << "AUTH was not sent";
  } catch (const stoq::Error& e) {
    std::string text = e.what();
    EXPECT_NE(text.find("AUTH"), std::string::npos) << text;
    EXPECT_EQ(text.find("s3cret-from-env"), std::string::npos) << text;
    EXPECT_EQ(text.find("from-option"), std::string::npos) << text;
  }
  ::unsetenv("STOQ_REDIS_TEST_PASSWORD");
}

TEST_F(RedisSourceTest, RefusesBadOptions) {
  EXPECT_THROW(source({{"redis_port", "0"}}), stoq::Error);
  EXPECT_THROW(source({{"prefetch", "-1"}}), stoq::Error);
  EXPECT_THROW(source({{"connect_timeout", "0"}}), stoq::Error);
}

TEST_F(RedisSourceTest, ConsumesTheErrorListWithE) {
  harness_->mutable_run().consume_errors = true;
  cli({"RPUSH", queue() + "-errors", R"({"path": "/retry", "err": "earlier"})"});
  cli({"RPUSH", queue(), R"({"path": "/not-this-one"})"});
  Ingesting running(*harness_, source());
  ASSERT_TRUE(eventually([&] { return messages().size() == 1; })) << running.failure();
  EXPECT_EQ(messages()[0]["path"], "/retry");
  EXPECT_TRUE(eventually([&] { return redis_test::length(queue() + "-errors") == 0; }));
  EXPECT_EQ(redis_test::length(queue()), 1);
}

TEST(RedisSourceOriginal, LoadsTheOriginalStoqFileAndConsumes) {
  std::string original = STOQ_SHARED_DIR "/corpus/stoq-configs/source/redis.stoq";
  STOQ_NEED_PATH(original);
  REDIS_REQUIRED();
  KeySpace keys;
  TempDir plugins;
  std::string folder = plugins.mkdir("source/redis");
  fs::copy_file(std::string(STOQ_PLUGIN_DIR) + "/source/redis/redis.so", folder + "/redis.so");
  fs::copy_file(original, folder + "/redis.stoq");
  TempDir work;
  PluginHarness harness(work.path());
  harness.mutable_run().worker = "hash";
  harness.mutable_run().source_queue = keys.key("q");
  auto& source = harness.activate<stoq::Source>(plugins.path(), "redis");
  EXPECT_EQ(source.options().get_string("redis_host"), "127.0.0.1");
  EXPECT_EQ(source.options().get_int("redis_port"), 6379);
  EXPECT_FALSE(source.options().get_bool("multiprocess"));
  cli({"RPUSH", keys.key("q"), R"({"path": "/from/the/original"})"});
  Ingesting running(harness, source);
  ASSERT_TRUE(eventually([&] { return harness.messages().size() == 1; })) << running.failure();
  EXPECT_EQ(harness.messages()[0]["path"], "/from/the/original");
}

}  // namespace
