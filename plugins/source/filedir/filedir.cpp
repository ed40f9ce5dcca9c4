// source:filedir: queues the file given with -F, or every file of a directory
// (top level, hidden files skipped; or the whole tree with recursive = True).
// Entries that are not regular files (dangling links, FIFOs, sockets) are queued
// too: their fetch fails and the results say why, rather than them vanishing.
// Each message is {"path": <absolute path>, "archive": "file"} (plus "path_escaped"
// when the path is not UTF-8, stoq/path_text.hpp): the file connector fetches the
// bytes in the worker thread.
//
// Nothing is skipped silently: a directory that cannot be read is refused at start
// (the top one) or reported with a warning (one below it). The walk is iterative and
// fd-relative (openat), so its memory is linear in the depth and the number of
// entries pending, and paths longer than PATH_MAX are walked all the same.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "stoq/path_text.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::source::filedir {
namespace fs = std::filesystem;

constexpr int kDirectoryFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK;

std::string errno_text(int code) { return std::strerror(code); }

// An open directory descriptor, closed on destruction.
class DirectoryFd {
 public:
  explicit DirectoryFd(int fd = -1) : fd_(fd) {}
  DirectoryFd(DirectoryFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  DirectoryFd& operator=(DirectoryFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  DirectoryFd(const DirectoryFd&) = delete;
  DirectoryFd& operator=(const DirectoryFd&) = delete;
  ~DirectoryFd() { reset(); }
  [[nodiscard]] int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// What one directory holds, names only, sorted: the files to queue and the
// sub-directories to walk. Symbolic links to directories are neither (as before).
struct Listing {
  std::vector<std::string> files;
  std::vector<std::string> directories;
  std::string error;  // why the listing stopped early, empty when complete
};

// Lists the directory open as `fd` (the descriptor stays open and usable).
Listing list_directory(int fd, bool include_hidden) {
  Listing listing;
  int own = ::dup(fd);  // fdopendir takes ownership of its descriptor
  DIR* stream = own < 0 ? nullptr : ::fdopendir(own);
  if (stream == nullptr) {
    listing.error = errno_text(errno);
    if (own >= 0) ::close(own);
    return listing;
  }
  ::rewinddir(stream);
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(stream);
    if (entry == nullptr) {
      if (errno != 0) listing.error = errno_text(errno);
      break;
    }
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (!include_hidden && name.starts_with('.')) continue;
    bool directory = entry->d_type == DT_DIR;
    if (entry->d_type == DT_UNKNOWN || entry->d_type == DT_LNK) {
      struct stat status {};
      bool follow = entry->d_type == DT_LNK;  // a link to a directory is not walked, nor queued
      if (::fstatat(fd, entry->d_name, &status, follow ? 0 : AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(status.st_mode)) {
        if (follow) continue;
        directory = true;
      }
    }
    (directory ? listing.directories : listing.files).push_back(std::move(name));
  }
  ::closedir(stream);
  std::sort(listing.files.begin(), listing.files.end());
  std::sort(listing.directories.begin(), listing.directories.end());
  return listing;
}

class FileDirSource final : public Source {
 public:
  bool activate(Stoq& stoq) override {
    const RunOptions& run = stoq.run();
    if (run.consume_errors || run.source_queue != run.worker) {  // the default queue is the worker's name
      throw Error("filedir reads the files of -F: -Q and -E are for sources that consume a queue");
    }
    const std::string& path = stoq.run().path;
    if (path.empty()) throw Error("filedir needs a file or directory: give it with -F");
    for (const std::string& prefix : stoq.config().url_prefix_tuple) {
      if (!prefix.empty() && path.rfind(prefix, 0) == 0) {
        throw Error("filedir cannot fetch URLs yet: " + path);
      }
    }
    std::error_code error;
    if (!fs::exists(path, error)) throw Error("no such file or directory: " + path);
    root_ = fs::absolute(path).lexically_normal().string();
    if (root_.size() > 1 && root_.ends_with('/')) root_.pop_back();
    recursive_ = options().get_bool("recursive");
    if (fs::is_directory(root_, error)) {
      top_ = DirectoryFd(::open(root_.c_str(), kDirectoryFlags));
      if (top_.get() < 0) throw Error("cannot read directory " + root_ + ": " + errno_text(errno));
    }
    return true;
  }

  void ingest() override {
    if (top_.get() < 0) {
      stoq().expect_messages(1);
      queue(root_);
      return;
    }
    if (recursive_) {
      walk_tree();
      return;
    }
    Listing listing = list_directory(top_.get(), false);
    if (!listing.error.empty()) throw Error("cannot read directory " + root_ + ": " + listing.error);
    stoq().expect_messages(listing.files.size());  // the walk of a tree does not know it in advance
    for (const std::string& name : listing.files) {
      if (stoq().stopping() || !queue(child_path(root_, name))) return;
    }
  }

 private:
  // One directory of the walk: its descriptor (open only while it is the deepest level),
  // its identity (to check the way back up) and the sub-directories still to walk.
  struct Level {
    DirectoryFd fd;
    dev_t device = 0;
    ino_t inode = 0;
    std::vector<std::string> directories;
    std::size_t next = 0;
    std::size_t path_length = 0;
  };

  static std::string child_path(const std::string& parent, const std::string& name) {
    return parent == "/" ? "/" + name : parent + "/" + name;
  }

  // Depth first, each directory's files in name order before its sub-directories.
  // At most two descriptors are open at once: a level's is closed when the walk goes
  // below it and reopened through ".." (and checked) when it comes back.
  void walk_tree() {
    std::string path = root_;
    std::vector<Level> levels;
    if (!enter(std::move(top_), path, levels)) return;
    while (!levels.empty() && !stoq().stopping()) {
      std::size_t depth = levels.size() - 1;
      if (levels[depth].next == levels[depth].directories.size()) {
        DirectoryFd finished = std::move(levels[depth].fd);
        levels.pop_back();
        if (levels.empty()) return;
        path.resize(levels.back().path_length);
        if (!reopen_parent(finished.get(), levels.back(), path)) return;
        continue;
      }
      const std::string name = levels[depth].directories[levels[depth].next++];
      std::string child = child_path(path, name);
      DirectoryFd fd(::openat(levels[depth].fd.get(), name.c_str(), kDirectoryFlags | O_NOFOLLOW));
      if (fd.get() < 0) {
        log().warn("cannot read directory " + child + ": " + errno_text(errno) + " (skipped)");
        continue;
      }
      std::size_t known = levels.size();
      if (!enter(std::move(fd), child, levels)) return;
      if (levels.size() > known) {  // went one level down: the parent's descriptor can go
        levels[depth].fd.reset();
        path = std::move(child);
      }
    }
  }

  // Queues the files of the directory `fd` names and pushes it as the deepest level.
  // False when the run stops.
  bool enter(DirectoryFd fd, const std::string& path, std::vector<Level>& levels) {
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0) {
      log().warn("cannot read directory " + path + ": " + errno_text(errno) + " (skipped)");
      return true;
    }
    Listing listing = list_directory(fd.get(), true);
    if (!listing.error.empty()) {
      log().warn("cannot read directory " + path + ": " + listing.error + " (skipped what was not listed)");
    }
    for (const std::string& name : listing.files) {
      if (stoq().stopping() || !queue(child_path(path, name))) return false;
    }
    levels.push_back(
        Level{std::move(fd), status.st_dev, status.st_ino, std::move(listing.directories), 0, path.size()});
    return true;
  }

  // Reopens `parent` from its child's descriptor; the tree may have changed meanwhile,
  // so ".." must be the very directory the walk came down from.
  bool reopen_parent(int child_fd, Level& parent, const std::string& path) {
    DirectoryFd fd(::openat(child_fd, "..", kDirectoryFlags));
    struct stat status {};
    if (fd.get() < 0 || ::fstat(fd.get(), &status) != 0 || status.st_dev != parent.device ||
        status.st_ino != parent.inode) {
      log().warn("directory " + path + " moved while it was walked: the rest of the walk was skipped");
      return false;
    }
    parent.fd = std::move(fd);
    return true;
  }

  bool queue(const std::string& file) {
    Json message{{"path", file}, {"archive", "file"}};
    if (!is_strict_utf8(file)) message[kEscapedPathKey] = escape_invalid_utf8(file);
    return stoq().put(std::move(message));
  }

  std::string root_;
  DirectoryFd top_;  // the -F directory, opened at activate() so an unreadable one stops the run
  bool recursive_ = false;
};

constexpr stoq_option_spec kOptions[] = {
    {"recursive", STOQ_OPTION_BOOL, "False", "Walk sub-directories too (hidden files included).", 0},
};

}  // namespace stoq::plugins::source::filedir

STOQ_PLUGIN(stoq::plugins::source::filedir::FileDirSource, "filedir", "0.11",
            "Ingest a file or directory for processing", stoq::plugins::source::filedir::kOptions)
