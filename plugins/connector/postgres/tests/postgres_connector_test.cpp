// connector:postgres through PluginHarness against the real server; psql is the oracle
// for what was stored, sha1sum/md5sum/sha256sum/sha512sum for the archive's hashes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include "postgres_test_support.hpp"
#include "sql_test_support.hpp"
#include "stoq/testing.hpp"

namespace {
using postgres_test::psql;
using postgres_test::Tables;
using stoq::Content;
using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;
using Overrides = std::vector<std::pair<std::string, std::string>>;

// Sets an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
    ::setenv(name_.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name_.c_str()); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
};

class PostgresConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override { POSTGRES_REQUIRED(); }
  // An instance on the test tables; the URL carries the password unless overridden.
  stoq::Connector& connector(const Overrides& more = {}) {
    Overrides overrides = tables_.overrides();
    overrides.emplace_back("url", postgres_test::kUrl);
    overrides.emplace_back("password_env", "");
    overrides.emplace_back("url_env", "");
    overrides.insert(overrides.end(), more.begin(), more.end());  // later ones win
    return harness_.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "postgres", overrides);
  }
  static Json archive(stoq::Connector& postgres, const std::string& bytes, const std::string& filename = "x") {
    stoq::Hashes hashes = stoq::compute_hashes(stoq::ByteView(std::string_view(bytes)));
    Json kwargs = {{"archive", true},         {"md5", hashes.md5},       {"sha1", hashes.sha1},
                   {"sha256", hashes.sha256}, {"sha512", hashes.sha512}, {"filename", filename}};
    return postgres.save(Content::bytes(stoq::ByteView(std::string_view(bytes))), kwargs);
  }
  static std::string application_name() { return "stoq-connector-" + std::to_string(::getpid()); }

  Tables tables_;
  TempDir work_;
  PluginHarness harness_{work_.path()};
};

TEST_F(PostgresConnectorTest, SavesOneRowPerDocumentWithTheRootHashesAndTheWholeDocument) {
  stoq::Connector& postgres = connector();
  Json root = {{"sha1", std::string(40, 'A')},     {"md5", std::string(32, 'b')},
               {"sha256", std::string(64, 'c')},   {"sha512", std::string(128, 'd')},
               {"uuid", {"first-uuid", "second"}}, {"scan", {{"key", "it's \"quoted\""}, {"n", 7}}}};
  Json document = {{"results", {root, Json{{"sha1", std::string(40, 'e')}}}}, {"tlp", "white"}};
  Json first = postgres.save(Content::results(document), Json{{"index", "hash"}});
  Json second = postgres.save(Content::text("rendered\ntext"), Json{{"index", "hash"}, {"sha1", std::string(40, '1')}});
  ASSERT_TRUE(first.is_number_integer()) << first;
  EXPECT_GT(second.get<std::int64_t>(), first.get<std::int64_t>());
  const std::string& table = tables_.results();
  EXPECT_EQ(psql("SELECT id, worker, sha1, md5, uuid, document IS NULL, text IS NULL FROM " + table + " ORDER BY id"),
            first.dump() + "|hash|" + std::string(40, 'a') + "|" + std::string(32, 'b') + "|first-uuid|f|t\n" +
                second.dump() + "|hash|" + std::string(40, '1') + "|||t|f\n");
  EXPECT_EQ(
      psql("SELECT sha256 = repeat('c', 64), sha512 = repeat('d', 128) FROM " + table + " WHERE id = " + first.dump()),
      "t|t\n");
  // JSONB keeps its own key order: compared as unordered JSON.
  EXPECT_EQ(nlohmann::json::parse(psql("SELECT document FROM " + table + " WHERE id = " + first.dump())),
            nlohmann::json::parse(document.dump()));
  EXPECT_EQ(psql("SELECT document->'results'->0->'scan'->>'key', (document #>> '{results,0,scan,n}')::int + 1 FROM " +
                 table + " WHERE document @> '{\"tlp\": \"white\"}'"),
            "it's \"quoted\"|8\n");
  EXPECT_EQ(psql("SELECT text FROM " + table + " WHERE id = " + second.dump()), "rendered\ntext\n");
  EXPECT_EQ(
      psql("SELECT abs(extract(epoch FROM now() - saved_at)) < 600 FROM " + table + " WHERE id = " + first.dump()),
      "t\n");
  EXPECT_EQ(
      psql("SELECT indexdef LIKE '%USING gin (document)%' FROM pg_indexes WHERE indexname = '" + table + "_document'"),
      "t\n");
}

