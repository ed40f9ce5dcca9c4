#include "stoq/payload.hpp"

#include <fcntl.h>
#include <fuzzy.h>
#include <magic.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>

#include "sdk/hashing.hpp"
#include "sdk/mapping_guard.hpp"
#include "stoq/error.hpp"

namespace stoq {

Payload::Payload(Bytes bytes) {
  auto owned = std::make_shared<const Bytes>(std::move(bytes));
  view_ = ByteView(*owned);
  owner_ = std::move(owned);
}

Payload::Payload(std::shared_ptr<const void> owner, ByteView view) : owner_(std::move(owner)), view_(view) {
  if (!owner_) owner_ = std::make_shared<const Bytes>();  // an empty view is still a payload
}

namespace {

struct MdContextDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdContext = std::unique_ptr<EVP_MD_CTX, MdContextDeleter>;

std::string to_hex(const unsigned char* digest, unsigned length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(length) * 2, '\0');
  for (unsigned i = 0; i < length; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

// One set of digest contexts per thread, reused for every payload that thread hashes.
// Fetched once per process: EVP_md5() and friends make OpenSSL 3 look the algorithm up
// again on every EVP_DigestInit_ex.
const std::array<EVP_MD*, 4>& fetched_algorithms() {
  static const std::array<EVP_MD*, 4> algorithms{
      EVP_MD_fetch(nullptr, "MD5", nullptr), EVP_MD_fetch(nullptr, "SHA1", nullptr),
      EVP_MD_fetch(nullptr, "SHA256", nullptr), EVP_MD_fetch(nullptr, "SHA512", nullptr)};
  return algorithms;
}

struct HashContexts {
  const std::array<EVP_MD*, 4>& algorithms = fetched_algorithms();
  std::array<MdContext, 4> contexts;
  HashContexts() {
    for (const EVP_MD* algorithm : algorithms) {
      if (algorithm == nullptr) throw Error("OpenSSL has no md5/sha1/sha256/sha512 digest available");
    }
    for (auto& ctx : contexts) {
      ctx.reset(EVP_MD_CTX_new());
      if (!ctx) throw std::bad_alloc();
    }
  }
};

struct FileDescriptor {
  int fd;
  explicit FileDescriptor(int descriptor) : fd(descriptor) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);  // AT_FDCWD is negative: never closed
  }
};

std::string errno_text() { return std::strerror(errno); }

// A read-only mapping of a whole file, registered with the SIGBUS guard for as long as
// it exists: if the file shrinks while it is read, the missing pages read as zeros
// (mapping_guard.hpp) instead of killing the process.
class FileMapping {
 public:
  FileMapping(void* address, std::size_t length) : address_(address), length_(length) {
    guard_.emplace(address, length);
  }
  ~FileMapping() {
    guard_.reset();  // unregistered first: the address range may be reused once unmapped
    ::munmap(address_, length_);
  }
  FileMapping(const FileMapping&) = delete;
  FileMapping& operator=(const FileMapping&) = delete;

