// Files the file connector writes, never seen half-written:
//   * publish_new_file(): the bytes go to an unnamed file (O_TMPFILE) in the target
//     directory, or where the filesystem has none to a hidden ".<random>.partial" name
//     there, and only then get their name, without ever replacing an existing file. A
//     full disk, a crash or kill -9 leave no file under a final name (at most a hidden
//     .partial file on filesystems without O_TMPFILE).
//   * append_record(): one record appended whole to an existing file, in one write under
//     an exclusive flock; starts on a new line when the file does not end with one; a
//     write cut short (disk full) is cut back off.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <string_view>

#include "stoq/error.hpp"

namespace stoq::plugins::connector::file {

inline std::string random_name() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  char text[33];
  std::snprintf(text, sizeof(text), "%016llx%016llx", static_cast<unsigned long long>(generator()),
                static_cast<unsigned long long>(generator()));
  return text;
}

inline std::string errno_text(int error) { return std::strerror(error); }

/// Owns a file descriptor; close() reports the error a deferred write may only show then.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = other.fd_;
      other.fd_ = -1;
    }
    return *this;
  }
  FileDescriptor(FileDescriptor&&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }
  /// 0, or the errno of a failed close.
  int close() {
    int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

/// Writes all of `data`; 0 or the errno of the failure.
inline int write_fully(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

/// How publish_new_file() stages the bytes before they get their name.
enum class Staging {
  Unnamed,  // O_TMPFILE where the filesystem has it, else Hidden
  Hidden,   // always a hidden temporary name in the directory
};

/// Writes `data` to a new file in `dir` named `name_for(0)`, else `name_for(1)`, ... (up to
/// `attempts`): the first name not taken; an existing file is never replaced. Returns the
/// path. Throws stoq::Error naming the file and the reason; nothing is left behind then.
inline std::string publish_new_file(const std::string& dir, const std::function<std::string(int)>& name_for,
                                    std::string_view data, int attempts = 1000, Staging staging = Staging::Unnamed) {
  std::string first = dir + "/" + name_for(0);
  std::string staged;  // the hidden temporary name, when there is one
  FileDescriptor out{staging == Staging::Unnamed ? ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644) : -1};
  if (out.get() < 0) {
    int error = errno;
    bool no_tmpfile = staging == Staging::Hidden || error == EOPNOTSUPP || error == EISDIR || error == EINVAL;
    if (!no_tmpfile) throw Error("cannot create " + first + ": " + errno_text(error));
    staged = dir + "/." + random_name() + ".partial";
    out = FileDescriptor{::open(staged.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644)};
    if (out.get() < 0) throw Error("cannot create " + first + ": " + errno_text(errno));
  }
  struct RemoveStaged {
    const std::string& path;
    ~RemoveStaged() {
      if (!path.empty()) ::unlink(path.c_str());
    }
  } remove_staged{staged};

  if (int error = write_fully(out.get(), data)) throw Error("cannot write " + first + ": " + errno_text(error));
  if (!staged.empty()) {
    if (int error = out.close()) throw Error("cannot write " + first + ": " + errno_text(error));
  }
  std::string from = staged.empty() ? "/proc/self/fd/" + std::to_string(out.get()) : staged;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    std::string path = attempt == 0 ? first : dir + "/" + name_for(attempt);
    // link() never replaces: EEXIST means the name is taken (several documents of one
    // payload share its uuid), so the next one is tried.
    int linked = ::linkat(AT_FDCWD, from.c_str(), AT_FDCWD, path.c_str(), staged.empty() ? AT_SYMLINK_FOLLOW : 0);
    if (linked == 0) {
      if (staged.empty()) {
        if (int error = out.close()) throw Error("cannot write " + path + ": " + errno_text(error));
      }
      return path;
    }
    if (errno != EEXIST) throw Error("cannot create " + path + ": " + errno_text(errno));
  }
  throw Error("cannot find a free file name for " + first + " (" + std::to_string(attempts) + " taken)");
}

/// Appends `record` (which ends with a newline) to the existing file `path` as one write.
/// Throws stoq::Error; the file is then as it was.
inline void append_record(const std::string& path, std::string record) {
  // Read access lets us look at the last byte; a write-only file is appended to as it is.
  FileDescriptor out{::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC)};
  bool can_read = out.get() >= 0;
  if (!can_read) out = FileDescriptor{::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC)};
  if (out.get() < 0) throw Error("cannot append to " + path + ": " + errno_text(errno));
  while (::flock(out.get(), LOCK_EX) != 0) {  // one record at a time, even across processes
    if (errno != EINTR) throw Error("cannot lock " + path + ": " + errno_text(errno));
  }
  struct stat before {};
  if (::fstat(out.get(), &before) != 0) throw Error("cannot append to " + path + ": " + errno_text(errno));
  char last = '\n';
  if (can_read && before.st_size > 0 && ::pread(out.get(), &last, 1, before.st_size - 1) == 1 && last != '\n') {
    record.insert(0, 1, '\n');  // the last record was cut short, or the file was not ours: start a new line
  }
  ssize_t written = -1;
  do {
    written = ::write(out.get(), record.data(), record.size());
  } while (written < 0 && errno == EINTR);
  if (written == static_cast<ssize_t>(record.size())) return;
  int error = written < 0 ? errno : ENOSPC;  // a short write to a regular file: the disk is full
  if (written > 0 && ::ftruncate(out.get(), before.st_size) != 0) {
    throw Error("cannot append to " + path + ": " + errno_text(error) + "; the last line is incomplete (" +
                errno_text(errno) + ")");
  }
  throw Error("cannot append to " + path + ": " + errno_text(error));
}

}  // namespace stoq::plugins::connector::file
