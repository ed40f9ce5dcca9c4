#include "codec.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace stoq::plugins::extractor::decompress {

const char* codec_status_text(CodecStatus status) {
  switch (status) {
    case CodecStatus::Done: return "complete";
    case CodecStatus::Stopped: return "stopped by a limit";
    case CodecStatus::Truncated: return "compressed data ends early";
    case CodecStatus::Malformed: return "invalid compressed data";
  }
  return "unknown";
}

bool Huffman::build(std::span<const std::uint8_t> lengths, bool allow_incomplete) {
  if (lengths.size() > kMaxSymbols) return false;
  count_.fill(0);
  for (std::uint8_t length : lengths) {
    if (length > kMaxBits) return false;
    ++count_[length];
  }
  // Codes left after each length: negative = over-subscribed.
  int left = 1;
  for (unsigned bits = 1; bits <= kMaxBits; ++bits) {
    left <<= 1;
    left -= count_[bits];
    if (left < 0) return false;
  }
  if (left > 0 && !allow_incomplete) return false;
  std::array<std::uint16_t, kMaxBits + 2> offsets{};
  for (unsigned bits = 1; bits <= kMaxBits; ++bits) offsets[bits + 1] = offsets[bits] + count_[bits];
  for (std::size_t symbol = 0; symbol < lengths.size(); ++symbol) {
    if (lengths[symbol] != 0) symbol_[offsets[lengths[symbol]]++] = static_cast<std::uint16_t>(symbol);
  }
  return true;
}

int Huffman::decode(BitReader& reader, bool inverted, bool& truncated) const {
  int code = 0;   // bits read so far
  int first = 0;  // first code of the current length
  int index = 0;  // index of that first code in symbol_
  for (unsigned bits = 1; bits <= kMaxBits; ++bits) {
    std::uint32_t bit = 0;
    if (!reader.bits(1, bit)) {
      truncated = true;
      return -1;
    }
    code |= static_cast<int>(inverted ? bit ^ 1U : bit);
    int count = count_[bits];
    if (code - count < first) return symbol_[static_cast<std::size_t>(index) + static_cast<std::size_t>(code - first)];
    index += count;
    first += count;
    first <<= 1;
    code <<= 1;
  }
  return -1;
}

OutputWindow::OutputWindow(std::size_t history, ByteSink sink)
    : history_(history), buffer_(history * 4), sink_(std::move(sink)) {}

bool OutputWindow::slide() {
  if (!flush()) return false;
  // Keep the last history_ bytes at the front: back-references reach that far.
  std::memmove(buffer_.data(), buffer_.data() + position_ - history_, history_);
  position_ = history_;
  flushed_ = history_;
  return true;
}

bool OutputWindow::flush() {
  if (stopped_) return false;
  if (position_ > flushed_) {
    if (!sink_(ByteView(buffer_.data() + flushed_, position_ - flushed_))) stopped_ = true;
    flushed_ = position_;
  }
  return !stopped_;
}

CodecStatus OutputWindow::copy(std::size_t distance, std::size_t length, bool zero_before_start) {
  if (distance == 0 || distance > history_) return CodecStatus::Malformed;
  if (distance > total_ && !zero_before_start) return CodecStatus::Malformed;
  for (std::size_t i = 0; i < length; ++i) {
    // total_ and position_ move together, so the byte `distance` back is in the buffer
    // (position_ >= history_ after a slide) or before the start of the output.
    std::uint8_t byte = distance > total_ ? 0 : buffer_[position_ - distance];
    if (!put(byte)) return CodecStatus::Stopped;
  }
  return CodecStatus::Done;
}

}  // namespace stoq::plugins::extractor::decompress
