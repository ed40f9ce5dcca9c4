// The wire format between stoq and an isolation helper (docs/architecture.md#isolation).
//
// One Unix stream socket (socketpair). Every message is a frame:
//   u32 length (little endian) | `length` bytes of JSON (the header)
// with at most one file descriptor attached (SCM_RIGHTS) to the length's bytes.
// Payload bytes never travel through the socket: the parent passes a sealed memfd,
// the helper returns each child as a memfd or an unlinked file in the run's spill
// directory, and the receiver maps it.
//
//   parent -> helper  {"op":"init", category, name, options, config, plugin_dirs, run, memory_limit}
//   helper -> parent  {"ok":true} | {"ok":false,"error":text}
//   parent -> helper  {"op":"call", method, kwargs, size, none, limits, child, cpu_limit}  [+ payload fd]
//   helper -> parent  {"ok":true,"result":json}                        (scan)
//                   | {"ok":true,"children":N} then N x {"meta":{..},"size":S} [+ fd when S > 0]
//                   | {"ok":false,"error":text[,"fatal":true]}         (fatal: the helper exits next)
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "stoq/bytes.hpp"
#include "stoq/json.hpp"
#include "stoq/payload.hpp"

namespace stoq::isolation {

/// The hidden first argument that makes `stoq` an isolation helper:
///   stoq --stoq-isolation-helper <socket fd> <parent pid>
inline constexpr const char* kHelperFlag = "--stoq-isolation-helper";

/// Largest header accepted: a scan result above this is an answer not worth trusting.
inline constexpr std::uint32_t kMaxHeaderBytes = 256U << 20;

/// A file descriptor closed when the object goes away.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

// The implicit members may throw only through nlohmann::json's destructor (its iterative
// teardown allocates).
// NOLINTNEXTLINE(bugprone-exception-escape)
struct Frame {
  Json header;
  UniqueFd fd;  // invalid when none was attached
};

/// Why an exchange failed: the peer is gone (EOF, reset), the deadline passed, the run
/// is stopping, or it sent something that is not a frame.
class ChannelError : public std::runtime_error {
 public:
  enum class Kind { Closed, Timeout, Stopped, Garbage };
  ChannelError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  [[nodiscard]] Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

/// When a wait must give up: a deadline (nullopt: none) and a stop check polled every
/// 100 ms (null: never).
struct WaitLimit {
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::function<bool()> stopping;
};

/// How long the next poll() of a wait within `limit` may block, in ms: at most 100, so
/// the stop check runs often; throws ChannelError Stopped or Timeout when the wait is over.
/// The waits on the isolation socket and on an exec plugin's pipes share it.
int next_poll_slice_ms(const WaitLimit& limit);

/// Sends one frame (blocking; a write to a dead peer is ChannelError Closed).
void send_frame(int socket, const Json& header, int fd = -1);

/// Receives one frame, waiting within `limit`. Throws ChannelError.
Frame receive_frame(int socket, const WaitLimit& limit);

/// A memfd holding `bytes`, sealed against any change (write, grow, shrink).
UniqueFd sealed_memfd(ByteView bytes);

/// A file holding `bytes` for the other side to map: a memfd when small, else an
/// unlinked file in `spill_dir` (page cache, not RAM). Throws stoq::Error.
UniqueFd payload_file(ByteView bytes, const std::string& spill_dir);

/// The payload of `size` bytes behind `fd` (memory-mapped when large). Throws
/// stoq::Error when the file is not `size` bytes long.
Payload payload_from_fd(int fd, std::uint64_t size);

}  // namespace stoq::isolation
