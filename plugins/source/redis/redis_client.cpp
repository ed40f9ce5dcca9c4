#include "redis_client.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <climits>
#include <utility>

#include "queue_support.hpp"

namespace stoq::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds duration) {
  timeval value{};
  value.tv_sec = static_cast<decltype(value.tv_sec)>(duration.count() / 1000);
  value.tv_usec = static_cast<decltype(value.tv_usec)>((duration.count() % 1000) * 1000);
  return value;
}

const char* type_name(int type) {
  switch (type) {
    case REDIS_REPLY_STRING: return "a string";
    case REDIS_REPLY_ARRAY: return "an array";
    case REDIS_REPLY_INTEGER: return "an integer";
    case REDIS_REPLY_NIL: return "nil";
    case REDIS_REPLY_STATUS: return "a status";
    case REDIS_REPLY_ERROR: return "an error";
    default: return "an unknown reply";
  }
}

[[noreturn]] void wrong_type(const redisReply& reply, std::string_view what) {
  throw Error("redis: unexpected reply to " + std::string(what) + ": " + type_name(reply.type));
}

std::string_view text_of(const redisReply& reply) {
  if (reply.str == nullptr) return {};
  return {reply.str, reply.len};
}

}  // namespace

std::string Settings::address() const {
  bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Settings settings_from(const Options& options) {
  Settings settings;
  settings.host = options.get_string("redis_host");
  if (settings.host.empty()) throw Error("redis_host must not be empty");
  std::int64_t port = options.get_int("redis_port");
  if (port < 1 || port > 65535) throw Error("redis_port must be between 1 and 65535, not " + std::to_string(port));
  settings.port = static_cast<int>(port);
  std::int64_t db = options.get_int("redis_db");
  if (db < 0 || db > INT_MAX) throw Error("redis_db must be 0 or more, not " + std::to_string(db));
  settings.db = static_cast<int>(db);
  settings.password = queue_support::secret(options, "password");
  std::int64_t timeout = options.get_int("connect_timeout");
  if (timeout < 1 || timeout > 3600) {
    throw Error("connect_timeout must be between 1 and 3600 seconds, not " + std::to_string(timeout));
  }
  settings.connect_timeout = std::chrono::seconds(timeout);
  return settings;
}

void ReplyDeleter::operator()(redisReply* reply) const { freeReplyObject(reply); }

bool is_nil(const redisReply& reply) { return reply.type == REDIS_REPLY_NIL; }

long long integer_of(const redisReply& reply, std::string_view what) {
  if (reply.type != REDIS_REPLY_INTEGER) wrong_type(reply, what);
  return reply.integer;
}

std::string_view string_of(const redisReply& reply, std::string_view what) {
  if (reply.type != REDIS_REPLY_STRING && reply.type != REDIS_REPLY_STATUS) wrong_type(reply, what);
  return text_of(reply);
}

std::vector<const redisReply*> elements_of(const redisReply& reply, std::string_view what) {
  if (reply.type != REDIS_REPLY_ARRAY) wrong_type(reply, what);
  std::vector<const redisReply*> elements;
  if (reply.element == nullptr) return elements;
  elements.reserve(reply.elements);
  for (std::size_t i = 0; i < reply.elements; ++i) {
    if (reply.element[i] == nullptr) throw Error("redis: malformed reply to " + std::string(what));
    elements.push_back(reply.element[i]);
  }
  return elements;
}

Payload payload_of(Reply reply, std::string_view what) {
  if (!reply || reply->type != REDIS_REPLY_STRING) {
    if (reply) wrong_type(*reply, what);
    throw Error("redis: no reply to " + std::string(what));
  }
  ByteView view(reinterpret_cast<const std::uint8_t*>(reply->str), reply->len);
  std::shared_ptr<const void> owner(reply.release(),
                                    [](const void* held) { freeReplyObject(const_cast<void*>(held)); });
  return {std::move(owner), view};
}

RedisClient::~RedisClient() { disconnect(); }

void RedisClient::disconnect() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
}

