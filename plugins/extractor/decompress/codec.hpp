// Building blocks of the two zip decompressors libarchive 3.6 lacks (deflate64 and
// PKWARE implode): an LSB-first bit reader over a ByteView, a canonical Huffman
// decoder and a sliding output window that hands finished bytes to a sink.
//
// Everything is bounded: the bit reader never reads past its view (running out is a
// status, not a crash), a Huffman table is built only from lengths it validated, and
// the window flushes to the sink every kFlushAt bytes, stopping as soon as the sink
// returns false. No allocation depends on input lengths.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "stoq/bytes.hpp"

namespace stoq::plugins::extractor::decompress {

/// How a decompression ended.
enum class CodecStatus {
  Done,       // the stream ended where it says it ends
  Stopped,    // the sink refused more bytes (a limit): what it took is valid
  Truncated,  // the input ended inside the stream
  Malformed,  // an invalid code, tree or distance
};
const char* codec_status_text(CodecStatus status);

/// Receives decompressed bytes in order; returns false to stop the decoder.
using ByteSink = std::function<bool(ByteView)>;

/// Reads bits least-significant first, as deflate and implode store them.
class BitReader {
 public:
  explicit BitReader(ByteView input) : input_(input) {}
  /// The next `count` (<= 24) bits as an integer, first bit lowest; false at the end.
  bool bits(unsigned count, std::uint32_t& value) {
    while (filled_ < count) {
      auto byte = input_.at(position_);
      if (!byte) return false;
      buffer_ |= static_cast<std::uint64_t>(*byte) << filled_;
      filled_ += 8;
      ++position_;
    }
    value = static_cast<std::uint32_t>(buffer_ & ((1ULL << count) - 1));
    buffer_ >>= count;
    filled_ -= count;
    return true;
  }
  /// Drops the bits left in the current byte (deflate stored blocks).
  void align_to_byte() {
    buffer_ >>= filled_ % 8;
    filled_ -= filled_ % 8;
  }
  /// Whole bytes not consumed yet, counting buffered ones (after align_to_byte()).
  [[nodiscard]] std::size_t byte_position() const { return position_ - filled_ / 8; }
  /// Consumes `length` raw bytes after align_to_byte(); nullopt when they are not there.
  std::optional<ByteView> raw_bytes(std::size_t length) {
    std::size_t start = byte_position();
    auto view = input_.subview(start, length);
    if (!view) return std::nullopt;
    position_ = start + length;
    buffer_ = 0;
    filled_ = 0;
    return view;
  }

 private:
  ByteView input_;
  std::size_t position_ = 0;
  std::uint64_t buffer_ = 0;
  unsigned filled_ = 0;
};

/// A canonical Huffman code (deflate's construction), decoded bit by bit. With
/// `inverted`, every code bit is complemented first (implode's Shannon-Fano trees are
/// canonical codes stored complemented).
class Huffman {
 public:
  static constexpr unsigned kMaxBits = 16;
  static constexpr std::size_t kMaxSymbols = 320;
  /// Builds the code from one bit length per symbol (0 = unused). Rejects an
  /// over-subscribed set; an incomplete one is accepted when `allow_incomplete`.
  bool build(std::span<const std::uint8_t> lengths, bool allow_incomplete);
  /// The next symbol, or -1 (input ended: `truncated` is set; or an unused code).
  int decode(BitReader& reader, bool inverted, bool& truncated) const;

 private:
  std::array<std::uint16_t, kMaxBits + 1> count_{};
  std::array<std::uint16_t, kMaxSymbols> symbol_{};
};

/// Output history plus a buffer of bytes not yet given to the sink.
class OutputWindow {
 public:
  OutputWindow(std::size_t history, ByteSink sink);
  /// False when the sink stopped.
  bool put(std::uint8_t byte) {
    if (position_ == buffer_.size() && !slide()) return false;
    buffer_[position_++] = byte;
    ++total_;
    return true;
  }
  /// Copies `length` bytes from `distance` back. Bytes before the start of the output
  /// read as zero when `zero_before_start`, else such a distance is Malformed.
  CodecStatus copy(std::size_t distance, std::size_t length, bool zero_before_start);
  /// Gives the sink what is left; false when it refused.
  bool flush();
  [[nodiscard]] std::uint64_t total() const { return total_; }

 private:
  bool slide();
  std::size_t history_;
  Bytes buffer_;
  std::size_t position_ = 0;
  std::size_t flushed_ = 0;
  std::uint64_t total_ = 0;
  ByteSink sink_;
  bool stopped_ = false;
};

}  // namespace stoq::plugins::extractor::decompress
