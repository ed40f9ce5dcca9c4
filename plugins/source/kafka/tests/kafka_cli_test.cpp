// source:kafka end to end: the stoq executable consumes a topic of librdkafka's mock
// cluster (in this test process, on a localhost port) and saves results with the file
// connector. Checked independently of the plugin: each file's sha1 (OpenSSL), the errors
// topic's content and the offsets the group committed (read back by a separate client).
#include <gtest/gtest.h>
#include <signal.h>

#include <map>

#include "hashes.hpp"
#include "mock_kafka.hpp"
#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;
using kafka_test::MockKafka;
using stoq_test::CliProcess;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::OJson;
using stoq_test::StoqEnv;
using namespace std::chrono_literals;

// A member that goes away (killed, or left: librdkafka's 2.0 mock coordinator only
// notices a LeaveGroup at the session timeout) holds up the next member's join for its
// session timeout: keep it short where a second run follows.
// SASL/PLAIN credentials (the password from STOQ_KAFKA_PASSWORD), to check it is never printed.
const std::string kSaslProperties =
    R"(kafka:properties={"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN", "sasl.username": "stoq"})";

const std::string kShortSession = R"(kafka:properties={"session.timeout.ms": "6000"})";

class KafkaCli : public ::testing::Test {
 protected:
  MockKafka kafka;
  StoqEnv env;

  // `stoq hash -I kafka -C file` against the mock, plus `extra` arguments.
  std::unique_ptr<CliProcess> start(std::vector<std::string> extra = {}, const StoqEnv* in = nullptr) {
    const StoqEnv& where = in != nullptr ? *in : env;
    std::vector<std::string> args = {
        "hash", "-I", "kafka", "-C", "file", "--plugin-opt", "kafka:servers_list=" + kafka.bootstraps()};
    args.insert(args.end(), extra.begin(), extra.end());
    stoq_test::SpawnOptions options;
    options.env = where.env();
    return std::make_unique<CliProcess>(STOQ_CLI, where.args(args), options);
  }

  // Writes in/<name> and queues {"path": ..., "archive": "file"} on topic hash.
  std::string queue_file(const std::string& name, const std::string& content, const std::string& topic = "hash") {
    std::string path = env.home().write("in/" + name, content);
    kafka.produce(topic, OJson{{"path", path}, {"archive", "file"}}.dump());
    return path;
  }

  // The results documents saved so far (one file each).
  std::vector<OJson> results(const StoqEnv* in = nullptr) const {
    std::vector<OJson> docs;
    for (const fs::path& file : stoq_test::files_under((in != nullptr ? *in : env).results_dir())) {
      try {
        docs.push_back(OJson::parse(stoq_test::read_file(file)));
      } catch (const std::exception&) {  // not a document: a test failure below, by count
      }
    }
    return docs;
  }

  // How many documents name each path.
  std::map<std::string, int> per_path(const StoqEnv* in = nullptr) const {
    std::map<std::string, int> counts;
    for (const OJson& doc : results(in)) ++counts[doc["results"][0].value("path", std::string())];
    return counts;
  }

  // Reads the process's output (so its pipes never fill) until `ready` or `timeout`.
  static bool wait_until(CliProcess& process, const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
    return process.wait_for([&](const std::string&, const std::string&) { return ready(); }, timeout);
  }

  static CliResult stop(CliProcess& process) {
    process.send(SIGTERM);
    return process.finish(60s);
  }
};

