// source:redis and connector:redis end to end: the real stoq executable in the
// background (CliProcess), messages pushed and lists inspected with redis-cli, file
// hashes checked with sha1sum.
#include <gtest/gtest.h>
#include <signal.h>

#include <set>

#include "redis_test_support.hpp"
#include "run_cli.hpp"

namespace {
using redis_test::cli;
using redis_test::eventually;
using redis_test::KeySpace;
using stoq::Json;
using stoq_test::CliProcess;
using stoq_test::StoqEnv;
using namespace std::chrono_literals;

std::string sha1sum(const std::string& path) {
  std::string out = stoq::testing::run_command("sha1sum " + stoq::testing::shell_quote(path));
  return out.substr(0, out.find(' '));
}

stoq_test::SpawnOptions spawn_options(const StoqEnv& env) {
  stoq_test::SpawnOptions options;
  options.env = env.env();
  return options;
}

class RedisCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REDIS_REQUIRED();
    STOQ_NEED_TOOL("sha1sum");
  }
  [[nodiscard]] std::string queue() const { return keys_.key("q"); }
  [[nodiscard]] bool queue_settled() const {
    return redis_test::length(queue()) == 0 && redis_test::keys(queue() + "-processing:*").empty();
  }
  // `stoq hash -I redis -Q <queue> <more...>` in the background.
  std::unique_ptr<CliProcess> consume(const std::vector<std::string>& more) {
    std::vector<std::string> args{"hash", "-I", "redis", "-Q", queue()};
    args.insert(args.end(), more.begin(), more.end());
    return std::make_unique<CliProcess>(STOQ_CLI, env_.args(args), spawn_options(env_));
  }
  // SIGTERM, then the finished run.
  static stoq_test::CliResult stop(CliProcess& process) {
    process.send(SIGTERM);
    return process.finish(60s);
  }
  [[nodiscard]] std::string message_for(const std::string& path) const {
    return Json{{"path", path}, {"archive", "file"}}.dump();
  }

  KeySpace keys_;
  StoqEnv env_;
  stoq::testing::TempDir files_;
};

TEST_F(RedisCliTest, HashesEveryQueuedFileAndLeavesNoProcessingList) {
  constexpr int kFiles = 6;
  std::set<std::string> expected;
  std::vector<std::string> paths;
  for (int i = 0; i < kFiles; ++i) {
    paths.push_back(files_.write("file" + std::to_string(i), "content number " + std::to_string(i)));
    expected.insert(sha1sum(paths.back()));
  }
  // One message is held by a consumer that died (no liveness key): it is redelivered.
  cli({"RPUSH", queue() + "-processing:deadhost:9:deadbeef", message_for(paths[0])});
  for (int i = 1; i < kFiles; ++i) cli({"RPUSH", queue(), message_for(paths[static_cast<std::size_t>(i)])});

  auto process = consume({"-C", "file"});
  bool done =
      eventually([&] { return queue_settled() && stoq_test::files_under(env_.results_dir()).size() == kFiles; }, 60s);
  stoq_test::CliResult result = stop(*process);
  ASSERT_TRUE(done) << result.describe();
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::set<std::string> hashed;
  for (const auto& file : stoq_test::files_under(env_.results_dir())) {
    Json document = Json::parse(stoq_test::read_file(file));
    hashed.insert(document["results"][0]["sha1"].get<std::string>());
    EXPECT_FALSE(document.contains("errors")) << document.dump();
  }
  EXPECT_EQ(hashed, expected);
  EXPECT_TRUE(queue_settled());
  EXPECT_TRUE(redis_test::keys(queue() + "-consumer:*").empty()) << "the liveness key outlived the run";
}

TEST_F(RedisCliTest, FailedMessagesGoToTheErrorListAndEConsumesIt) {
  std::string missing = files_.path("does-not-exist");
  cli({"RPUSH", queue(), message_for(missing)});
  cli({"RPUSH", queue(), "{not json"});
  std::string results = keys_.key("results");
  auto process = consume({"-C", "redis", "-O", results});
  bool done = eventually(
      [&] {
        return queue_settled() && redis_test::length(queue() + "-errors") == 2 && redis_test::length(results) == 1;
      },
      60s);
  stoq_test::CliResult result = stop(*process);
  ASSERT_TRUE(done) << result.describe();

  // The results were saved, with the fetch error...
  Json document = Json::parse(redis_test::list(results).at(0));
  ASSERT_TRUE(document.contains("errors")) << document.dump();
  EXPECT_NE(document["errors"].dump().find("does-not-exist"), std::string::npos) << document.dump();
  // ...and the message went to <queue>-errors with "err"; the non-JSON one too.
  std::vector<std::string> errors = redis_test::list(queue() + "-errors");
  ASSERT_EQ(errors.size(), 2U);
  std::vector<Json> failed{Json::parse(errors[0]), Json::parse(errors[1])};
  std::sort(failed.begin(), failed.end(),
            [](const Json& a, const Json& b) { return a.contains("path") > b.contains("path"); });
  EXPECT_EQ(failed[0]["path"], missing);
  EXPECT_FALSE(failed[0]["err"].get<std::string>().empty());
  EXPECT_EQ(failed[1]["message"], "{not json");
  EXPECT_EQ(failed[1]["err"], "the message is not JSON");

  // -E consumes <queue>-errors: fix the file, drop the non-JSON one, and run again.
  files_.write("does-not-exist", "now it exists");
  for (const std::string& error : errors) {
    if (Json::parse(error).contains("message")) cli({"LREM", queue() + "-errors", "1", error});
  }
  ASSERT_EQ(redis_test::length(queue() + "-errors"), 1);
  auto again = consume({"-E", "-C", "redis", "-O", results});
  bool consumed = eventually(
      [&] {
        return redis_test::length(queue() + "-errors") == 0 && redis_test::length(results) == 2 &&
               redis_test::keys(queue() + "-errors-processing:*").empty();
      },
      60s);
  stoq_test::CliResult second = stop(*again);
  ASSERT_TRUE(consumed) << second.describe();
  Json fixed = Json::parse(redis_test::list(results).at(1));
  EXPECT_EQ(fixed["results"][0]["sha1"], sha1sum(missing)) << fixed.dump();
  EXPECT_EQ(redis_test::length(queue() + "-errors-errors"), 0);
}

