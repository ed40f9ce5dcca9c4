// stoq's logs: stderr and (for commands that do work) a rotating <log_dir>/stoq.log
// (log_maxbytes, log_backup_count), as text or JSON lines (log_syntax).
// Never stdout: stdout carries results.
#pragma once

#include <string>

#include "stoq/config.hpp"
#include "stoq/logger.hpp"

namespace stoq::logging {

/// Configures the process-wide sinks. `level_override` (from -L) wins over log_level.
/// `file_logging` false keeps logs on stderr only (commands that do no work, tests).
/// Throws stoq::Error when `file_logging` and log_dir cannot hold stoq.log.
void setup(const CoreConfig& config, const std::string& level_override, bool file_logging);

/// A logger named `name` (e.g. "stoq.worker.hash") on the configured sinks.
Logger make_logger(const std::string& name);

/// Changes the level of every logger made from now on and of the root logger.
void set_level(const std::string& level);

/// Parses DEBUG/INFO/WARNING/ERROR/CRITICAL (any case); false when unknown.
bool valid_level(const std::string& level);

}  // namespace stoq::logging
