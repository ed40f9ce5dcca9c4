// source:rabbitmq and worker:publisher against a real RabbitMQ on loopback: what is
// published is consumed, saved and only then acknowledged; failures go to
// <queue>-errors; nothing unsaved is acknowledged; priorities; the original
// rabbitmq.stoq unchanged.
#include <gtest/gtest.h>

#include <set>

#include "amqp_test_support.hpp"

namespace {
namespace fs = std::filesystem;
using namespace stoq_test;
using namespace std::chrono_literals;
using stoq::Json;

struct QueueTest : ::testing::Test {
  StoqEnv env;
  TempDir data{"stoq-rabbitmq-data"};
  std::vector<std::string> queues;

  std::string queue(const std::string& stem) {
    queues.push_back(amqp::unique_queue(stem));
    queues.push_back(queues.back() + "-errors");
    return queues[queues.size() - 2];
  }
  void TearDown() override { amqp::delete_queues(queues); }

  /// `stoq <worker> -I rabbitmq -Q <queue> ...` in the background, JSON on stdout.
  std::unique_ptr<CliProcess> consumer(const std::string& worker, const std::string& name,
                                       std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {worker, "-I", "rabbitmq", "-Q", name, "-C", "stdout"};
    args.insert(args.end(), extra.begin(), extra.end());
    SpawnOptions options;
    options.env = env.env();
    return std::make_unique<CliProcess>(STOQ_CLI, env.args(args), options);
  }
  /// The complete documents printed so far.
  static std::vector<Json> documents(const std::string& out) {
    std::string trailing;
    return parse_json_stream(out, &trailing);
  }
  static bool has_documents(const std::string& out, std::size_t count) { return documents(out).size() >= count; }
  /// SIGTERM, then the full output (the run must end by itself and cleanly).
  static CliResult stop(CliProcess& process) {
    process.send(SIGTERM);
    return process.finish(60s);
  }
};

TEST_F(QueueTest, PublisherFeedsTwoWorkerQueuesAndEachFileIsSavedOnce) {
  STOQ_NEED_BROKER();
  std::map<std::string, std::string> sha1_of;  // path -> sha1
  for (int i = 0; i < 25; ++i) {
    std::string content = "payload number " + std::to_string(i);
    std::string path = data.write("in/file" + std::to_string(i) + ".txt", content);
    sha1_of[path] = stoq::compute_hashes(stoq::ByteView(content)).sha1;
  }
  std::string first = queue("hash");
  std::string second = queue("hash2");
  CliResult published = run_stoq(env, {"publisher", "-F", data.path("in"), "-w", first, "-w", second});
  ASSERT_EQ(published.exit_code, 0) << published.describe();

  // Each queue holds one message per file, with the original's keys.
  auto one = consumer("hash", first);
  auto two = consumer("hash", second);
  ASSERT_TRUE(one->wait_for([](const std::string& out, const std::string&) { return has_documents(out, 25); }, 60s))
      << one->err();
  ASSERT_TRUE(two->wait_for([](const std::string& out, const std::string&) { return has_documents(out, 25); }, 60s))
      << two->err();
  CliResult first_run = stop(*one);
  CliResult second_run = stop(*two);
  EXPECT_EQ(first_run.exit_code, 0) << first_run.describe();
  EXPECT_EQ(second_run.exit_code, 0) << second_run.describe();

  std::map<std::string, std::string> uuid_of;  // sha1 -> uuid the publisher gave
  for (const CliResult* run : {&first_run, &second_run}) {
    std::vector<Json> docs = documents(run->out);
    ASSERT_EQ(docs.size(), 25U) << run->describe();
    std::set<std::string> seen;
    for (const Json& doc : docs) {
      const Json& entry = doc["results"][0];
      std::string sha1 = entry["scan"]["sha1"];
      EXPECT_EQ(entry["archive"], "file");
      EXPECT_EQ(sha1_of.at(entry["path"].get<std::string>()), sha1) << doc.dump();
      EXPECT_TRUE(seen.insert(sha1).second) << "saved twice: " << sha1;
      std::string uuid = entry["uuid"][0];
      auto [it, fresh] = uuid_of.emplace(sha1, uuid);
      EXPECT_EQ(it->second, uuid) << "both workers' results carry the publisher's uuid";
    }
  }
  // Everything was acknowledged: nothing is left, and nothing failed.
  EXPECT_TRUE(amqp::drain(first).empty());
  EXPECT_TRUE(amqp::drain(second).empty());
  EXPECT_TRUE(amqp::drain(first + "-errors").empty());
}

TEST_F(QueueTest, PublishedMessageHasTheOriginalKeys) {
  STOQ_NEED_BROKER();
  std::string path = data.write("one.bin", "abc");
  std::string name = queue("keys");
  CliResult published = run_stoq(env, {"publisher", "-F", path, "-w", name, "-p", "7", "--comment", "from a test"});
  ASSERT_EQ(published.exit_code, 0) << published.describe();
  std::vector<std::string> bodies = amqp::drain(name);
  ASSERT_EQ(bodies.size(), 1U);
  Json message = Json::parse(bodies[0]);
  EXPECT_EQ(message["path"], fs::absolute(path).string());
  EXPECT_EQ(message["archive"], "file");
  EXPECT_EQ(message["sha1"], "a9993e364706816aba3e25717850c26c9cd0d89d");  // FIPS 180 "abc"
  EXPECT_EQ(message["user_comments"], "from a test");
  EXPECT_EQ(message["uuid"].get<std::string>().size(), 36U);
  EXPECT_FALSE(message.contains("submission_list"));
}

TEST_F(QueueTest, HigherPriorityIsServedFirst) {
  STOQ_NEED_BROKER();
  std::string name = queue("priority");
  std::string low = data.write("low.txt", "low");
  std::string high = data.write("high.txt", "high");
  amqp::publish(name, {Json{{"path", low}, {"archive", "file"}}.dump()}, 0);
  amqp::publish(name, {Json{{"path", high}, {"archive", "file"}}.dump()}, 9);
  auto run = consumer("hash", name, {"-M", "1", "--plugin-opt", "rabbitmq:prefetch=1"});
  ASSERT_TRUE(run->wait_for([](const std::string& out, const std::string&) { return has_documents(out, 2); }, 60s));
  std::vector<Json> docs = documents(stop(*run).out);
  ASSERT_EQ(docs.size(), 2U);
  EXPECT_EQ(docs[0]["results"][0]["path"], high);
  EXPECT_EQ(docs[1]["results"][0]["path"], low);
}

TEST_F(QueueTest, FailuresGoToTheErrorQueueAndMinusEConsumesIt) {
  STOQ_NEED_BROKER();
  std::string name = queue("errors");
  std::string good = data.write("good.txt", "good");
  std::string missing = data.path("missing.txt");
  amqp::publish(name, {Json{{"path", missing}, {"archive", "file"}}.dump(), "this is not json",
                       Json{{"path", good}, {"archive", "file"}}.dump()});
  auto run = consumer("hash", name);
  ASSERT_TRUE(run->wait_for([](const std::string& out, const std::string&) { return has_documents(out, 2); }, 60s));
  // Let the error publications settle before stopping.
  std::this_thread::sleep_for(1s);
  CliResult result = stop(*run);
  std::vector<Json> docs = documents(result.out);
  ASSERT_EQ(docs.size(), 2U) << result.describe();
  std::size_t with_errors = 0;
  for (const Json& doc : docs) with_errors += doc.contains("errors") ? 1 : 0;
  EXPECT_EQ(with_errors, 1U) << "the missing file's results say why, and are saved";

  std::vector<std::string> failed = amqp::drain(name + "-errors");
  ASSERT_EQ(failed.size(), 2U) << result.describe();
  std::set<std::string> reasons;
  for (const std::string& body : failed) {
    Json message = Json::parse(body);
    ASSERT_TRUE(message.contains("err")) << body;
    reasons.insert(message.contains("path") ? "missing" : message.value("message", ""));
    if (message.contains("path"))
      EXPECT_NE(message["err"].get<std::string>().find("connector:file"), std::string::npos);
  }
  EXPECT_EQ(reasons, (std::set<std::string>{"missing", "this is not json"}));
  EXPECT_TRUE(amqp::drain(name).empty());

  // -E consumes <queue>-errors; a message that fails again is acknowledged, not looped.
  amqp::publish(name + "-errors", failed);
  auto retry = consumer("hash", name, {"-E"});
  ASSERT_TRUE(retry->wait_for([](const std::string& out, const std::string&) { return has_documents(out, 2); }, 60s));
  std::this_thread::sleep_for(1s);
  CliResult retried = stop(*retry);
  std::vector<Json> again = documents(retried.out);
  EXPECT_EQ(again.size(), 2U) << retried.describe();
  for (const Json& doc : again) EXPECT_TRUE(doc.contains("errors")) << doc.dump();
  EXPECT_TRUE(amqp::drain(name + "-errors").empty());
}

// A message whose results cannot be saved is never acknowledged: it is still queued.
TEST_F(QueueTest, UnsavedResultsAreNotAcknowledged) {
  STOQ_NEED_BROKER();
  std::string name = queue("unsaved");
  std::string path = data.write("a.txt", "a");
  // The file connector saves under <out>/hash: a file in its place makes every save fail.
  data.write("out/hash", "a file where the results folder of worker hash should be");
  amqp::publish(name, {Json{{"path", path}, {"archive", "file"}}.dump()});
  SpawnOptions options;
  options.env = env.env();
  CliProcess run(STOQ_CLI, env.args({"hash", "-I", "rabbitmq", "-Q", name, "-C", "file", "-O", data.path("out")}),
                 options);
  ASSERT_TRUE(run.wait_for(
      [](const std::string&, const std::string& err) {
        return err.find("failed to save the results of ") != std::string::npos;
      },
      60s))
      << run.err();
  CliResult result = stop(run);
  EXPECT_NE(result.err.find(", 0 saved,"), std::string::npos) << result.describe();
  std::vector<std::string> left = amqp::drain(name);
  ASSERT_EQ(left.size(), 1U) << result.describe();
  EXPECT_EQ(Json::parse(left[0])["path"], path);
}

TEST_F(QueueTest, UnreachableBrokerIsOneClearLine) {
  CliResult result = run_stoq(env, {"hash", "-I", "rabbitmq", "--plugin-opt", "rabbitmq:port=1"}, 30s);
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_NE(result.err.find("cannot connect to 127.0.0.1:1/"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("guest"), std::string::npos) << "no credentials in messages";
}

// Source and connector share the name rabbitmq: an option of either is accepted for the
// name, one neither declares is refused before the run.
TEST_F(QueueTest, OptionsOfEitherRabbitmqPluginAreAccepted) {
  CliResult unknown = run_stoq(env, {"hash", "-I", "rabbitmq", "--plugin-opt", "rabbitmq:prefetchh=1"}, 30s);
  EXPECT_EQ(unknown.exit_code, 2) << unknown.describe();
  EXPECT_NE(unknown.err.find("command line: rabbitmq has no option 'prefetchh'"), std::string::npos) << unknown.err;
  CliResult both = run_stoq(env,
                            {"hash", "-I", "rabbitmq", "--plugin-opt", "rabbitmq:prefetch=1", "--plugin-opt",
                             "rabbitmq:results_queue=x", "--plugin-opt", "rabbitmq:port=1"},
                            30s);
  EXPECT_EQ(both.exit_code, 1) << both.describe();  // accepted: it got as far as connecting
  EXPECT_NE(both.err.find("cannot connect to 127.0.0.1:1/"), std::string::npos) << both.err;
}

TEST_F(QueueTest, PasswordComesFromTheEnvironment) {
  STOQ_NEED_BROKER();
  std::string name = queue("env");
  SpawnOptions options;
  options.env = env.env();
  options.env["STOQ_RABBITMQ_PASSWORD"] = "not-the-password";
  options.timeout = 30s;
  CliResult refused = run_cli(env.args({"hash", "-I", "rabbitmq", "-Q", name}), options);
  EXPECT_EQ(refused.exit_code, 1) << refused.describe();
  EXPECT_NE(refused.err.find("cannot log in as guest"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("not-the-password"), std::string::npos) << "the password is never printed";
}

// The original rabbitmq.stoq (user stoq, vhost stoq, prefetch 2, multiprocess False)
// loads unchanged beside the module and consumes (scripts/services.sh creates that user).
TEST_F(QueueTest, OriginalStoqFileConsumes) {
  STOQ_NEED_BROKER();
  std::string original = STOQ_SHARED_DIR "/corpus/stoq-configs/source/rabbitmq.stoq";
  STOQ_NEED_PATH(original);
  TempDir plugins{"stoq-rabbitmq-plugins"};
  std::string folder = plugins.mkdir("source/rabbitmq");
  fs::copy_file(std::string(STOQ_PLUGIN_DIR) + "/source/rabbitmq/rabbitmq.so", folder + "/rabbitmq.so");
  fs::copy_file(original, folder + "/rabbitmq.stoq");
  StoqEnv original_env({plugins.path(), STOQ_PLUGIN_DIR});
  std::string path = data.write("x.txt", "x");
  std::string name = amqp::unique_queue("original");

  stoq::plugins::rabbitmq::AmqpSettings settings;
  settings.user = "stoq";
  settings.password = "stoq-password";
  settings.virtual_host = "stoq";
  stoq::plugins::rabbitmq::AmqpClient client(settings);
  try {
    client.connect();
  } catch (const std::exception& e) {
    STOQ_MISSING("the broker has no user stoq / vhost stoq (scripts/services.sh creates them): " << e.what());
  }
  client.enable_confirms();
  client.publish(name, Json{{"path", path}, {"archive", "file"}}.dump(), 0);

  SpawnOptions options;
  options.env = original_env.env();
  CliProcess run(STOQ_CLI, original_env.args({"hash", "-I", "rabbitmq", "-Q", name, "-C", "stdout"}), options);
  ASSERT_TRUE(run.wait_for([](const std::string& out, const std::string&) { return count_documents(out) >= 1; }, 60s))
      << run.err();
  CliResult result = stop(run);
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = parse_json_stream(result.out);
  ASSERT_EQ(docs.size(), 1U);
  EXPECT_EQ(docs[0]["results"][0]["path"], path);
  client.close();
  CliProcess cleanup(stoq::testing::find_tool("amqp-delete-queue"),
                     {"--url", "amqp://stoq:stoq-password@127.0.0.1:5672/stoq", "-q", name});
  (void)cleanup.finish(20s);
}

}  // namespace
