// -D: one request's recursive dispatch (stoq-original §c.4 step 6, with limits).
//
// A work list per request, on the payload's own worker thread (never through the
// run's source queue: workers are its only consumers, so re-queueing children would
// deadlock when it fills). Each payload is matched against the dispatch rules; each
// routed carver/extractor/decoder returns children; each child is hashed (once),
// scanned by the same workers, appended to the document as its own entry and
// dispatched again, until max_recursion. Every limit hit and every plugin failure is
// an `errors` entry naming it and the payload; the rest of the tree carries on.
#pragma once

#include <string>

#include "dispatch/limits.hpp"
#include "dispatch/rules.hpp"
#include "engine/error_list.hpp"
#include "engine/plugin_set.hpp"
#include "engine/worker_scans.hpp"

namespace stoq::dispatch {

/// What one request's dispatch needs from the run.
struct DispatchContext {
  const DispatchRules& rules;
  const DispatchLimits& limits;
  std::string spill_dir;
  Json worker;  // the results' `plugin`: the worker, or stoq scan's list of workers
  bool hashpayload = true;
  std::string archive_connector;  // -A: children whose rule says save = "True" are archived
};

class Dispatcher {
 public:
  Dispatcher(engine::PluginSet& plugins, engine::WorkerScans& workers, const DispatchContext& context)
      : plugins_(plugins), workers_(workers), context_(context) {}

  /// Dispatches `root` (payload_id 0 of `document`, with `root_uuids`) and everything
  /// extracted from it; children become entries of `document`. `message` is the root's
  /// message: the kwargs every routed plugin sees under its rule's meta.
  void run(const Payload& root, const Json& root_uuids, const Json& message, Json& document, engine::ErrorList& errors);

 private:
  engine::PluginSet& plugins_;
  engine::WorkerScans& workers_;
  const DispatchContext& context_;
};

}  // namespace stoq::dispatch
