// A small synchronous Redis client over hiredis 0.14, shared by source:redis and
// connector:redis (compiled into both modules).
//
// One RedisClient is one connection, owned by one thread (plugin.hpp THREADING
// CONTRACT): the source's ingest loop, or one connector instance per worker thread.
//
// Errors:
//   * ConnectionLost: the connection is gone (refused, reset, timed out, closed by the
//     server). The client is disconnected; connect() again (with a Backoff) and retry
//     what is idempotent.
//   * stoq::Error: the server answered with an error (wrong type, unknown command, no
//     permission): retrying would not help.
// Every message names host:port and never contains the password.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stoq/plugin.hpp"

struct redisContext;
struct redisReply;

namespace stoq::redis {

/// The connection options both plugins declare, with the same names and meaning
/// (redis_host and redis_port are the original plugin's).
inline constexpr std::array<stoq_option_spec, 6> kConnectionOptions{{
    {"redis_host", STOQ_OPTION_STRING, "127.0.0.1", "Host name or address of the Redis server.", 0},
    {"redis_port", STOQ_OPTION_INT, "6379", "TCP port of the Redis server.", 0},
    {"redis_db", STOQ_OPTION_INT, "0", "Redis database number to SELECT after connecting.", 0},
    {"password", STOQ_OPTION_STRING, "", "Password for AUTH (empty: none); prefer password_env.", 0},
    {"password_env", STOQ_OPTION_STRING, "STOQ_REDIS_PASSWORD",
     "Environment variable holding the password; when it is set it wins over password.", 0},
    {"connect_timeout", STOQ_OPTION_INT, "5",
     "Seconds to wait for the connection, and for any reply beyond a command's own blocking time.", 0},
}};

/// A plugin's option table: its own options followed by kConnectionOptions.
template <std::size_t N>
constexpr std::array<stoq_option_spec, N + kConnectionOptions.size()> with_connection_options(
    const std::array<stoq_option_spec, N>& own) {
  std::array<stoq_option_spec, N + kConnectionOptions.size()> table{};
  for (std::size_t i = 0; i < N; ++i) table[i] = own[i];
  for (std::size_t i = 0; i < kConnectionOptions.size(); ++i) table[N + i] = kConnectionOptions[i];
  return table;
}

struct Settings {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string password;  // never logged, never in a message
  std::chrono::milliseconds connect_timeout{5000};
  /// "host:port", for messages.
  [[nodiscard]] std::string address() const;
};

/// The connection options of a plugin, checked (port 1..65535, db >= 0, timeout 1..3600 s);
/// the password from the variable named by password_env when set (queue_support::secret).
Settings settings_from(const Options& options);

/// The connection is gone; the client was disconnected. Retry after connect().
class ConnectionLost : public Error {
 public:
  using Error::Error;
};

struct ReplyDeleter {
  void operator()(redisReply* reply) const;
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

/// What a reply holds, checked: each accessor throws stoq::Error naming `what` when the
/// reply is of another type.
bool is_nil(const redisReply& reply);
long long integer_of(const redisReply& reply, std::string_view what);
std::string_view string_of(const redisReply& reply, std::string_view what);
/// The elements of an array reply (bounds come from hiredis' own count).
std::vector<const redisReply*> elements_of(const redisReply& reply, std::string_view what);
/// A string reply as a payload, without copying: the payload owns the reply.
Payload payload_of(Reply reply, std::string_view what);

class RedisClient {
 public:
  explicit RedisClient(Settings settings) : settings_(std::move(settings)) {}
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  /// Connects (AUTH, SELECT, CLIENT SETNAME `client_name` when not empty). Throws
  /// ConnectionLost "redis: cannot connect to host:port: reason" when the server cannot
  /// be reached, stoq::Error when it refuses the password or the database.
  void connect(const std::string& client_name = {});
  void disconnect();
  [[nodiscard]] bool connected() const { return context_ != nullptr; }
  [[nodiscard]] const Settings& settings() const { return settings_; }

  /// Runs one command (binary-safe arguments). `blocking` is how long the server may
  /// legitimately hold the reply back (BLMOVE's timeout); the read timeout is that plus
  /// connect_timeout. Throws ConnectionLost or stoq::Error (an error reply), see above.
  Reply command(const std::vector<std::string_view>& args,
                std::chrono::milliseconds blocking = std::chrono::milliseconds(0));

  /// MULTI, the commands, EXEC in one round trip; the replies of the commands (EXEC's
  /// array). Throws like command(); an error reply of any command throws too.
  Reply transaction(const std::vector<std::vector<std::string_view>>& commands);

 private:
  [[noreturn]] void check_context(std::string_view doing);
  void set_read_timeout(std::chrono::milliseconds timeout);

  Settings settings_;
  redisContext* context_ = nullptr;
  std::chrono::milliseconds read_timeout_{0};  // the one set on the socket now
};

/// `text` with the glob characters of SCAN MATCH (* ? [ ] \) escaped.
std::string glob_escape(std::string_view text);

}  // namespace stoq::redis
