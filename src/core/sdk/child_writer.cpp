// ChildWriter: a child payload built in pieces, in memory up to a budget, then in an
// unlinked spill file that is memory-mapped when finished (include/stoq/extraction.hpp).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include "sdk/hashing.hpp"
#include "stoq/error.hpp"
#include "stoq/extraction.hpp"

namespace stoq {
namespace {

std::string errno_text() { return std::strerror(errno); }

// An anonymous file in `dir`: O_TMPFILE when the filesystem has it, else a named
// file unlinked at once. Either way no name stays behind, even after SIGKILL.
int open_spill_file(const std::string& dir) {
  std::string where = dir.empty() ? std::filesystem::temp_directory_path().string() : dir;
  int fd = ::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string pattern = where + "/stoq-spill-XXXXXX";
  fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) throw Error("cannot create a spill file in " + where + ": " + errno_text());
  ::unlink(pattern.c_str());
  return fd;
}

void write_all(int fd, const std::uint8_t* data, std::size_t length) {
  while (length > 0) {
    ssize_t written = ::write(fd, data, length);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot write a spill file: " + errno_text());
    }
    data += written;
    length -= static_cast<std::size_t>(written);
  }
}

}  // namespace

struct ChildWriter::Impl {
  Settings settings;
  Bytes memory;
  int fd = -1;
  std::uint64_t size = 0;
  bool truncated = false;
  IncrementalHasher hasher;

  ~Impl() {
    if (fd >= 0) ::close(fd);
    if (settings.shared_budget) *settings.shared_budget += memory.size();  // dropped unfinished
  }

  void spill() {
    fd = open_spill_file(settings.spill_dir);
    write_all(fd, memory.data(), memory.size());
    if (settings.shared_budget) *settings.shared_budget += memory.size();
    Bytes().swap(memory);  // give the memory back now
  }

  // Whether `more` bytes may still be kept in memory.
  [[nodiscard]] bool fits_in_memory(std::size_t more) const {
    if (size + more > settings.memory_limit) return false;
    return !settings.shared_budget || more <= *settings.shared_budget;
  }
};

ChildWriter::ChildWriter(Settings settings) : impl_(std::make_unique<Impl>()) { impl_->settings = std::move(settings); }
ChildWriter::ChildWriter() : ChildWriter(Settings{}) {}
ChildWriter::~ChildWriter() = default;
ChildWriter::ChildWriter(ChildWriter&&) noexcept = default;
ChildWriter& ChildWriter::operator=(ChildWriter&&) noexcept = default;

bool ChildWriter::write(ByteView bytes) {
  Impl& impl = *impl_;
  if (impl.truncated) return false;
  std::uint64_t room = impl.settings.max_size - std::min(impl.size, impl.settings.max_size);
  ByteView kept = bytes.head(static_cast<std::size_t>(std::min<std::uint64_t>(room, bytes.size())));
  if (kept.size() < bytes.size()) impl.truncated = true;
  if (kept.empty()) return !impl.truncated;
  impl.hasher.update(kept);
  if (impl.fd < 0 && !impl.fits_in_memory(kept.size())) impl.spill();
  if (impl.fd >= 0) {
    write_all(impl.fd, kept.data(), kept.size());
  } else {
    // Grow geometrically but never past memory_limit: the buffer's capacity is RAM too.
    std::size_t needed = impl.memory.size() + kept.size();
    if (needed > impl.memory.capacity()) {
      auto limit = static_cast<std::size_t>(std::min<std::uint64_t>(impl.settings.memory_limit, SIZE_MAX));
      impl.memory.reserve(std::max(needed, std::min(limit, impl.memory.capacity() * 2)));
    }
    impl.memory.insert(impl.memory.end(), kept.data(), kept.data() + kept.size());
    if (impl.settings.shared_budget) *impl.settings.shared_budget -= kept.size();
  }
  impl.size += kept.size();
  return !impl.truncated;
}

std::uint64_t ChildWriter::size() const { return impl_->size; }
bool ChildWriter::truncated() const { return impl_->truncated; }
bool ChildWriter::spilled() const { return impl_->fd >= 0; }

Payload ChildWriter::finish() {
  Impl& impl = *impl_;
  Hashes hashes = impl.hasher.finish();
  Payload payload;
  if (impl.fd >= 0 && impl.size > 0) {
    auto length = static_cast<std::size_t>(impl.size);
    void* address = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, impl.fd, 0);
    if (address == MAP_FAILED) throw Error("cannot map a spill file: " + errno_text());
    ::close(impl.fd);  // the mapping keeps the (unlinked) file alive until it is unmapped
    impl.fd = -1;
    std::shared_ptr<const void> mapping(address,
                                        [length](const void* region) { ::munmap(const_cast<void*>(region), length); });
    payload = Payload(std::move(mapping), ByteView(static_cast<const std::uint8_t*>(address), length));
    payload.mapped_ = true;
  } else {
    payload = Payload(std::move(impl.memory));
  }
  payload.hashes_ = std::move(hashes);
  Settings settings = std::move(impl.settings);
  impl_ = std::make_unique<Impl>();
  impl_->settings = std::move(settings);
  return payload;
}

}  // namespace stoq
