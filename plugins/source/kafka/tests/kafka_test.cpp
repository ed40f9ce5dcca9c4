// source:kafka in-process: the offset bookkeeping alone, then the plugin loaded through
// the PluginHarness against librdkafka's mock cluster (whose put() acknowledges each
// message as saved at once). The paths through the framework's outcomes (errors, not
// saved, restarts) are in kafka_cli_test.cpp.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "mock_kafka.hpp"
#include "offset_tracker.hpp"
#include "stoq/testing.hpp"

namespace {

using kafka_test::eventually;
using kafka_test::MockKafka;
using stoq::Json;
using stoq::plugins::kafka::DeliveryTag;
using stoq::plugins::kafka::OffsetTracker;
using stoq::plugins::kafka::PartitionKey;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;
using Commits = std::vector<std::pair<PartitionKey, std::int64_t>>;

const PartitionKey kP0{"hash", 0};
const PartitionKey kP1{"hash", 1};

TEST(OffsetTracker, CommitsOnlyTheContiguousAcknowledgedPrefix) {
  OffsetTracker tracker;
  DeliveryTag a = tracker.track(kP0, 10, "a");
  DeliveryTag b = tracker.track(kP0, 11, "b");
  DeliveryTag c = tracker.track(kP0, 12, "c");
  tracker.acknowledge(b);
  tracker.acknowledge(c);
  EXPECT_TRUE(tracker.take_commits().empty());  // 10 is still in flight
  tracker.acknowledge(a);
  EXPECT_EQ(tracker.take_commits(), (Commits{{kP0, 13}}));
  EXPECT_TRUE(tracker.take_commits().empty());  // nothing new
  EXPECT_EQ(tracker.pending(), 0U);
  EXPECT_EQ(tracker.positions(), (Commits{{kP0, 13}}));
}

TEST(OffsetTracker, PartitionsAreIndependentAndGapsInOffsetsDoNotBlock) {
  OffsetTracker tracker;
  DeliveryTag a = tracker.track(kP0, 5, "a");
  DeliveryTag b = tracker.track(kP0, 9, "b");  // compacted topic: offsets 6..8 do not exist
  DeliveryTag c = tracker.track(kP1, 0, "c");
  tracker.acknowledge(a);
  tracker.acknowledge(b);
  EXPECT_EQ(tracker.take_commits(), (Commits{{kP0, 10}}));
  tracker.acknowledge(c);
  EXPECT_EQ(tracker.take_commits(), (Commits{{kP1, 1}}));
}

TEST(OffsetTracker, RewindNeverLetsACommitPassTheUnsavedMessage) {
  OffsetTracker tracker;
  DeliveryTag a = tracker.track(kP0, 0, "a");
  DeliveryTag b = tracker.track(kP0, 1, "b");
  DeliveryTag c = tracker.track(kP0, 2, "c");
  tracker.acknowledge(a);
  EXPECT_TRUE(tracker.rewind(b));
  EXPECT_EQ(tracker.body_of(c), nullptr);  // dropped with it: read again after the seek
  tracker.acknowledge(c);                  // a late ack of the old delivery changes nothing
  EXPECT_EQ(tracker.take_commits(), (Commits{{kP0, 1}}));
  // Read again from 1: the new deliveries are live, the old tag stays stale.
  DeliveryTag b2 = tracker.track(kP0, 1, "b");
  DeliveryTag c2 = tracker.track(kP0, 2, "c");
  EXPECT_FALSE(tracker.rewind(b));
  ASSERT_NE(tracker.body_of(b2), nullptr);
  EXPECT_EQ(*tracker.body_of(b2), "b");
  tracker.acknowledge(b2);
  tracker.acknowledge(c2);
  EXPECT_EQ(tracker.take_commits(), (Commits{{kP0, 3}}));
}

TEST(OffsetTracker, ForgottenPartitionsMakeTheirTagsStale) {
  OffsetTracker tracker;
  DeliveryTag a = tracker.track(kP0, 0, "a");
  tracker.forget(kP0);
  EXPECT_EQ(tracker.body_of(a), nullptr);
  tracker.acknowledge(a);
  EXPECT_TRUE(tracker.take_commits().empty());
  EXPECT_EQ(tracker.pending(), 0U);
}

// The source's ingest() on a thread, stopped and joined when the test ends.
class RunningSource {
 public:
  explicit RunningSource(stoq::Source& source, PluginHarness& harness) : harness_(harness) {
    thread_ = std::thread([&source, this] {
      try {
        source.ingest();
      } catch (const std::exception& e) {
        failure_ = e.what();
      }
    });
  }
  RunningSource(const RunningSource&) = delete;
  RunningSource& operator=(const RunningSource&) = delete;
  ~RunningSource() { stop(); }
  std::string stop() {
    harness_.stop();
    if (thread_.joinable()) thread_.join();
    return failure_;
  }

