// A payload: the bytes under analysis, read once and lent to every plugin as a
// read-only ByteView. Hashes are computed on first use and then reused, so a
// payload is hashed once whatever asks (framework, hash worker, connectors).
//
// Threading: a Payload is processed by one worker thread at a time; it is not
// safe to call hashes() concurrently on the same object.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "stoq/bytes.hpp"

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

struct Hashes {
  std::string md5;
  std::string sha1;
  std::string sha256;
  std::string sha512;
};

class Payload {
 public:
  /// The absent payload: what a worker sees when it runs without a source (-F/-I).
  Payload() = default;
  explicit Payload(Bytes bytes);
  /// Borrows `view`, kept valid by `owner` (a buffer, a memory map, ...).
  Payload(std::shared_ptr<const void> owner, ByteView view);

  [[nodiscard]] bool is_none() const { return !owner_; }
  [[nodiscard]] ByteView bytes() const { return view_; }
  [[nodiscard]] std::size_t size() const { return view_.size(); }

  /// md5, sha1, sha256 and sha512 as lower-case hex; computed in one pass, once.
  [[nodiscard]] const Hashes& hashes() const;

  /// True when the bytes are a memory-mapped file (a large file read from disk, or a
  /// child spilled out of the request's memory budget).
  [[nodiscard]] bool is_mapped() const { return mapped_; }

  /// Lends the bytes front to back in pieces of at most `chunk` bytes; `visit` returns
  /// false to stop. For a mapped payload the pages of each piece are released from this
  /// process once visited (they stay in the page cache): one pass over a payload of any
  /// size adds at most `chunk` bytes to resident memory.
  void read_sequentially(std::size_t chunk, const std::function<bool(ByteView)>& visit) const;

  /// A hint: [offset, offset + length) will not be read again soon. For a mapped payload
  /// its whole pages leave this process's resident memory (they are read back from the
  /// page cache if touched again); otherwise nothing happens.
  void release_pages(std::size_t offset, std::size_t length) const;

 private:
  friend class ChildWriter;
  friend Payload read_file_payload(const std::string& path, std::size_t max_size);
  std::shared_ptr<const void> owner_;
  ByteView view_;
  mutable std::optional<Hashes> hashes_;
  bool mapped_ = false;
};

/// Reads a regular file into a payload (memory-mapped when large). Throws stoq::Error
/// naming the path when it cannot be opened, is not a regular file, or exceeds max_size.
Payload read_file_payload(const std::string& path, std::size_t max_size);

/// The four hashes of a buffer in one pass over the bytes.
Hashes compute_hashes(ByteView bytes);

/// ssdeep fuzzy hash, as stoQ's get_ssdeep.
std::string ssdeep_hash(ByteView bytes);

/// libmagic MIME type of the first 1000 bytes, as stoQ's get_magic(mime=True).
std::string magic_mime(ByteView bytes);

/// A file a Payload maps may shrink while it is read: the pages past its new end read as
/// zeros instead of killing the process with SIGBUS. These say whether that happened.
namespace mapping_guard {
/// When `address` lies in a live mapping of a file that shrank while it was read: that
/// mapping's length (the file's size when it was mapped). Otherwise nullopt.
std::optional<std::size_t> shrunk_mapping_length(const void* address);
/// The `errors` entry text for bytes read from `path` whose file shrank while they were
/// read (shrunk_mapping_length), or nullopt when nothing was zero-filled.
std::optional<std::string> shrunk_file_error(const void* address, const std::string& path);
}  // namespace mapping_guard

}  // namespace stoq
#pragma GCC visibility pop