TEST_F(KafkaCli, EveryMessageIsScannedAndCommittedOnlyAfterSave) {
  kafka.create_topic("hash", 2);
  std::map<std::string, std::string> expected;  // path -> sha1
  for (int i = 0; i < 12; ++i) {
    std::string content = "payload number " + std::to_string(i) + "\n";
    expected[queue_file("file-" + std::to_string(i), content)] = stoq_test::expected_hashes(content).sha1;
  }
  // prefetch 3: consumption pauses and resumes many times over the run.
  auto process = start({"--plugin-opt", "kafka:prefetch=3"});
  EXPECT_TRUE(wait_until(
      *process, [&] { return results().size() >= expected.size(); }, 60s))
      << process->err();
  // Committed as they are saved, while the run goes on (not only at the stop).
  EXPECT_TRUE(wait_until(
      *process, [&] { return kafka.committed("stoq", "hash") == 12; }, 30s))
      << process->err();
  CliResult result = stop(*process);
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::map<std::string, std::string> seen;
  for (const OJson& doc : results()) {
    const OJson& entry = doc["results"][0];
    seen[entry.value("path", std::string())] = entry.value("sha1", std::string());
    EXPECT_FALSE(doc.contains("errors")) << doc.dump(2);
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(kafka.committed("stoq", "hash"), 12);
}

TEST_F(KafkaCli, AFailedMessageIsSavedAndRepublishedToTheErrorsTopicAndEConsumesIt) {
  kafka.create_topic("hash", 1);
  std::string missing = env.home().path("in/late.txt");
  kafka.produce("hash", OJson{{"path", missing}, {"archive", "file"}}.dump());
  auto process = start({"--plugin-opt", kShortSession});
  EXPECT_TRUE(wait_until(
      *process, [&] { return !results().empty(); }, 60s))
      << process->err();
  std::vector<kafka_test::Record> errors = kafka.read_all("hash-errors", 1);
  EXPECT_TRUE(wait_until(
      *process, [&] { return kafka.committed("stoq", "hash") == 1; }, 30s))
      << process->err();
  CliResult result = stop(*process);
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  ASSERT_EQ(results().size(), 1U);
  OJson doc = results()[0];
  ASSERT_TRUE(doc.contains("errors")) << doc.dump(2);
  ASSERT_EQ(errors.size(), 1U);
  OJson republished = OJson::parse(errors[0].value);
  EXPECT_EQ(republished["path"], missing);
  EXPECT_EQ(republished["archive"], "file");
  ASSERT_TRUE(republished.contains("err")) << republished.dump();
  EXPECT_TRUE(contains(republished["err"].get<std::string>(), "connector:file")) << republished.dump();

  // The file appears; -E consumes hash-errors and this time the scan succeeds.
  std::string content = "there now\n";
  env.home().write("in/late.txt", content);
  auto again = start({"-E", "--plugin-opt", kShortSession});
  EXPECT_TRUE(wait_until(
      *again, [&] { return results().size() >= 2; }, 60s))
      << again->err();
  CliResult second = stop(*again);
  EXPECT_EQ(second.exit_code, 0) << second.describe();
  bool clean = false;
  for (const OJson& saved : results()) {
    clean = clean || (!saved.contains("errors") &&
                      saved["results"][0].value("sha1", std::string()) == stoq_test::expected_hashes(content).sha1);
  }
  EXPECT_TRUE(clean);
  EXPECT_EQ(kafka.committed("stoq", "hash-errors"), 1);
}

TEST_F(KafkaCli, AMessageWhoseResultsCannotBeSavedIsReadAgain) {
  kafka.create_topic("hash", 1);
  std::vector<std::string> paths;
  paths.reserve(3);
  for (int i = 0; i < 3; ++i) paths.push_back(queue_file("f" + std::to_string(i), "body " + std::to_string(i)));
  // The results folder is a file: every save fails until it is removed.
  env.home().write("results/hash", "in the way");
  auto process = start();
  EXPECT_TRUE(wait_until(
      *process,
      [&] {
        return contains(process->err(), "could not be saved") ||
               contains(process->err(), "cannot create the directory");
      },
      60s))
      << process->err();
  fs::remove(env.home().path("results/hash"));
  EXPECT_TRUE(wait_until(
      *process, [&] { return per_path().size() >= paths.size(); }, 90s))
      << process->err();
  CliResult result = stop(*process);
  for (const std::string& path : paths) EXPECT_GE(per_path()[path], 1) << path << "\n" << result.describe();
  EXPECT_EQ(kafka.committed("stoq", "hash"), 3);
}

TEST_F(KafkaCli, AfterAKillEveryMessageIsProcessedAtLeastOnce) {
  kafka.create_topic("hash", 2);
  std::vector<std::string> options = {"--plugin-opt", kShortSession};
  std::vector<std::string> paths;
  const int first_batch = 100;
  paths.reserve(first_batch + 20);
  for (int i = 0; i < first_batch; ++i) {
    paths.push_back(queue_file("a" + std::to_string(i), "first batch " + std::to_string(i)));
  }
  {
    // Killed early: most likely with messages in flight, saved and not yet committed.
    auto first = start(options);
    EXPECT_TRUE(wait_until(
        *first, [&] { return results().size() >= 5; }, 60s))
        << first->err();
    first->send(SIGKILL);
    first->finish(30s);
  }
  std::size_t before_restart = results().size();
  std::int64_t committed_at_kill = kafka.committed("stoq", "hash");
  for (int i = 0; i < 20; ++i)
    paths.push_back(queue_file("b" + std::to_string(i), "second batch " + std::to_string(i)));
  auto second = start(options);
  EXPECT_TRUE(wait_until(
      *second, [&] { return per_path().size() >= paths.size(); }, 120s))
      << second->err();
  CliResult result = stop(*second);
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::map<std::string, int> counts = per_path();
  int duplicates = 0;
  for (const std::string& path : paths) {
    EXPECT_GE(counts[path], 1) << path;
    duplicates += std::max(0, counts[path] - 1);
  }
  // What was committed is never read again: only saved-but-uncommitted messages repeat.
  EXPECT_LE(duplicates, static_cast<int>(before_restart) - static_cast<int>(committed_at_kill));
  RecordProperty("processed_before_kill", static_cast<int>(before_restart));
  RecordProperty("duplicates", duplicates);
  std::cout << "[ info ] " << before_restart << " results and " << committed_at_kill << " commits before the kill, "
            << duplicates << " duplicate(s) over " << paths.size() << " messages\n";
  EXPECT_EQ(kafka.committed("stoq", "hash"), static_cast<std::int64_t>(paths.size()));
}

TEST_F(KafkaCli, TwoRunsInOneGroupShareTheTopicAndCommitEverything) {
  kafka.create_topic("hash", 4);
  StoqEnv other_env;  // the second run's own results folder
  std::vector<std::string> options = {"--plugin-opt", kShortSession};
  std::vector<std::string> paths;
  paths.reserve(64);
  auto first = start(options);
  for (int i = 0; i < 5; ++i) paths.push_back(queue_file("a" + std::to_string(i), "early " + std::to_string(i)));
  EXPECT_TRUE(wait_until(
      *first, [&] { return results().size() >= 5; }, 60s))
      << first->err();
  // The second run joins: the group rebalances (the first run's partitions are revoked,
  // what it acknowledged is committed) and it gets some partitions. Messages are fed one
  // by one until it has saved one.
  auto second = start(options, &other_env);
  auto deadline = stoq_test::Clock::now() + 90s;
  for (int i = 0; results(&other_env).empty() && stoq_test::Clock::now() < deadline; ++i) {
    paths.push_back(queue_file("b" + std::to_string(i), "during " + std::to_string(i)));
    wait_until(
        *second, [] { return false; }, 200ms);
    wait_until(
        *first, [] { return false; }, 200ms);
  }
  EXPECT_FALSE(results(&other_env).empty()) << second->err();
  for (int i = 0; i < 10; ++i) paths.push_back(queue_file("c" + std::to_string(i), "late " + std::to_string(i)));
  auto covered = [&] {
    std::map<std::string, int> counts = per_path();
    for (const auto& [path, count] : per_path(&other_env)) counts[path] += count;
    for (const std::string& path : paths) {
      if (counts[path] == 0) return false;
    }
    return true;
  };
  EXPECT_TRUE(wait_until(*second, covered, 60s)) << second->err();
  CliResult second_result = stop(*second);
  CliResult first_result = stop(*first);
  EXPECT_EQ(first_result.exit_code, 0) << first_result.describe();
  EXPECT_EQ(second_result.exit_code, 0) << second_result.describe();
  // The first stop rebalances the group while the other run stops too: a commit refused
  // then (rebalance in progress) leaves saved messages uncommitted. Nothing is lost: a
  // last run reads them again and the group's offsets reach the end of every partition.
  auto total = static_cast<std::int64_t>(paths.size());
  EXPECT_LE(kafka.committed("stoq", "hash"), total);
  auto last = start(options, &other_env);
  EXPECT_TRUE(wait_until(
      *last, [&] { return contains(last->err(), "consuming topic"); }, 30s))
      << last->err();
  EXPECT_TRUE(wait_until(
      *last, [&] { return kafka.committed("stoq", "hash") == total; }, 60s))
      << last->err();
  CliResult last_result = stop(*last);
  EXPECT_EQ(last_result.exit_code, 0) << last_result.describe();
}

TEST_F(KafkaCli, AnUnreachableBrokerStopsTheRunWithOneLineAndNoSecret) {
  std::string servers = "127.0.0.1:" + std::to_string(kafka_test::closed_port());
  const std::string secret = "hunter2-do-not-print";
  stoq_test::SpawnOptions options;
  options.env = env.env();
  options.env["STOQ_KAFKA_PASSWORD"] = secret;
  options.timeout = 60s;
  CliResult result = stoq_test::run_cli(
      env.args({"hash", "-I", "kafka", "-C", "stdout", "--plugin-opt", "kafka:servers_list=" + servers, "--plugin-opt",
                "kafka:connect_timeout=3", "--plugin-opt", kSaslProperties}),
      options);
  EXPECT_NE(result.exit_code, 0) << result.describe();
  EXPECT_FALSE(result.timed_out);
  int lines = 0;
  for (const std::string& line : result.err_lines()) {
    lines += contains(line, "kafka: cannot connect to " + servers + " within 3 s: ") ? 1 : 0;
  }
  EXPECT_EQ(lines, 1) << result.describe();
  EXPECT_FALSE(contains(result.err, secret)) << result.describe();
  EXPECT_FALSE(contains(result.out, secret));
}

TEST_F(KafkaCli, TheOriginalStoqFileRunsUnchanged) {
  std::string original = STOQ_SHARED_DIR "/corpus/stoq-configs/source/kafka.stoq";
  STOQ_NEED_PATH(original);
  stoq_test::TempDir plugins;
  std::string folder = plugins.mkdir("source/kafka");
  fs::copy_file(std::string(STOQ_PLUGIN_DIR) + "/source/kafka/kafka.so", folder + "/kafka.so");
  fs::copy_file(original, folder + "/kafka.stoq");
  StoqEnv original_env({plugins.path()});
  kafka.create_topic("hash", 1);
  std::string content = "through the original .stoq\n";
  std::string path = original_env.home().write("in/one.txt", content);
  kafka.produce("hash", OJson{{"path", path}, {"archive", "file"}}.dump());
  auto process = start({}, &original_env);
  EXPECT_TRUE(wait_until(
      *process, [&] { return !results(&original_env).empty(); }, 60s))
      << process->err();
  CliResult result = stop(*process);
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  ASSERT_EQ(results(&original_env).size(), 1U);
  EXPECT_EQ(results(&original_env)[0]["results"][0]["sha1"], stoq_test::expected_hashes(content).sha1);
  EXPECT_EQ(kafka.committed("stoq", "hash"), 1);
}

TEST_F(KafkaCli, ABrokerOutageIsWarnedOnceAndTheRunGoesOn) {
  kafka.create_topic("hash", 1);
  queue_file("before.txt", "before the outage\n");
  auto process = start();
  ASSERT_TRUE(wait_until(
      *process, [&] { return results().size() == 1; }, 60s))
      << process->err();
  kafka.set_broker_down(true);
  EXPECT_TRUE(wait_until(
      *process, [&] { return contains(process->err(), "lost the connection"); }, 60s))
      << process->err();
  process->wait_for([](const std::string&, const std::string&) { return false; }, 3s);  // more errors, if any
  kafka.set_broker_down(false);
  queue_file("after.txt", "after the outage\n");
  EXPECT_TRUE(wait_until(
      *process, [&] { return results().size() == 2; }, 90s))
      << process->err();
  CliResult result = stop(*process);
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  int warnings = 0;
  for (const std::string& line : result.err_lines()) warnings += contains(line, "lost the connection") ? 1 : 0;
  EXPECT_EQ(warnings, 1) << result.describe();
  EXPECT_EQ(kafka.committed("stoq", "hash"), 2);
}

}  // namespace
