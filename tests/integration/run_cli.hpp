// Helpers for tests that run the real `stoq` executable as a subprocess:
//   * run_cli(): run to completion, stdout and stderr captured separately, with a deadline;
//   * CliProcess: a background run (dirmon, graceful shutdown) whose output can be
//     polled with a deadline and which can be sent signals;
//   * parse_json_stream(): the documents stdout printed one after another (indent 4);
//   * TempDir / StoqEnv: a temporary STOQ_HOME with its own stoq.cfg, so nothing ever
//     touches ~/.stoq.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "stoq/testing.hpp"

extern char** environ;

namespace stoq_test {

namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------
// Temporary folders

/// A fresh folder under $TMPDIR, removed with everything in it (the SDK's test support).
using stoq::testing::TempDir;

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Every regular file under `dir` (recursively), sorted.
inline std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code error;
  if (!fs::exists(dir, error)) return files;
  for (const auto& item : fs::recursive_directory_iterator(dir, error)) {
    if (item.is_regular_file(error)) files.push_back(item.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// ---------------------------------------------------------------------------------
// stoq.cfg

/// A temporary STOQ_HOME with a stoq.cfg whose results, logs, archive and temp dirs
/// are all inside it. `plugin_dirs` go first in plugin_dir_list (the built-in plugin
/// dir is always appended by stoq itself).
class StoqEnv {
 public:
  explicit StoqEnv(std::vector<std::string> plugin_dirs = {}, const std::string& extra_core = "")
      : plugin_dirs_(std::move(plugin_dirs)) {
    write_config(extra_core);
  }

  void write_config(const std::string& extra_core) const {
    std::string text = "[core]\n";
    text += "results_dir = " + home_.path("results") + "\n";
    text += "log_dir = " + home_.path("logs") + "\n";
    text += "archive_base = " + home_.path("archive") + "\n";
    text += "temp_dir = " + home_.path("temp") + "\n";
    if (!plugin_dirs_.empty()) {
      std::string list;
      for (const std::string& dir : plugin_dirs_) list += (list.empty() ? "" : ", ") + dir;
      text += "plugin_dir_list = " + list + "\n";
    }
    text += extra_core;
    home_.write("stoq.cfg", text);
  }

  [[nodiscard]] const TempDir& home() const { return home_; }
  [[nodiscard]] std::string config() const { return home_.path("stoq.cfg"); }
  [[nodiscard]] fs::path results_dir() const { return home_.root() / "results"; }
  [[nodiscard]] fs::path log_dir() const { return home_.root() / "logs"; }
  [[nodiscard]] fs::path archive_base() const { return home_.root() / "archive"; }
  /// Environment for the child: STOQ_HOME is this folder (so ~/.stoq is never read).
  [[nodiscard]] std::map<std::string, std::string> env() const { return {{"STOQ_HOME", home_.root().string()}}; }

  /// `stoq <args...> --config <this cfg>`
  [[nodiscard]] std::vector<std::string> args(std::vector<std::string> args) const {
    args.push_back("--config");
    args.push_back(config());
    return args;
  }

 private:
  TempDir home_{"stoq-home"};
  std::vector<std::string> plugin_dirs_;
};

// ---------------------------------------------------------------------------------
// Subprocesses

struct CliResult {
  int exit_code = -1;   // the exit status, or -1 when killed by a signal
  int term_signal = 0;  // the signal that killed it, 0 when it exited
  bool timed_out = false;
  std::string out;
  std::string err;

  /// For test failure messages.
  [[nodiscard]] std::string describe() const {
    std::ostringstream text;
    text << "exit_code=" << exit_code << " signal=" << term_signal << (timed_out ? " TIMED OUT" : "")
         << "\n--- stderr ---\n"
         << err << "\n--- stdout (first 4000 bytes) ---\n"
         << out.substr(0, 4000);
    return text.str();
  }
  /// Non-empty lines of stderr.
  [[nodiscard]] std::vector<std::string> err_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(line);
    }
    return lines;
  }
};

struct SpawnOptions {
  std::map<std::string, std::string> env;  // added to / overriding the parent's environment
  std::string cwd;                         // empty: the test's cwd
  std::chrono::milliseconds timeout = 60s;
};

/// A running `stoq` (or any program) with stdout and stderr on pipes. The child gets
/// /dev/null as stdin, default SIGINT/SIGTERM/SIGPIPE dispositions and an empty signal
/// mask whatever the test runner has, and its own process group. Killed (SIGKILL, by
/// pid) if still running when destroyed.
class CliProcess {
 public:
  CliProcess(const std::string& program, const std::vector<std::string>& args, const SpawnOptions& options = {}) {
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    std::string cwd = options.cwd;
    if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());

    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    sigset_t empty;
    sigemptyset(&empty);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &empty);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

