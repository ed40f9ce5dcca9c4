// connector:sqlite end to end: the real stoq executable, the sqlite3 CLI as the oracle
// for what was stored and sha1sum/sha256sum for the hashes; queue mode through Redis.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <set>

#include "queue_round_trip.hpp"
#include "redis_test_support.hpp"
#include "run_cli.hpp"
#include "sql_test_support.hpp"

namespace {
using sql_test::digest;
using sql_test::sqlite3;
using stoq::Json;
using stoq_test::CliResult;
using stoq_test::StoqEnv;
using namespace std::chrono_literals;

class SqliteCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    STOQ_NEED_TOOL("sqlite3");
    STOQ_NEED_TOOL("sha1sum");
    paths_ = {files_.write("text.txt", "some text\n"), files_.write("binary.bin", sql_test::binary_bytes(1)),
              files_.write("other.bin", sql_test::binary_bytes(2))};
  }
  // `stoq <args...> --plugin-opt sqlite:database=<database_>`.
  CliResult stoq(std::vector<std::string> args) const {
    args.insert(args.end(), {"--plugin-opt", "sqlite:database=" + database_});
    return stoq_test::run_stoq(env_, args);
  }
  [[nodiscard]] std::set<std::string> expected_sha1s() const {
    std::set<std::string> sha1s;
    for (const std::string& path : paths_) sha1s.insert(digest("sha1sum", path));
    return sha1s;
  }

  StoqEnv env_;
  stoq::testing::TempDir files_;
  stoq::testing::TempDir work_;
  std::string database_ = work_.path("databases/r.sqlite");
  std::vector<std::string> paths_;
};

TEST_F(SqliteCliTest, HashingADirectorySavesOneRowPerFile) {
  CliResult result = stoq({"hash", "-F", files_.path(), "-C", "sqlite"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(sqlite3(database_, "SELECT count(*) FROM stoq_results"), std::to_string(paths_.size()) + "\n");
  std::set<std::string> stored;
  for (const std::string& line : sql_test::lines(sqlite3(database_, "SELECT sha1 FROM stoq_results"))) {
    stored.insert(line);
  }
  EXPECT_EQ(stored, expected_sha1s());
  for (const std::string& path : paths_) {
    EXPECT_EQ(sqlite3(database_,
                      "SELECT worker, json_extract(document, '$.results[0].scan.sha256')"
                      " FROM stoq_results WHERE sha1 = '" +
                          digest("sha1sum", path) + "'"),
              "hash|" + digest("sha256sum", path) + "\n")
        << path;
  }
}

TEST_F(SqliteCliTest, ArchivedPayloadsComeBackByEachHashAndADuplicateIsOneRow) {
  for (int run = 0; run < 2; ++run) {
    CliResult result = stoq({"hash", "-F", files_.path(), "-A", "sqlite", "-C", "stdout"});
    ASSERT_EQ(result.exit_code, 0) << result.describe();
    for (const Json& document : stoq_test::documents_of(result)) {
      const Json& root = document["results"][0];
      EXPECT_EQ(root["conn_id"], root["sha1"]) << document.dump();  // archive save() returns the sha1
    }
  }
  EXPECT_EQ(sqlite3(database_, "SELECT count(*), count(DISTINCT sha1) FROM stoq_archive"),
            std::to_string(paths_.size()) + "|" + std::to_string(paths_.size()) + "\n");

  stoq::testing::TempDir harness_dir;
  stoq::testing::PluginHarness harness(harness_dir.path());
  auto& sqlite = harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "sqlite", {{"database", database_}});
  for (const std::string& path : paths_) {
    std::string bytes = stoq::testing::read_file_bytes(path);
    for (const auto& [hash, value] : sql_test::coreutils_digests(path)) {
      EXPECT_EQ(sqlite.get_file(Json{{hash, value}}).bytes().as_string_view(), bytes) << path << " by " << hash;
    }
  }
}

TEST_F(SqliteCliTest, AQueueWorkerFetchesThePayloadsFromTheDatabaseAfterTheFilesAreGone) {
  REDIS_REQUIRED();
  redis_test::KeySpace keys;
  std::string queue = keys.key("queue");
  CliResult published =
      stoq({"publisher", "-q", "redis", "-w", queue, "-A", "sqlite", "-F", files_.path(), "-C", "stdout"});
  ASSERT_EQ(published.exit_code, 0) << published.describe();
  ASSERT_EQ(redis_test::length(queue), static_cast<long long>(paths_.size()));
  std::set<std::string> expected = expected_sha1s();
  for (const std::string& path : paths_) std::filesystem::remove(path);

  stoq_test::SpawnOptions options;
  options.env = env_.env();
  sql_test::expect_worker_fetches_from(
      "sqlite",
      env_.args({"hash", "-I", "redis", "-Q", queue, "-C", "stdout", "--plugin-opt", "sqlite:database=" + database_}),
      options, expected);
  EXPECT_EQ(redis_test::length(queue), 0);
}

TEST_F(SqliteCliTest, ADatabaseUnderARegularFileStopsTheRunWithOneLine) {
  std::string file = work_.write("regular-file", "x");
  CliResult result = stoq_test::run_stoq(
      env_, {"hash", "-F", files_.path(), "-C", "sqlite", "--plugin-opt", "sqlite:database=" + file + "/db/r.sqlite"});
  EXPECT_NE(result.exit_code, 0) << result.describe();
  std::size_t naming = 0;
  for (const std::string& line : result.err_lines()) {
    if (line.find("cannot create the directory " + file + "/db") != std::string::npos) ++naming;
  }
  EXPECT_EQ(naming, 1U) << result.describe();
  EXPECT_EQ(result.out, "") << "no payload may be processed";
}

TEST_F(SqliteCliTest, AResultsSaveThatFailsMidRunExits1AndSaysSo) {
  // A first run makes the tables; then a trigger refuses every row after the second, so
  // the next run saves one document and fails on the others.
  ASSERT_EQ(stoq({"hash", "-F", paths_[0], "-C", "sqlite"}).exit_code, 0);
  ASSERT_EQ(sqlite3(database_,
                    "CREATE TRIGGER refuse BEFORE INSERT ON stoq_results"
                    " WHEN (SELECT count(*) FROM stoq_results) >= 2"
                    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"),
            "");
  CliResult result = stoq({"hash", "-F", files_.path(), "-C", "sqlite"});
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_NE(result.err.find("failed to save"), std::string::npos) << result.describe();
  EXPECT_NE(result.err.find("refused by the test"), std::string::npos) << result.describe();
  EXPECT_EQ(sqlite3(database_, "SELECT count(*) FROM stoq_results"), "2\n");
}

}  // namespace
