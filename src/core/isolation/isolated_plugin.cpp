#include "isolation/isolated_plugin.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "stoq/error.hpp"

namespace stoq::isolation {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kHelperSocketFd = 3;  // where the helper finds its end of the socket
constexpr auto kExitGrace = std::chrono::seconds(1);

std::string errno_text() { return std::strerror(errno); }

std::string signal_name(int signal_number) {
  const char* abbreviation = ::sigabbrev_np(signal_number);
  return abbreviation != nullptr ? std::string("SIG") + abbreviation : "signal " + std::to_string(signal_number);
}

// The payload as an errors message names it: its sha1 (cached by then, in practice).
std::string payload_label(const Payload& payload) {
  if (payload.is_none()) return "no payload";
  return "payload sha1 " + payload.hashes().sha1;
}

// The helper runs with default signal dispositions and an empty mask (this process
// blocks SIGINT/SIGTERM in every thread and ignores SIGPIPE), in its own process
// group so a terminal's Ctrl-C reaches stoq, which then ends the helpers itself.
pid_t spawn_helper(int helper_socket, const std::string& key) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, 2, 1);  // a plugin's printf must never reach results
  posix_spawn_file_actions_adddup2(&actions, helper_socket, kHelperSocketFd);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal_number : {SIGPIPE, SIGINT, SIGTERM, SIGUSR2, SIGXCPU, SIGHUP}) sigaddset(&defaults, signal_number);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::string title = "stoq [isolated " + key + "]";
  std::string flag = kHelperFlag;
  std::string fd_text = std::to_string(kHelperSocketFd);
  std::string parent = std::to_string(::getpid());
  std::vector<char*> argv = {title.data(), flag.data(), fd_text.data(), parent.data(), nullptr};
  pid_t pid = -1;
  int failed = ::posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (failed != 0) throw Error(key + ": cannot start an isolation helper: " + std::strerror(failed));
  return pid;
}

std::string seconds_text(std::chrono::seconds seconds) { return std::to_string(seconds.count()) + " s"; }

}  // namespace

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) return "killed by " + signal_name(WTERMSIG(status));
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended (status " + std::to_string(status) + ")";
}

IsolatedPlugin::IsolatedPlugin(HelperSpec spec, std::function<bool()> stopping)
    : spec_(std::move(spec)),
      key_(std::string(category_name(spec_.category)) + ":" + spec_.name),
      stopping_(std::move(stopping)) {}

IsolatedPlugin::~IsolatedPlugin() {
  if (pid_ > 0) end_helper(false);
}

WaitLimit IsolatedPlugin::call_limit() const {
  WaitLimit limit;
  if (spec_.policy.timeout.count() > 0) limit.deadline = Clock::now() + spec_.policy.timeout;
  limit.stopping = stopping_;
  return limit;
}

void IsolatedPlugin::start() {
  if (pid_ > 0) return;
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    throw Error(key_ + ": cannot create an isolation socket: " + errno_text());
  }
  UniqueFd ours(pair[0]);
  UniqueFd theirs(pair[1]);
  if (theirs.get() == kHelperSocketFd) {  // dup2 onto itself would keep FD_CLOEXEC
    int moved = ::fcntl(theirs.get(), F_DUPFD_CLOEXEC, 10);
    if (moved < 0) throw Error(key_ + ": cannot move the isolation socket: " + errno_text());
    theirs.reset(moved);
  }
  pid_ = spawn_helper(theirs.get(), key_);
  socket_ = std::move(ours);
  Json init = {{"op", "init"},
               {"category", category_name(spec_.category)},
               {"name", spec_.name},
               {"options", spec_.options},
               {"config", spec_.config_path},
               {"plugin_dirs", spec_.plugin_dirs},
               {"run", spec_.run},
               {"cli_overrides", spec_.cli_overrides},
               {"memory_limit", spec_.policy.memory_limit},
               {"log_level", spdlog::level::to_string_view(spdlog::get_level()).data()}};
  Frame reply;
  try {
    send_frame(socket_.get(), init);
    reply = receive_frame(socket_.get(), call_limit());
  } catch (const ChannelError& failure) {
    std::string ended = end_helper(true);
    throw Error(key_ + ": the isolation helper did not start (" + failure.what() + "; " + ended + ")");
  }
  if (!reply.header.value("ok", false)) {
    std::string message = reply.header.value("error", key_ + " failed to activate");
    end_helper(false);
    throw Error(message);
  }
}