TEST_F(PostgresConnectorTest, NulCharactersAndBadUtf8DoNotLoseADocument) {
  stoq::Connector& postgres = connector();
  Json document = {{"results", Json::array({Json{{"scan", {{"strings", std::string("a\0b", 3)}}}}})}};
  Json id = postgres.save(Content::results(document), Json::object());
  // JSONB refuses \u0000: it is stored as U+FFFD.
  EXPECT_EQ(
      psql("SELECT document #>> '{results,0,scan,strings}' FROM " + tables_.results() + " WHERE id = " + id.dump()),
      "a\xEF\xBF\xBD"
      "b\n");
  Json text = postgres.save(Content::text(std::string("nul\0 and \xff", 10)), Json{{"index", "hash"}});
  EXPECT_EQ(psql("SELECT text FROM " + tables_.results() + " WHERE id = " + text.dump()),
            "nul\xEF\xBF\xBD and \xEF\xBF\xBD\n");
}

TEST_F(PostgresConnectorTest, ArchivesAndRetrievesBinaryContentByEachHash) {
  stoq::Connector& postgres = connector();
  TempDir files;
  std::string bytes = sql_test::binary_bytes(5);
  std::string path = files.write("payload", bytes);
  std::string sha1 = sql_test::digest("sha1sum", path);
  EXPECT_EQ(archive(postgres, bytes, "payload.bin"), sha1);
  EXPECT_EQ(psql("SELECT sha1, md5, size, filename, encode(content, 'hex') FROM " + tables_.archive()),
            sha1 + "|" + sql_test::digest("md5sum", path) + "|" + std::to_string(bytes.size()) + "|payload.bin|" +
                sql_test::hex(bytes) + "\n");
  for (const auto& [hash, value] : sql_test::coreutils_digests(path)) {
    std::string upper = value;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(postgres.get_file(Json{{hash, value}, {"archive", "postgres"}}).bytes().as_string_view(), bytes) << hash;
    EXPECT_EQ(postgres.get_file(Json{{hash, upper}}).bytes().as_string_view(), bytes) << hash;
  }
  Json empty = archive(postgres, "");
  EXPECT_EQ(postgres.get_file(Json{{"sha1", empty}}).size(), 0U);
}

TEST_F(PostgresConnectorTest, APayloadLargerThanOneReadComesBackWhole) {
  stoq::Connector& postgres = connector();
  std::string bytes;
  for (std::uint32_t i = 0; bytes.size() < (20U << 20) + 7; ++i) bytes += static_cast<char>((i * 2654435761U) >> 24);
  Json sha1 = archive(postgres, bytes);
  std::string sha256 = stoq::compute_hashes(stoq::ByteView(std::string_view(bytes))).sha256;
  EXPECT_EQ(psql("SELECT encode(sha256(content), 'hex'), octet_length(content) FROM " + tables_.archive()),
            sha256 + "|" + std::to_string(bytes.size()) + "\n");
  stoq::Payload payload = postgres.get_file(Json{{"sha1", sha1}});
  ASSERT_EQ(payload.size(), bytes.size());
  EXPECT_TRUE(payload.bytes().as_string_view() == bytes);
}

