// connector:rabbitmq: every results document reaches the results queue, confirmed and
// persistent; read back with amqp-get (amqp-tools), not with our client.
#include <gtest/gtest.h>

#include <set>

#include "amqp_test_support.hpp"

namespace {
using namespace stoq_test;
using namespace std::chrono_literals;
using stoq::Json;

TEST(RabbitMqConnector, EveryDocumentReachesTheResultsQueue) {
  STOQ_NEED_BROKER();
  StoqEnv env;
  TempDir data{"stoq-rabbitmq-connector"};
  std::set<std::string> expected;
  for (int i = 0; i < 12; ++i) {
    std::string content = "document " + std::to_string(i);
    data.write("in/" + std::to_string(i), content);
    expected.insert(stoq::compute_hashes(stoq::ByteView(content)).sha1);
  }
  std::string results = amqp::unique_queue("results");
  CliResult run = run_stoq(
      env, {"hash", "-F", data.path("in"), "-C", "rabbitmq", "--plugin-opt", "rabbitmq:results_queue=" + results});
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  std::set<std::string> got;
  for (const std::string& body : amqp::drain(results)) {
    Json doc = Json::parse(body);
    got.insert(doc["results"][0]["scan"]["sha1"].get<std::string>());
  }
  amqp::delete_queues({results});
  EXPECT_EQ(got, expected);
}

TEST(RabbitMqConnector, TemplateTextIsPublishedAsIs) {
  STOQ_NEED_BROKER();
  StoqEnv env;
  TempDir data{"stoq-rabbitmq-connector"};
  std::string path = data.write("one.txt", "abc");
  std::string results = amqp::unique_queue("text");
  CliResult run = run_stoq(env, {"hash", "-F", path, "-C", "rabbitmq", "-T", "stdout.tpl", "--plugin-opt",
                                 "rabbitmq:results_queue=" + results});
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  std::vector<std::string> bodies = amqp::drain(results);
  amqp::delete_queues({results});
  ASSERT_EQ(bodies.size(), 1U);
  EXPECT_NE(bodies[0].find("a9993e364706816aba3e25717850c26c9cd0d89d"), std::string::npos) << bodies[0];
  EXPECT_NE(bodies[0].front(), '{') << "rendered text, not JSON";
}

TEST(RabbitMqConnector, BrokerDownMeansNotSavedAndExitOne) {
  StoqEnv env;
  TempDir data{"stoq-rabbitmq-connector"};
  std::string path = data.write("one.txt", "abc");
  CliResult run = run_stoq(
      env,
      {"hash", "-F", path, "-C", "rabbitmq", "--plugin-opt", "rabbitmq:port=1", "--plugin-opt", "rabbitmq:retries=2"},
      60s);
  EXPECT_EQ(run.exit_code, 1) << run.describe();
  EXPECT_NE(run.err.find("connector rabbitmq failed to save the results of"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("cannot connect to 127.0.0.1:1/"), std::string::npos) << run.err;
}

}  // namespace
