// connector:kafka against librdkafka's mock cluster (in this test process): what save()
// produces is read back by a separate client (and by kcat, when installed, as an
// independent tool), and compared with sha1s computed by OpenSSL.
#include <gtest/gtest.h>

#include <set>

#include "hashes.hpp"
#include "mock_kafka.hpp"
#include "run_cli.hpp"
#include "stoq/testing.hpp"

namespace {

using kafka_test::MockKafka;
using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;
using stoq_test::OJson;
using stoq_test::StoqEnv;

stoq::Connector& connector(PluginHarness& harness, const MockKafka& kafka) {
  return harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "kafka",
                                           {{"servers_list", kafka.bootstraps()}, {"results_topic", "scans"}});
}

TEST(KafkaConnector, ProducesOneLineResultsKeyedByTheRootSha1) {
  MockKafka kafka;
  kafka.create_topic("scans", 1);  // one partition: the records are read back in order
  TempDir work;
  PluginHarness harness(work.path());
  auto& kafka_connector = connector(harness, kafka);
  Json document = {{"results", Json::array({Json{{"sha1", "f00d"}, {"scan", {{"words", 3}}}}})},
                   {"note", "caf\xc3\xa9"}};
  Json id = kafka_connector.save(stoq::Content::results(document), {{"sha1", "f00d"}, {"index", "hash"}});
  ASSERT_TRUE(id.is_string());
  EXPECT_EQ(id, "scans:0:0");
  kafka_connector.save(stoq::Content::text("rendered\nby a template"), Json::object());
  std::vector<kafka_test::Record> records = kafka.read_all("scans", 2);
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].key, "f00d");
  EXPECT_EQ(records[0].value, document.dump());  // one line
  EXPECT_EQ(records[0].value.find('\n'), std::string::npos);
  EXPECT_EQ(records[1].key, "");
  EXPECT_EQ(records[1].value, "rendered\nby a template");
}

TEST(KafkaConnector, DoesNotArchiveNorRetrieve) {
  MockKafka kafka;
  TempDir work;
  PluginHarness harness(work.path());
  auto& kafka_connector = connector(harness, kafka);
  stoq::Bytes bytes = {'M', 'Z'};
  EXPECT_THROW(kafka_connector.save(stoq::Content::bytes(bytes), {{"archive", true}, {"sha1", "ab"}}), stoq::Error);
  EXPECT_THROW(kafka_connector.get_file({{"sha1", "ab"}}), stoq::Error);
}

TEST(KafkaConnector, AnUnreachableBrokerFailsAtActivateWithOneLine) {
  TempDir work;
  PluginHarness harness(work.path());
  std::string servers = "127.0.0.1:" + std::to_string(kafka_test::closed_port());
  try {
    harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "kafka", {{"servers_list", servers}, {"connect_timeout", "2"}});
    FAIL() << "activate() did not throw";
  } catch (const stoq::Error& e) {
    std::string text = e.what();
    EXPECT_NE(text.find("kafka: cannot connect to " + servers + " within 2 s: "), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
}

TEST(KafkaConnector, AFailedDeliveryThrowsSoTheMessageIsNotAcknowledged) {
  MockKafka kafka;
  kafka.create_topic("scans", 1);
  TempDir work;
  PluginHarness harness(work.path());
  auto& kafka_connector = harness.activate<stoq::Connector>(
      STOQ_PLUGIN_DIR, "kafka",
      {{"servers_list", kafka.bootstraps()}, {"results_topic", "scans"}, {"connect_timeout", "1"}, {"retries", "2"}});
  kafka.set_broker_down(true);
  try {
    kafka_connector.save(stoq::Content::text("never confirmed"), Json::object());
    FAIL() << "save() did not throw";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("kafka: cannot produce to topic 'scans' (2 tries): "), std::string::npos)
        << e.what();
  }
}

class KafkaConnectorCli : public ::testing::Test {
 protected:
  MockKafka kafka;
  StoqEnv env;
  std::set<std::string> expected_sha1s;

  // `stoq hash -F <three files> -C kafka`: results to topic scans.
  void run_hash() {
    std::string dir = env.home().mkdir("in");
    for (int i = 0; i < 3; ++i) {
      std::string content = "document " + std::to_string(i) + "\n";
      env.home().write("in/f" + std::to_string(i), content);
      expected_sha1s.insert(stoq_test::expected_hashes(content).sha1);
    }
    stoq_test::CliResult result = stoq_test::run_stoq(
        env, {"hash", "-F", dir, "-C", "kafka", "--plugin-opt", "kafka:servers_list=" + kafka.bootstraps(),
              "--plugin-opt", "kafka:results_topic=scans"});
    ASSERT_EQ(result.exit_code, 0) << result.describe();
  }
};

TEST_F(KafkaConnectorCli, TheResultsTopicReceivesEveryDocument) {
  run_hash();
  std::vector<kafka_test::Record> records = kafka.read_all("scans", 3);
  ASSERT_EQ(records.size(), 3U);
  std::set<std::string> keys;
  for (const auto& record : records) {
    OJson document = OJson::parse(record.value);
    EXPECT_EQ(document["results"][0]["sha1"], record.key);
    EXPECT_EQ(document["results"][0]["scan"]["sha1"], record.key);
    keys.insert(record.key);
  }
  EXPECT_EQ(keys, expected_sha1s);
}

TEST_F(KafkaConnectorCli, KcatReadsTheSameDocuments) {
  STOQ_NEED_TOOL("kcat");
  run_hash();
  int status = -1;
  std::string out = stoq::testing::run_command(
      "kcat -b " + kafka.bootstraps() + " -C -t scans -o beginning -e -q -f '%k %s\\n' 2>/dev/null", &status);
  EXPECT_EQ(status, 0) << out;
  std::set<std::string> keys;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    auto space = line.find(' ');
    ASSERT_NE(space, std::string::npos) << line;
    OJson document = OJson::parse(line.substr(space + 1));
    EXPECT_EQ(document["results"][0]["sha1"], line.substr(0, space));
    keys.insert(line.substr(0, space));
  }
  EXPECT_EQ(keys, expected_sha1s);
}

}  // namespace
