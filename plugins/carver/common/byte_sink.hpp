// Where decoders and carvers put the bytes they produce. Parsers write into a ByteSink
// (a ChildWriter in the plugins, a vector in tests and fuzz targets) so the same code
// serves both, and a sink that is full (the child's size limit) stops the parser.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "stoq/bytes.hpp"

namespace stoq::carve {

/// Receives output in pieces. write() returns false once the sink is full: what fit
/// was kept and the producer should stop.
class ByteSink {
 public:
  ByteSink() = default;
  ByteSink(const ByteSink&) = delete;
  ByteSink& operator=(const ByteSink&) = delete;
  virtual ~ByteSink() = default;
  virtual bool write(ByteView bytes) = 0;
};

/// Collects output in memory, up to `max_size` bytes (then truncated()).
class VectorSink final : public ByteSink {
 public:
  explicit VectorSink(std::uint64_t max_size = UINT64_MAX) : max_size_(max_size) {}
  bool write(ByteView bytes) override;
  [[nodiscard]] const Bytes& bytes() const { return bytes_; }
  Bytes take() { return std::move(bytes_); }
  [[nodiscard]] bool truncated() const { return truncated_; }

 private:
  Bytes bytes_;
  std::uint64_t max_size_;
  bool truncated_ = false;
};

/// Byte-at-a-time output for decoders, buffered so the sink (a virtual call) sees
/// blocks of kBlock bytes. Once the sink refuses, put() is a no-op and full() is true;
/// decoders check full() in their loops to stop early. flush() before reading totals.
class OutputBuffer {
 public:
  static constexpr std::size_t kBlock = 64 * 1024;
  explicit OutputBuffer(ByteSink& sink) : sink_(sink) {}
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;
  ~OutputBuffer() = default;

  void put(std::uint8_t byte) {
    buffer_[used_++] = byte;
    if (used_ == kBlock) flush();
  }
  void append(ByteView bytes);
  /// Hands buffered bytes to the sink; false once the sink is full.
  bool flush();
  [[nodiscard]] bool full() const { return full_; }
  /// Bytes produced so far (including those still buffered).
  [[nodiscard]] std::uint64_t produced() const { return flushed_ + used_; }

 private:
  ByteSink& sink_;
  std::array<std::uint8_t, kBlock> buffer_{};
  std::size_t used_ = 0;
  std::uint64_t flushed_ = 0;
  bool full_ = false;
};

}  // namespace stoq::carve
