// connector:redis through PluginHarness against the real server; redis-cli is the
// oracle for what was stored, sha1sum/md5sum/sha256sum/sha512sum for the archive keys.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>

#include "redis_test_support.hpp"
#include "stoq/testing.hpp"

namespace {
using redis_test::cli;
using redis_test::KeySpace;
using stoq::Content;
using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;
using Overrides = std::vector<std::pair<std::string, std::string>>;

std::string digest(const std::string& tool, const std::string& path) {
  std::string out = stoq::testing::run_command(tool + " " + stoq::testing::shell_quote(path));
  return out.substr(0, out.find(' '));
}

class RedisConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::signal(SIGPIPE, SIG_IGN);  // as stoq does: a connection closed by the server is EPIPE, not death
    REDIS_REQUIRED();
  }
  stoq::Connector& connector(const Overrides& more = {}) {
    Overrides overrides{{"archive_prefix", keys_.key("archive:")}, {"results_list", keys_.key("results")}};
    overrides.insert(overrides.end(), more.begin(), more.end());  // later ones win
    return harness_.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "redis", overrides);
  }
  // Archives `bytes` the way the framework does (the four hashes in kwargs).
  Json archive(stoq::Connector& redis, const std::string& bytes) {
    stoq::Hashes hashes = stoq::compute_hashes(stoq::ByteView(std::string_view(bytes)));
    Json kwargs = {{"archive", true},         {"md5", hashes.md5},       {"sha1", hashes.sha1},
                   {"sha256", hashes.sha256}, {"sha512", hashes.sha512}, {"filename", "x"}};
    return redis.save(Content::bytes(stoq::ByteView(std::string_view(bytes))), kwargs);
  }

  KeySpace keys_;
  TempDir work_;
  PluginHarness harness_{work_.path()};
};

TEST_F(RedisConnectorTest, PushesEachResultsDocumentAsOneLineAndReturnsTheLength) {
  stoq::Connector& redis = connector();
  Json first = {{"results", Json::array({Json{{"sha1", "abc"}, {"scan", {{"k", "v w"}}}}})}};
  Json second = {{"results", Json::array()}, {"n", 2}};
  EXPECT_EQ(redis.save(Content::results(first), Json{{"index", "hash"}}), 1);
  EXPECT_EQ(redis.save(Content::results(second), Json{{"index", "hash"}}), 2);
  EXPECT_EQ(redis.save(Content::text("rendered text"), Json::object()), 3);
  std::vector<std::string> stored = redis_test::list(keys_.key("results"));
  ASSERT_EQ(stored.size(), 3U);
  EXPECT_EQ(Json::parse(stored[0]), first);
  EXPECT_EQ(Json::parse(stored[1]), second);
  EXPECT_EQ(stored[2], "rendered text");
}

TEST_F(RedisConnectorTest, TheShippedStoqFileGivesTheDocumentedDefaults) {
  auto& redis = harness_.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "redis");
  EXPECT_EQ(redis.options().get_list("results_list"), std::vector<std::string>{"stoq-results"});
  EXPECT_EQ(redis.options().get_string("archive_prefix"), "stoq:archive:");
  EXPECT_EQ(redis.options().get_string("redis_host"), "127.0.0.1");
  EXPECT_EQ(redis.options().get_int("redis_port"), 6379);
  EXPECT_EQ(redis.options().get_string("password_env"), "STOQ_REDIS_PASSWORD");
}

TEST_F(RedisConnectorTest, EveryListOfResultsListGetsACopy) {
  stoq::Connector& redis = connector({{"results_list", keys_.key("a") + "," + keys_.key("b")}});
  Json document = {{"results", Json::array()}};
  EXPECT_EQ(redis.save(Content::results(document), Json::object()), 1);
  EXPECT_EQ(redis_test::list(keys_.key("a")), std::vector<std::string>{document.dump()});
  EXPECT_EQ(redis_test::list(keys_.key("b")), std::vector<std::string>{document.dump()});
}

