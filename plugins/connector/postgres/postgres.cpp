// connector:postgres: saves results documents as rows of a PostgreSQL table, archives
// payloads in it and retrieves them again (tables: ../sqlite/sql_store.hpp, the same
// shapes as connector:sqlite).
//
//   results / text   one INSERT ... RETURNING id in its own transaction; returns the row
//                    id. The document is JSONB (GIN index: `document @> '{...}'`); the
//                    text of -T goes to the `text` column instead.
//   archive=true     INSERT ... ON CONFLICT (sha1) DO NOTHING into archive_table (content-
//                    addressed: a duplicate keeps the first row); returns the sha1.
//   get_file         by sha1, else md5, sha256, sha512; checks the size column against
//                    max_payload_size before reading the bytes.
//
// The connection is made in activate(): an unreachable server stops the run with one
// line naming host:port/database. A connection lost mid-run is remade with backoff and
// the statement retried up to `retries` times, then save() throws, so the framework does
// not acknowledge the message (at least once: a results INSERT whose COMMIT reply was
// lost may be saved twice; an archived payload cannot). The password (from the URL or
// password_env) is never part of a message.
#include <libpq-fe.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <type_traits>

#include "queue_support.hpp"
#include "sql_store.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::connector::postgres {
using sql_store::kHashColumns;

namespace {

bool is_uri(std::string_view conninfo) {
  return conninfo.starts_with("postgresql://") || conninfo.starts_with("postgres://");
}

// `value` for a URI query parameter (RFC 3986 unreserved characters kept).
std::string percent_encoded(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

// `value` as a keyword=value connection string value: quoted, with \ and ' escaped.
std::string quoted_value(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

// `conninfo` (a postgresql:// URI or key=value pairs) with more parameters.
std::string with_parameters(std::string conninfo, const std::vector<std::pair<std::string, std::string>>& more) {
  bool uri = is_uri(conninfo);
  for (const auto& [key, value] : more) {
    if (uri) {
      conninfo += (conninfo.find('?') == std::string::npos ? '?' : '&') + key + "=" + percent_encoded(value);
    } else {
      conninfo += " " + key + "=" + quoted_value(value);
    }
  }
  return conninfo;
}

// What messages may say about a connection string: "host:port/database", and the
// password it holds (to redact it should a message ever echo it).
struct Parsed {
  std::string target;
  std::string password;
};

Parsed parse_conninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &error);
  if (parsed == nullptr) {
    std::string reason = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    throw Error("url is not a PostgreSQL connection string: " + reason);
  }
  std::map<std::string, std::string, std::less<>> values;
  for (PQconninfoOption* option = parsed; option->keyword != nullptr; ++option) {
    if (option->val != nullptr) values[option->keyword] = option->val;
  }
  PQconninfoFree(parsed);
  std::string host = values["host"].empty() ? values["hostaddr"] : values["host"];
  if (host.empty()) host = "localhost";
  std::string port = values["port"].empty() ? "5432" : values["port"];
  std::string database = values["dbname"].empty() ? values["user"] : values["dbname"];
  return {host + ":" + port + "/" + database, values["password"]};
}

// The first line of a libpq/libpqxx message, without libpq's "connection to server at
// ... failed: " preamble and "ERROR:  " prefix, spaces collapsed.
std::string reason_of(std::string_view message) {
  std::string_view line = message.substr(0, message.find('\n'));
  if (auto failed = line.find(" failed: "); failed != std::string_view::npos) line = line.substr(failed + 9);
  for (std::string_view prefix : {"ERROR:", "FATAL:"}) {
    if (line.starts_with(prefix)) line = line.substr(prefix.size());
  }
  std::string out;
  for (char c : line) {
    if ((c == ' ' || c == '\t') && (out.empty() || out.back() == ' ')) continue;
    out += c == '\t' ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "unknown error" : out;
}

// A copy of `document` whose strings hold no NUL character (U+0000 becomes U+FFFD):
// JSONB refuses \u0000, which JSON text may carry.
void replace_nul_characters(Json& value) {
  if (value.is_string()) {
    auto& text = value.get_ref<std::string&>();
    if (text.find('\0') != std::string::npos) text = sql_store::clean_text(text);
  } else if (value.is_structured()) {
    Json replaced = value.is_object() ? Json::object() : Json::array();
    for (auto item = value.begin(); item != value.end(); ++item) {
      Json child = item.value();
      replace_nul_characters(child);
      if (value.is_object()) {
        replaced[sql_store::clean_text(item.key())] = std::move(child);
      } else {
        replaced.push_back(std::move(child));
      }
    }
    value = std::move(replaced);
  }
}

// Bytes of an archived payload read per SELECT.
constexpr long long kReadPiece = 16LL << 20;

// NULL when `value` is empty.
const char* nullable(const std::string& value) { return value.empty() ? nullptr : value.c_str(); }

}  // namespace

class PostgresConnector final : public Connector {
 public:
  bool activate(Stoq& /*stoq*/) override {
    results_table_ = sql_store::table_option(options(), "results_table");
    archive_table_ = sql_store::table_option(options(), "archive_table");
    if (results_table_ == archive_table_) throw Error("results_table and archive_table must differ");
    retries_ = options().get_int("retries");
    if (retries_ < 0 || retries_ > 100) throw Error("retries must be 0..100");
    std::int64_t timeout = options().get_int("connect_timeout");
    if (timeout < 1 || timeout > 3600) throw Error("connect_timeout must be 1..3600 seconds");
    std::string url = queue_support::secret(options(), "url");
    if (url.empty()) throw Error("url must name a PostgreSQL server (postgresql://user@host:port/database)");
    std::string password = queue_support::secret(options(), "password");
    std::vector<std::pair<std::string, std::string>> more{
        {"connect_timeout", std::to_string(timeout)},
        {"application_name", "stoq-connector-" + std::to_string(::getpid())}};
    if (!password.empty()) more.emplace_back("password", password);
    Parsed parsed = parse_conninfo(url);
    target_ = parsed.target;
    for (const std::string& secret : {password, parsed.password}) {
      if (!secret.empty()) secrets_.push_back(secret);
    }
    conninfo_ = with_parameters(url, more);
    open();  // one line naming host:port/database when the server is unreachable
    create_tables();
    return true;
  }

