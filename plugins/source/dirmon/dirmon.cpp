// source:dirmon: watches the -F directory with inotify and queues every file that
// is closed after writing (IN_CLOSE_WRITE) or moved in (IN_MOVED_TO), until the
// run stops (SIGINT/SIGTERM). Hidden files (a leading '.') are never queued.
//
// Nothing that reaches the directory is lost:
//   * scan_existing (default True): the files already there when the watch starts are
//     queued first, so what arrived while stoq was stopped (or was queued but not yet
//     scanned at the last SIGTERM) is scanned after a restart;
//   * an inotify queue overflow (IN_Q_OVERFLOW: events were dropped) rescans the
//     directory for files changed since the last events were read;
//   * settle_ms: a file is queued once it has been quiet (no further write, close or
//     move event) for that long, so a writer that appends and closes in chunks gets
//     its file scanned once, not once per chunk.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include "stoq/path_text.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::source::dirmon {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class DirMonSource final : public Source {
 public:
  ~DirMonSource() override {
    if (fd_ >= 0) ::close(fd_);
  }

  bool activate(Stoq& stoq) override {
    const RunOptions& run = stoq.run();
    if (run.consume_errors || run.source_queue != run.worker) {  // the default queue is the worker's name
      throw Error("dirmon reads the directory of -F: -Q and -E are for sources that consume a queue");
    }
    const std::string& path = stoq.run().path;
    if (path.empty()) throw Error("dirmon needs a directory to watch: give it with -F");
    std::error_code error;
    if (!fs::is_directory(path, error)) throw Error("dirmon: not a directory: " + path);
    root_ = fs::absolute(path).lexically_normal();
    scan_existing_ = options().get_bool("scan_existing");
    std::int64_t settle = options().get_int("settle_ms");
    if (settle < 0 || settle > 3'600'000)
      throw Error("settle_ms must be between 0 and 3600000, not " + std::to_string(settle));
    settle_ = milliseconds(settle);
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0) throw Error(std::string("inotify_init1: ") + std::strerror(errno));
    // IN_MODIFY only delays a file already due (settle_ms); it never queues one by itself.
    constexpr std::uint32_t kEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF;
    if (::inotify_add_watch(fd_, root_.c_str(), kEvents) < 0) {
      throw Error("cannot watch " + root_.string() + ": " + std::strerror(errno));
    }
    last_empty_ = std::chrono::system_clock::now();
    return true;
  }

  void ingest() override {
    log().info("watching " + root_.string());
    // The watch exists since activate(): a file arriving during this listing is seen by
    // both, and the pending map keeps it once.
    if (scan_existing_) rescan(std::nullopt);
    alignas(inotify_event) char buffer[64 * 1024];
    while (!stoq().stopping()) {
      if (!queue_settled()) return;
      pollfd ready{fd_, POLLIN, 0};
      auto polled_at = std::chrono::system_clock::now();
      int polled = ::poll(&ready, 1, poll_timeout_ms());
      if (polled < 0 && errno != EINTR) throw Error(std::string("poll: ") + std::strerror(errno));
      if (polled == 0) last_empty_ = polled_at;  // no event was waiting: none can have been dropped before
      if (polled <= 0) continue;
      ssize_t length = ::read(fd_, buffer, sizeof(buffer));
      if (length < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        throw Error(std::string("reading inotify events: ") + std::strerror(errno));
      }
      bool overflowed = false;
      for (ssize_t offset = 0; offset + static_cast<ssize_t>(sizeof(inotify_event)) <= length;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
        offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        if (event->mask & IN_Q_OVERFLOW) overflowed = true;
        if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
          throw Error("watched directory went away: " + root_.string());
        }
        if (event->len == 0 || (event->mask & IN_ISDIR)) continue;
        std::string name(event->name, strnlen(event->name, event->len));
        if (name.empty() || name[0] == '.') continue;  // hidden and temporary files
        note(name, (event->mask & IN_MODIFY) != 0);
      }
      if (overflowed) {
        log().warn("inotify queue overflowed: rescanning " + root_.string() + " for the files changed since then");
        rescan(last_empty_);
      }
    }
  }

 private:
  using WallTime = std::chrono::system_clock::time_point;

  // A close, move or write event for `name`: (re)starts its quiet period. A write alone
  // only postpones a file already pending.
  void note(const std::string& name, bool write_only) {
    auto found = pending_.find(name);
    if (write_only && found == pending_.end()) return;
    pending_[name] = Clock::now() + settle_;
  }

  // Queues the pending files whose quiet period is over; false when the run stops.
  bool queue_settled() {
    auto now = Clock::now();
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second > now) {
        ++it;
        continue;
      }
      std::string path = (root_ / it->first).string();
      it = pending_.erase(it);
      Json message{{"path", path}, {"archive", "file"}};
      if (!is_strict_utf8(path)) message[kEscapedPathKey] = escape_invalid_utf8(path);
      if (!stoq().put(std::move(message))) return false;
    }
    return true;
  }

  // How long poll() may wait: until the next pending file is due, at most 200 ms (the
  // stop flag is checked between waits).
  [[nodiscard]] int poll_timeout_ms() const {
    milliseconds wait(200);
    auto now = Clock::now();
    for (const auto& [name, due] : pending_) {
      wait = std::min(wait, std::chrono::duration_cast<milliseconds>(due - now) + milliseconds(1));
    }
    return static_cast<int>(std::max<milliseconds::rep>(wait.count(), 0));
  }

  // Marks the directory's regular, non-hidden files pending (due after settle_ms, as one
  // may still be written); with
  // `changed_since`, only those whose status changed at or after it (less one second for
  // coarse timestamps): moved in or written, possibly unseen.
  void rescan(std::optional<WallTime> changed_since) {
    DIR* directory = ::opendir(root_.c_str());
    if (directory == nullptr) {
      log().warn("cannot list " + root_.string() + ": " + std::strerror(errno));
      return;
    }
    auto since = changed_since ? std::chrono::system_clock::to_time_t(*changed_since - std::chrono::seconds(1)) : 0;
    auto now = Clock::now();
    while (const dirent* entry = ::readdir(directory)) {
      if (entry->d_name[0] == '.') continue;
      struct stat status {};
      if (::fstatat(::dirfd(directory), entry->d_name, &status, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (!S_ISREG(status.st_mode) || status.st_ctime < since) continue;
      pending_.try_emplace(entry->d_name, now + settle_);  // a pending file keeps its own time
    }
    ::closedir(directory);
  }

  fs::path root_;
  int fd_ = -1;
  bool scan_existing_ = true;
  milliseconds settle_{0};
  std::map<std::string, Clock::time_point> pending_;  // file name -> when it may be queued
  WallTime last_empty_;  // when the event queue was last seen empty (a rescan after an overflow starts there)
};

constexpr stoq_option_spec kOptions[] = {
    {"scan_existing", STOQ_OPTION_BOOL, "True",
     "Queue the files already in the directory when the watch starts (what arrived while stoq was not running).", 0},
    {"settle_ms", STOQ_OPTION_INT, "250",
     "Queue a file once it has had no write, close or move for this many milliseconds (0: at once).", 0},
};

}  // namespace stoq::plugins::source::dirmon

STOQ_PLUGIN(stoq::plugins::source::dirmon::DirMonSource, "dirmon", "0.11",
            "Monitor a directory for newly created files for processing", stoq::plugins::source::dirmon::kOptions)