TEST_F(RedisConnectorTest, ArchivesAndRetrievesByEachHash) {
  stoq::Connector& redis = connector();
  TempDir files;
  constexpr char kBinary[] = "binary\0with\nnewlines\xff\x00 and more";
  std::string bytes(kBinary, sizeof(kBinary) - 1);
  std::string path = files.write("payload", bytes);
  std::string sha1 = digest("sha1sum", path);
  Json key = archive(redis, bytes);
  EXPECT_EQ(key, keys_.key("archive:") + sha1);
  // The stored value, as redis-cli sees it: same length, and the same bytes for a text payload.
  EXPECT_EQ(cli({"STRLEN", key.get<std::string>()}), std::to_string(bytes.size()) + "\n");
  Json text_key = archive(redis, "plain text payload");
  EXPECT_EQ(cli({"GET", text_key.get<std::string>()}), "plain text payload\n");

  std::vector<std::pair<std::string, std::string>> lookups = {{"sha1", sha1},
                                                              {"md5", digest("md5sum", path)},
                                                              {"sha256", digest("sha256sum", path)},
                                                              {"sha512", digest("sha512sum", path)}};
  for (const auto& [hash, value] : lookups) {
    stoq::Payload payload = redis.get_file(Json{{hash, value}});
    EXPECT_EQ(payload.bytes().as_string_view(), bytes) << hash;
  }
  // Index keys point at the sha1 (the oracle: redis-cli).
  EXPECT_EQ(cli({"GET", keys_.key("archive:") + "md5:" + digest("md5sum", path)}), sha1 + "\n");
}

TEST_F(RedisConnectorTest, ADuplicateIsNotRewritten) {
  stoq::Connector& redis = connector();
  Json key = archive(redis, "same bytes");
  cli({"SET", key.get<std::string>(), "marker"});  // if archiving again rewrote it, the marker would go
  EXPECT_EQ(archive(redis, "same bytes"), key);
  EXPECT_EQ(cli({"GET", key.get<std::string>()}), "marker\n");
}

TEST_F(RedisConnectorTest, AMissingOrOversizedPayloadIsAClearError) {
  stoq::Connector& redis = connector();
  try {
    redis.get_file(Json{{"sha1", std::string(40, 'a')}});
    FAIL() << "a missing key gave a payload";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no archived payload"), std::string::npos) << e.what();
  }
  EXPECT_THROW(redis.get_file(Json{{"md5", std::string(32, 'b')}}), stoq::Error);
  EXPECT_THROW(redis.get_file(Json{{"md5", "not hex"}}), stoq::Error);
  EXPECT_THROW(redis.get_file(Json{{"path", "/etc/passwd"}}), stoq::Error);
  Json key = archive(redis, std::string(100, 'x'));
  harness_.mutable_config().max_payload_size = 99;
  try {
    redis.get_file(Json{{"sha1", key.get<std::string>().substr(keys_.key("archive:").size())}});
    FAIL() << "a payload above max_payload_size was read";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("max_payload_size"), std::string::npos) << e.what();
  }
  harness_.mutable_config().max_payload_size = 100;
  EXPECT_EQ(redis.get_file(Json{{"sha1", key.get<std::string>().substr(keys_.key("archive:").size())}}).size(), 100U);
}

TEST_F(RedisConnectorTest, ReconnectsOnceWhenTheConnectionWasDropped) {
  stoq::Connector& redis = connector();
  EXPECT_EQ(redis.save(Content::text("before"), Json::object()), 1);
  ASSERT_GE(redis_test::kill_clients_named("stoq-connector-" + std::to_string(::getpid())), 1);
  EXPECT_EQ(redis.save(Content::text("after"), Json::object()), 2);
  EXPECT_EQ(redis_test::list(keys_.key("results")), (std::vector<std::string>{"before", "after"}));
}

TEST_F(RedisConnectorTest, AFailedSaveThrows) {
  stoq::Connector& redis = connector();
  cli({"SET", keys_.key("results"), "not a list"});
  EXPECT_THROW(redis.save(Content::text("lost?"), Json::object()), stoq::Error);
}

TEST_F(RedisConnectorTest, AnUnreachableServerIsOneLineNamingHostAndPort) {
  redis_test::RefusingPort refusing;
  std::string port = std::to_string(refusing.port());
  try {
    connector({{"redis_port", port}});
    FAIL() << "activate() succeeded without a server";
  } catch (const stoq::Error& e) {
    std::string text = e.what();
    EXPECT_NE(text.find("cannot connect to 127.0.0.1:" + port), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
}

}  // namespace
