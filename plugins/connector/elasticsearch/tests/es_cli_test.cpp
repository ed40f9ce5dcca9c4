// connector:elasticsearch end to end: the real stoq executable against the fake
// Elasticsearch; sha1sum is the oracle for what the documents hold, `date -u` for the
// index date.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "es_test_support.hpp"
#include "fake_elasticsearch.hpp"
#include "run_cli.hpp"

namespace {
namespace fs = std::filesystem;
using fake_es::FakeElasticsearch;
using stoq_test::CliResult;
using stoq_test::StoqEnv;

std::string sha1sum(const std::string& path) {
  std::string out = stoq::testing::run_command("sha1sum " + stoq::testing::shell_quote(path));
  return out.substr(0, out.find(' '));
}

class ElasticsearchCliTest : public ::testing::Test {
 protected:
  void SetUp() override { STOQ_NEED_TOOL("sha1sum"); }
  // Writes `count` files; returns their sha1s.
  std::set<std::string> write_files(int count) {
    std::set<std::string> sha1s;
    for (int i = 0; i < count; ++i) {
      sha1s.insert(sha1sum(files_.write("file" + std::to_string(i), "content number " + std::to_string(i))));
    }
    return sha1s;
  }
  // `stoq hash -F <files> -C elasticsearch --plugin-opt elasticsearch:url=<fake> <more...>`
  CliResult run_hash(const std::vector<std::string>& more) {
    std::vector<std::string> args{
        "hash", "-F", files_.path(), "-C", "elasticsearch", "--plugin-opt", "elasticsearch:url=" + es_.url()};
    args.insert(args.end(), more.begin(), more.end());
    return stoq_test::run_stoq(env_, args);
  }
  // sha1 of each stored document's root payload -> how many documents have it.
  [[nodiscard]] std::map<std::string, int> stored_sha1s() const {
    std::map<std::string, int> count;
    for (const auto& document : es_.documents()) ++count[document.source["results"][0]["sha1"].get<std::string>()];
    return count;
  }

  FakeElasticsearch es_;
  StoqEnv env_;
  stoq::testing::TempDir files_;
};

TEST_F(ElasticsearchCliTest, EachFileIsIndexedUnderTheWorkersName) {
  std::set<std::string> expected = write_files(4);
  CliResult result = run_hash({});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::map<std::string, int> stored = stored_sha1s();
  EXPECT_EQ(stored.size(), expected.size());
  for (const std::string& sha1 : expected) EXPECT_EQ(stored[sha1], 1) << sha1;
  for (const auto& document : es_.documents()) {
    EXPECT_EQ(document.index, "hash");
    EXPECT_EQ(document.source["results"][0]["scan"]["sha1"], document.source["results"][0]["sha1"]);
  }
}

TEST_F(ElasticsearchCliTest, UseDateAndEsIndexNameNameTheIndex) {
  STOQ_NEED_TOOL("date");
  write_files(1);
  std::string day = stoq::testing::run_command("date -u +%Y.%m.%d");
  day.pop_back();
  CliResult dated = run_hash({"--use-date"});
  ASSERT_EQ(dated.exit_code, 0) << dated.describe();
  CliResult named = run_hash({"--plugin-opt", "elasticsearch:es_index_name=All-Results"});
  ASSERT_EQ(named.exit_code, 0) << named.describe();
  auto documents = es_.documents();
  ASSERT_EQ(documents.size(), 2U);
  EXPECT_EQ(documents[0].index, "hash-" + day);
  EXPECT_EQ(documents[1].index, "all-results");
}

TEST_F(ElasticsearchCliTest, BulkSendsFullRequestsAndTheRestAfterBulkInterval) {
  std::set<std::string> expected = write_files(7);
  // Three worker threads: the size, not the number of threads, decides when a request goes.
  CliResult result = run_hash({"-M", "3", "--plugin-opt", "elasticsearch:bulk=True", "--plugin-opt",
                               "elasticsearch:bulk_size=3", "--plugin-opt", "elasticsearch:bulk_interval=2"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(es_.bulk_sizes(), (std::vector<std::size_t>{3, 3, 1}));
  std::map<std::string, int> stored = stored_sha1s();
  EXPECT_EQ(stored.size(), expected.size());
  for (const std::string& sha1 : expected) EXPECT_EQ(stored[sha1], 1) << sha1;
}

TEST_F(ElasticsearchCliTest, ARefusedDocumentFailsTheRun) {
  write_files(1);
  es_.refuse_items_where([](const fake_es::Json&) { return true; });
  CliResult result = run_hash({});
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_TRUE(stoq_test::contains(result.err, "failed to save")) << result.describe();
  EXPECT_TRUE(stoq_test::contains(result.err, "mapper_parsing_exception")) << result.describe();
}

TEST_F(ElasticsearchCliTest, TwoUnavailableAnswersAreRetriedAndTheDocumentSaved) {
  std::set<std::string> expected = write_files(1);
  es_.fail_next(503, 2);
  CliResult result = run_hash({});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(es_.server().requests("POST", "/_bulk").size(), 3U);
  EXPECT_EQ(stored_sha1s(), (std::map<std::string, int>{{*expected.begin(), 1}}));
}

TEST_F(ElasticsearchCliTest, AnUnreachableServerStopsTheRunWithOneLine) {
  write_files(1);
  es_test::RefusingPort refusing;
  const std::string address = "127.0.0.1:" + std::to_string(refusing.port());
  CliResult result = stoq_test::run_stoq(env_, {"hash", "-F", files_.path(), "-C", "elasticsearch", "--plugin-opt",
                                                "elasticsearch:url=http://" + address});
  EXPECT_NE(result.exit_code, 0) << result.describe();
  std::size_t naming = 0;
  for (const std::string& line : result.err_lines()) {
    if (stoq_test::contains(line, "cannot connect to " + address)) ++naming;
  }
  EXPECT_EQ(naming, 1U) << result.describe();
}

// The original plugin's elasticsearch.stoq, beside the built module, loads unchanged: its
// host list (localhost) with the port given as on the original's command line.
TEST_F(ElasticsearchCliTest, TheOriginalStoqFileLoadsUnchanged) {
  const std::string original = STOQ_SHARED_DIR "/corpus/stoq-configs/connector/elasticsearch.stoq";
  STOQ_NEED_PATH(original);
  stoq::testing::TempDir plugins;
  std::string folder = plugins.mkdir("connector/elasticsearch");
  fs::copy_file(std::string(STOQ_PLUGIN_DIR) + "/connector/elasticsearch/elasticsearch.so",
                folder + "/elasticsearch.so");
  fs::copy_file(original, folder + "/elasticsearch.stoq");
  StoqEnv env({plugins.path()});
  std::set<std::string> expected = write_files(2);
  CliResult result =
      stoq_test::run_stoq(env, {"hash", "-F", files_.path(), "-C", "elasticsearch", "--plugin-opt",
                                R"(elasticsearch:connect_opts_dict={"port": )" + std::to_string(es_.port()) + "}"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::map<std::string, int> stored = stored_sha1s();
  EXPECT_EQ(stored.size(), expected.size());
  for (const std::string& sha1 : expected) EXPECT_EQ(stored[sha1], 1) << sha1;
  for (const auto& document : es_.documents()) EXPECT_EQ(document.index, "hash");
}

}  // namespace
