// connector:elasticsearch through PluginHarness against the fake Elasticsearch
// (fake_elasticsearch.hpp): what reaches the server is the oracle, `date -u` for the
// index dates and `base64` for the Authorization header.
#include <gtest/gtest.h>

#include <cstdlib>
#include <future>

#include "es_test_support.hpp"
#include "fake_elasticsearch.hpp"
#include "stoq/testing.hpp"

namespace {
using fake_es::FakeElasticsearch;
using stoq::Content;
using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;
using Overrides = std::vector<std::pair<std::string, std::string>>;
using namespace std::chrono_literals;

std::string shell(const std::string& command) {
  std::string out = stoq::testing::run_command(command);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class ElasticsearchTest : public ::testing::Test {
 protected:
  stoq::Connector& connector(const Overrides& more = {}) { return connector_in(harness_, more); }
  stoq::Connector& connector_in(PluginHarness& harness, const Overrides& more = {}) {
    Overrides overrides{{"url", es_.url()}, {"es_timeout", "10"}};
    overrides.insert(overrides.end(), more.begin(), more.end());  // later ones win
    return harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "elasticsearch", overrides);
  }
  static Json results(const std::string& sha1) {
    return {{"results", Json::array({Json{{"sha1", sha1}, {"filename", "f"}, {"scan", {{"n", 1}}}}})}, {"payloads", 1}};
  }

  FakeElasticsearch es_;
  TempDir work_;
  PluginHarness harness_{work_.path()};
};

TEST_F(ElasticsearchTest, TheShippedStoqFileGivesTheOriginalDefaults) {
  auto& es = connector();
  EXPECT_EQ(es.options().get_list("connect_host_list"), std::vector<std::string>{"localhost"});
  EXPECT_EQ(es.options().get_dict("connect_opts_dict"), Json({{"port", 9200}}));
  EXPECT_EQ(es.options().get_int("es_max_retries"), 10);
  EXPECT_TRUE(es.options().get_bool("es_retry"));
  EXPECT_FALSE(es.options().get_bool("bulk"));
  EXPECT_EQ(es.options().get_int("bulk_interval"), 10);
  EXPECT_EQ(es.options().get_int("bulk_size"), 500);
  EXPECT_EQ(es.options().get_string("es_index_name"), "");
  EXPECT_EQ(es.options().get_string("date_suffix"), "");
  EXPECT_EQ(es.options().get_string("password_env"), "STOQ_ELASTICSEARCH_PASSWORD");
}

TEST_F(ElasticsearchTest, IndexesEachDocumentThroughBulkAndReturnsItsId) {
  auto& es = connector();
  Json first = results("aaa");
  Json second = {{"results", Json::array()}, {"text", "line one\nline two \"quoted\""}};
  Json id = es.save(Content::results(first), Json{{"index", "Hash"}, {"use_date", false}});
  es.save(Content::results(second), Json{{"index", "hash"}});
  auto documents = es_.documents();
  ASSERT_EQ(documents.size(), 2U);
  EXPECT_EQ(documents[0].index, "hash");  // lower-cased
  EXPECT_EQ(documents[0].source, first);
  EXPECT_EQ(id, documents[0].id);
  EXPECT_EQ(documents[1].source, second);  // newlines inside strings stay inside one NDJSON line
  EXPECT_EQ(es_.bulk_sizes(), (std::vector<std::size_t>{1, 1}));
}

TEST_F(ElasticsearchTest, RenderedTextIsIndexedAsItsJsonObjectOrUnderText) {
  auto& es = connector();
  es.save(Content::text(R"({"verdict": "clean"})"), Json{{"index", "hash"}});
  es.save(Content::text("plain words"), Json{{"index", "hash"}});
  auto documents = es_.documents();
  ASSERT_EQ(documents.size(), 2U);
  EXPECT_EQ(documents[0].source, Json({{"verdict", "clean"}}));
  EXPECT_EQ(documents[1].source, Json({{"text", "plain words"}}));
  EXPECT_THROW(es.save(Content::bytes(stoq::ByteView(std::string_view("x"))), Json{{"archive", true}}), stoq::Error);
}

TEST_F(ElasticsearchTest, TheIndexIsEsIndexNameOrTheWorkerPlusADateSuffix) {
  STOQ_NEED_TOOL("date");
  const std::string day_before = shell("date -u +%Y.%m.%d");
  connector({{"es_index_name", "Stoq-All"}}).save(Content::results(results("a")), Json{{"index", "hash"}});
  connector().save(Content::results(results("b")), Json{{"index", "yara"}, {"use_date", true}});
  connector({{"date_suffix", "month"}}).save(Content::results(results("c")), Json{{"index", "hash"}});
  connector({{"date_suffix", "year"}}).save(Content::results(results("d")), Json{{"index", "hash"}});
  connector({{"date_suffix", "day"}, {"es_index_name", "all"}})
      .save(Content::results(results("e")), Json{{"index", "hash"}});
  const std::string day_after = shell("date -u +%Y.%m.%d");
  auto documents = es_.documents();
  ASSERT_EQ(documents.size(), 5U);
  EXPECT_EQ(documents[0].index, "stoq-all");
  // Around midnight UTC the two oracles differ: either date is then right.
  EXPECT_TRUE(documents[1].index == "yara-" + day_before || documents[1].index == "yara-" + day_after)
      << documents[1].index;
  EXPECT_TRUE(documents[2].index == "hash-" + day_before.substr(0, 7) ||
              documents[2].index == "hash-" + day_after.substr(0, 7))
      << documents[2].index;
  EXPECT_TRUE(documents[3].index == "hash-" + day_before.substr(0, 4) ||
              documents[3].index == "hash-" + day_after.substr(0, 4))
      << documents[3].index;
  EXPECT_TRUE(documents[4].index == "all-" + day_before || documents[4].index == "all-" + day_after)
      << documents[4].index;
  EXPECT_THROW(connector({{"date_suffix", "week"}}), stoq::Error);
}

TEST_F(ElasticsearchTest, ARefusedItemThrowsNamingTheErrorTypeAndReason) {
  auto& es = connector();
  es_.refuse_items_where([](const Json& source) { return source.contains("bad"); });
  try {
    es.save(Content::results(Json{{"bad", 1}}), Json{{"index", "hash"}});
    FAIL() << "a refused document was reported saved";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("mapper_parsing_exception: failed to parse field [x]"), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(es_.documents().empty());
}

TEST_F(ElasticsearchTest, Answers503And429AreRetriedUntilSaved) {
  auto& es = connector();
  es_.fail_next(503, 1);
  es_.fail_next(429, 1);
  es.save(Content::results(results("a")), Json{{"index", "hash"}});
  EXPECT_EQ(es_.server().requests("POST", "/_bulk").size(), 3U);
  ASSERT_EQ(es_.documents().size(), 1U);
  EXPECT_EQ(es_.documents()[0].source, results("a"));
}

TEST_F(ElasticsearchTest, RetriesAreBoundedByEsMaxRetriesAndEsRetry) {
  auto& bounded = connector({{"es_max_retries", "1"}});
  es_.fail_next(503, 5);
  EXPECT_THROW(bounded.save(Content::results(results("a")), Json{{"index", "hash"}}), stoq::Error);
  EXPECT_EQ(es_.server().requests("POST", "/_bulk").size(), 2U);
  auto& once = connector({{"es_retry", "False"}});
  EXPECT_THROW(once.save(Content::results(results("a")), Json{{"index", "hash"}}), stoq::Error);
  EXPECT_EQ(es_.server().requests("POST", "/_bulk").size(), 3U);
  EXPECT_TRUE(es_.documents().empty());
}

TEST_F(ElasticsearchTest, AClientErrorIsNotRetried) {
  auto& es = connector();
  es_.fail_next(400, 1);
  EXPECT_THROW(es.save(Content::results(results("a")), Json{{"index", "hash"}}), stoq::Error);
  EXPECT_EQ(es_.server().requests("POST", "/_bulk").size(), 1U);
}

TEST_F(ElasticsearchTest, ARetryGoesToTheNextHostOfTheList) {
  FakeElasticsearch second;
  es_.fail_next(503, 1);
  auto& es = connector({{"url", ""},
                        {"connect_host_list", "127.0.0.1:" + std::to_string(es_.port()) + ", 127.0.0.1"},
                        {"connect_opts_dict", R"({"port": )" + std::to_string(second.port()) + "}"}});
  es.save(Content::results(results("a")), Json{{"index", "hash"}});
  EXPECT_EQ(es_.server().requests("POST", "/_bulk").size(), 1U);
  EXPECT_TRUE(es_.documents().empty());
  ASSERT_EQ(second.documents().size(), 1U);
  EXPECT_EQ(second.documents()[0].source, results("a"));
}

TEST_F(ElasticsearchTest, AnUnreachableServerIsOneLineNamingHostAndPort) {
  es_test::RefusingPort refusing;
  const std::string address = "127.0.0.1:" + std::to_string(refusing.port());
  try {
    connector({{"url", "http://user:secret@" + address}});
    FAIL() << "activated against a closed port";
  } catch (const stoq::Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("cannot connect to " + address), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.find("secret"), std::string::npos) << message;
  }
}

TEST_F(ElasticsearchTest, HttpAuthAndThePasswordFromTheEnvironment) {
  STOQ_NEED_TOOL("base64");
  es_.require_authorization("Basic " + shell("printf %s stoq:right | base64"));
  const std::string options = R"({"port": 9200, "http_auth": "stoq:wrong"})";
  try {
    connector({{"connect_opts_dict", options}});
    FAIL() << "activated with a wrong password";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("401"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("wrong"), std::string::npos) << e.what();
  }
  const std::string variable = "STOQ_ES_TEST_PASSWORD_" + std::to_string(::getpid());
  ::setenv(variable.c_str(), "right", 1);
  auto& es = connector({{"connect_opts_dict", options}, {"password_env", variable}});
  ::unsetenv(variable.c_str());
  es.save(Content::results(results("a")), Json{{"index", "hash"}});
  EXPECT_EQ(es_.documents().size(), 1U);
}

// bulk = True: instances (one per worker thread) share one buffer.
class ElasticsearchBulkTest : public ElasticsearchTest {
 protected:
  // `count` instances, as `count` worker threads would have.
  std::vector<stoq::Connector*> instances(int count, const Overrides& more) {
    Overrides overrides{{"bulk", "True"}};
    overrides.insert(overrides.end(), more.begin(), more.end());
    std::vector<stoq::Connector*> made;
    made.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) made.push_back(&connector(overrides));
    return made;
  }
  // Declared after the futures of a test, so destroyed before them: stopping makes every
  // waiting save send itself, so a broken flush rule fails the test instead of hanging it.
  class StopAtEnd {
   public:
    explicit StopAtEnd(PluginHarness& harness) : harness_(harness) {}
    ~StopAtEnd() { harness_.stop(); }
    StopAtEnd(const StopAtEnd&) = delete;
    StopAtEnd& operator=(const StopAtEnd&) = delete;