TEST_F(RedisCliTest, AMessageWhoseResultsCannotBeSavedIsNeverLost) {
  std::string path = files_.write("file", "payload");
  std::string body = message_for(path);
  cli({"RPUSH", queue(), body});
  std::string not_a_list = keys_.key("string");
  cli({"SET", not_a_list, "a string: RPUSH onto it fails (WRONGTYPE)"});
  auto process = consume({"-C", "redis", "-O", not_a_list});
  // The save fails, the message goes back to the head of the list and is tried again:
  // a second failure shows the redelivery (and the first one was counted as unsaved).
  bool failed_twice = process->wait_for(
      [](const std::string&, const std::string& err) {
        auto first = err.find("WRONGTYPE");
        return first != std::string::npos && err.find("WRONGTYPE", first + 1) != std::string::npos;
      },
      60s);
  stoq_test::CliResult result = stop(*process);
  ASSERT_TRUE(failed_twice) << result.describe();
  EXPECT_NE(result.exit_code, 0) << result.describe();
  EXPECT_EQ(redis_test::list(queue()), std::vector<std::string>{body});
  EXPECT_TRUE(redis_test::keys(queue() + "-processing:*").empty());
}

// A consumer killed with SIGKILL never settles what it holds: its processing list
// outlives it, and once its liveness key expires (15 s) another consumer moves the
// messages back and processes them.
TEST_F(RedisCliTest, WhatAConsumerKilledWithSigkillHeldIsRedelivered) {
  std::string path = files_.write("file", "held by the killed consumer");
  cli({"RPUSH", queue(), message_for(path)});
  std::string not_a_list = keys_.key("string");
  cli({"SET", not_a_list, "a string: RPUSH onto it fails (WRONGTYPE)"});
  // The first consumer cannot save, so the message is always either in the list or held.
  auto doomed = consume({"-C", "redis", "-O", not_a_list});
  bool failing = doomed->wait_for(
      [](const std::string&, const std::string& err) { return err.find("WRONGTYPE") != std::string::npos; }, 60s);
  doomed->send(SIGKILL);
  stoq_test::CliResult killed = doomed->finish(30s);
  ASSERT_TRUE(failing) << killed.describe();
  ASSERT_EQ(killed.term_signal, SIGKILL);
  // Nothing lost at the kill: the message is in the list or in the dead consumer's processing list.
  std::size_t held = 0;
  for (const std::string& list : redis_test::keys(queue() + "-processing:*")) held += redis_test::list(list).size();
  EXPECT_EQ(held + static_cast<std::size_t>(redis_test::length(queue())), 1U);

  std::string results = keys_.key("results");
  auto process = consume({"-C", "redis", "-O", results});
  bool done = eventually([&] { return queue_settled() && redis_test::length(results) == 1; }, 120s);
  stoq_test::CliResult result = stop(*process);
  ASSERT_TRUE(done) << result.describe();
  EXPECT_EQ(Json::parse(redis_test::list(results).at(0))["results"][0]["sha1"], sha1sum(path));
}

TEST_F(RedisCliTest, AnUnreachableServerFailsWithOneLineNamingHostAndPort) {
  redis_test::RefusingPort refusing;
  std::string address = "127.0.0.1:" + std::to_string(refusing.port());
  stoq_test::CliResult result = stoq_test::run_stoq(env_, {"hash", "-I", "redis", "-Q", queue(), "--plugin-opt",
                                                           "redis:redis_port=" + std::to_string(refusing.port())});
  EXPECT_NE(result.exit_code, 0) << result.describe();
  std::size_t naming = 0;
  for (const std::string& line : result.err_lines()) {
    if (line.find("cannot connect to " + address) != std::string::npos) ++naming;
  }
  EXPECT_EQ(naming, 1U) << result.describe();
}

TEST_F(RedisCliTest, ThePublisherWorkerPublishesThroughRedis) {
  std::string path = files_.write("sample", "to publish");
  std::string other = keys_.key("other");
  stoq_test::CliResult result =
      stoq_test::run_stoq(env_, {"publisher", "-q", "redis", "-w", queue(), "-w", other, "-F", path});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  for (const std::string& list : {queue(), other}) {
    std::vector<std::string> stored = redis_test::list(list);
    ASSERT_EQ(stored.size(), 1U) << list;
    Json message = Json::parse(stored[0]);
    EXPECT_EQ(message["path"], path);
    EXPECT_EQ(message["sha1"], sha1sum(path));
    EXPECT_EQ(message["archive"], "file");
  }
  // And a consumer of that queue processes it.
  std::string results = keys_.key("results");
  auto process = consume({"-C", "redis", "-O", results});
  bool done = eventually([&] { return queue_settled() && redis_test::length(results) == 1; }, 60s);
  stoq_test::CliResult consumed = stop(*process);
  ASSERT_TRUE(done) << consumed.describe();
  EXPECT_EQ(Json::parse(redis_test::list(results).at(0))["results"][0]["sha1"], sha1sum(path));
}

}  // namespace
