// The run's workers on one payload: the root (engine/pipeline.cpp) and every child
// dispatch extracts from it (dispatch/dispatcher.cpp).
//
// Each call is timed (call_timeout: isolation/watchdog.hpp), caught (an exception is
// an `errors` entry naming "worker:<name>" and the payload; the other workers still
// run) and bounded (output nested deeper than kMaxResultDepth is dropped). Workers run
// in -w order on the payload's thread. In `stoq scan`, the workers whose .stoq says
// `concurrent = True` and that have no in-process call_timeout to watch run at the
// same time, each on a thread of its own, once the payload's hashes are computed
// (Payload::hashes() is not thread-safe; nothing else of a payload is computed lazily).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/error_list.hpp"
#include "engine/plugin_set.hpp"
#include "stoq/json.hpp"
#include "stoq/payload.hpp"
#include "stoq/plugin.hpp"

namespace stoq::engine {

class WorkerScans {
 public:
  explicit WorkerScans(PluginSet& plugins) : plugins_(plugins), state_(plugins.state()) {}

  /// Resolves every worker: its isolation helper (started now: a failed activation
  /// stops the run) or this thread's in-process instance.
  void activate();
  [[nodiscard]] bool activated() const { return !workers_.empty(); }

  /// The gate for the message in hand, worker by worker: its max_tlp against `tlp`,
  /// then its rate limit. Returns false when no worker is to run it; `skipped_by_tlp`
  /// is then true when every worker's max_tlp refused it (not a stop while waiting).
  /// `path` names the payload in the log line of a skip.
  bool admit(const std::string& tlp, const std::string& path, bool& skipped_by_tlp);

  /// The root's `scan`. One worker: what it returned (an object, an array, null, or a
  /// boolean). Several (stoq scan): an object keyed by worker name (combined()).
  Json scan_root(const Payload& payload, const Json& message, ErrorList& errors);
  /// A dispatched child's `scan` (it has one entry). One worker: its item (a one-item
  /// array is that item; a boolean is nothing). Several: keyed by worker name.
  Json scan_child(const Payload& payload, const Json& kwargs, std::size_t payload_id, ErrorList& errors);

  /// `stoq scan`'s shape of one worker's result: a one-item array is that item; a
  /// boolean (the worker saved its own output, or had nothing) leaves no key.
  static void add_combined(Json& scan, const std::string& worker, Json result);

 private:
  struct Resolved {
    const WorkerRun* run = nullptr;
    Worker* worker = nullptr;
    std::unique_ptr<Worker> isolated;  // `worker` when it runs in an isolation helper
    bool fan_out = false;              // may run beside the others (concurrent, nothing to watch)
  };
  /// One worker's call, caught and bounded. nullopt when it failed (errors says why).
  std::optional<Json> call(Resolved& resolved, const Payload& payload, const Json& kwargs, std::size_t payload_id,
                           ErrorList& errors);
  /// Every admitted worker's result, in -w order (nullopt for those not admitted or failed).
  std::vector<std::optional<Json>> call_admitted(const Payload& payload, const Json& kwargs, std::size_t payload_id,
                                                 ErrorList& errors);
  Json combine(std::vector<std::optional<Json>> results) const;

  PluginSet& plugins_;
  RunState& state_;
  std::vector<Resolved> workers_;
  std::vector<bool> admitted_;  // for the message in hand, by worker
};

}  // namespace stoq::engine
