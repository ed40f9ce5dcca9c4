// What a run tells the person who started it: a warning line for every plugin failure,
// the summary line at the end, and the exit status (documented in README.md and `stoq help`).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "logging/repeat_limiter.hpp"
#include "stoq/json.hpp"

namespace stoq::engine {

/// The exit status of `stoq`. A stop by the first SIGINT/SIGTERM/SIGHUP that lets
/// in-flight payloads finish is a success (0, or 1/3 for what happened before it).
namespace exit_status {
inline constexpr int kOk = 0;
inline constexpr int kNotSaved = 1;        // results not saved, the source failed, internal error
inline constexpr int kUsage = 2;           // bad command line, config or plugin: nothing was processed
inline constexpr int kPayloadErrors = 3;   // --fail-on-errors: a results document has `errors`
inline constexpr int kSignalBase = 128;    // + N: a second signal N (or the shutdown grace) ended the run at once
inline constexpr int kOutputClosed = 141;  // 128 + SIGPIPE: the reader of stdout went away (`| head`)
}  // namespace exit_status

/// Why the run stopped before its source was exhausted.
enum class StopCause : int { None, Signal, OutputClosed };

/// Counted by every worker thread, reported by the summary line.
struct RunCounters {
  std::atomic<std::uint64_t> payloads{0};        // messages taken through the pipeline
  std::atomic<std::uint64_t> saved{0};           // ... whose results were all saved (acknowledged)
  std::atomic<std::uint64_t> with_errors{0};     // ... whose results carry an `errors` entry
  std::atomic<std::uint64_t> skipped_by_tlp{0};  // ... refused by the worker's max_tlp
  // For the progress line (engine/progress.hpp):
  std::atomic<std::uint64_t> bytes{0};     // size of the payloads taken (roots, as read)
  std::atomic<std::uint64_t> queued{0};    // messages the source queued
  std::atomic<std::uint64_t> expected{0};  // messages the source said it will queue (0: unknown)
  std::atomic<bool> source_done{false};    // ingest() returned: `queued` is the total
};

/// "stoq: 120 payloads, 120 saved, 3 with errors, 0 skipped by TLP, 1.2 s", plus
/// `ending` (", stopped by SIGTERM") when not empty.
std::string summary_line(const RunCounters& counters, std::chrono::steady_clock::duration elapsed,
                         const std::string& ending);

/// The payload an `errors` entry concerns, as a person finds it: the path of
/// results[payload_id], else its filename, else its sha1, else "payload <id>".
std::string payload_name(const Json& document, const Json& error_entry);

/// Logs each entry of `errors` at warning level, one line each:
///   "<plugin> failed on <payload>: <reason>"
/// grouped by plugin and reason (without the payload's name) for rate limiting.
void log_plugin_failures(const Json& errors, const Json& document, logging::RepeatLimiter& limiter);

}  // namespace stoq::engine
