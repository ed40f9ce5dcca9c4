// The child process of an exec plugin (docs/exec-plugins.md): spawned with
// posix_spawn (stoq is multi-threaded: no bare fork), stdin/stdout/stderr on pipes,
// every read and write poll()ed against a WaitLimit so a child that hangs, stops
// reading or never answers can never block the calling thread past its deadline.
//
// Contracts:
//   * one ExecProcess belongs to one thread (the plugin instance's); nothing is locked;
//   * the child runs in its own process group (so a terminal's Ctrl-C reaches stoq
//     only) and end() kills that whole group: a shell plugin's `sleep` dies with it;
//   * stderr is drained during every wait and logged line by line through `log`,
//     at most kMaxStderrLinesPerCall lines of kMaxStderrLineBytes per call;
//   * every byte read from stdout is bounded by the caller (read_line's max, read_bytes'
//     count): a child can make stoq hold no more than what the caller allowed.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "isolation/protocol.hpp"
#include "stoq/bytes.hpp"
#include "stoq/logger.hpp"

namespace stoq::exec {

using isolation::ChannelError;
using isolation::UniqueFd;
using isolation::WaitLimit;

inline constexpr std::size_t kMaxStderrLinesPerCall = 200;
inline constexpr std::size_t kMaxStderrLineBytes = 2000;

struct ProcessSpec {
  std::string executable;              // absolute path
  std::string working_dir;             // the plugin folder
  std::vector<std::string> extra_env;  // "NAME=value", replacing inherited ones of that name
  std::uint64_t memory_limit = 0;      // RLIMIT_AS of the child (0: none)
  std::string key;                     // "worker:name", for messages
};

class ExecProcess {
 public:
  ExecProcess(ProcessSpec spec, Logger log) : spec_(std::move(spec)), log_(std::move(log)) {}
  ~ExecProcess();
  ExecProcess(const ExecProcess&) = delete;
  ExecProcess& operator=(const ExecProcess&) = delete;

  /// Spawns the child. Throws stoq::Error (e.g. not executable) naming the plugin.
  void start();
  [[nodiscard]] bool running() const { return pid_ > 0; }
  /// True when the child is gone or going: its stdout reached end of stream with no
  /// bytes pending (it exited, or closed stdout), checked without waiting. A plugin
  /// may exit between calls (after N payloads, say): the session then restarts it.
  [[nodiscard]] bool hung_up() const;

  /// Writes all of `bytes` to the child's stdin within `limit`. Throws ChannelError
  /// (Closed: the child closed its stdin or exited; Timeout; Stopped).
  void write(ByteView bytes, const WaitLimit& limit);
  void write(std::string_view text, const WaitLimit& limit) {
    write(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), limit);
  }

  /// One line from stdout without its '\n'. A line longer than `max_bytes` is
  /// ChannelError Garbage (the rest is never read).
  std::string read_line(std::size_t max_bytes, const WaitLimit& limit);

  /// Exactly `count` bytes from stdout, handed to `sink` in pieces as they arrive.
  void read_bytes(std::uint64_t count, const std::function<void(ByteView)>& sink, const WaitLimit& limit);

  /// Ends the child: closes its stdin (a well-behaved plugin exits at end of input),
  /// waits up to `grace` for it (0: none), then SIGKILLs its process group and reaps it.
  /// Returns how it ended ("exited with status 0", "killed by SIGSEGV", ...).
  std::string end(std::chrono::milliseconds grace);

  /// Starts a new call: resets the per-call stderr allowance.
  void begin_call() { stderr_lines_ = 0; }
  /// The last line the child wrote to stderr (for error messages), "" if none.
  [[nodiscard]] const std::string& last_stderr_line() const { return last_stderr_; }

 private:
  /// Waits until `fd` is ready for `events` (stderr is drained meanwhile).
  void wait_for(int fd, short events, const WaitLimit& limit);
  /// Reads what stderr holds now without blocking; logs complete lines.
  void drain_stderr(bool flush_partial);
  void log_stderr_line(std::string line);
  /// Reads what stdout holds into buffer_ (at most `want` bytes). False at end of stream.
  bool fill(std::size_t want, const WaitLimit& limit);

  ProcessSpec spec_;
  Logger log_;
  pid_t pid_ = -1;
  UniqueFd stdin_;
  UniqueFd stdout_;
  UniqueFd stderr_;
  std::string buffer_;  // bytes read from stdout, not yet consumed
  std::string stderr_partial_;
  std::string last_stderr_;
  std::size_t stderr_lines_ = 0;
};

}  // namespace stoq::exec
