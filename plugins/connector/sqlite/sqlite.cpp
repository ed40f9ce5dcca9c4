// connector:sqlite: saves results documents as rows of a SQLite database, archives
// payloads in it and retrieves them again (tables: sql_store.hpp).
//
//   results / text   one INSERT (its own transaction) into results_table; returns the
//                    row id. The document is TEXT checked with json_valid(), queried with
//                    json_extract(); the text of -T goes to the `text` column instead.
//   archive=true     INSERT ... ON CONFLICT(sha1) DO NOTHING into archive_table (content-
//                    addressed: a duplicate keeps the first row); returns the sha1.
//   get_file         by sha1, else md5, sha256, sha512; checks the size column against
//                    max_payload_size before reading the bytes.
//
// Every worker thread has its own instance, so its own connection to the same file: WAL
// lets readers and one writer work at once, and writers wait up to busy_timeout ms for
// each other. A write that still fails (locked past the timeout, disk full, read-only,
// a constraint) throws, so the framework does not acknowledge the message.
//
// -O (outfile) is not used: the database is the `database` option.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "sql_store.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::connector::sqlite {
namespace fs = std::filesystem;
using sql_store::kHashColumns;

namespace {

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Resets a statement (and drops its bindings) however the step that used it ended, so
// the next use starts clean and no read transaction is left open.
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* statement) : statement_(statement) {}
  ~StatementUse() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

 private:
  sqlite3_stmt* statement_;
};

}  // namespace

class SqliteConnector final : public Connector {
 public:
  bool activate(Stoq& stoq) override {
    results_table_ = sql_store::table_option(options(), "results_table");
    archive_table_ = sql_store::table_option(options(), "archive_table");
    if (results_table_ == archive_table_) throw Error("results_table and archive_table must differ");
    busy_timeout_ms_ = options().get_int("busy_timeout");
    if (busy_timeout_ms_ < 0 || busy_timeout_ms_ > 3'600'000) throw Error("busy_timeout must be 0..3600000 (ms)");
    path_ = options().get_string("database");
    if (path_.empty()) {
      if (stoq.config().results_dir.empty()) throw Error("no database given and no results_dir to put stoq.sqlite in");
      path_ = (fs::path(stoq.config().results_dir) / "stoq.sqlite").string();
    }
    open();
    return true;
  }

  void connect() override {
    if (!db_) open();
  }
  void disconnect() override { close(); }
  void deactivate() override { close(); }