std::string IsolatedPlugin::end_helper(bool kill_now) {
  socket_.reset();  // a live helper sees the end of the stream and exits by itself
  if (pid_ <= 0) return "not running";
  int status = 0;
  pid_t reaped = 0;
  if (!kill_now) {
    auto until = Clock::now() + kExitGrace;
    while ((reaped = ::waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  if (reaped == 0) {
    ::kill(pid_, SIGKILL);
    while ((reaped = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
  return reaped > 0 ? describe_exit(status) : "lost (" + errno_text() + ")";
}

void IsolatedPlugin::fail(const ChannelError& failure, const Payload& payload) {
  const CallPolicy& policy = spec_.policy;
  std::string reason;
  switch (failure.kind()) {
    case ChannelError::Kind::Timeout:
      end_helper(true);
      reason = "exceeded call_timeout of " + seconds_text(policy.timeout) + " (helper killed)";
      break;
    case ChannelError::Kind::Stopped:
      end_helper(true);
      reason = "the run is stopping: the isolated call was ended";
      break;
    case ChannelError::Kind::Garbage:
      end_helper(true);
      reason = std::string("the isolation helper answered garbage (") + failure.what() + ")";
      break;
    case ChannelError::Kind::Closed: {
      std::string ended = end_helper(false);
      reason = "the isolation helper " + std::string(ended.rfind("killed", 0) == 0 ? "was " : "") + ended;
      if (ended == "killed by SIGXCPU" || (ended == "killed by SIGKILL" && policy.cpu_limit.count() > 0)) {
        reason += ": exceeded cpu_limit of " + seconds_text(policy.cpu_limit);
      } else if (ended == "killed by SIGKILL" && policy.memory_limit > 0) {
        reason += " (memory_limit " + std::to_string(policy.memory_limit) + " bytes, or the system's OOM killer)";
      }
      break;
    }
  }
  std::string message = reason + " while processing " + payload_label(payload);
  spdlog::debug("{}: {}", key_, message);  // the errors entry is logged where it is saved
  throw Error(message);
}

Frame IsolatedPlugin::call(const Json& request, const Payload& payload, const WaitLimit& limit) {
  start();
  try {
    UniqueFd file;
    if (!payload.is_none() && payload.size() > 0) file = sealed_memfd(payload.bytes());
    send_frame(socket_.get(), request, file.get());
    Frame reply = receive_frame(socket_.get(), limit);
    if (!reply.header.contains("ok") || !reply.header["ok"].is_boolean()) {
      throw ChannelError(ChannelError::Kind::Garbage, "a reply without ok");
    }
    if (!reply.header["ok"].get<bool>()) {
      const Json& error = reply.header["error"];
      std::string text = error.is_string() ? error.get<std::string>() : "unknown error";
      if (reply.header.value("fatal", false)) {
        end_helper(false);
        text += " while processing " + payload_label(payload);
      }
      throw Error(text);
    }
    return reply;
  } catch (const ChannelError& failure) {
    fail(failure, payload);
  }
}

Json IsolatedPlugin::scan(const Payload& payload, const Json& kwargs) {
  Json request = {{"op", "call"},
                  {"method", "scan"},
                  {"kwargs", kwargs},
                  {"none", payload.is_none()},
                  {"size", payload.is_none() ? 0 : payload.size()},
                  {"limits", Json::object()},
                  {"child", Json::object()},
                  {"cpu_limit", spec_.policy.cpu_limit.count()}};
  Frame reply = call(request, payload, call_limit());
  auto result = reply.header.find("result");
  return result != reply.header.end() ? std::move(*result) : Json(nullptr);
}

ExtractedList IsolatedPlugin::extract(const Payload& payload, const Json& kwargs, const ExtractionLimits& limits,
                                      const ChildWriter::Settings& child) {
  const char* method = spec_.category == Category::Extractor ? "extract"
                       : spec_.category == Category::Carver  ? "carve"
                                                             : "decode";
  std::int64_t deadline_ms = -1;
  if (limits.deadline != Clock::time_point::max()) {
    deadline_ms = std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(limits.deadline - Clock::now()).count());
  }
  Json request = {
      {"op", "call"},
      {"method", method},
      {"kwargs", kwargs},
      {"none", payload.is_none()},
      {"size", payload.is_none() ? 0 : payload.size()},
      {"limits",
       {{"max_children", limits.max_children},
        {"max_child_size", limits.max_child_size},
        {"max_total_bytes", limits.max_total_bytes},
        {"max_ratio", limits.max_ratio},
        {"deadline_ms", deadline_ms}}},
      {"child", {{"max_size", child.max_size}, {"memory_limit", child.memory_limit}, {"spill_dir", child.spill_dir}}},
      {"cpu_limit", spec_.policy.cpu_limit.count()}};
  WaitLimit limit = call_limit();
  Frame reply = call(request, payload, limit);
  try {
    return receive_children(reply, limits.max_children, limit);
  } catch (const ChannelError& failure) {
    fail(failure, payload);
  }
}

ExtractedList IsolatedPlugin::receive_children(const Frame& reply, std::size_t max_children, const WaitLimit& limit) {
  const Json& count = reply.header.contains("children") ? reply.header["children"] : Json();
  if (!count.is_number_unsigned() || count.get<std::uint64_t>() > max_children + 1) {
    throw ChannelError(ChannelError::Kind::Garbage, "a child count that is missing or above max_children");
  }
  ExtractedList children;
  children.reserve(count.get<std::size_t>());
  for (std::size_t i = 0; i < count.get<std::size_t>(); ++i) {
    Frame frame = receive_frame(socket_.get(), limit);
    const Json& size = frame.header.contains("size") ? frame.header["size"] : Json();
    if (!size.is_number_unsigned()) throw ChannelError(ChannelError::Kind::Garbage, "a child without its size");
    Json meta = frame.header.value("meta", Json::object());
    if (!meta.is_object()) throw ChannelError(ChannelError::Kind::Garbage, "child meta that is not an object");
    Payload bytes(Bytes{});
    if (size.get<std::uint64_t>() > 0) {
      if (!frame.fd.valid()) throw ChannelError(ChannelError::Kind::Garbage, "a child without its file");
      try {
        bytes = payload_from_fd(frame.fd.get(), size.get<std::uint64_t>());
      } catch (const Error& e) {
        throw ChannelError(ChannelError::Kind::Garbage, std::string("a child file: ") + e.what());
      }
    }
    children.emplace_back(std::move(meta), std::move(bytes));
  }
  return children;
}

}  // namespace stoq::isolation
