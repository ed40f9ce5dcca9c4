// connector:postgres end to end: the real stoq executable, psql as the oracle for what
// was stored and sha1sum/sha256sum for the hashes; queue mode through Redis.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <set>

#include "postgres_test_support.hpp"
#include "queue_round_trip.hpp"
#include "redis_test_support.hpp"
#include "run_cli.hpp"
#include "sql_test_support.hpp"

namespace {
using postgres_test::psql;
using sql_test::digest;
using stoq::Json;
using stoq_test::CliResult;
using stoq_test::StoqEnv;
using namespace std::chrono_literals;

class PostgresCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    POSTGRES_REQUIRED();
    STOQ_NEED_TOOL("sha1sum");
    paths_ = {files_.write("text.txt", "some text\n"), files_.write("binary.bin", sql_test::binary_bytes(1)),
              files_.write("other.bin", sql_test::binary_bytes(2))};
  }
  // stoq <args...> --plugin-opt postgres:<the test's tables>, the password from
  // STOQ_POSTGRES_PASSWORD (the url is the shipped one, without a password).
  [[nodiscard]] std::vector<std::string> arguments(std::vector<std::string> args) const {
    for (const auto& [option, value] : tables_.overrides()) {
      args.insert(args.end(), {"--plugin-opt", "postgres:" + option + "=" + value});
    }
    return env_.args(args);
  }
  [[nodiscard]] stoq_test::SpawnOptions spawn_options(const std::string& password = postgres_test::kPassword) const {
    stoq_test::SpawnOptions options;
    options.env = env_.env();
    options.env["STOQ_POSTGRES_PASSWORD"] = password;
    options.env["STOQ_POSTGRES_URL"] = postgres_test::kUrlWithoutPassword;
    return options;
  }
  [[nodiscard]] CliResult stoq(const std::vector<std::string>& args) const {
    return stoq_test::run_cli(arguments(args), spawn_options());
  }
  [[nodiscard]] std::set<std::string> expected_sha1s() const {
    std::set<std::string> sha1s;
    for (const std::string& path : paths_) sha1s.insert(digest("sha1sum", path));
    return sha1s;
  }

  postgres_test::Tables tables_;
  StoqEnv env_;
  stoq::testing::TempDir files_;
  std::vector<std::string> paths_;
};