  void connect() override {
    if (!connection_) open();
  }
  void disconnect() override { connection_.reset(); }
  void deactivate() override { connection_.reset(); }

  Json save(const Content& payload, const Json& kwargs) override {
    if (sql_store::is_archive(kwargs)) return save_payload(payload, kwargs);
    if (payload.kind() == Content::Kind::Binary)
      throw Error("postgres: payload bytes are saved with archive=true only");
    sql_store::ResultsRow row = sql_store::results_row(payload, kwargs);
    std::optional<std::string> document;
    std::optional<std::string> text;
    if (payload.kind() == Content::Kind::Results) {
      document = payload.serialize(-1);
      if (document->find("\\u0000") != std::string::npos) {
        Json copy = payload.json();
        replace_nul_characters(copy);
        document = copy.dump(-1, ' ', false, Json::error_handler_t::replace);
      }
    } else {
      text = sql_store::clean_text(payload.text());
    }
    const std::string sql = "INSERT INTO " + results_table_ +
                            " (worker, sha1, md5, sha256, sha512, uuid, document, text)"
                            " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING id";
    return with_retry("cannot save the results in " + results_table_, [&](pqxx::connection& connection) {
      pqxx::work work(connection);
      pqxx::result inserted = work.exec_params(sql, row.worker, nullable(row.hashes[0]), nullable(row.hashes[1]),
                                               nullable(row.hashes[2]), nullable(row.hashes[3]), nullable(row.uuid),
                                               document ? document->c_str() : nullptr, text ? text->c_str() : nullptr);
      work.commit();
      return Json(inserted.at(0).at(0).as<std::int64_t>());
    });
  }