   private:
    PluginHarness& harness_;
  };
  static std::future<Json> save_async(stoq::Connector& es, const std::string& sha1) {
    return std::async(std::launch::async, [&es, sha1] {
      return es.save(Content::results(results(sha1)), Json{{"index", "hash"}});
    });
  }
};

TEST_F(ElasticsearchBulkTest, DocumentsOfAllThreadsGoInOneRequestAndEachSaveGetsItsId) {
  auto es = instances(3, {{"bulk_size", "3"}, {"bulk_interval", "3600"}});
  auto a = save_async(*es[0], "a");
  auto b = save_async(*es[1], "b");
  auto c = save_async(*es[2], "c");
  StopAtEnd stop_at_end{harness_};
  std::vector<Json> ids{a.get(), b.get(), c.get()};
  EXPECT_EQ(es_.bulk_sizes(), std::vector<std::size_t>{3});
  auto documents = es_.documents();
  ASSERT_EQ(documents.size(), 3U);
  for (const auto& document : documents) {
    std::string sha1 = document.source["results"][0]["sha1"];
    EXPECT_EQ(ids[static_cast<std::size_t>(sha1[0] - 'a')], document.id) << sha1;
  }
}

TEST_F(ElasticsearchBulkTest, ASaveWaitsUntilItsDocumentIsSent) {
  auto es = instances(3, {{"bulk_size", "10"}, {"bulk_interval", "3600"}});
  auto waiting = save_async(*es[0], "a");
  EXPECT_EQ(waiting.wait_for(300ms), std::future_status::timeout);  // 1 of 3 threads waits: not sent yet
  EXPECT_TRUE(es_.bulk_sizes().empty());
  es[1]->deactivate();  // deactivate sends what waits
  Json id = waiting.get();
  EXPECT_EQ(id, es_.documents().at(0).id);
  EXPECT_EQ(es_.bulk_sizes(), std::vector<std::size_t>{1});
}