 private:
  PluginHarness& harness_;
  std::thread thread_;
  std::string failure_;
};

struct Fixture {
  MockKafka kafka;
  TempDir work;
  PluginHarness harness{work.path()};
  Fixture() {
    harness.mutable_run().worker = "hash";
    harness.mutable_run().source_queue = "hash";
  }
  stoq::Source& source(std::vector<std::pair<std::string, std::string>> overrides = {}) {
    overrides.emplace_back("servers_list", kafka.bootstraps());
    return harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "kafka", overrides);
  }
};

TEST(KafkaSource, PutsEveryMessageAndCommitsThemAll) {
  Fixture f;
  f.kafka.create_topic("hash", 2);
  std::set<std::string> sent;
  for (int i = 0; i < 10; ++i) {
    Json message{{"path", "/tmp/file-" + std::to_string(i)}, {"archive", "file"}};
    f.kafka.produce("hash", message.dump());
    sent.insert(message.dump());
  }
  RunningSource running(f.source(), f.harness);
  EXPECT_TRUE(eventually([&] { return f.harness.messages().size() >= 10; }));
  EXPECT_EQ(running.stop(), "");
  std::set<std::string> received;
  for (const Json& message : f.harness.messages()) received.insert(message.dump());
  EXPECT_EQ(received, sent);
  EXPECT_EQ(f.kafka.committed("stoq", "hash"), 10);
}