TEST_F(PostgresConnectorTest, ADuplicateIsOneRowAndKeepsTheFirstSave) {
  stoq::Connector& postgres = connector();
  Json sha1 = archive(postgres, "same bytes", "first-name");
  EXPECT_EQ(archive(postgres, "same bytes", "second-name"), sha1);
  EXPECT_EQ(psql("SELECT count(*), min(filename) FROM " + tables_.archive()), "1|first-name\n");
}

TEST_F(PostgresConnectorTest, AMissingMalformedOrOversizedPayloadIsAClearError) {
  stoq::Connector& postgres = connector();
  try {
    postgres.get_file(Json{{"md5", std::string(32, 'a')}});
    FAIL() << "a missing payload was found";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no archived payload with md5 " + std::string(32, 'a')), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(postgres.get_file(Json{{"sha1", "zz"}}), stoq::Error);
  EXPECT_THROW(postgres.get_file(Json{{"path", "/etc/passwd"}}), stoq::Error);
  Json sha1 = archive(postgres, std::string(100, 'x'));
  harness_.mutable_config().max_payload_size = 99;
  try {
    postgres.get_file(Json{{"sha1", sha1}});
    FAIL() << "a payload above max_payload_size was read";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("max_payload_size"), std::string::npos) << e.what();
  }
  harness_.mutable_config().max_payload_size = 100;
  EXPECT_EQ(postgres.get_file(Json{{"sha1", sha1}}).size(), 100U);
}

TEST_F(PostgresConnectorTest, AStatementTheServerRefusesThrowsWithoutRetrying) {
  stoq::Connector& postgres = connector();
  std::string sha1(40, '9');
  tables_.refuse_sha1(sha1);
  Json refused = {{"results", Json::array({Json{{"sha1", sha1}}})}};
  try {
    postgres.save(Content::results(refused), Json{{"index", "hash"}});
    FAIL() << "a refused INSERT did not throw";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("refused by the test"), std::string::npos) << e.what();
  }
  EXPECT_EQ(psql("SELECT count(*) FROM " + tables_.results()), "0\n");
  EXPECT_NO_THROW(postgres.save(Content::text("the next one is saved"), Json::object()));
}

TEST_F(PostgresConnectorTest, ReconnectsWhenTheServerClosedTheConnection) {
  stoq::Connector& postgres = connector();
  postgres.save(Content::text("before"), Json::object());
  ASSERT_GE(postgres_test::terminate_connections(application_name()), 1);
  EXPECT_NO_THROW(postgres.save(Content::text("after"), Json::object()));
  EXPECT_EQ(psql("SELECT string_agg(text, ',' ORDER BY id) FROM " + tables_.results()), "before,after\n");
}