  Payload get_file(const Json& kwargs) override {
    sql_store::Lookup lookup = sql_store::archive_lookup(kwargs, "postgres");
    const auto max_size = static_cast<long long>(stoq().config().max_payload_size);
    return with_retry("cannot read the archived payload", [&](pqxx::connection& connection) {
      pqxx::work work(connection);
      pqxx::result found = work.exec_params(
          "SELECT sha1, size FROM " + archive_table_ + " WHERE " + lookup.column + " = $1 LIMIT 1", lookup.digest);
      if (found.empty()) throw sql_store::missing_payload("postgres", lookup, archive_table_);
      auto sha1 = found[0][0].as<std::string>();
      auto size = found[0][1].as<long long>();
      if (size > max_size) throw sql_store::oversized_payload("postgres", sha1, size, max_size);
      // In pieces: bytea comes back as hex text, and a field of text is limited to 1 GB,
      // so one SELECT of a payload above ~500 MB would fail (and hold it three times).
      Bytes bytes;
      bytes.reserve(static_cast<std::size_t>(size));
      const std::string piece_sql =
          "SELECT substring(content FROM $2 FOR $3), octet_length(content) FROM " + archive_table_ + " WHERE sha1 = $1";
      for (long long offset = 0;;) {
        pqxx::result piece = work.exec_params(piece_sql, sha1, offset + 1, kReadPiece);
        if (piece.empty()) throw sql_store::missing_payload("postgres", lookup, archive_table_);
        auto length = piece[0][1].as<long long>();
        if (length > max_size) throw sql_store::oversized_payload("postgres", sha1, length, max_size);
        pqxx::binarystring part(piece[0][0]);
        bytes.insert(bytes.end(), part.data(), part.data() + part.size());
        offset += static_cast<long long>(part.size());
        if (offset >= length || part.empty()) break;
      }
      work.commit();
      return Payload(std::move(bytes));
    });
  }

 private:
  void open() {
    try {
      connection_ = std::make_unique<pqxx::connection>(conninfo_);
    } catch (const std::exception& e) {  // pqxx::broken_connection, mostly
      throw Error("cannot connect to " + target_ + ": " + redacted(reason_of(e.what())));
    }
  }

  // Runs `statement` on a live connection. A lost connection is remade, with backoff,
  // and the statement run again, up to `retries` times; an SQL error is not retried.
  template <typename Statement>
  std::invoke_result_t<const Statement&, pqxx::connection&> with_retry(const std::string& what,
                                                                       const Statement& statement) {
    queue_support::Backoff backoff;
    for (std::int64_t attempt = 0;; ++attempt) {
      std::string lost;
      try {
        if (!connection_) open();
        return statement(*connection_);
      } catch (const pqxx::broken_connection& e) {
        lost = reason_of(e.what());
      } catch (const pqxx::in_doubt_error& e) {
        lost = reason_of(e.what());
      } catch (const pqxx::sql_error& e) {
        throw Error("postgres: " + what + ": " + redacted(reason_of(e.what())));
      } catch (const Error& e) {
        if (connection_) throw;  // ours (a missing payload), not a failed reconnection
        lost = e.what();
      } catch (const pqxx::failure& e) {
        throw Error("postgres: " + what + ": " + redacted(reason_of(e.what())));
      }
      connection_.reset();
      lost = redacted(lost);
      if (attempt >= retries_) {
        throw Error("postgres: " + what + ": the connection to " + target_ + " is lost (" + lost + ") after " +
                    std::to_string(retries_) + " retries");
      }
      log().warn("the connection to " + target_ + " is lost (" + lost + "); reconnecting");
      if (!backoff.wait(stoq())) throw Error("postgres: " + what + ": the run is stopping (" + lost + ")");
    }
  }