TEST(KafkaSource, ConsumesTheErrorsTopicWithE) {
  Fixture f;
  f.harness.mutable_run().consume_errors = true;
  f.kafka.create_topic("hash", 1);
  f.kafka.create_topic("hash-errors", 1);
  f.kafka.produce("hash", R"({"path": "/not/this/one"})");
  f.kafka.produce("hash-errors", R"({"path": "/this/one", "err": "earlier failure"})");
  RunningSource running(f.source(), f.harness);
  EXPECT_TRUE(eventually([&] { return !f.harness.messages().empty(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(running.stop(), "");
  ASSERT_EQ(f.harness.messages().size(), 1U);
  EXPECT_EQ(f.harness.messages()[0]["path"], "/this/one");
  EXPECT_EQ(f.kafka.committed("stoq", "hash-errors"), 1);
}

TEST(KafkaSource, MessagesThatAreNotJsonObjectsGoToTheErrorsTopic) {
  Fixture f;
  f.kafka.create_topic("hash", 1);
  f.kafka.produce("hash", "not json at all");
  f.kafka.produce("hash", "[1, 2]");
  f.kafka.produce("hash", R"({"path": "/ok"})");
  RunningSource running(f.source(), f.harness);
  EXPECT_TRUE(eventually([&] { return !f.harness.messages().empty(); }));
  std::vector<kafka_test::Record> errors = f.kafka.read_all("hash-errors", 2);
  EXPECT_TRUE(eventually([&] { return f.kafka.committed("stoq", "hash") == 3; }));
  EXPECT_EQ(running.stop(), "");
  ASSERT_EQ(errors.size(), 2U);
  Json first = Json::parse(errors[0].value);
  EXPECT_EQ(first["message"], "not json at all");
  EXPECT_EQ(first["err"], "the message is not JSON");
  Json second = Json::parse(errors[1].value);
  EXPECT_EQ(second["message"], "[1, 2]");
  EXPECT_EQ(second["err"], "the message is not a JSON object");
  ASSERT_EQ(f.harness.messages().size(), 1U);
  EXPECT_EQ(f.harness.messages()[0]["path"], "/ok");
}

TEST(KafkaSource, PublishReturnsOnceTheBrokerHasTheMessage) {
  Fixture f;
  auto& source = f.source();
  Json message{{"path", "/published"}, {"archive", "file"}};
  source.publish(message, "outbox", 9);  // Kafka has no priorities: ignored
  std::vector<kafka_test::Record> records = f.kafka.read_all("outbox", 1);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(Json::parse(records[0].value), message);
}

TEST(KafkaSource, AnUnreachableBrokerFailsWithOneLine) {
  TempDir work;
  PluginHarness harness(work.path());
  harness.mutable_run().worker = "hash";
  harness.mutable_run().source_queue = "hash";
  std::string servers = "127.0.0.1:" + std::to_string(kafka_test::closed_port());
  auto& source =
      harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "kafka", {{"servers_list", servers}, {"connect_timeout", "2"}});
  try {
    source.ingest();
    FAIL() << "ingest() did not throw";
  } catch (const stoq::Error& e) {
    std::string text = e.what();
    EXPECT_EQ(text.rfind("kafka: cannot connect to " + servers + " within 2 s: ", 0), 0U) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
  EXPECT_THROW(source.publish(Json{{"path", "x"}}, "outbox", 0), stoq::Error);
}

TEST(KafkaSource, RefusesOutOfRangeOptions) {
  TempDir work;
  PluginHarness harness(work.path());
  EXPECT_THROW(harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "kafka", {{"prefetch", "-1"}}), stoq::Error);
  EXPECT_THROW(harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "kafka", {{"connect_timeout", "0"}}), stoq::Error);
  EXPECT_THROW(harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "kafka", {{"servers_list", " , "}}), stoq::Error);
  EXPECT_THROW(harness.activate<stoq::Source>(STOQ_PLUGIN_DIR, "kafka", {{"properties", R"({"a": [1]})"}}),
               stoq::Error);
}

TEST(KafkaSource, LoadsTheOriginalStoqFile) {
  std::string original = STOQ_SHARED_DIR "/corpus/stoq-configs/source/kafka.stoq";
  STOQ_NEED_PATH(original);
  TempDir plugins;
  std::string folder = plugins.mkdir("source/kafka");
  std::filesystem::copy_file(std::string(STOQ_PLUGIN_DIR) + "/source/kafka/kafka.so", folder + "/kafka.so");
  std::filesystem::copy_file(original, folder + "/kafka.stoq");
  MockKafka kafka;
  kafka.create_topic("hash", 1);
  kafka.produce("hash", R"({"path": "/from/the/original"})");
  TempDir work;
  PluginHarness harness(work.path());
  harness.mutable_run().worker = "hash";
  harness.mutable_run().source_queue = "hash";
  // Unchanged, it points at the original's default broker.
  EXPECT_EQ(harness.activate<stoq::Source>(plugins.path(), "kafka").options().get_list("servers_list"),
            std::vector<std::string>{"127.0.0.1:9092"});
  auto& source = harness.activate<stoq::Source>(plugins.path(), "kafka", {{"servers_list", kafka.bootstraps()}});
  EXPECT_EQ(source.options().get_string("group"), "stoq");
  EXPECT_EQ(source.options().get_int("retries"), 5);
  EXPECT_FALSE(source.options().get_bool("multiprocess"));
  RunningSource running(source, harness);
  EXPECT_TRUE(eventually([&] { return !harness.messages().empty(); }));
  EXPECT_EQ(running.stop(), "");
  EXPECT_EQ(kafka.committed("stoq", "hash"), 1);
}

}  // namespace
