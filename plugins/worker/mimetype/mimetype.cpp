// worker:mimetype: the payload's file type as libmagic sees it, with the answers
// file(1) gives: `mimetype` (file --mime-type -b) and `description` (file -b).
//
// file(1) hands libmagic a file descriptor, not a buffer: some of libmagic's tests
// need one (the ELF and OLE2/CDF parsers read headers anywhere in the file, magic
// with negative offsets reads the trailer, e.g. gzip's "original size"). So the
// payload is staged in a private memfd, reused for every payload of this instance:
//   * the first head_bytes, and the last head_bytes at their real offsets, with a
//     sparse hole between them (the file keeps the payload's size), and libmagic's
//     bytes_max set to head_bytes, so it reads exactly that much, as file(1) would
//     read with `-P bytes_max=<head_bytes>`;
//   * ELF and OLE2 payloads whole (up to max_whole_bytes), as their parsers need.
// The default head_bytes (64 KiB) is the smallest power of two that gives file(1)'s
// answers on every file of the strelka corpus (an ISO 9660 volume descriptor sits at
// 32 KiB; libmagic's text checks look at 64 KiB at most).
//
// Each instance (one per worker thread) opens its own libmagic handles and loads
// the database once, in activate(): libmagic handles are not thread-safe.
#include <fcntl.h>
#include <magic.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "stoq/plugin.hpp"

namespace stoq::plugins::worker::mimetype {

namespace {

/// One libmagic handle with its database loaded.
class MagicHandle {
 public:
  MagicHandle() = default;
  MagicHandle(const MagicHandle&) = delete;
  MagicHandle& operator=(const MagicHandle&) = delete;
  ~MagicHandle() {
    if (cookie_ != nullptr) magic_close(cookie_);
  }

  void open(int flags, std::size_t bytes_max) {
    cookie_ = magic_open(flags);
    if (cookie_ == nullptr) throw Error(std::string("libmagic: magic_open failed: ") + std::strerror(errno));
    if (magic_load(cookie_, nullptr) != 0) {
      throw Error(std::string("libmagic: cannot load the magic database: ") + error_text());
    }
    if (bytes_max > 0 && magic_setparam(cookie_, MAGIC_PARAM_BYTES_MAX, &bytes_max) != 0) {
      throw Error("libmagic: cannot set bytes_max to " + std::to_string(bytes_max));
    }
  }

  [[nodiscard]] std::string describe(int fd) const {
    const char* answer = magic_descriptor(cookie_, fd);
    if (answer == nullptr) throw Error(std::string("libmagic: ") + error_text());
    return answer;
  }

 private:
  [[nodiscard]] std::string error_text() const {
    const char* text = magic_error(cookie_);
    return text != nullptr ? text : "unknown error";
  }
  magic_t cookie_ = nullptr;
};

/// An anonymous in-memory file that holds the part of a payload libmagic may read.
class Stage {
 public:
  Stage() = default;
  Stage(const Stage&) = delete;
  Stage& operator=(const Stage&) = delete;
  ~Stage() {
    if (fd_ >= 0) ::close(fd_);
  }

  void open() {
    fd_ = ::memfd_create("stoq-mimetype", MFD_CLOEXEC);
    if (fd_ < 0) throw Error(std::string("memfd_create: ") + std::strerror(errno));
  }

  [[nodiscard]] int fd() const { return fd_; }

  /// Empties the file, gives it `size` bytes (a hole) and writes the given parts.
  void reset(std::size_t size) const {
    if (::ftruncate(fd_, 0) != 0 || ::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      throw Error(std::string("mimetype: cannot size the staging file: ") + std::strerror(errno));
    }
  }

  void write(ByteView part, std::size_t offset) const {
    std::size_t done = 0;
    while (done < part.size()) {
      ssize_t wrote = ::pwrite(fd_, part.data() + done, part.size() - done, static_cast<off_t>(offset + done));
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) throw Error(std::string("mimetype: cannot stage the payload: ") + std::strerror(errno));
      done += static_cast<std::size_t>(wrote);
    }
  }

 private:
  int fd_ = -1;
};

/// Formats whose libmagic parser follows offsets anywhere in the file.
bool needs_whole(ByteView bytes) {
  static constexpr unsigned char kCdf[] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};
  return bytes.starts_with(
             "\x7f"
             "ELF") ||
         bytes.starts_with(std::string_view(reinterpret_cast<const char*>(kCdf), sizeof(kCdf)));
}

}  // namespace

class MimeTypeWorker final : public Worker {
 public:
  bool activate(Stoq& /*stoq*/) override {
    std::int64_t head = options().get_int("head_bytes");
    if (head < 0) throw Error("head_bytes must be 0 or more, got " + std::to_string(head));
    std::int64_t whole = options().get_int("max_whole_bytes");
    if (whole < 0) throw Error("max_whole_bytes must be 0 or more, got " + std::to_string(whole));
    head_ = static_cast<std::size_t>(head);
    max_whole_ = static_cast<std::size_t>(whole);
    describe_ = options().get_bool("description");
    mime_.open(MAGIC_MIME_TYPE, head_);
    if (describe_) description_.open(MAGIC_NONE, head_);
    stage_.open();
    return true;
  }

  Json scan(const Payload& payload, const Json& /*kwargs*/) override {
    if (payload.is_none()) throw Error("mimetype needs a payload: give a file or directory with -F");
    ByteView bytes = payload.bytes();
    Json results = Json::object();
    if (bytes.empty()) {
      // file(1) answers from stat() for an empty regular file.
      results["mimetype"] = "inode/x-empty";
      if (describe_) results["description"] = "empty";
      return results;
    }
    stage(bytes);
    results["mimetype"] = mime_.describe(stage_.fd());
    if (describe_) results["description"] = description_.describe(stage_.fd());
    return results;
  }

 private:
  void stage(ByteView bytes) {
    std::size_t size = bytes.size();
    stage_.reset(size);
    bool whole = head_ == 0 || size <= 2 * head_ || (size <= max_whole_ && needs_whole(bytes));
    if (whole) {
      stage_.write(bytes, 0);
      return;
    }
    stage_.write(bytes.head(head_), 0);
    stage_.write(bytes.tail(size - head_), size - head_);
  }

  std::size_t head_ = 0;
  std::size_t max_whole_ = 0;
  bool describe_ = true;
  MagicHandle mime_;
  MagicHandle description_;
  Stage stage_;
};

constexpr stoq_option_spec kOptions[] = {
    {"head_bytes", STOQ_OPTION_INT, "65536",
     "Bytes libmagic sees from the start and from the end of a payload (0: as much as file(1) reads).", 0},
    {"max_whole_bytes", STOQ_OPTION_INT, "67108864",
     "ELF and OLE2 payloads up to this size are shown to libmagic whole, as file(1) shows them.", 0},
    {"description", STOQ_OPTION_BOOL, "True", "Also report the description file -b gives (a second libmagic pass).", 0},
};

}  // namespace stoq::plugins::worker::mimetype

STOQ_PLUGIN(stoq::plugins::worker::mimetype::MimeTypeWorker, "mimetype", "0.1",
            "Identify the file type with libmagic: MIME type and description, as file(1) gives them",
            stoq::plugins::worker::mimetype::kOptions)
