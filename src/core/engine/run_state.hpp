// What all threads of one run share: configuration, the catalog, the queue, the
// stop flag, each worker's options and rate limiter, and the -T output template.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dispatch/limits.hpp"
#include "dispatch/rules.hpp"
#include "engine/progress.hpp"
#include "engine/queue.hpp"
#include "engine/run_report.hpp"
#include "engine/settings.hpp"
#include "lifecycle/ratelimit.hpp"
#include "loader/catalog.hpp"
#include "stoq/config.hpp"
#include "stoq/plugin.hpp"
#include "stoq/template.hpp"

namespace stoq::engine {

/// -T NAME: the worker's template, parsed once at startup and rendered by every
/// thread (a parsed template is immutable; the environment locks its own cache).
struct OutputTemplate {
  std::string name;                                      // as given to -T
  std::unique_ptr<templating::Environment> environment;  // <worker plugin dir>/templates
  std::shared_ptr<const templating::Template> parsed;    // destroyed before its environment
};

/// Loads <plugin_path>/templates/<name> with the options of the original stoQ
/// (trim_blocks, lstrip_blocks). Throws stoq::Error naming the file: missing (with the
/// templates the plugin has), refused, or where its syntax is wrong.
OutputTemplate load_output_template(const std::filesystem::path& plugin_path, const std::string& name);

/// "<dir>/<template>:<line>:<column>: <message>": a template error located by the
/// path of its file (dir empty or ".": the template's own name).
std::string template_error_text(const templating::TemplateError& error, const std::filesystem::path& dir);

/// One worker of the run, as every thread runs it: its options (.stoq, stoq.cfg, the
/// command line) and what the pipeline reads from them once.
struct WorkerRun {
  std::string name;
  Options options;
  std::unique_ptr<lifecycle::RateLimiter> rate_limiter;  // null: no ratelimit
  std::string max_tlp;                                   // empty: every TLP
  /// `concurrent = True` in its .stoq: in `stoq scan`, may run on a payload at the same
  /// time as the run's other concurrent workers (engine/worker_scans.hpp).
  bool concurrent = false;
};

class RunState {
 public:
  RunState(CoreConfig config, RunSettings settings, loader::Catalog& catalog);

  const CoreConfig config;
  const RunSettings settings;
  const RunOptions run_options;
  loader::Catalog& catalog;
  MessageQueue queue;
  /// settings.workers, in order.
  std::vector<WorkerRun> workers;
  /// Whether any worker wants the payload's hashes in its results (hashpayload), and
  /// whether any wants its results saved (saveresults).
  bool hashpayload = false;
  bool saveresults = false;
  /// What results entries name as their `plugin`: the worker, or (stoq scan) the list.
  Json results_plugin;
  /// -C: where every document is saved, in order, each with the template (-T) rendered
  /// in place of the JSON for it (parsed null: JSON).
  struct Output {
    std::string connector;
    OutputTemplate rendering;  // -T for this connector; parsed null: JSON
  };
  std::vector<Output> outputs;
  /// -D: the dispatch rules (compiled once, shared by every thread), the request limits
  /// and the private directory children spill to. Null rules: no dispatch.
  std::unique_ptr<dispatch::DispatchRules> dispatch_rules;
  dispatch::DispatchLimits dispatch_limits;
  [[nodiscard]] std::string spill_dir() const { return spill_ ? spill_->path() : config.temp_dir; }
  /// Messages whose results could not be saved (they were negatively acknowledged).
  std::atomic<std::uint64_t> unsaved{0};
  /// The summary line's counts, and the rate-limited warnings for plugin failures.
  RunCounters counters;
  ProgressLine* progress = nullptr;  // erased before the run's closing messages
  logging::RepeatLimiter failure_log;

  /// A plugin's options: its .stoq values, then stoq.cfg [name] overrides, then the
  /// command line's. Throws stoq::Error naming the source of a bad override.
  [[nodiscard]] Options options_for(const loader::LoadedPlugin& plugin) const;

  [[nodiscard]] bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void request_stop();
  /// Stops now, for `cause` (the first one is kept): ingest ends, messages still queued
  /// are acknowledged negatively on the calling thread, workers finish the one in hand.
  void abort_run(StopCause cause);
  /// Returns once no abort_run() is acknowledging messages (before the source's deactivate()).
  void wait_for_aborts();
  [[nodiscard]] StopCause stop_cause() const { return stop_cause_.load(); }
  /// Sleeps up to `timeout`; true as soon as stopping.
  bool wait_for_stop(std::chrono::steady_clock::duration timeout);

 private:
  void load_dispatch();
  [[nodiscard]] std::vector<Output> resolve_outputs() const;
  [[nodiscard]] OutputTemplate load_run_template(const std::string& name) const;
  std::unique_ptr<dispatch::SpillDirectory> spill_;
  std::atomic<bool> stopping_{false};
  std::atomic<StopCause> stop_cause_{StopCause::None};
  std::mutex abort_mutex_;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
};

}  // namespace stoq::engine
