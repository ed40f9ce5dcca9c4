#include "exec/exec_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

#include "isolation/isolated_plugin.hpp"
#include "stoq/error.hpp"

namespace stoq::exec {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kReadChunk = 64 * 1024;

std::string errno_text() { return std::strerror(errno); }

void set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// write() with SIGPIPE blocked in this thread: a child that closed its stdin makes the
// write fail with EPIPE instead of killing stoq (a library user such as a test harness
// may not ignore SIGPIPE the way the stoq executable does). A SIGPIPE this write made
// pending is consumed before the mask is restored.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      timespec zero{};
      while (::sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

// The child's environment: ours, minus the names `extra` sets, plus `extra`.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    std::string_view name = text.substr(0, text.find('='));
    bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& e) {
      return std::string_view(e).substr(0, e.find('=')) == name;
    });
    if (!replaced) env.emplace_back(text);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

}  // namespace

ExecProcess::~ExecProcess() {
  if (pid_ > 0) end(std::chrono::milliseconds(0));
}

void ExecProcess::start() {
  if (pid_ > 0) return;
  // Our ends are O_CLOEXEC (and non-blocking); the child's ends become its 0, 1 and 2
  // through dup2, which clears the flag on the copy.
  int in_pipe[2];
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) throw Error(spec_.key + ": pipe: " + errno_text());
  UniqueFd in_read(in_pipe[0]);
  UniqueFd in_write(in_pipe[1]);
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw Error(spec_.key + ": pipe: " + errno_text());
  UniqueFd out_read(out_pipe[0]);
  UniqueFd out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw Error(spec_.key + ": pipe: " + errno_text());
  UniqueFd err_read(err_pipe[0]);
  UniqueFd err_write(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // fds other code opened without O_CLOEXEC
  posix_spawn_file_actions_addchdir_np(&actions, spec_.working_dir.c_str());
  // Default dispositions and an empty mask: stoq blocks SIGINT/SIGTERM in every thread
  // and ignores SIGPIPE; a plugin must get ordinary signal behaviour.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal_number : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGXCPU, SIGCHLD}) {
    sigaddset(&defaults, signal_number);
  }
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<std::string> env_storage = child_environment(spec_.extra_env);
  std::vector<char*> envp;
  envp.reserve(env_storage.size() + 1);
  for (std::string& entry : env_storage) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string program = spec_.executable;
  std::vector<char*> argv = {program.data(), nullptr};
  pid_t pid = -1;
  int failed = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (failed != 0) {
    throw Error("exec plugin " + spec_.key + ": cannot start " + program + ": " + std::strerror(failed));
  }
  pid_ = pid;
  // posix_spawn returns once the program was exec'd: the limit lands before the plugin
  // has done more than start up (posix_spawn has no rlimit attribute).
  if (spec_.memory_limit > 0) {
    rlimit limit{spec_.memory_limit, spec_.memory_limit};
    if (::prlimit(pid_, RLIMIT_AS, &limit, nullptr) != 0) {
      std::string reason = errno_text();
      end(std::chrono::milliseconds(0));
      throw Error("exec plugin " + spec_.key + ": cannot set memory_limit: " + reason);
    }
  }
  stdin_ = std::move(in_write);
  stdout_ = std::move(out_read);
  stderr_ = std::move(err_read);
  set_nonblocking(stdin_.get());
  set_nonblocking(stdout_.get());
  set_nonblocking(stderr_.get());
  buffer_.clear();
  stderr_partial_.clear();
  last_stderr_.clear();
}

bool ExecProcess::hung_up() const {
  if (pid_ <= 0 || !stdout_.valid()) return true;
  if (!buffer_.empty()) return false;  // unread answer bytes: a protocol matter, not an exit
  pollfd entry{stdout_.get(), POLLIN, 0};
  if (::poll(&entry, 1, 0) <= 0) return false;
  // Readable with nothing buffered between calls: end of stream, or stray bytes the
  // next answer would trip over anyway. Only a hang-up without data counts as gone.
  return (entry.revents & (POLLHUP | POLLERR)) != 0 && (entry.revents & POLLIN) == 0;
}

void ExecProcess::wait_for(int fd, short events, const WaitLimit& limit) {
  for (;;) {
    int slice = isolation::next_poll_slice_ms(limit);
    std::array<pollfd, 2> entries{pollfd{fd, events, 0}, pollfd{stderr_.get(), POLLIN, 0}};
    nfds_t count = stderr_.valid() ? 2 : 1;
    int ready = ::poll(entries.data(), count, slice);
    if (ready < 0 && errno != EINTR) throw ChannelError(ChannelError::Kind::Closed, "poll: " + errno_text());
    if (ready <= 0) continue;
    if (count == 2 && entries[1].revents != 0) drain_stderr(false);
    if (entries[0].revents != 0) return;  // ready, or hung up / error: the I/O call says which
  }
}

