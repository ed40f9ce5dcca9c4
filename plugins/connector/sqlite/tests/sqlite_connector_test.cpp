// connector:sqlite through PluginHarness; the sqlite3 CLI is the oracle for what was
// stored, sha1sum/md5sum/sha256sum/sha512sum for the archive's hashes.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cctype>
#include <filesystem>
#include <thread>

#include "sql_test_support.hpp"
#include "stoq/testing.hpp"

namespace {
using sql_test::sqlite3;
using stoq::Content;
using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;
using Overrides = std::vector<std::pair<std::string, std::string>>;

class SqliteConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    STOQ_NEED_TOOL("sqlite3");
    STOQ_NEED_TOOL("sha1sum");
  }
  stoq::Connector& connector(const Overrides& more = {}) {
    Overrides overrides{{"database", database_}};
    overrides.insert(overrides.end(), more.begin(), more.end());  // later ones win
    return harness_.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "sqlite", overrides);
  }
  // Archives `bytes` the way the framework does (the four hashes in kwargs).
  static Json archive(stoq::Connector& sqlite, const std::string& bytes, const std::string& filename = "x") {
    stoq::Hashes hashes = stoq::compute_hashes(stoq::ByteView(std::string_view(bytes)));
    Json kwargs = {{"archive", true},         {"md5", hashes.md5},       {"sha1", hashes.sha1},
                   {"sha256", hashes.sha256}, {"sha512", hashes.sha512}, {"filename", filename}};
    return sqlite.save(Content::bytes(stoq::ByteView(std::string_view(bytes))), kwargs);
  }
  [[nodiscard]] std::string query(const std::string& sql) const { return sqlite3(database_, sql); }

  TempDir work_;
  PluginHarness harness_{work_.path()};
  std::string database_ = work_.path("db/stoq.sqlite");
};

TEST_F(SqliteConnectorTest, SavesOneRowPerDocumentWithTheRootHashesAndTheWholeDocument) {
  stoq::Connector& sqlite = connector();
  Json root = {{"sha1", std::string(40, 'A')},     {"md5", std::string(32, 'b')},
               {"sha256", std::string(64, 'c')},   {"sha512", std::string(128, 'd')},
               {"uuid", {"first-uuid", "second"}}, {"scan", {{"key", "value with 'quotes' and \"doubles\""}}}};
  Json child = {{"sha1", std::string(40, 'e')}, {"uuid", {"child"}}};
  Json document = {{"results", {root, child}}, {"date", "2024-01-01"}};
  Json first = sqlite.save(Content::results(document), Json{{"index", "hash"}, {"sha1", std::string(40, 'f')}});
  Json second = sqlite.save(Content::text("rendered\ntext"), Json{{"index", "hash"}, {"sha1", std::string(40, '1')}});
  ASSERT_TRUE(first.is_number_integer()) << first;
  EXPECT_EQ(second.get<std::int64_t>(), first.get<std::int64_t>() + 1);

  EXPECT_EQ(query("SELECT id, worker, sha1, md5, uuid, document IS NULL, text IS NULL FROM stoq_results ORDER BY id"),
            first.dump() + "|hash|" + std::string(40, 'a') + "|" + std::string(32, 'b') + "|first-uuid|0|1\n" +
                second.dump() + "|hash|" + std::string(40, '1') + "|||1|0\n");
  EXPECT_EQ(query("SELECT sha256 = '" + std::string(64, 'c') + "', sha512 = '" + std::string(128, 'd') +
                  "' FROM stoq_results WHERE id = " + first.dump()),
            "1|1\n");
  EXPECT_EQ(Json::parse(query("SELECT document FROM stoq_results WHERE id = " + first.dump())), document);
  EXPECT_EQ(query("SELECT json_extract(document, '$.results[0].scan.key') FROM stoq_results WHERE id = 1"),
            "value with 'quotes' and \"doubles\"\n");
  EXPECT_EQ(query("SELECT text FROM stoq_results WHERE id = " + second.dump()), "rendered\ntext\n");
  // saved_at is UTC, ISO 8601, and now.
  EXPECT_EQ(query("SELECT abs(julianday(saved_at) - julianday('now')) < 0.01, saved_at LIKE '%Z'"
                  " FROM stoq_results WHERE id = 1"),
            "1|1\n");
  EXPECT_EQ(query("PRAGMA journal_mode"), "wal\n");
}