TEST_F(PostgresConnectorTest, AServerThatStaysGoneFailsTheSaveAfterTheRetries) {
  postgres_test::TcpProxy proxy(5432);
  std::string url = "postgresql://stoq@127.0.0.1:" + std::to_string(proxy.port()) + "/stoq";
  std::string variable = "STOQ_TEST_PG_PASSWORD_" + sql_test::random_suffix();
  ScopedEnv password(variable, postgres_test::kPassword);
  stoq::Connector& postgres =
      connector({{"url", url}, {"password_env", variable}, {"retries", "1"}, {"connect_timeout", "2"}});
  postgres.save(Content::text("before"), Json::object());
  proxy.take_away();
  try {
    postgres.save(Content::text("lost"), Json::object());
    FAIL() << "a save without a server did not throw";
  } catch (const stoq::Error& e) {
    std::string text = e.what();
    EXPECT_NE(text.find("127.0.0.1:" + std::to_string(proxy.port()) + "/stoq"), std::string::npos) << text;
    EXPECT_NE(text.find("after 1 retries"), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
  EXPECT_EQ(psql("SELECT string_agg(text, ',') FROM " + tables_.results()), "before\n");
}

TEST_F(PostgresConnectorTest, AnUnreachableServerIsOneLineNamingHostPortAndDatabase) {
  try {
    connector({{"url", "postgresql://stoq:hunter2secret@127.0.0.1:1/stoq"}});
    FAIL() << "activate() succeeded without a server";
  } catch (const stoq::Error& e) {
    std::string text = e.what();
    EXPECT_EQ(text.rfind("cannot connect to 127.0.0.1:1/stoq: ", 0), 0U) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
    EXPECT_EQ(text.find("hunter2secret"), std::string::npos) << text;
  }
}

TEST_F(PostgresConnectorTest, ThePasswordComesFromPasswordEnvAndNeverAppearsInAnError) {
  std::string variable = "STOQ_TEST_PG_PASSWORD_" + sql_test::random_suffix();
  Overrides without_password{{"url", postgres_test::kUrlWithoutPassword}, {"password_env", variable}};
  {
    ScopedEnv right(variable, postgres_test::kPassword);
    stoq::Connector& postgres = connector(without_password);
    EXPECT_NO_THROW(postgres.save(Content::text("authenticated"), Json::object()));
  }
  ScopedEnv wrong(variable, "wrong-secret-" + sql_test::random_suffix());
  try {
    connector(without_password);
    FAIL() << "a wrong password was accepted";
  } catch (const stoq::Error& e) {
    std::string text = e.what();
    EXPECT_NE(text.find("password authentication failed"), std::string::npos) << text;
    EXPECT_EQ(text.find("wrong-secret"), std::string::npos) << text;
  }
}

TEST_F(PostgresConnectorTest, TheShippedStoqFileConnectsWithThePasswordFromStoqPostgresPassword) {
  if (std::getenv("STOQ_POSTGRES_URL") != nullptr)
    GTEST_SKIP() << "STOQ_POSTGRES_URL is set: the default url is not used";
  ScopedEnv password("STOQ_POSTGRES_PASSWORD", postgres_test::kPassword);
  auto& postgres = harness_.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "postgres", tables_.overrides());
  EXPECT_EQ(postgres.options().get_string("url"), postgres_test::kUrlWithoutPassword);
  EXPECT_EQ(postgres.options().get_string("url_env"), "STOQ_POSTGRES_URL");
  EXPECT_EQ(postgres.options().get_string("password_env"), "STOQ_POSTGRES_PASSWORD");
  EXPECT_EQ(postgres.options().get_int("connect_timeout"), 5);
  EXPECT_EQ(postgres.options().get_int("retries"), 3);
  EXPECT_NO_THROW(postgres.save(Content::text("with the default options"), Json::object()));
  // The shipped table names (not used here: the test has its own tables).
  auto& shipped = harness_.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "postgres", tables_.overrides());
  std::string stoq_file = stoq::testing::read_file_bytes(shipped.info().stoq_file);
  EXPECT_NE(stoq_file.find("\nresults_table = stoq_results\n"), std::string::npos);
  EXPECT_NE(stoq_file.find("\narchive_table = stoq_archive\n"), std::string::npos);
}

TEST_F(PostgresConnectorTest, UrlEnvOverridesTheUrl) {
  std::string variable = "STOQ_TEST_PG_URL_" + sql_test::random_suffix();
  ScopedEnv url(variable, postgres_test::kUrl);
  stoq::Connector& postgres =
      connector({{"url_env", variable}, {"url", "postgresql://nobody@127.0.0.1:1/nothing"}});  // the variable wins
  EXPECT_NO_THROW(postgres.save(Content::text("through url_env"), Json::object()));
  EXPECT_EQ(psql("SELECT text FROM " + tables_.results()), "through url_env\n");
}

TEST_F(PostgresConnectorTest, TableNamesAreChecked) {
  EXPECT_THROW(connector({{"results_table", "t; DROP TABLE x"}}), stoq::Error);
  EXPECT_THROW(connector({{"archive_table", tables_.results()}}), stoq::Error);
}

}  // namespace