    std::vector<std::string> argv_storage;
    argv_storage.push_back(program);
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : argv_storage) argv.push_back(arg.data());
    argv.push_back(nullptr);

    std::map<std::string, std::string> env_map;
    for (char** entry = environ; *entry != nullptr; ++entry) {
      std::string_view text(*entry);
      auto equals = text.find('=');
      if (equals == std::string_view::npos) continue;
      env_map[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
    }
    for (const auto& [key, value] : options.env) env_map[key] = value;
    std::vector<std::string> env_storage;
    for (const auto& [key, value] : env_map) env_storage.push_back(key + "=" + value);
    std::vector<char*> envp;
    for (std::string& entry : env_storage) envp.push_back(entry.data());
    envp.push_back(nullptr);

    int spawned = ::posix_spawn(&pid_, program.c_str(), &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
    if (spawned != 0) {
      pid_ = -1;
      throw std::runtime_error("posix_spawn " + program + ": " + std::strerror(spawned));
    }
  }

  ~CliProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
    if (err_fd_ >= 0) ::close(err_fd_);
  }
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] const std::string& out() const { return out_; }
  [[nodiscard]] const std::string& err() const { return err_; }

  void send(int signal_number) const {
    if (pid_ > 0 && !reaped_) ::kill(pid_, signal_number);
  }

  /// Reads output until `done(out, err)` holds or the deadline passes; true when it held.
  bool wait_for(const std::function<bool(const std::string& out, const std::string& err)>& done,
                std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!done(out_, err_)) {
      if (Clock::now() >= deadline) return false;
      if (!pump(deadline) && out_fd_ < 0 && err_fd_ < 0) return done(out_, err_);
    }
    return true;
  }

  /// Reads all output until the process exits (or the deadline: then SIGKILL).
  CliResult finish(std::chrono::milliseconds timeout) {
    CliResult result;
    auto deadline = Clock::now() + timeout;
    while (out_fd_ >= 0 || err_fd_ >= 0) {
      if (Clock::now() >= deadline) {
        result.timed_out = true;
        ::kill(pid_, SIGKILL);
        deadline = Clock::now() + 10s;  // drain what is left
      }
      pump(deadline);
    }
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
    result.out = out_;
    result.err = err_;
    return result;
  }

 private:
  // One poll round over the open pipes; false when nothing could be read.
  bool pump(Clock::time_point deadline) {
    pollfd fds[2];
    int count = 0;
    if (out_fd_ >= 0) fds[count++] = {out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[count++] = {err_fd_, POLLIN, 0};
    if (count == 0) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    int wait_ms = static_cast<int>(std::clamp<long long>(left, 0, 50));
    int ready = ::poll(fds, static_cast<nfds_t>(count), wait_ms);
    if (ready <= 0) return false;
    bool got = false;
    for (int i = 0; i < count; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      int& fd = fds[i].fd == out_fd_ ? out_fd_ : err_fd_;
      std::string& buffer = fds[i].fd == out_fd_ ? out_ : err_;
      char chunk[65536];
      ssize_t length = ::read(fd, chunk, sizeof(chunk));
      if (length > 0) {
        buffer.append(chunk, static_cast<std::size_t>(length));
        got = true;
      } else if (length == 0 || (errno != EINTR && errno != EAGAIN)) {
        ::close(fd);
        fd = -1;
      }
    }
    return got;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
};

/// Runs `stoq <args...>` to completion.
inline CliResult run_cli(const std::vector<std::string>& args, const SpawnOptions& options = {}) {
  CliProcess process(STOQ_CLI, args, options);
  return process.finish(options.timeout);
}

/// Runs `stoq <args...> --config <env's cfg>` with STOQ_HOME set to env's home.
inline CliResult run_stoq(const StoqEnv& env, const std::vector<std::string>& args,
                          std::chrono::milliseconds timeout = 60s) {
  SpawnOptions options;
  options.env = env.env();
  options.timeout = timeout;
  return run_cli(env.args(args), options);
}

// ---------------------------------------------------------------------------------
// JSON on stdout

using stoq::testing::parse_json_stream;

/// The documents a finished run printed; a test failure (and none) when stdout is not a
/// stream of JSON documents.
inline std::vector<OJson> documents_of(const CliResult& result) {
  try {
    return parse_json_stream(result.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what() << "\n" << result.describe();
    return {};
  }
}

/// Number of complete top-level documents printed so far (for polling a running process).
inline std::size_t count_documents(const std::string& text) {
  std::string trailing;
  try {
    return parse_json_stream(text, &trailing).size();
  } catch (const std::exception&) {
    return 0;
  }
}

/// The keys of a JSON object, in order.
inline std::vector<std::string> keys_of(const OJson& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

inline bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace stoq_test