TEST_F(SqliteConnectorTest, TheShippedStoqFileGivesTheDocumentedDefaults) {
  auto& sqlite = harness_.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "sqlite");
  EXPECT_EQ(sqlite.options().get_string("database"), "");
  EXPECT_EQ(sqlite.options().get_string("results_table"), "stoq_results");
  EXPECT_EQ(sqlite.options().get_string("archive_table"), "stoq_archive");
  EXPECT_EQ(sqlite.options().get_int("busy_timeout"), 10000);
  // The default database: results_dir/stoq.sqlite, its directory created.
  std::string in_results = harness_.config().results_dir + "/stoq.sqlite";
  ASSERT_TRUE(std::filesystem::exists(in_results));
  EXPECT_EQ(sqlite3(in_results,
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'stoq_%'"
                    " ORDER BY name"),
            "stoq_archive\nstoq_results\n");
}

TEST_F(SqliteConnectorTest, ArchivesAndRetrievesBinaryContentByEachHash) {
  stoq::Connector& sqlite = connector({{"archive_table", "payloads"}});
  TempDir files;
  std::string bytes = sql_test::binary_bytes(3);
  std::string path = files.write("payload", bytes);
  std::string sha1 = sql_test::digest("sha1sum", path);
  EXPECT_EQ(archive(sqlite, bytes, "payload.bin"), sha1);
  // The row, as the CLI sees it: hashes, size, filename and the very bytes.
  EXPECT_EQ(
      query("SELECT sha1, md5, size, filename, hex(content) = upper('" + sql_test::hex(bytes) + "') FROM payloads"),
      sha1 + "|" + sql_test::digest("md5sum", path) + "|" + std::to_string(bytes.size()) + "|payload.bin|1\n");
  for (const auto& [hash, value] : sql_test::coreutils_digests(path)) {
    stoq::Payload payload = sqlite.get_file(Json{{hash, value}, {"archive", "sqlite"}});
    EXPECT_EQ(payload.bytes().as_string_view(), bytes) << hash;
  }
  // An upper-case digest is found too; the empty payload survives as an empty blob.
  std::string upper = sha1;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(sqlite.get_file(Json{{"sha1", upper}}).bytes().as_string_view(), bytes);
  Json empty = archive(sqlite, "");
  EXPECT_EQ(sqlite.get_file(Json{{"sha1", empty}}).size(), 0U);
}

TEST_F(SqliteConnectorTest, ADuplicateIsOneRowAndKeepsTheFirstSave) {
  stoq::Connector& sqlite = connector();
  Json sha1 = archive(sqlite, "same bytes", "first-name");
  EXPECT_EQ(archive(sqlite, "same bytes", "second-name"), sha1);
  EXPECT_EQ(query("SELECT count(*), filename FROM stoq_archive"), "1|first-name\n");
}