void ExecProcess::drain_stderr(bool flush_partial) {
  std::array<char, 4096> chunk{};
  while (stderr_.valid()) {
    ssize_t got = ::read(stderr_.get(), chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      if (got == 0) stderr_.reset();  // end of stream: stop polling it
      break;
    }
    for (ssize_t i = 0; i < got; ++i) {
      char c = chunk[static_cast<std::size_t>(i)];
      if (c == '\n') {
        log_stderr_line(std::exchange(stderr_partial_, {}));
      } else if (stderr_partial_.size() < kMaxStderrLineBytes) {
        stderr_partial_ += c;
      }
    }
  }
  if (flush_partial && !stderr_partial_.empty()) log_stderr_line(std::exchange(stderr_partial_, {}));
}

void ExecProcess::log_stderr_line(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return;
  last_stderr_ = line;
  ++stderr_lines_;
  if (stderr_lines_ < kMaxStderrLinesPerCall) {
    log_.warn(line);
  } else if (stderr_lines_ == kMaxStderrLinesPerCall) {
    log_.warn("(more stderr output of this call was not logged)");
  }
}

void ExecProcess::write(ByteView bytes, const WaitLimit& limit) {
  if (!stdin_.valid()) throw ChannelError(ChannelError::Kind::Closed, "stdin is closed");
  const std::uint8_t* data = bytes.data();
  std::size_t left = bytes.size();
  SigpipeBlock no_sigpipe;
  while (left > 0) {
    ssize_t written = ::write(stdin_.get(), data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {  // the pipe is full: wait (bounded) for the child to read
        wait_for(stdin_.get(), POLLOUT, limit);
        continue;
      }
      throw ChannelError(ChannelError::Kind::Closed, "write: " + errno_text());
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
}

bool ExecProcess::fill(std::size_t want, const WaitLimit& limit) {
  std::array<char, kReadChunk> chunk{};
  std::size_t size = std::min(want, chunk.size());
  for (;;) {
    ssize_t got = ::read(stdout_.get(), chunk.data(), size);
    if (got > 0) {
      buffer_.append(chunk.data(), static_cast<std::size_t>(got));
      return true;
    }
    if (got == 0) return false;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) throw ChannelError(ChannelError::Kind::Closed, "read: " + errno_text());
    wait_for(stdout_.get(), POLLIN, limit);
  }
}

std::string ExecProcess::read_line(std::size_t max_bytes, const WaitLimit& limit) {
  if (!stdout_.valid()) throw ChannelError(ChannelError::Kind::Closed, "stdout is closed");
  std::size_t searched = 0;
  for (;;) {
    std::size_t newline = buffer_.find('\n', searched);
    if (newline != std::string::npos) {
      if (newline > max_bytes) break;
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    searched = buffer_.size();
    if (buffer_.size() > max_bytes) break;
    // Never read past what a line may hold: the bytes beyond belong to the caller's
    // read_bytes() anyway, and the child cannot make us buffer more than max_bytes + 1.
    if (!fill(max_bytes + 1 - buffer_.size(), limit)) {
      if (buffer_.empty()) throw ChannelError(ChannelError::Kind::Closed, "end of stream");
      throw ChannelError(ChannelError::Kind::Garbage, "an unterminated line: " + buffer_.substr(0, 200));
    }
  }
  throw ChannelError(ChannelError::Kind::Garbage,
                     "a line longer than " + std::to_string(max_bytes) + " bytes: " + buffer_.substr(0, 200));
}

void ExecProcess::read_bytes(std::uint64_t count, const std::function<void(ByteView)>& sink, const WaitLimit& limit) {
  while (count > 0) {
    if (buffer_.empty() && !fill(static_cast<std::size_t>(std::min<std::uint64_t>(count, kReadChunk)), limit)) {
      throw ChannelError(ChannelError::Kind::Closed,
                         "end of stream with " + std::to_string(count) + " announced bytes missing");
    }
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(count, buffer_.size()));
    sink(ByteView(reinterpret_cast<const std::uint8_t*>(buffer_.data()), take));
    buffer_.erase(0, take);
    count -= take;
  }
}

std::string ExecProcess::end(std::chrono::milliseconds grace) {
  stdin_.reset();  // end of input: the plugin's read loop ends
  if (pid_ <= 0) return "not running";
  int status = 0;
  pid_t reaped = 0;
  auto until = Clock::now() + grace;
  while ((reaped = ::waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < until) {
    drain_stderr(false);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (reaped == 0) {
    // The whole group, while its leader is unreaped (so the id cannot have been reused):
    // a shell plugin's own children (sleep, head) die with it.
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    while ((reaped = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
  drain_stderr(true);  // what it wrote last (a traceback) is often the explanation
  stdout_.reset();
  stderr_.reset();
  buffer_.clear();
  return reaped > 0 ? isolation::describe_exit(status) : "lost (" + errno_text() + ")";
}

}  // namespace stoq::exec