  Json save(const Content& payload, const Json& kwargs) override {
    connect();
    if (sql_store::is_archive(kwargs)) return save_payload(payload, kwargs);
    if (payload.kind() == Content::Kind::Binary) throw Error("sqlite: payload bytes are saved with archive=true only");
    sql_store::ResultsRow row = sql_store::results_row(payload, kwargs);
    sqlite3_stmt* insert = insert_results_.get();
    StatementUse use(insert);
    check(sqlite3_bind_text64(insert, 1, row.worker.data(), row.worker.size(), SQLITE_STATIC, SQLITE_UTF8), "bind");
    for (std::size_t i = 0; i < kHashColumns.size(); ++i) bind_text(insert, static_cast<int>(i) + 2, row.hashes[i]);
    bind_text(insert, 6, row.uuid);
    std::string body =
        payload.kind() == Content::Kind::Results ? payload.serialize(-1) : sql_store::clean_text(payload.text());
    check(sqlite3_bind_text64(insert, payload.kind() == Content::Kind::Results ? 7 : 8, body.data(), body.size(),
                              SQLITE_STATIC, SQLITE_UTF8),
          "bind");
    step_to_done(insert, "cannot save the results in " + results_table_);
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_.get()));
  }

  Payload get_file(const Json& kwargs) override {
    sql_store::Lookup lookup = sql_store::archive_lookup(kwargs, "sqlite");
    connect();
    Statement find = prepare("SELECT sha1, size FROM " + archive_table_ + " WHERE " + lookup.column + " = ?1 LIMIT 1");
    bind_text(find.get(), 1, lookup.digest);
    int found = sqlite3_step(find.get());
    if (found == SQLITE_DONE) throw sql_store::missing_payload("sqlite", lookup, archive_table_);
    if (found != SQLITE_ROW) fail("cannot look up the archived payload");
    std::string sha1(reinterpret_cast<const char*>(sqlite3_column_text(find.get(), 0)));
    const auto size = static_cast<long long>(sqlite3_column_int64(find.get(), 1));
    const auto max_size = static_cast<long long>(stoq().config().max_payload_size);
    if (size > max_size) throw sql_store::oversized_payload("sqlite", sha1, size, max_size);
    find.reset();

    sqlite3_stmt* read = read_content_.get();
    StatementUse use(read);
    bind_text(read, 1, sha1);
    int status = sqlite3_step(read);
    if (status == SQLITE_DONE) throw sql_store::missing_payload("sqlite", lookup, archive_table_);
    if (status != SQLITE_ROW) fail("cannot read the archived payload " + sha1);
    const void* data = sqlite3_column_blob(read, 0);
    const auto length = static_cast<std::size_t>(sqlite3_column_bytes(read, 0));
    if (static_cast<long long>(length) > max_size) {
      throw sql_store::oversized_payload("sqlite", sha1, static_cast<long long>(length), max_size);
    }
    const auto* begin = static_cast<const std::uint8_t*>(data);
    return Payload(length == 0 ? Bytes() : Bytes(begin, begin + length));
  }

 private:
  void open() {
    std::error_code error;
    fs::path parent = fs::path(path_).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, error)) {
      fs::create_directories(parent, error);
      if (error)
        throw Error("cannot create the directory " + parent.string() + " for " + path_ + ": " + error.message());
    }
    sqlite3* handle = nullptr;
    int opened = sqlite3_open_v2(path_.c_str(), &handle,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    Database db(handle);
    if (opened != SQLITE_OK) {
      throw Error("cannot open the database " + path_ + ": " +
                  (handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(opened)));
    }
    db_ = std::move(db);
    try {
      sqlite3_extended_result_codes(db_.get(), 1);
      sqlite3_busy_timeout(db_.get(), static_cast<int>(busy_timeout_ms_));
      std::string mode = journal_mode_wal();
      if (mode != "wal") log().warn("the database " + path_ + " stays in journal mode " + mode + " (no WAL)");
      execute("PRAGMA synchronous=NORMAL", "cannot set synchronous=NORMAL");
      create_tables();
      prepare_statements();
    } catch (...) {
      close();
      throw;
    }
  }

  // Switching to WAL needs the database to itself for a moment, and SQLite does not wait
  // (no busy handler) when other connections (other worker threads starting at the same
  // time) hold it: retry for up to busy_timeout. Once the file is in WAL mode, it stays.
  std::string journal_mode_wal() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms_);
    for (;;) {
      Statement statement = prepare("PRAGMA journal_mode=WAL");
      int status = sqlite3_step(statement.get());
      if (status == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(statement.get(), 0);
        return text != nullptr ? reinterpret_cast<const char*>(text) : "";
      }
      bool busy = (status & 0xFF) == SQLITE_BUSY || (status & 0xFF) == SQLITE_LOCKED;
      if (!busy || std::chrono::steady_clock::now() >= deadline) fail("cannot switch to WAL mode");
      statement.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void close() {
    insert_results_.reset();
    insert_payload_.reset();
    read_content_.reset();
    db_.reset();
  }

  void create_tables() {
    const std::string& r = results_table_;
    const std::string& a = archive_table_;
    std::string schema =
        "BEGIN IMMEDIATE;"
        "CREATE TABLE IF NOT EXISTS " +
        r +
        " ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " worker TEXT NOT NULL,"
        " saved_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
        " sha1 TEXT, md5 TEXT, sha256 TEXT, sha512 TEXT, uuid TEXT,"
        " document TEXT CHECK (document IS NULL OR json_valid(document)),"
        " text TEXT,"
        " CHECK ((document IS NULL) <> (text IS NULL)));";
    for (const char* column : {"sha1", "md5", "sha256", "sha512", "uuid"}) {
      schema += "CREATE INDEX IF NOT EXISTS " + r + "_" + column + " ON " + r + " (" + column + ");";
    }
    schema += "CREATE TABLE IF NOT EXISTS " + a + " (" +
              " sha1 TEXT PRIMARY KEY NOT NULL, md5 TEXT NOT NULL, sha256 TEXT NOT NULL, sha512 TEXT NOT NULL,"
              " size INTEGER NOT NULL, filename TEXT,"
              " archived_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
              " content BLOB NOT NULL);";
    for (const char* column : {"md5", "sha256", "sha512"}) {
      schema += "CREATE INDEX IF NOT EXISTS " + a + "_" + column + " ON " + a + " (" + column + ");";
    }
    schema += "COMMIT;";
    char* message = nullptr;
    if (sqlite3_exec(db_.get(), schema.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string reason = message != nullptr ? message : sqlite3_errmsg(db_.get());
      sqlite3_free(message);
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw Error("cannot create the tables in " + path_ + ": " + reason);
    }
  }

  void prepare_statements() {
    insert_results_ = prepare("INSERT INTO " + results_table_ +
                              " (worker, sha1, md5, sha256, sha512, uuid, document, text)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    insert_payload_ = prepare("INSERT INTO " + archive_table_ +
                              " (sha1, md5, sha256, sha512, size, filename, content)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (sha1) DO NOTHING");
    read_content_ = prepare("SELECT content FROM " + archive_table_ + " WHERE sha1 = ?1");
  }

  Json save_payload(const Content& payload, const Json& kwargs) {
    if (payload.kind() != Content::Kind::Binary) throw Error("sqlite: archive=true needs payload bytes");
    ByteView bytes = payload.bytes();
    sql_store::ArchiveRow row = sql_store::archive_row(bytes, kwargs);
    sqlite3_stmt* insert = insert_payload_.get();
    StatementUse use(insert);
    for (std::size_t i = 0; i < row.hashes.size(); ++i) bind_text(insert, static_cast<int>(i) + 1, row.hashes[i]);
    check(sqlite3_bind_int64(insert, 5, static_cast<sqlite3_int64>(bytes.size())), "bind");
    bind_text(insert, 6, row.filename);
    // A zero-length blob bound from a null pointer would be NULL, not an empty blob.
    check(bytes.size() == 0 ? sqlite3_bind_zeroblob(insert, 7, 0)
                            : sqlite3_bind_blob64(insert, 7, bytes.data(), bytes.size(), SQLITE_STATIC),
          "bind");
    step_to_done(insert, "cannot archive the payload " + row.hashes[0] + " in " + archive_table_);
    return row.hashes[0];
  }

  Statement prepare(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement,
                           nullptr) != SQLITE_OK) {
      fail("cannot prepare \"" + sql + "\"");
    }
    return Statement(statement);
  }

  // Binds `value`, or NULL when it is empty.
  void bind_text(sqlite3_stmt* statement, int index, const std::string& value) {
    check(value.empty() ? sqlite3_bind_null(statement, index)
                        : sqlite3_bind_text64(statement, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8),
          "bind");
  }

  void step_to_done(sqlite3_stmt* statement, const std::string& what) {
    if (sqlite3_step(statement) != SQLITE_DONE) fail(what);
  }

  void execute(const std::string& sql, const std::string& what) {
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(what);
  }

  void check(int status, const std::string& what) {
    if (status != SQLITE_OK) fail(what);
  }

  [[noreturn]] void fail(const std::string& what) {
    throw Error("sqlite: " + what + " (" + path_ + "): " + sqlite3_errmsg(db_.get()));
  }

  std::string path_;
  std::string results_table_;
  std::string archive_table_;
  std::int64_t busy_timeout_ms_ = 10'000;
  Database db_;
  Statement insert_results_;
  Statement insert_payload_;
  Statement read_content_;
};

constexpr stoq_option_spec kOptions[] = {
    {"database", STOQ_OPTION_STRING, "",
     "SQLite database file (created with its directory if missing; empty: <results_dir>/stoq.sqlite).", 0},
    {"results_table", STOQ_OPTION_STRING, "stoq_results", "Table of results documents (one row per document).", 0},
    {"archive_table", STOQ_OPTION_STRING, "stoq_archive", "Table of archived payloads, keyed by sha1.", 0},
    {"busy_timeout", STOQ_OPTION_INT, "10000",
     "Milliseconds a write waits for another connection's write before it fails.", 0},
};

}  // namespace stoq::plugins::connector::sqlite

STOQ_PLUGIN(stoq::plugins::connector::sqlite::SqliteConnector, "sqlite", "1.0",
            "Save results to a SQLite database and archive payloads in it", stoq::plugins::connector::sqlite::kOptions)
