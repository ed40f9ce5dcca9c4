// Checks of the worker command's values that CLI11 runs while parsing, with messages that
// say what is accepted in plain numbers (CLI11's own PositiveNumber prints the range of a
// double: 300 digits).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace stoq::cli {

/// -M: at most 256 worker threads, or 4 per core on machines with more than 64 cores.
/// More only costs memory: every thread activates its own plugins.
unsigned max_worker_threads();

/// --cron: from a tenth of a second (no busy loop) to a year.
inline constexpr double kMinCronSeconds = 0.1;
inline constexpr double kMaxCronSeconds = 365.0 * 24 * 3600;

/// A whole number in [minimum, maximum] ("must be a whole number from 1 to 256, got 'x'").
CLI::Validator whole_number_between(long long minimum, long long maximum);
/// A finite number of seconds in [minimum, maximum].
CLI::Validator seconds_between(double minimum, double maximum);
/// Any text but the empty one (`-C ''` would otherwise mean "the default" or "nothing").
CLI::Validator not_empty();

}  // namespace stoq::cli
