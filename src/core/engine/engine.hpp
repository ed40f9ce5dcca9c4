// Runs one worker: sources feed a bounded queue, worker threads (each with its own
// plugin instances) take messages through the Pipeline; SIGINT/SIGTERM/SIGHUP stop
// ingest, let in-flight payloads finish and deactivate (flush) every plugin (a second
// signal exits at once: engine/signal_watcher.hpp). Ends with the summary line on stderr.
#pragma once

#include "engine/settings.hpp"
#include "loader/catalog.hpp"
#include "stoq/config.hpp"

namespace stoq::engine {

/// Runs the worker to completion. Returns the process exit status (exit_status in
/// engine/run_report.hpp): 0 on success (including a graceful stop by signal), 1 when
/// the source failed mid-run or some results could not be saved, 3 with
/// --fail-on-errors when a saved document has `errors`, 141 when the reader of stdout
/// went away. Throws stoq::Error for problems found before any payload was processed
/// (bad plugin, failed activation, bad option: exit status 2).
int run_worker(const CoreConfig& config, const RunSettings& settings, loader::Catalog& catalog);

}  // namespace stoq::engine
