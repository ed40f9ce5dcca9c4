// worker:publisher without a broker: its options are checked, and a payload that cannot
// be published is an errors entry, not a silent loss. (Publishing to a real RabbitMQ:
// plugins/source/rabbitmq/tests.)
#include <gtest/gtest.h>

#include "run_cli.hpp"

namespace {
using namespace stoq_test;
using namespace std::chrono_literals;

TEST(Publisher, PriorityMustBeZeroToTen) {
  StoqEnv env;
  TempDir data{"stoq-publisher"};
  std::string path = data.write("a.txt", "a");
  CliResult run = run_stoq(env, {"publisher", "-F", path, "-w", "hash", "-p", "11"});
  EXPECT_NE(run.exit_code, 0) << run.describe();
  EXPECT_NE(run.err.find("priority must be an integer between 0 and 10"), std::string::npos) << run.err;
}

TEST(Publisher, NoQueueIsAnErrorPerPayload) {
  StoqEnv env;
  TempDir data{"stoq-publisher"};
  std::string path = data.write("a.txt", "a");
  CliResult run = run_stoq(env, {"publisher", "-F", path, "--fail-on-errors"});
  EXPECT_EQ(run.exit_code, 3) << run.describe();
  EXPECT_NE(run.err.find("no worker queue to publish to: give them with -w"), std::string::npos) << run.err;
}

TEST(Publisher, UnreachableBrokerIsAnErrorNamingIt) {
  StoqEnv env;
  TempDir data{"stoq-publisher"};
  std::string path = data.write("a.txt", "a");
  CliResult run = run_stoq(env,
                           {"publisher", "-F", path, "-w", "hash", "--fail-on-errors", "--plugin-opt",
                            "rabbitmq:port=1", "--plugin-opt", "rabbitmq:retries=1"},
                           60s);
  EXPECT_EQ(run.exit_code, 3) << run.describe();
  EXPECT_NE(run.err.find("cannot connect to 127.0.0.1:1/"), std::string::npos) << run.err;
}

TEST(Publisher, NonPublishingSourceIsRefusedClearly) {
  StoqEnv env;
  TempDir data{"stoq-publisher"};
  std::string path = data.write("a.txt", "a");
  CliResult run = run_stoq(env, {"publisher", "-F", path, "-w", "hash", "-q", "filedir", "--fail-on-errors"});
  EXPECT_EQ(run.exit_code, 3) << run.describe();
  EXPECT_NE(run.err.find("source filedir does not publish messages"), std::string::npos) << run.err;
}

}  // namespace
