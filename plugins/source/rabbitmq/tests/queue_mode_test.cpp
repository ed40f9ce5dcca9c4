// Queue mode under failure, end to end: a publisher and three worker processes around a
// real RabbitMQ, 2,000 files; one worker is killed with SIGKILL and the broker
// application is restarted (rabbitmqctl stop_app / start_app: every connection drops,
// the listener is down for seconds, durable queues and persistent messages stay) while
// they run. Every file's results must be saved; a file may be saved twice (at least
// once delivery), and the duplicates are counted and reported.
#include <gtest/gtest.h>

#include <set>

#include "amqp_test_support.hpp"

namespace {
namespace fs = std::filesystem;
using namespace stoq_test;
using namespace std::chrono_literals;
using stoq::Json;

constexpr int kFiles = 2000;

// rabbitmqctl as scripts/services.sh runs it (same node name).
CliResult rabbitmqctl(const std::vector<std::string>& args) {
  SpawnOptions options;
  options.env = {{"RABBITMQ_NODENAME", "rabbit@localhost"}};
  options.timeout = 120s;
  CliProcess process(stoq::testing::find_tool("rabbitmqctl"), args, options);
  return process.finish(options.timeout);
}

// The paths in the documents a worker appended to its -O file (one line each, written
// whole: a SIGKILL cannot leave half a line).
std::multiset<std::string> saved_paths(const std::string& file) {
  std::multiset<std::string> paths;
  std::istringstream lines(read_file(file));
  for (std::string line; std::getline(lines, line);) {
    paths.insert(Json::parse(line)["results"][0].value("path", ""));
  }
  return paths;
}

TEST(QueueMode, NothingIsLostWhenAWorkerIsKilledAndTheBrokerRestarts) {
  STOQ_NEED_BROKER();
  STOQ_NEED_TOOL("rabbitmqctl");
  if (rabbitmqctl({"-q", "status"}).exit_code != 0) STOQ_MISSING("rabbitmqctl cannot reach rabbit@localhost");
  StoqEnv env;
  TempDir data{"stoq-queue-mode"};
  std::set<std::string> expected;
  for (int i = 0; i < kFiles; ++i) {
    expected.insert(data.write("in/f" + std::to_string(i), "file " + std::to_string(i) + " of the queue mode test"));
  }
  std::string queue = amqp::unique_queue("mode");
  SpawnOptions options;
  options.env = env.env();
  // Three workers, each held to 150 files/s so that the faults land mid-run; each
  // appends its results to a file of its own.
  std::vector<std::string> outputs;
  auto worker = [&] {
    outputs.push_back(data.write("out" + std::to_string(outputs.size()) + ".jsonl", ""));
    return std::make_unique<CliProcess>(STOQ_CLI,
                                        env.args({"hash", "-I", "rabbitmq", "-Q", queue, "-C", "file", "-O",
                                                  outputs.back(), "--rate-limit", "150/1", "-M", "2"}),
                                        options);
  };
  std::vector<std::unique_ptr<CliProcess>> workers;
  workers.reserve(3);
  for (int i = 0; i < 3; ++i) workers.push_back(worker());
  std::this_thread::sleep_for(1s);  // the workers declare the queue
  CliProcess publisher(STOQ_CLI, env.args({"publisher", "-F", data.path("in"), "-w", queue}), options);

  auto all_saved = [&](std::size_t at_least) {
    std::set<std::string> unique;
    for (auto& process : workers) {
      (void)process->wait_for([](const std::string&, const std::string&) { return false; }, 30ms);  // drain stderr
    }
    for (const std::string& output : outputs) {
      for (const std::string& path : saved_paths(output)) unique.insert(path);
    }
    return unique.size() >= at_least;
  };
  auto wait_until_saved = [&](std::size_t count, std::chrono::seconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!all_saved(count)) {
      if (Clock::now() > deadline) return false;
    }
    return true;
  };

  ASSERT_TRUE(wait_until_saved(300, 120s));
  workers[0]->send(SIGKILL);  // its unacknowledged messages go back to the queue
  ASSERT_TRUE(wait_until_saved(800, 120s));
  CliResult stopped = rabbitmqctl({"stop_app"});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.describe();
  std::this_thread::sleep_for(2s);
  CliResult started = rabbitmqctl({"start_app"});
  ASSERT_EQ(started.exit_code, 0) << started.describe();

  CliResult published = publisher.finish(300s);
  EXPECT_EQ(published.exit_code, 0) << published.describe();
  bool complete = wait_until_saved(kFiles, 300s);

  std::multiset<std::string> saved;
  std::vector<CliResult> results;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    if (i != 0) workers[i]->send(SIGTERM);
    results.push_back(workers[i]->finish(60s));
    for (const std::string& path : saved_paths(outputs[i])) saved.insert(path);
  }
  for (std::size_t i = 1; i < results.size(); ++i) {
    EXPECT_EQ(results[i].exit_code, 0) << results[i].describe();
    EXPECT_NE(results[i].err.find("reconnected to 127.0.0.1:5672/"), std::string::npos) << results[i].err;
  }
  std::set<std::string> unique(saved.begin(), saved.end());
  std::vector<std::string> lost;
  std::set_difference(expected.begin(), expected.end(), unique.begin(), unique.end(), std::back_inserter(lost));
  EXPECT_TRUE(complete && lost.empty()) << lost.size() << " file(s) never saved, e.g. "
                                        << (lost.empty() ? "" : lost.front());
  std::size_t duplicates = saved.size() - unique.size();
  ::testing::Test::RecordProperty("duplicates", static_cast<int>(duplicates));
  std::printf(
      "queue mode: %d files, %zu documents saved, %zu duplicate(s) (delivered again after the kill or the "
      "restart)\n",
      kFiles, saved.size(), duplicates);
  EXPECT_TRUE(amqp::drain(queue).empty()) << "everything saved was acknowledged";
  EXPECT_TRUE(amqp::drain(queue + "-errors").empty());
  amqp::delete_queues({queue, queue + "-errors"});
}

}  // namespace