  void create_tables() {
    const std::string& r = results_table_;
    const std::string& a = archive_table_;
    std::vector<std::string> schema{
        "CREATE TABLE IF NOT EXISTS " + r +
            " (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            " worker TEXT NOT NULL,"
            " saved_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
            " sha1 TEXT, md5 TEXT, sha256 TEXT, sha512 TEXT, uuid TEXT,"
            " document JSONB, text TEXT,"
            " CHECK ((document IS NULL) <> (text IS NULL)))",
        "CREATE INDEX IF NOT EXISTS " + r + "_document ON " + r + " USING GIN (document)",
        "CREATE TABLE IF NOT EXISTS " + a +
            " (sha1 TEXT PRIMARY KEY, md5 TEXT NOT NULL, sha256 TEXT NOT NULL, sha512 TEXT NOT NULL,"
            " size BIGINT NOT NULL, filename TEXT,"
            " archived_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
            " content BYTEA NOT NULL)"};
    for (const char* column : {"sha1", "md5", "sha256", "sha512", "uuid"}) {
      schema.push_back("CREATE INDEX IF NOT EXISTS " + r + "_" + column + " ON " + r + " (" + column + ")");
    }
    for (const char* column : {"md5", "sha256", "sha512"}) {
      schema.push_back("CREATE INDEX IF NOT EXISTS " + a + "_" + column + " ON " + a + " (" + column + ")");
    }
    with_retry("cannot create the tables", [&](pqxx::connection& connection) {
      pqxx::work work(connection);
      // Every worker thread activates its own instance: concurrent CREATE ... IF NOT EXISTS
      // of one table can still collide in the catalog, so they take turns.
      work.exec("SELECT pg_advisory_xact_lock(hashtext('stoq connector postgres " + r + " " + a + "'))");
      for (const std::string& statement : schema) work.exec(statement);
      work.commit();
      return true;
    });
  }

  Json save_payload(const Content& payload, const Json& kwargs) {
    if (payload.kind() != Content::Kind::Binary) throw Error("postgres: archive=true needs payload bytes");
    ByteView bytes = payload.bytes();
    sql_store::ArchiveRow row = sql_store::archive_row(bytes, kwargs);
    pqxx::binarystring content(bytes.data(), bytes.size());
    const std::string sql = "INSERT INTO " + archive_table_ +
                            " (sha1, md5, sha256, sha512, size, filename, content)"
                            " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha1) DO NOTHING";
    with_retry("cannot archive the payload " + row.hashes[0] + " in " + archive_table_,
               [&](pqxx::connection& connection) {
                 pqxx::work work(connection);
                 work.exec_params(sql, row.hashes[0], row.hashes[1], row.hashes[2], row.hashes[3],
                                  static_cast<long long>(bytes.size()), nullable(row.filename), content);
                 work.commit();
                 return true;
               });
    return row.hashes[0];
  }

  // `text` with the password, should a server or library ever echo it, replaced by ***.
  [[nodiscard]] std::string redacted(std::string text) const {
    for (const std::string& secret : secrets_) {
      for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
        text.replace(at, secret.size(), "***");
      }
    }
    return text;
  }

  std::string conninfo_;  // holds the password: never logged
  std::vector<std::string> secrets_;
  std::string target_;  // host:port/database, for messages
  std::string results_table_;
  std::string archive_table_;
  std::int64_t retries_ = 3;
  std::unique_ptr<pqxx::connection> connection_;
};

constexpr stoq_option_spec kOptions[] = {
    {"url", STOQ_OPTION_STRING, "postgresql://stoq@127.0.0.1:5432/stoq",
     "PostgreSQL connection URI (or key=value string); better without the password.", 0},
    {"url_env", STOQ_OPTION_STRING, "STOQ_POSTGRES_URL", "Environment variable that, when set, overrides url.", 0},
    {"password_env", STOQ_OPTION_STRING, "STOQ_POSTGRES_PASSWORD",
     "Environment variable that, when set, gives the password.", 0},
    {"connect_timeout", STOQ_OPTION_INT, "5", "Seconds to wait for the connection.", 0},
    {"retries", STOQ_OPTION_INT, "3", "Reconnections (with backoff) before a statement whose connection is lost fails.",
     0},
    {"results_table", STOQ_OPTION_STRING, "stoq_results", "Table of results documents (one row per document).", 0},
    {"archive_table", STOQ_OPTION_STRING, "stoq_archive", "Table of archived payloads, keyed by sha1.", 0},
};

}  // namespace stoq::plugins::connector::postgres

STOQ_PLUGIN(stoq::plugins::connector::postgres::PostgresConnector, "postgres", "1.0",
            "Save results to PostgreSQL and archive payloads in it", stoq::plugins::connector::postgres::kOptions)
