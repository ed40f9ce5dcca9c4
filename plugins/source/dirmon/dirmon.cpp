// source:dirmon: watches the -F directory with inotify and queues every file that
// is closed after writing (IN_CLOSE_WRITE) or moved in (IN_MOVED_TO), until the
// run stops (SIGINT/SIGTERM). Files present before the start are not queued.
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "stoq/plugin.hpp"

namespace stoq::plugins::source::dirmon {
namespace fs = std::filesystem;

class DirMonSource final : public Source {
 public:
  ~DirMonSource() override {
    if (fd_ >= 0) ::close(fd_);
  }

  bool activate(Stoq& stoq) override {
    const std::string& path = stoq.run().path;
    if (path.empty()) throw Error("dirmon needs a directory to watch: give it with -F");
    std::error_code error;
    if (!fs::is_directory(path, error)) throw Error("dirmon: not a directory: " + path);
    root_ = fs::absolute(path).lexically_normal();
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0) throw Error(std::string("inotify_init1: ") + std::strerror(errno));
    if (::inotify_add_watch(fd_, root_.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
      throw Error("cannot watch " + root_.string() + ": " + std::strerror(errno));
    }
    return true;
  }

  void ingest() override {
    log().info("watching " + root_.string());
    alignas(inotify_event) char buffer[64 * 1024];
    while (!stoq().stopping()) {
      pollfd ready{fd_, POLLIN, 0};
      int polled = ::poll(&ready, 1, 200);
      if (polled < 0 && errno != EINTR) throw Error(std::string("poll: ") + std::strerror(errno));
      if (polled <= 0) continue;
      ssize_t length = ::read(fd_, buffer, sizeof(buffer));
      if (length < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        throw Error(std::string("reading inotify events: ") + std::strerror(errno));
      }
      for (ssize_t offset = 0; offset + static_cast<ssize_t>(sizeof(inotify_event)) <= length;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
        offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        if (event->mask & IN_Q_OVERFLOW) log().warn("inotify queue overflowed: some new files were missed");
        if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
          throw Error("watched directory went away: " + root_.string());
        }
        if (event->len == 0 || (event->mask & IN_ISDIR)) continue;
        std::string name(event->name, strnlen(event->name, event->len));
        if (name.empty() || name[0] == '.') continue;  // hidden and temporary files
        if (!stoq().put(Json{{"path", (root_ / name).string()}, {"archive", "file"}})) return;
      }
    }
  }

 private:
  fs::path root_;
  int fd_ = -1;
};

}  // namespace stoq::plugins::source::dirmon

STOQ_PLUGIN(stoq::plugins::source::dirmon::DirMonSource, "dirmon", "0.11",
            "Monitor a directory for newly created files for processing", stoq::kNoOptions)
