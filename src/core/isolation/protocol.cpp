#include "isolation/protocol.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "stoq/error.hpp"

namespace stoq::isolation {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kLengthBytes = 4;
constexpr std::uint64_t kMemfdThreshold = 256 * 1024;  // larger: a disk-backed file, not RAM
constexpr int kPollSliceMs = 100;

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, const std::uint8_t* data, std::size_t length, const char* what) {
  while (length > 0) {
    ssize_t written = ::write(fd, data, length);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw Error(std::string("cannot write ") + what + ": " + errno_text());
    }
    data += written;
    length -= static_cast<std::size_t>(written);
  }
}

// Waits until `socket` is readable; throws ChannelError on timeout or stop.
void wait_readable(int socket, const WaitLimit& limit) {
  for (;;) {
    int slice = next_poll_slice_ms(limit);
    pollfd entry{socket, POLLIN, 0};
    int ready = ::poll(&entry, 1, slice);
    if (ready < 0 && errno != EINTR) throw ChannelError(ChannelError::Kind::Closed, "poll: " + errno_text());
    if (ready > 0) return;  // readable, or hung up: the read says which
  }
}

// Reads exactly `length` bytes (and, on the first read, an attached fd) within `limit`.
// NOLINTNEXTLINE(readability-non-const-parameter): written through the iovec below
void read_exact(int socket, std::uint8_t* data, std::size_t length, const WaitLimit& limit, UniqueFd* fd_out) {
  while (length > 0) {
    wait_readable(socket, limit);
    iovec vector{data, length};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * 4)> control{};
    msghdr message{};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    if (fd_out != nullptr) {
      message.msg_control = control.data();
      message.msg_controllen = control.size();
    }
    ssize_t got = ::recvmsg(socket, &message, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw ChannelError(ChannelError::Kind::Closed, "recvmsg: " + errno_text());
    }
    if (fd_out != nullptr) {
      // Every fd that arrived is owned (and closed) here, even ones beyond the first.
      for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        std::size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
          int fd = -1;
          std::memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof(int));
          if (!fd_out->valid()) {
            fd_out->reset(fd);
          } else {
            ::close(fd);
          }
        }
      }
      if ((message.msg_flags & MSG_CTRUNC) != 0) throw ChannelError(ChannelError::Kind::Garbage, "too many fds");
      fd_out = nullptr;  // fds ride on the first bytes only
    }
    if (got == 0) throw ChannelError(ChannelError::Kind::Closed, "end of stream");
    data += got;
    length -= static_cast<std::size_t>(got);
  }
}

}  // namespace

int next_poll_slice_ms(const WaitLimit& limit) {
  if (limit.stopping && limit.stopping()) throw ChannelError(ChannelError::Kind::Stopped, "the run is stopping");
  int slice = kPollSliceMs;
  if (limit.deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*limit.deadline - Clock::now()).count();
    if (left <= 0) throw ChannelError(ChannelError::Kind::Timeout, "deadline passed");
    slice = static_cast<int>(std::min<long long>(left, slice));
  }
  return slice;
}

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

void send_frame(int socket, const Json& header, int fd) {
  std::string body = header.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (body.size() > kMaxHeaderBytes) throw Error("isolation: a message of " + std::to_string(body.size()) + " bytes");
  std::string frame(kLengthBytes, '\0');
  auto length = static_cast<std::uint32_t>(body.size());
  for (std::size_t i = 0; i < kLengthBytes; ++i) frame[i] = static_cast<char>((length >> (8 * i)) & 0xFF);
  frame += body;
  std::size_t sent = 0;
  bool fd_pending = fd >= 0;
  while (sent < frame.size()) {
    iovec vector{frame.data() + sent, frame.size() - sent};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
    msghdr message{};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    if (fd_pending) {
      message.msg_control = control.data();
      message.msg_controllen = control.size();
      cmsghdr* attached = CMSG_FIRSTHDR(&message);
      attached->cmsg_level = SOL_SOCKET;
      attached->cmsg_type = SCM_RIGHTS;
      attached->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(attached), &fd, sizeof(int));
    }
    ssize_t written = ::sendmsg(socket, &message, MSG_NOSIGNAL);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw ChannelError(ChannelError::Kind::Closed, "sendmsg: " + errno_text());
    }
    fd_pending = false;
    sent += static_cast<std::size_t>(written);
  }
}

Frame receive_frame(int socket, const WaitLimit& limit) {
  Frame frame;
  std::array<std::uint8_t, kLengthBytes> prefix{};
  read_exact(socket, prefix.data(), prefix.size(), limit, &frame.fd);
  std::uint32_t length = 0;
  for (std::size_t i = 0; i < kLengthBytes; ++i) length |= static_cast<std::uint32_t>(prefix[i]) << (8 * i);
  if (length == 0 || length > kMaxHeaderBytes) {
    throw ChannelError(ChannelError::Kind::Garbage, "a frame of " + std::to_string(length) + " bytes");
  }
  std::string body(length, '\0');
  read_exact(socket, reinterpret_cast<std::uint8_t*>(body.data()), body.size(), limit, nullptr);
  frame.header = Json::parse(body, nullptr, false);
  if (frame.header.is_discarded() || !frame.header.is_object()) {
    throw ChannelError(ChannelError::Kind::Garbage, "a header that is not a JSON object");
  }
  return frame;
}

UniqueFd sealed_memfd(ByteView bytes) {
  UniqueFd fd(::memfd_create("stoq-payload", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid()) throw Error("isolation: memfd_create: " + errno_text());
  write_all(fd.get(), bytes.data(), bytes.size(), "a payload memfd");
  if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    throw Error("isolation: cannot seal a payload memfd: " + errno_text());
  }
  return fd;
}

UniqueFd payload_file(ByteView bytes, const std::string& spill_dir) {
  if (bytes.size() < kMemfdThreshold || spill_dir.empty()) return sealed_memfd(bytes);
  UniqueFd fd(::open(spill_dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    std::string pattern = spill_dir + "/stoq-child-XXXXXX";
    fd.reset(::mkostemp(pattern.data(), O_CLOEXEC));
    if (!fd.valid()) throw Error("isolation: cannot create a file in " + spill_dir + ": " + errno_text());
    ::unlink(pattern.c_str());
  }
  write_all(fd.get(), bytes.data(), bytes.size(), "a child file");
  return fd;
}

Payload payload_from_fd(int fd, std::uint64_t size) {
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) throw Error("not a regular file");
  if (static_cast<std::uint64_t>(status.st_size) != size) {
    throw Error("announced " + std::to_string(size) + " bytes, the file holds " + std::to_string(status.st_size));
  }
  Payload payload = read_file_payload("/proc/self/fd/" + std::to_string(fd), static_cast<std::size_t>(size));
  if (payload.size() != size) throw Error("the file changed while it was read");
  return payload;
}

}  // namespace stoq::isolation
