// md5, sha1, sha256 and sha512 of bytes fed in pieces (one pass, four digests).
#pragma once

#include <memory>

#include "stoq/bytes.hpp"
#include "stoq/payload.hpp"

namespace stoq {

class IncrementalHasher {
 public:
  IncrementalHasher();
  ~IncrementalHasher();
  IncrementalHasher(IncrementalHasher&&) noexcept;
  IncrementalHasher& operator=(IncrementalHasher&&) noexcept;
  IncrementalHasher(const IncrementalHasher&) = delete;
  IncrementalHasher& operator=(const IncrementalHasher&) = delete;

  /// Starts over (the digest contexts are reused).
  void reset();
  void update(ByteView bytes);
  /// The four digests of everything fed since the last reset.
  Hashes finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace stoq