 private:
  void* address_;
  std::size_t length_;
  std::optional<mapping_guard::GuardedRange> guard_;
};

std::string not_regular(const std::string& path, mode_t mode) {
  const char* kind = S_ISDIR(mode)    ? "a directory"
                     : S_ISFIFO(mode) ? "a FIFO"
                     : S_ISSOCK(mode) ? "a socket"
                     : S_ISCHR(mode)  ? "a character device"
                     : S_ISBLK(mode)  ? "a block device"
                                      : "not a file";
  return "not a regular file: " + path + " (" + kind + ", skipped)";
}

// open() refuses paths of PATH_MAX bytes or more, which a deep tree's files have (the
// filedir walk reaches them with openat): the directories are opened one at a time.
// Returns the parent directory's descriptor and sets `name` to the last component.
int open_parent_of_long_path(const std::string& path, std::string& name) {
  std::size_t last_slash = path.rfind('/');
  if (last_slash == std::string::npos) return AT_FDCWD;
  int directory = ::open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  for (std::size_t start = path[0] == '/' ? 1 : 0; directory >= 0 && start < last_slash;) {
    std::size_t end = std::min(path.find('/', start), last_slash);
    std::string component = path.substr(start, end - start);
    start = end + 1;
    if (component.empty()) continue;
    int next = ::openat(directory, component.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    int saved = errno;
    ::close(directory);
    errno = saved;
    directory = next;
  }
  if (directory < 0) throw Error("cannot open " + path + ": " + errno_text());
  name = path.substr(last_slash + 1);
  return directory;
}

std::string too_large(const std::string& path, const std::string& size, std::size_t max_size) {
  return "file too large: " + path + " is " + size + " bytes, max_payload_size is " + std::to_string(max_size);
}

// Reads what the file holds until EOF, for files whose size the kernel reports as 0
// (/proc, /sys and the like generate their content when read). Bounded by max_size.
Payload read_to_end(int fd, const std::string& path, std::size_t max_size) {
  Bytes data;
  std::array<std::uint8_t, 64 * 1024> block{};
  while (true) {
    ssize_t got = ::read(fd, block.data(), block.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot read " + path + ": " + errno_text());
    }
    if (got == 0) break;
    if (static_cast<std::size_t>(got) > max_size - data.size()) {
      throw Error(too_large(path, "more than " + std::to_string(max_size), max_size));
    }
    data.insert(data.end(), block.data(), block.data() + got);
  }
  return Payload(std::move(data));
}

}  // namespace

struct IncrementalHasher::State {
  HashContexts hc;
};

IncrementalHasher::IncrementalHasher() : state_(std::make_unique<State>()) { reset(); }

void IncrementalHasher::reset() {
  for (std::size_t i = 0; i < state_->hc.contexts.size(); ++i) {
    if (EVP_DigestInit_ex(state_->hc.contexts[i].get(), state_->hc.algorithms[i], nullptr) != 1) {
      throw Error("OpenSSL digest initialisation failed");
    }
  }
}
IncrementalHasher::~IncrementalHasher() = default;
IncrementalHasher::IncrementalHasher(IncrementalHasher&&) noexcept = default;
IncrementalHasher& IncrementalHasher::operator=(IncrementalHasher&&) noexcept = default;

void IncrementalHasher::update(ByteView bytes) {
  // Feed every digest the same cache-sized chunk before moving on: one pass over memory.
  constexpr std::size_t kChunk = 32 * 1024;
  for (std::size_t offset = 0; offset < bytes.size(); offset += kChunk) {
    std::size_t length = std::min(kChunk, bytes.size() - offset);
    for (auto& ctx : state_->hc.contexts) EVP_DigestUpdate(ctx.get(), bytes.data() + offset, length);
  }
}

Hashes IncrementalHasher::finish() {
  std::array<std::string, 4> hex;
  for (std::size_t i = 0; i < state_->hc.contexts.size(); ++i) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    EVP_DigestFinal_ex(state_->hc.contexts[i].get(), digest, &length);
    hex[i] = to_hex(digest, length);
  }
  return Hashes{std::move(hex[0]), std::move(hex[1]), std::move(hex[2]), std::move(hex[3])};
}

Hashes compute_hashes(ByteView bytes) {
  thread_local IncrementalHasher hasher;  // one set of digest contexts per thread, reused
  hasher.reset();
  hasher.update(bytes);
  return hasher.finish();
}

const Hashes& Payload::hashes() const {
  if (hashes_) return *hashes_;
  if (!mapped_) {
    hashes_ = compute_hashes(view_);
  } else {
    IncrementalHasher hasher;
    read_sequentially(1 << 20, [&](ByteView piece) {
      hasher.update(piece);
      return true;
    });
    hashes_ = hasher.finish();
  }
  return *hashes_;
}

void Payload::read_sequentially(std::size_t chunk, const std::function<bool(ByteView)>& visit) const {
  if (chunk == 0) chunk = 1 << 20;
  for (std::size_t offset = 0; offset < view_.size(); offset += chunk) {
    std::size_t length = std::min(chunk, view_.size() - offset);
    bool more = visit(ByteView(view_.data() + offset, length));
    release_pages(offset, length);
    if (!more) return;
  }
}

