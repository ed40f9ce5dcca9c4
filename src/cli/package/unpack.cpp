#include "cli/package/unpack.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>
#include <utility>

#include "stoq/error.hpp"

namespace stoq::cli::package {
namespace fs = std::filesystem;
namespace {

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The entry's path relative to the staging directory, or "" when it must be refused:
// absolute, empty, or with a `..` component. "./" prefixes and empty components go.
std::string safe_relative_path(std::string_view name) {
  if (name.empty() || name.front() == '/') return {};
  std::string out;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part == "..") return {};
    if (!part.empty() && part != ".") {
      if (part.find('\0') != std::string_view::npos) return {};
      out += (out.empty() ? "" : "/") + std::string(part);
    }
    start = end + 1;
  }
  return out;
}

class Unpacker {
 public:
  Unpacker(std::string archive_path, std::string into, const UnpackLimits& limits)
      : archive_path_(std::move(archive_path)), into_(std::move(into)), limits_(limits) {
    std::error_code error;
    archive_size_ = fs::file_size(archive_path_, error);
    if (error) throw Error(archive_path_ + ": cannot read: " + error.message());
  }

  void run() {
    ArchivePtr reader(archive_read_new(), archive_read_free);
    if (!reader) throw Error("out of memory opening " + archive_path_);
    archive_read_support_format_tar(reader.get());
    archive_read_support_format_zip(reader.get());
    archive_read_support_filter_gzip(reader.get());
    archive_read_support_filter_xz(reader.get());
    archive_read_support_filter_bzip2(reader.get());
    if (archive_read_open_filename(reader.get(), archive_path_.c_str(), 1 << 16) != ARCHIVE_OK) {
      fail("not a readable archive: " + message(reader.get()));
    }
    archive_entry* entry = nullptr;
    for (;;) {
      int status = archive_read_next_header(reader.get(), &entry);
      if (status == ARCHIVE_EOF) break;
      if (status != ARCHIVE_OK && status != ARCHIVE_WARN) fail("broken archive: " + message(reader.get()));
      if (++entries_ > limits_.max_entries) {
        fail("more than " + std::to_string(limits_.max_entries) + " entries (max_payloads)");
      }
      const char* raw_name = archive_entry_pathname(entry);
      std::string name = raw_name != nullptr ? raw_name : "";
      std::string relative = safe_relative_path(name);
      if (relative.empty()) {
        if (safe_relative_path(name + "/x") == "x") continue;  // "./": the archive's root itself
        fail("entry '" + name + "' points outside the package (absolute path or '..')");
      }
      fs::path target = fs::path(into_) / relative;
      mode_t type = archive_entry_filetype(entry);
      if (type == AE_IFDIR) {
        make_directories(target, name);
      } else if (type == AE_IFREG && archive_entry_hardlink(entry) == nullptr) {
        make_directories(target.parent_path(), name);
        write_file(reader.get(), target, name, archive_entry_perm(entry));
      } else {
        fail("entry '" + name + "' is a link or a special file: packages hold only files and directories");
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& why) const { throw Error(archive_path_ + ": " + why); }

  static std::string message(archive* reader) {
    const char* text = archive_error_string(reader);
    return text != nullptr ? text : "unknown error";
  }

  // `into` starts empty and this unpacker writes no links, so no directory on the way
  // can lead outside it.
  void make_directories(const fs::path& directory, const std::string& name) const {
    std::error_code error;
    fs::create_directories(directory, error);
    if (error) fail("cannot create the directory of '" + name + "': " + error.message());
  }

  void write_file(archive* reader, const fs::path& target, const std::string& name, mode_t permissions) {
    // O_EXCL|O_NOFOLLOW: a name that appears twice, or anything already there, is refused.
    mode_t mode = (permissions & 0111U) != 0 ? 0755 : 0644;
    int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) fail("cannot write '" + name + "' (a duplicate entry?)");
    class Closer {
     public:
      explicit Closer(int fd) : fd_(fd) {}
      ~Closer() { ::close(fd_); }
      Closer(const Closer&) = delete;
      Closer& operator=(const Closer&) = delete;

     private:
      int fd_;
    } closer(fd);
    std::array<char, 1 << 16> buffer{};
    std::uint64_t written = 0;
    for (;;) {
      la_ssize_t got = archive_read_data(reader, buffer.data(), buffer.size());
      if (got < 0) fail("broken entry '" + name + "': " + message(reader));
      if (got == 0) break;
      auto count = static_cast<std::uint64_t>(got);
      written += count;
      total_ += count;
      if (written > limits_.max_file_size) {
        fail("entry '" + name + "' is larger than " + std::to_string(limits_.max_file_size) +
             " bytes (max_child_size)");
      }
      if (total_ > limits_.max_total_bytes) {
        fail("expands to more than " + std::to_string(limits_.max_total_bytes) + " bytes (max_extracted_bytes)");
      }
      if (limits_.max_ratio > 0 && total_ > (1U << 20) &&
          static_cast<double>(total_) >
              limits_.max_ratio * static_cast<double>(archive_size_ == 0 ? 1 : archive_size_)) {
        fail("expands more than " + std::to_string(static_cast<long long>(limits_.max_ratio)) +
             " times its size (max_compression_ratio)");
      }
      std::size_t offset = 0;
      while (offset < count) {
        ssize_t put = ::write(fd, buffer.data() + offset, count - offset);
        if (put < 0) {
          if (errno == EINTR) continue;
          fail("cannot write '" + name + "': " + std::strerror(errno));
        }
        offset += static_cast<std::size_t>(put);
      }
    }
  }

  std::string archive_path_;
  std::string into_;
  UnpackLimits limits_;
  std::uint64_t archive_size_ = 0;
  std::uint64_t entries_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace

bool is_package_archive(const std::string& path) {
  for (std::string_view suffix : {".tar.gz", ".tgz", ".tar", ".tar.xz", ".txz", ".tar.bz2", ".zip"}) {
    if (ends_with(path, suffix)) return true;
  }
  return false;
}

void unpack_archive(const std::string& archive_path, const std::string& into, const UnpackLimits& limits) {
  Unpacker(archive_path, into, limits).run();
}

}  // namespace stoq::cli::package
