// The stoq side of the exec plugin protocol, version 1 (docs/exec-plugins.md), for one
// plugin instance: its child process, started by activate() (or lazily, after a
// failure, by the next call), the init exchange, and one request/answer per call.
//
// Every failure of the child (crash, exit, hang past call_timeout, garbage, missing
// bytes, an answer above its bounds) ends it (SIGKILL to its process group, reaped)
// and costs the call one stoq::Error naming the plugin and what happened; the next
// call starts a new child. An {"ok":false} answer is the plugin's own error: the same
// stoq::Error a C++ plugin would throw, and the child lives on.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "exec/exec_process.hpp"
#include "stoq/plugin.hpp"

namespace stoq::exec {

inline constexpr int kProtocolVersion = 1;
/// Largest answer line (a results document) accepted from a plugin.
inline constexpr std::size_t kMaxAnswerLineBytes = 64ULL << 20;

class ExecSession {
 public:
  /// `owner` is the plugin instance this session serves (its identity, options, log
  /// and host); only the reference is kept, so it may be a base under construction.
  explicit ExecSession(Plugin& owner) : owner_(owner) {}
  ~ExecSession();
  ExecSession(const ExecSession&) = delete;
  ExecSession& operator=(const ExecSession&) = delete;

  /// Starts the child and sends init unless it runs. Throws stoq::Error.
  void start();
  /// Ends the child (end of stdin, a grace period, then SIGKILL).
  void stop();

  /// Sends `request` (whose first members are op and size) and `body` (size bytes),
  /// reads the answer line and returns it when "ok" is true. `payload` names the
  /// payload in error messages; `abort_on_stop`: the run stopping ends the call.
  Json call(const Json& request, ByteView body, const Payload* payload, bool abort_on_stop);

  /// After call(): the children announced by `answer`, read within the call's limits
  /// (stoq().extraction_limits(): count, total bytes; each child through new_child()).
  ExtractedList read_children(const Json& answer, const Payload* payload);
  /// After call(): the `size` bytes announced by `answer`, at most `max_size`.
  Payload read_payload(const Json& answer, std::uint64_t max_size);

  /// {"op":op,"size":size}: the members every request starts with, in this order, so a
  /// shell script can match them with a regular expression.
  static Json request(const char* op, std::uint64_t size);

  [[nodiscard]] const std::string& key() const { return key_; }

 private:
  void ensure_started();
  Json read_answer();
  /// Ends the child (unless `ended` says how it already ended) and throws the call's
  /// stoq::Error for `failure`.
  [[noreturn]] void fail(const ChannelError& failure, const Payload* payload, std::string ended = "");
  [[nodiscard]] std::chrono::seconds call_timeout() const;

  Plugin& owner_;
  std::string key_;
  std::unique_ptr<ExecProcess> process_;
  WaitLimit limit_;       // of the call in progress
  bool writing_ = false;  // which half of the exchange a timeout interrupted
};

}  // namespace stoq::exec