TEST_F(PostgresCliTest, HashingADirectorySavesOneRowPerFile) {
  CliResult result = stoq({"hash", "-F", files_.path(), "-C", "postgres"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::set<std::string> stored;
  for (const std::string& line : sql_test::lines(psql("SELECT sha1 FROM " + tables_.results()))) stored.insert(line);
  EXPECT_EQ(stored, expected_sha1s());
  EXPECT_EQ(psql("SELECT count(*) FROM " + tables_.results()), std::to_string(paths_.size()) + "\n");
  for (const std::string& path : paths_) {
    std::string sha1 = digest("sha1sum", path);
    EXPECT_EQ(psql("SELECT worker, document->'results'->0->'scan'->>'sha256', document->'results'->0->>'filename'"
                   " FROM " +
                   tables_.results() + " WHERE sha1 = '" + sha1 + "'"),
              "hash|" + digest("sha256sum", path) + "|" + std::filesystem::path(path).filename().string() + "\n")
        << path;
    // The GIN-indexed containment query finds the same row.
    EXPECT_EQ(psql("SELECT sha1 FROM " + tables_.results() + " WHERE document @> '{\"results\": [{\"sha256\": \"" +
                   digest("sha256sum", path) + "\"}]}'"),
              sha1 + "\n");
  }
}

TEST_F(PostgresCliTest, ArchivedPayloadsComeBackByEachHashAndADuplicateIsOneRow) {
  for (int run = 0; run < 2; ++run) {
    CliResult result = stoq({"hash", "-F", files_.path(), "-A", "postgres", "-C", "stdout"});
    ASSERT_EQ(result.exit_code, 0) << result.describe();
    for (const Json& document : stoq_test::documents_of(result)) {
      EXPECT_EQ(document["results"][0]["conn_id"], document["results"][0]["sha1"]) << document.dump();
    }
  }
  EXPECT_EQ(psql("SELECT count(*), count(DISTINCT sha1) FROM " + tables_.archive()),
            std::to_string(paths_.size()) + "|" + std::to_string(paths_.size()) + "\n");

  stoq::testing::TempDir harness_dir;
  stoq::testing::PluginHarness harness(harness_dir.path());
  std::vector<std::pair<std::string, std::string>> overrides = tables_.overrides();
  overrides.emplace_back("url", postgres_test::kUrl);
  overrides.emplace_back("url_env", "");
  auto& postgres = harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "postgres", overrides);
  for (const std::string& path : paths_) {
    std::string bytes = stoq::testing::read_file_bytes(path);
    for (const auto& [hash, value] : sql_test::coreutils_digests(path)) {
      EXPECT_EQ(postgres.get_file(Json{{hash, value}}).bytes().as_string_view(), bytes) << path << " by " << hash;
    }
  }
}

TEST_F(PostgresCliTest, AQueueWorkerFetchesThePayloadsFromPostgresAfterTheFilesAreGone) {
  REDIS_REQUIRED();
  redis_test::KeySpace keys;
  std::string queue = keys.key("queue");
  CliResult published =
      stoq({"publisher", "-q", "redis", "-w", queue, "-A", "postgres", "-F", files_.path(), "-C", "stdout"});
  ASSERT_EQ(published.exit_code, 0) << published.describe();
  ASSERT_EQ(redis_test::length(queue), static_cast<long long>(paths_.size()));
  std::set<std::string> expected = expected_sha1s();
  for (const std::string& path : paths_) std::filesystem::remove(path);

  sql_test::expect_worker_fetches_from("postgres", arguments({"hash", "-I", "redis", "-Q", queue, "-C", "stdout"}),
                                       spawn_options(), expected);
  EXPECT_EQ(redis_test::length(queue), 0);
}

TEST_F(PostgresCliTest, AnUnreachableServerStopsTheRunWithOneLine) {
  std::vector<std::string> args{
      "hash", "-F", files_.path(), "-C", "postgres", "--plugin-opt", "postgres:url=postgresql://stoq@127.0.0.1:1/stoq"};
  stoq_test::SpawnOptions options = spawn_options();
  options.env.erase("STOQ_POSTGRES_URL");
  CliResult result = stoq_test::run_cli(arguments(args), options);
  EXPECT_NE(result.exit_code, 0) << result.describe();
  std::size_t naming = 0;
  for (const std::string& line : result.err_lines()) {
    if (line.find("cannot connect to 127.0.0.1:1/stoq") != std::string::npos) ++naming;
  }
  EXPECT_EQ(naming, 1U) << result.describe();
  EXPECT_EQ(result.out, "") << "no payload may be processed";
}

TEST_F(PostgresCliTest, AWrongPasswordFailsAndNeverAppearsInTheOutputOrTheLog) {
  std::string password = "wrong-secret-" + sql_test::random_suffix();
  CliResult result = stoq_test::run_cli(arguments({"hash", "-F", files_.path(), "-C", "postgres", "-A", "postgres"}),
                                        spawn_options(password));
  EXPECT_NE(result.exit_code, 0) << result.describe();
  EXPECT_NE(result.err.find("password authentication failed"), std::string::npos) << result.describe();
  EXPECT_EQ(result.err.find(password), std::string::npos) << result.describe();
  EXPECT_EQ(result.out.find(password), std::string::npos) << result.describe();
  for (const auto& log : stoq_test::files_under(env_.log_dir())) {
    EXPECT_EQ(stoq_test::read_file(log).find(password), std::string::npos) << log;
  }
}

TEST_F(PostgresCliTest, AResultsSaveThatFailsMidRunExits1AndSaysSo) {
  // The tables exist (a first run); then the server refuses the row of one file.
  ASSERT_EQ(stoq({"hash", "-F", paths_[0], "-C", "postgres"}).exit_code, 0);
  std::string refused = digest("sha1sum", paths_[1]);
  tables_.refuse_sha1(refused);
  CliResult result = stoq({"hash", "-F", files_.path(), "-C", "postgres"});
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_NE(result.err.find("failed to save"), std::string::npos) << result.describe();
  EXPECT_NE(result.err.find("refused by the test"), std::string::npos) << result.describe();
  // The first run's row and the second run's two others; never the refused one.
  EXPECT_EQ(psql("SELECT count(*), count(*) FILTER (WHERE sha1 = '" + refused + "') FROM " + tables_.results()),
            "3|0\n");
}

}  // namespace