TEST_F(SqliteConnectorTest, AMissingMalformedOrOversizedPayloadIsAClearError) {
  stoq::Connector& sqlite = connector();
  try {
    sqlite.get_file(Json{{"sha1", std::string(40, 'a')}});
    FAIL() << "a missing payload was found";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no archived payload with sha1 " + std::string(40, 'a')), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(sqlite.get_file(Json{{"sha256", std::string(64, 'b')}}), stoq::Error);
  EXPECT_THROW(sqlite.get_file(Json{{"md5", "not hex"}}), stoq::Error);
  EXPECT_THROW(sqlite.get_file(Json{{"path", "/etc/passwd"}}), stoq::Error);
  Json sha1 = archive(sqlite, std::string(100, 'x'));
  harness_.mutable_config().max_payload_size = 99;
  try {
    sqlite.get_file(Json{{"sha1", sha1}});
    FAIL() << "a payload above max_payload_size was read";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("max_payload_size"), std::string::npos) << e.what();
  }
  harness_.mutable_config().max_payload_size = 100;
  EXPECT_EQ(sqlite.get_file(Json{{"sha1", sha1}}).size(), 100U);
}

TEST_F(SqliteConnectorTest, TableNamesAreChecked) {
  for (const std::string& bad :
       std::vector<std::string>{"x; DROP TABLE t", "Upper", "1starts_with_digit", "", std::string(49, 'a')}) {
    EXPECT_THROW(connector({{"results_table", bad}}), stoq::Error) << bad;
  }
  EXPECT_THROW(connector({{"results_table", "same"}, {"archive_table", "same"}}), stoq::Error);
}

TEST_F(SqliteConnectorTest, AWriteTheDatabaseRefusesThrows) {
  stoq::Connector& sqlite = connector();
  // A trigger makes SQLite itself abort the INSERT, as a full disk or a constraint would.
  ASSERT_EQ(query("CREATE TRIGGER refuse BEFORE INSERT ON stoq_results BEGIN SELECT RAISE(ABORT, 'refused'); END;"),
            "");
  try {
    sqlite.save(Content::results(Json{{"results", Json::array()}}), Json{{"index", "hash"}});
    FAIL() << "a refused INSERT did not throw";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("refused"), std::string::npos) << e.what();
  }
  EXPECT_EQ(query("SELECT count(*) FROM stoq_results"), "0\n");
}

TEST_F(SqliteConnectorTest, AWriteLockedPastBusyTimeoutThrows) {
  stoq::Connector& sqlite = connector({{"busy_timeout", "200"}});
  // Another connection holds the write lock for longer than busy_timeout.
  ::sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(database_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  try {
    sqlite.save(Content::text("waits, then fails"), Json::object());
    ADD_FAILURE() << "a save past busy_timeout did not throw";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("locked"), std::string::npos) << e.what();
  }
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(sqlite.save(Content::text("now it works"), Json::object()), 1);
}

TEST_F(SqliteConnectorTest, ThreadsWithTheirOwnInstancesShareTheFile) {
  constexpr int kThreads = 4;
  constexpr int kDocuments = 50;
  std::vector<stoq::Connector*> instances;
  instances.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) instances.push_back(&connector());
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kDocuments; ++i) {
        try {
          std::string sha1 = stoq::compute_hashes(stoq::ByteView(std::string_view(std::to_string(t * 1000 + i)))).sha1;
          Json document = {{"results", Json::array({Json{{"sha1", sha1}}})}};
          instances[static_cast<std::size_t>(t)]->save(Content::results(document), Json{{"index", "hash"}});
          archive(*instances[static_cast<std::size_t>(t)], "shared payload");
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(query("SELECT count(*), count(DISTINCT sha1) FROM stoq_results"),
            std::to_string(kThreads * kDocuments) + "|" + std::to_string(kThreads * kDocuments) + "\n");
  EXPECT_EQ(query("SELECT count(*) FROM stoq_archive"), "1\n");
}

TEST_F(SqliteConnectorTest, ADatabaseWhoseDirectoryCannotBeMadeIsOneLine) {
  std::string file = work_.write("a-file", "not a directory");
  try {
    connector({{"database", file + "/sub/stoq.sqlite"}});
    FAIL() << "activate() succeeded under a regular file";
  } catch (const stoq::Error& e) {
    std::string text = e.what();
    EXPECT_NE(text.find("cannot create the directory " + file + "/sub"), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
}

}  // namespace
