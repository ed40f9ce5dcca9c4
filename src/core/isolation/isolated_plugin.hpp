// One plugin run in an isolation helper process, owned by one worker thread and reused
// across payloads (docs/architecture.md#isolation).
//
// The helper is spawned (posix_spawn of /proc/self/exe, never a bare fork of this
// multi-threaded process) on the first call and again after any failure. Each call
// passes the payload as a sealed memfd and waits for the answer with poll(): past
// call_timeout, or when the run stops, the helper is killed (SIGKILL) and reaped. A
// helper that crashes, is killed, exceeds a limit or answers garbage costs that call
// a stoq::Error naming the signal or limit and the payload; the next call gets a new
// helper. A plugin exception in the helper comes back as the same stoq::Error text
// it would have had in-process.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "isolation/call_policy.hpp"
#include "isolation/protocol.hpp"
#include "stoq/extraction.hpp"
#include "stoq/json.hpp"
#include "stoq/payload.hpp"
#include "stoq/plugin.hpp"

namespace stoq::isolation {

/// What the helper needs to load and activate the plugin exactly as stoq would.
struct HelperSpec {
  Category category = Category::Worker;
  std::string name;
  Json options;             // resolved (.stoq, stoq.cfg, command line)
  std::string config_path;  // stoq.cfg the run loaded ("" : built-in defaults)
  std::vector<std::string> plugin_dirs;
  Json run = Json::object();            // RunOptions
  Json cli_overrides = Json::object();  // --plugin-opt, for readers the plugin asks for
  CallPolicy policy;
};

class IsolatedPlugin {
 public:
  /// `stopping` is polled while a call waits: true ends the call (and the helper) at once.
  IsolatedPlugin(HelperSpec spec, std::function<bool()> stopping);
  ~IsolatedPlugin();
  IsolatedPlugin(const IsolatedPlugin&) = delete;
  IsolatedPlugin& operator=(const IsolatedPlugin&) = delete;

  /// "extractor:name"
  [[nodiscard]] const std::string& key() const { return key_; }

  /// Starts the helper unless it runs; throws stoq::Error when the plugin does not
  /// activate ("<key> failed to activate: ...").
  void start();

  /// Worker::scan in the helper.
  Json scan(const Payload& payload, const Json& kwargs);

  /// Extractor::extract, Carver::carve or Decoder::decode (by category) in the helper,
  /// under `limits`; children are written per `child` (its spill_dir receives the
  /// large ones) and come back memory-mapped.
  ExtractedList extract(const Payload& payload, const Json& kwargs, const ExtractionLimits& limits,
                        const ChildWriter::Settings& child);

 private:
  Frame call(const Json& request, const Payload& payload, const WaitLimit& limit);
  /// Receives the children announced in `reply`.
  ExtractedList receive_children(const Frame& reply, std::size_t max_children, const WaitLimit& limit);
  /// Kills and reaps the helper; returns how it ended ("killed by SIGSEGV", ...).
  std::string end_helper(bool kill_now);
  /// The stoq::Error of a failed exchange, after the helper was ended.
  [[noreturn]] void fail(const ChannelError& failure, const Payload& payload);
  WaitLimit call_limit() const;

  HelperSpec spec_;
  std::string key_;
  std::function<bool()> stopping_;
  pid_t pid_ = -1;
  UniqueFd socket_;
};

/// The worker as the pipeline and the dispatcher call it when it is isolated: scan()
/// runs in the helper.
class IsolatedWorker final : public Worker {
 public:
  explicit IsolatedWorker(IsolatedPlugin& helper) : helper_(helper) {}
  Json scan(const Payload& payload, const Json& kwargs) override { return helper_.scan(payload, kwargs); }

 private:
  IsolatedPlugin& helper_;
};

/// "killed by SIGSEGV", "exited with status 3", ... from a waitpid() status.
std::string describe_exit(int status);

}  // namespace stoq::isolation