TEST_F(ElasticsearchBulkTest, WhenEveryThreadWaitsTheRequestGoesAtOnce) {
  // Two worker threads, bulk_size 10: no third document can come while both wait.
  auto es = instances(2, {{"bulk_size", "10"}, {"bulk_interval", "3600"}});
  auto a = save_async(*es[0], "a");
  auto b = save_async(*es[1], "b");
  StopAtEnd stop_at_end{harness_};
  EXPECT_EQ(a.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(b.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(es_.bulk_sizes(), std::vector<std::size_t>{2});
}

TEST_F(ElasticsearchBulkTest, TheHeartbeatSendsWhatWaitedBulkInterval) {
  auto es = instances(3, {{"bulk_size", "10"}, {"bulk_interval", "1"}});
  std::thread heartbeat([&] { es[2]->heartbeat(); });
  auto waiting = save_async(*es[0], "a");
  bool sent = waiting.wait_for(30s) == std::future_status::ready;
  harness_.stop();
  heartbeat.join();
  ASSERT_TRUE(sent);
  Json id = waiting.get();
  EXPECT_EQ(id, es_.documents().at(0).id);
}

TEST_F(ElasticsearchBulkTest, AWaitingSaveSendsItselfOnceStoqStops) {
  auto es = instances(3, {{"bulk_size", "10"}, {"bulk_interval", "3600"}});
  auto waiting = save_async(*es[0], "a");
  EXPECT_EQ(waiting.wait_for(200ms), std::future_status::timeout);
  harness_.stop();
  Json id = waiting.get();  // before looking: the operands of == are evaluated in any order
  EXPECT_EQ(id, es_.documents().at(0).id);
}

TEST_F(ElasticsearchBulkTest, AFailedRequestMakesEveryWaitingSaveThrow) {
  auto es = instances(2, {{"bulk_size", "2"}, {"es_retry", "False"}});
  es_.fail_next(503, 1);
  auto a = save_async(*es[0], "a");
  auto b = save_async(*es[1], "b");
  StopAtEnd stop_at_end{harness_};
  EXPECT_THROW(a.get(), stoq::Error);
  EXPECT_THROW(b.get(), stoq::Error);
  EXPECT_TRUE(es_.documents().empty());
}

TEST_F(ElasticsearchBulkTest, OnlyTheSaveOfARefusedItemThrows) {
  auto es = instances(2, {{"bulk_size", "2"}});
  es_.refuse_items_where([](const Json& source) { return source["results"][0]["sha1"] == "bad"; });
  auto good = save_async(*es[0], "good");
  auto bad = save_async(*es[1], "bad");
  StopAtEnd stop_at_end{harness_};
  Json id = good.get();
  EXPECT_EQ(id, es_.documents().at(0).id);
  EXPECT_THROW(bad.get(), stoq::Error);
  EXPECT_EQ(es_.bulk_sizes(), std::vector<std::size_t>{2});
}

}  // namespace