void Payload::release_pages(std::size_t offset, std::size_t length) const {
  if (!mapped_ || !view_.fits(offset, length) || length == 0) return;
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  // Whole pages only; the last page of the view counts as whole (nothing follows it).
  auto start = reinterpret_cast<std::uintptr_t>(view_.data() + offset);
  auto end = start + length;
  bool to_the_end = offset + length == view_.size();
  std::uintptr_t first = (start + page - 1) / page * page;
  std::uintptr_t last = (to_the_end ? end + page - 1 : end) / page * page;
  if (offset == 0) first = start / page * page;  // a mapping starts on a page boundary
  // The address as a pointer derived from the view's own (no integer-to-pointer cast).
  auto shift = static_cast<std::ptrdiff_t>(first) - static_cast<std::ptrdiff_t>(start);
  auto* first_page = const_cast<std::uint8_t*>(view_.data() + offset) + shift;
  if (last > first) ::madvise(first_page, last - first, MADV_DONTNEED);
}

Payload read_file_payload(const std::string& path, std::size_t max_size) {
  // Never open what is not a regular file: opening a device can have effects of its own
  // (a watchdog arms, a tape rewinds). fstat() after open() closes the race with a swap.
  std::string name = path;
  FileDescriptor parent{path.size() >= PATH_MAX ? open_parent_of_long_path(path, name) : AT_FDCWD};
  struct stat status {};
  if (::fstatat(parent.fd, name.c_str(), &status, 0) != 0) throw Error("cannot open " + path + ": " + errno_text());
  if (!S_ISREG(status.st_mode)) throw Error(not_regular(path, status.st_mode));
  FileDescriptor file{::openat(parent.fd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (file.fd < 0) throw Error("cannot open " + path + ": " + errno_text());
  if (::fstat(file.fd, &status) != 0) throw Error("cannot stat " + path + ": " + errno_text());
  if (!S_ISREG(status.st_mode)) throw Error(not_regular(path, status.st_mode));
  auto size = static_cast<std::size_t>(status.st_size);
  if (size > max_size) throw Error(too_large(path, std::to_string(size), max_size));
  if (size == 0) return read_to_end(file.fd, path, max_size);
  constexpr std::size_t kMapThreshold = 256 * 1024;
  if (size >= kMapThreshold) {
    void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, file.fd, 0);
    if (address == MAP_FAILED) throw Error("cannot map " + path + ": " + errno_text());
    // The mapping lives exactly as long as the last copy of the payload.
    std::shared_ptr<const void> mapping = std::make_shared<const FileMapping>(address, size);
    Payload payload(std::move(mapping), ByteView(static_cast<const std::uint8_t*>(address), size));
    payload.mapped_ = true;
    return payload;
  }
  // Small files: read up to the size fstat reported (a file growing under us is cut
  // there), into a buffer that is not zero-filled first.
  std::shared_ptr<std::uint8_t[]> data = std::make_shared_for_overwrite<std::uint8_t[]>(size);
  std::size_t filled = 0;
  while (filled < size) {
    ssize_t got = ::read(file.fd, data.get() + filled, size - filled);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot read " + path + ": " + errno_text());
    }
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  ByteView view(data.get(), filled);
  return Payload(std::shared_ptr<const void>(std::move(data)), view);
}

std::string ssdeep_hash(ByteView bytes) {
  char result[FUZZY_MAX_RESULT];
  if (fuzzy_hash_buf(bytes.data(), static_cast<uint32_t>(std::min<std::size_t>(bytes.size(), UINT32_MAX)), result) !=
      0) {
    throw Error("ssdeep hashing failed");
  }
  return result;
}

std::string magic_mime(ByteView bytes) {
  struct MagicHandle {
    magic_t cookie;
    MagicHandle(const MagicHandle&) = delete;
    MagicHandle& operator=(const MagicHandle&) = delete;
    MagicHandle() : cookie(magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS)) {
      if (cookie != nullptr && magic_load(cookie, nullptr) != 0) {
        magic_close(cookie);
        cookie = nullptr;
      }
    }
    ~MagicHandle() {
      if (cookie != nullptr) magic_close(cookie);
    }
  };
  thread_local MagicHandle handle;  // libmagic handles are not thread-safe: one per thread
  if (handle.cookie == nullptr) throw Error("libmagic database could not be loaded");
  ByteView head = bytes.head(1000);
  const char* type = magic_buffer(handle.cookie, head.data(), head.size());
  if (type == nullptr) throw Error(std::string("libmagic: ") + magic_error(handle.cookie));
  return type;
}

}  // namespace stoq
