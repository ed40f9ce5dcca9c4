// connector:mongodb (libmongoc 1.23), as the original's: results documents into the
// database `database` (stoq), one collection per worker (kwargs index), keys sanitised
// (mongo_documents.hpp); archived payloads into GridFS in `gridfs_database`
// (stoq_gridfs) with _id = sha1 and the other hashes in metadata (a payload archived
// twice is stored once); get_file by sha1, md5, sha256 or sha512. A failed operation is
// retried `retries` times with backoff (libmongoc reconnects by itself), then throws, so
// the message behind the results is not acknowledged.
#include <mongoc/mongoc.h>

#include <mutex>
#include <optional>
#include <string>

#include "mongo_documents.hpp"
#include "queue_support.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::mongodb {
namespace {

constexpr const char* kHashes[] = {"sha1", "md5", "sha256", "sha512"};

struct ClientDeleter {
  void operator()(mongoc_client_t* client) const { mongoc_client_destroy(client); }
};
struct DatabaseDeleter {
  void operator()(mongoc_database_t* database) const { mongoc_database_destroy(database); }
};
struct BucketDeleter {
  void operator()(mongoc_gridfs_bucket_t* bucket) const { mongoc_gridfs_bucket_destroy(bucket); }
};
struct CollectionDeleter {
  void operator()(mongoc_collection_t* collection) const { mongoc_collection_destroy(collection); }
};
struct StreamDeleter {
  void operator()(mongoc_stream_t* stream) const { mongoc_stream_destroy(stream); }
};
struct CursorDeleter {
  void operator()(mongoc_cursor_t* cursor) const { mongoc_cursor_destroy(cursor); }
};

std::string error_text(const bson_error_t& error) { return error.message; }

class MongoDbConnector final : public Connector {
 public:
  bool activate(Stoq& /*stoq*/) override {
    static std::once_flag initialised;
    std::call_once(initialised, [] { mongoc_init(); });
    url_ = queue_support::secret(options(), "conn");
    database_ = options().get_string("database");
    gridfs_database_ = options().get_string("gridfs_database");
    retries_ = static_cast<int>(options().get_int("retries"));
    timeout_ms_ = static_cast<std::int32_t>(options().get_int("connect_timeout") * 1000);
    if (database_.empty() || gridfs_database_.empty()) throw Error("database and gridfs_database must not be empty");
    if (retries_ < 1 || retries_ > 100) throw Error("retries must be 1..100");
    if (timeout_ms_ < 1000 || timeout_ms_ > 600'000) throw Error("connect_timeout must be 1..600 seconds");
    connect();
    return true;
  }

  // A client, and a ping: an unreachable server is one line before the first payload.
  void connect() override {
    bson_error_t error{};
    std::unique_ptr<mongoc_uri_t, void (*)(mongoc_uri_t*)> uri(mongoc_uri_new_with_error(url_.c_str(), &error),
                                                               mongoc_uri_destroy);
    if (!uri) throw Error("conn is not a MongoDB URI (" + queue_support::redact_url(url_) + "): " + error_text(error));
    mongoc_uri_set_option_as_int32(uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS, timeout_ms_);
    mongoc_uri_set_option_as_int32(uri.get(), MONGOC_URI_CONNECTTIMEOUTMS, timeout_ms_);
    client_.reset(mongoc_client_new_from_uri_with_error(uri.get(), &error));
    if (!client_) throw Error("cannot use " + queue_support::redact_url(url_) + ": " + error_text(error));
    mongoc_client_set_appname(client_.get(), "stoq");
    BsonPtr ping(BCON_NEW("ping", BCON_INT32(1)));
    if (!mongoc_client_command_simple(client_.get(), "admin", ping.get(), nullptr, nullptr, &error)) {
      client_.reset();
      throw Error("cannot connect to " + queue_support::redact_url(url_) + ": " + error_text(error));
    }
  }

  void disconnect() override { client_.reset(); }
  void deactivate() override { disconnect(); }

  Json save(const Content& payload, const Json& kwargs) override {
    if (kwargs.value("archive", false)) {
      return with_retries([&] { return archive(payload, kwargs); });
    }
    Json document =
        payload.kind() == Content::Kind::Results ? payload.json() : Json{{"text", std::string(payload.text())}};
    std::string collection = kwargs.value("index", std::string("stoq"));
    return with_retries([&] { return insert(collection, document); });
  }

  Payload get_file(const Json& kwargs) override {
    return with_retries([&] { return download(kwargs); });
  }

 private:
  template <typename Operation>
  auto with_retries(Operation operation) -> decltype(operation()) {
    queue_support::Backoff backoff;
    for (int attempt = 1;; ++attempt) {
      try {
        if (!client_) connect();
        return operation();
      } catch (const Error& error) {
        if (attempt >= retries_ || dynamic_cast<const NotRetried*>(&error) != nullptr) throw;
        log().warn(std::string(error.what()) + "; attempt " + std::to_string(attempt + 1) + " of " +
                   std::to_string(retries_) + " in " + std::to_string(backoff.next_delay().count()) + " ms");
        if (!backoff.wait(stoq())) throw;
      }
    }
  }

  /// A failure that another attempt cannot mend (the payload is not there, it is too big).
  struct NotRetried : Error {
    using Error::Error;
  };

  Json insert(const std::string& name, const Json& document) {
    std::unique_ptr<mongoc_collection_t, CollectionDeleter> collection(
        mongoc_client_get_collection(client_.get(), database_.c_str(), name.c_str()));
    bson_oid_t id;
    bson_oid_init(&id, nullptr);
    BsonPtr bson = to_bson(document, &id);
    bson_error_t error{};
    if (!mongoc_collection_insert_one(collection.get(), bson.get(), nullptr, nullptr, &error)) {
      throw Error("cannot insert into " + database_ + "." + name + ": " + error_text(error));
    }
    std::array<char, 25> text{};
    bson_oid_to_string(&id, text.data());
    return std::string(text.data());
  }

  std::unique_ptr<mongoc_gridfs_bucket_t, BucketDeleter> bucket() {
    std::unique_ptr<mongoc_database_t, DatabaseDeleter> database(
        mongoc_client_get_database(client_.get(), gridfs_database_.c_str()));
    bson_error_t error{};
    std::unique_ptr<mongoc_gridfs_bucket_t, BucketDeleter> opened(
        mongoc_gridfs_bucket_new(database.get(), nullptr, nullptr, &error));
    if (!opened) throw Error("cannot open GridFS in " + gridfs_database_ + ": " + error_text(error));
    return opened;
  }

  /// The GridFS files entry of the first hash `kwargs` names, or nullopt.
  std::optional<Json> find_file(mongoc_gridfs_bucket_t* files, const Json& kwargs) {
    for (const char* hash : kHashes) {
      auto value = kwargs.find(hash);
      if (value == kwargs.end() || !value->is_string()) continue;
      std::string key = std::string(hash) == "sha1" ? "_id" : "metadata." + std::string(hash);
      BsonPtr filter(BCON_NEW(key.c_str(), BCON_UTF8(value->get<std::string>().c_str())));
      std::unique_ptr<mongoc_cursor_t, CursorDeleter> cursor(mongoc_gridfs_bucket_find(files, filter.get(), nullptr));
      const bson_t* found = nullptr;
      if (mongoc_cursor_next(cursor.get(), &found)) {
        std::size_t length = 0;
        char* json = bson_as_relaxed_extended_json(found, &length);
        Json entry = Json::parse(std::string_view(json, length));
        bson_free(json);
        return entry;
      }
      bson_error_t error{};
      if (mongoc_cursor_error(cursor.get(), &error)) throw Error("cannot search GridFS: " + error_text(error));
    }
    return std::nullopt;
  }

  Json archive(const Content& payload, const Json& kwargs) {
    std::string sha1 = kwargs.value("sha1", "");
    if (sha1.empty()) throw NotRetried("archiving needs the payload's sha1");
    auto files = bucket();
    if (find_file(files.get(), Json{{"sha1", sha1}})) return sha1;  // content-addressed: stored once
    bson_value_t id{};
    id.value_type = BSON_TYPE_UTF8;
    id.value.v_utf8.str = sha1.data();
    id.value.v_utf8.len = static_cast<std::uint32_t>(sha1.size());
    Json metadata = Json::object();
    for (const char* hash : kHashes) {
      if (kwargs.contains(hash)) metadata[hash] = kwargs[hash];
    }
    BsonPtr metadata_bson = to_bson(metadata);
    BsonPtr opts(bson_new());
    BSON_APPEND_DOCUMENT(opts.get(), "metadata", metadata_bson.get());
    bson_error_t error{};
    std::string filename = kwargs.value("filename", sha1);
    std::unique_ptr<mongoc_stream_t, StreamDeleter> upload(mongoc_gridfs_bucket_open_upload_stream_with_id(
        files.get(), &id, filename.empty() ? sha1.c_str() : filename.c_str(), opts.get(), &error));
    if (!upload) throw Error("cannot archive " + sha1 + " in GridFS: " + error_text(error));
    ByteView bytes = payload.bytes();
    std::size_t written = 0;
    while (written < bytes.size()) {
      std::size_t piece = std::min<std::size_t>(bytes.size() - written, 1 << 20);
      ssize_t wrote = mongoc_stream_write(upload.get(), const_cast<std::uint8_t*>(bytes.data()) + written, piece, 0);
      if (wrote <= 0) {
        mongoc_gridfs_bucket_abort_upload(upload.get());
        throw Error("cannot archive " + sha1 + " in GridFS: the write failed");
      }
      written += static_cast<std::size_t>(wrote);
    }
    if (mongoc_stream_close(upload.get()) != 0) {
      bson_error_t stream_error{};
      mongoc_gridfs_bucket_stream_error(upload.get(), &stream_error);
      // Another thread or machine archived the same payload meanwhile: that is the one.
      if (find_file(files.get(), Json{{"sha1", sha1}})) return sha1;
      throw Error("cannot archive " + sha1 + " in GridFS: " + error_text(stream_error));
    }
    return sha1;
  }

  Payload download(const Json& kwargs) {
    auto files = bucket();
    std::optional<Json> entry = find_file(files.get(), kwargs);
    if (!entry) throw NotRetried("no payload with that sha1, md5, sha256 or sha512 in GridFS " + gridfs_database_);
    std::uint64_t length = (*entry)["length"].is_number() ? (*entry)["length"].get<std::uint64_t>() : 0;
    auto limit = static_cast<std::uint64_t>(stoq().config().max_payload_size);
    if (length > limit) {
      throw NotRetried("the archived payload has " + std::to_string(length) + " bytes, above max_payload_size");
    }
    std::string sha1 = (*entry)["_id"].get<std::string>();
    bson_value_t id{};
    id.value_type = BSON_TYPE_UTF8;
    id.value.v_utf8.str = sha1.data();
    id.value.v_utf8.len = static_cast<std::uint32_t>(sha1.size());
    bson_error_t error{};
    std::unique_ptr<mongoc_stream_t, StreamDeleter> stream(
        mongoc_gridfs_bucket_open_download_stream(files.get(), &id, &error));
    if (!stream) throw Error("cannot read " + sha1 + " from GridFS: " + error_text(error));
    Bytes bytes(static_cast<std::size_t>(length));
    std::size_t got = 0;
    while (got < bytes.size()) {
      ssize_t read = mongoc_stream_read(stream.get(), bytes.data() + got, bytes.size() - got, 1, 0);
      if (read <= 0) throw Error("cannot read " + sha1 + " from GridFS: the read failed");
      got += static_cast<std::size_t>(read);
    }
    return Payload(std::move(bytes));
  }

  std::string url_;
  std::string database_;
  std::string gridfs_database_;
  int retries_ = 3;
  std::int32_t timeout_ms_ = 5000;
  std::unique_ptr<mongoc_client_t, ClientDeleter> client_;
};

constexpr stoq_option_spec kOptions[] = {
    {"conn", STOQ_OPTION_STRING, "mongodb://localhost:27017/", "MongoDB URI (mongodb://user:password@host:port/).", 0},
    {"conn_env", STOQ_OPTION_STRING, "STOQ_MONGODB_URI", "Environment variable that, when set, gives conn.", 0},
    {"database", STOQ_OPTION_STRING, "stoq", "Database of the results (one collection per worker).", 0},
    {"gridfs_database", STOQ_OPTION_STRING, "stoq_gridfs", "Database of the GridFS archive.", 0},
    {"retries", STOQ_OPTION_INT, "3", "Attempts of each operation (with backoff) before it fails.", 0},
    {"connect_timeout", STOQ_OPTION_INT, "5", "Seconds to find the server (each attempt).", 0},
};

}  // namespace
}  // namespace stoq::plugins::mongodb

STOQ_PLUGIN(stoq::plugins::mongodb::MongoDbConnector, "mongodb", "1.0",
            "Save results to MongoDB and archive payloads in GridFS", stoq::plugins::mongodb::kOptions)