void RedisClient::connect(const std::string& client_name) {
  disconnect();
  redisContext* context =
      redisConnectWithTimeout(settings_.host.c_str(), settings_.port, to_timeval(settings_.connect_timeout));
  if (context == nullptr) throw ConnectionLost("redis: cannot connect to " + settings_.address() + ": out of memory");
  if (context->err != 0) {
    std::string reason = context->errstr;
    redisFree(context);
    throw ConnectionLost("redis: cannot connect to " + settings_.address() + ": " + reason);
  }
  context_ = context;
  read_timeout_ = std::chrono::milliseconds(0);
  set_read_timeout(settings_.connect_timeout);
  redisEnableKeepAlive(context_);  // a silently dead peer is noticed on an idle connection too
  try {
    if (!settings_.password.empty()) command({"AUTH", settings_.password});
    if (settings_.db != 0) command({"SELECT", std::to_string(settings_.db)});
    if (!client_name.empty()) command({"CLIENT", "SETNAME", client_name});
  } catch (const ConnectionLost&) {
    throw;
  } catch (const Error& e) {
    disconnect();
    throw Error("redis: " + settings_.address() + " refused the session: " + e.what());
  }
}

void RedisClient::set_read_timeout(std::chrono::milliseconds timeout) {
  if (timeout == read_timeout_) return;
  if (redisSetTimeout(context_, to_timeval(timeout)) != REDIS_OK) check_context("setting the socket timeout");
  read_timeout_ = timeout;
}

// The context reports an error: the connection cannot be used any more.
void RedisClient::check_context(std::string_view doing) {
  std::string reason = context_ != nullptr && context_->err != 0 ? context_->errstr : "unknown error";
  if (context_ != nullptr && context_->err == REDIS_ERR_IO && reason.find("temporarily") != std::string::npos) {
    reason = "no reply within the timeout";
  }
  disconnect();
  throw ConnectionLost("redis: connection to " + settings_.address() + " lost (" + std::string(doing) + "): " + reason);
}

Reply RedisClient::command(const std::vector<std::string_view>& args, std::chrono::milliseconds blocking) {
  if (context_ == nullptr) throw ConnectionLost("redis: not connected to " + settings_.address());
  if (args.empty() || args.size() > INT_MAX) throw Error("redis: a command needs 1 to INT_MAX arguments");
  set_read_timeout(settings_.connect_timeout + blocking);
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (std::string_view arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  void* raw = redisCommandArgv(context_, static_cast<int>(args.size()), argv.data(), lengths.data());
  if (raw == nullptr) check_context(args.front());
  Reply reply(static_cast<redisReply*>(raw));
  if (reply->type == REDIS_REPLY_ERROR) {
    throw Error("redis " + settings_.address() + ": " + std::string(args.front()) + ": " +
                std::string(text_of(*reply)));
  }
  return reply;
}

Reply RedisClient::transaction(const std::vector<std::vector<std::string_view>>& commands) {
  if (context_ == nullptr) throw ConnectionLost("redis: not connected to " + settings_.address());
  set_read_timeout(settings_.connect_timeout);
  auto append = [this](const std::vector<std::string_view>& args) {
    if (args.empty() || args.size() > INT_MAX) throw Error("redis: a command needs 1 to INT_MAX arguments");
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (std::string_view arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(args.size()), argv.data(), lengths.data()) != REDIS_OK) {
      check_context("MULTI");
    }
  };
  append({"MULTI"});
  for (const auto& args : commands) append(args);
  append({"EXEC"});
  // Every reply is read, even after an error, so the connection stays in step.
  std::string first_error;
  Reply exec;
  for (std::size_t i = 0; i < commands.size() + 2; ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) check_context("EXEC");
    Reply reply(static_cast<redisReply*>(raw));
    if (reply->type == REDIS_REPLY_ERROR && first_error.empty()) first_error = std::string(text_of(*reply));
    if (i == commands.size() + 1) exec = std::move(reply);
  }
  if (first_error.empty() && exec->type != REDIS_REPLY_ARRAY) first_error = "the transaction was aborted";
  if (first_error.empty()) {
    for (const redisReply* element : elements_of(*exec, "EXEC")) {
      if (element->type == REDIS_REPLY_ERROR) {
        first_error = std::string(text_of(*element));
        break;
      }
    }
  }
  if (!first_error.empty()) throw Error("redis " + settings_.address() + ": MULTI/EXEC: " + first_error);
  return exec;
}

std::string glob_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

}  // namespace stoq::redis
