// Runs the tools `stoq install` needs (cmake, python3 -m venv, pip) as child processes,
// their output appended to a log file the user is pointed at when one fails.
#pragma once

#include <string>
#include <vector>

namespace stoq::cli::package {

/// Runs argv[0] (searched on PATH) with `argv` in `cwd`, stdin from /dev/null, stdout
/// and stderr appended to `log_path`. Returns the exit status, or -1 when it could not
/// be started or ended on a signal.
int run_logged(const std::vector<std::string>& argv, const std::string& cwd, const std::string& log_path);

/// The last `lines` lines of the file at `path` (for showing why a step failed).
std::string tail_of_file(const std::string& path, std::size_t lines);

}  // namespace stoq::cli::package
