// Runs one worker: sources feed a bounded queue, worker threads (each with its own
// plugin instances) take messages through the Pipeline; SIGINT/SIGTERM stop ingest,
// let in-flight payloads finish, deactivate (flush) every plugin and return 0.
#pragma once

#include "engine/settings.hpp"
#include "loader/catalog.hpp"
#include "stoq/config.hpp"

namespace stoq::engine {

/// Runs the worker to completion. Returns the process exit code: 0 on success
/// (including a stop by signal), 1 when the source failed mid-run or some results
/// could not be saved. Throws
/// stoq::Error for problems found before any payload was processed (bad plugin,
/// failed activation, bad option).
int run_worker(const CoreConfig& config, const RunSettings& settings, loader::Catalog& catalog);

}  // namespace stoq::engine
