#include "deflate64.hpp"

#include <array>

namespace stoq::plugins::extractor::decompress {
namespace {

constexpr std::size_t kWindow = 65536;

// RFC 1951 tables with deflate64's changes (last length and the two extra distances).
constexpr std::array<std::uint16_t, 29> kLengthBase{3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                                    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 3};
constexpr std::array<std::uint8_t, 29> kLengthExtra{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                    2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 16};
constexpr std::array<std::uint16_t, 32> kDistanceBase{
    1,   2,   3,   4,   5,    7,    9,    13,   17,   25,   33,   49,    65,    97,    129,   193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577, 32769, 49153};
constexpr std::array<std::uint8_t, 32> kDistanceExtra{0, 0, 0, 0, 1, 1, 2,  2,  3,  3,  4,  4,  5,  5,  6,  6,
                                                      7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14};
// Order of the code-length code lengths in a dynamic block header.
constexpr std::array<std::uint8_t, 19> kCodeLengthOrder{16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                        11, 4,  12, 3, 13, 2, 14, 1, 15};

class Inflater {
 public:
  Inflater(ByteView input, const ByteSink& sink) : reader_(input), window_(kWindow, sink) {}

  CodecStatus run() {
    std::uint32_t last = 0;
    do {
      std::uint32_t type = 0;
      if (!reader_.bits(1, last) || !reader_.bits(2, type)) return CodecStatus::Truncated;
      CodecStatus status = CodecStatus::Malformed;
      if (type == 0) status = stored();
      if (type == 1) status = fixed();
      if (type == 2) status = dynamic();
      if (status != CodecStatus::Done) return status;
    } while (last == 0);
    return window_.flush() ? CodecStatus::Done : CodecStatus::Stopped;
  }
  [[nodiscard]] std::size_t consumed() const { return reader_.byte_position(); }

 private:
  CodecStatus stored() {
    reader_.align_to_byte();
    std::uint32_t length = 0;
    std::uint32_t complement = 0;
    if (!reader_.bits(16, length) || !reader_.bits(16, complement)) return CodecStatus::Truncated;
    if ((length ^ 0xFFFFU) != complement) return CodecStatus::Malformed;
    auto bytes = reader_.raw_bytes(length);
    if (!bytes) return CodecStatus::Truncated;
    for (std::uint8_t byte : bytes->span()) {
      if (!window_.put(byte)) return CodecStatus::Stopped;
    }
    return CodecStatus::Done;
  }

  CodecStatus fixed() {
    std::array<std::uint8_t, 288 + 32> lengths{};
    for (std::size_t i = 0; i < 144; ++i) lengths[i] = 8;
    for (std::size_t i = 144; i < 256; ++i) lengths[i] = 9;
    for (std::size_t i = 256; i < 280; ++i) lengths[i] = 7;
    for (std::size_t i = 280; i < 288; ++i) lengths[i] = 8;
    for (std::size_t i = 288; i < lengths.size(); ++i) lengths[i] = 5;
    if (!literals_.build(std::span(lengths).first(288), true) || !distances_.build(std::span(lengths).last(32), true)) {
      return CodecStatus::Malformed;
    }
    return codes();
  }

  CodecStatus dynamic() {
    std::uint32_t literal_count = 0;
    std::uint32_t distance_count = 0;
    std::uint32_t code_count = 0;
    if (!reader_.bits(5, literal_count) || !reader_.bits(5, distance_count) || !reader_.bits(4, code_count)) {
      return CodecStatus::Truncated;
    }
    literal_count += 257;
    distance_count += 1;
    code_count += 4;
    if (literal_count > 286) return CodecStatus::Malformed;
    std::array<std::uint8_t, 19> code_lengths{};
    for (std::uint32_t i = 0; i < code_count; ++i) {
      std::uint32_t length = 0;
      if (!reader_.bits(3, length)) return CodecStatus::Truncated;
      code_lengths[kCodeLengthOrder[i]] = static_cast<std::uint8_t>(length);
    }
    Huffman code_lengths_code;
    if (!code_lengths_code.build(code_lengths, false)) return CodecStatus::Malformed;

    std::array<std::uint8_t, 286 + 32> lengths{};
    std::uint32_t filled = 0;
    const std::uint32_t wanted = literal_count + distance_count;
    while (filled < wanted) {
      bool truncated = false;
      int symbol = code_lengths_code.decode(reader_, false, truncated);
      if (symbol < 0) return truncated ? CodecStatus::Truncated : CodecStatus::Malformed;
      if (symbol < 16) {
        lengths[filled++] = static_cast<std::uint8_t>(symbol);
        continue;
      }
      std::uint8_t value = 0;
      std::uint32_t repeat = 0;
      bool ok = true;
      if (symbol == 16) {
        if (filled == 0) return CodecStatus::Malformed;
        value = lengths[filled - 1];
        ok = reader_.bits(2, repeat);
        repeat += 3;
      } else if (symbol == 17) {
        ok = reader_.bits(3, repeat);
        repeat += 3;
      } else {
        ok = reader_.bits(7, repeat);
        repeat += 11;
      }
      if (!ok) return CodecStatus::Truncated;
      if (filled + repeat > wanted) return CodecStatus::Malformed;
      while (repeat-- > 0) lengths[filled++] = value;
    }
    if (lengths[256] == 0) return CodecStatus::Malformed;  // no end-of-block code
    auto all = std::span(lengths).first(wanted);
    // Incomplete codes are legal only for a single-code distance tree (RFC 1951 3.2.7);
    // accepting them everywhere is harmless: an unused code decodes as an error.
    if (!literals_.build(all.first(literal_count), true) || !distances_.build(all.last(distance_count), true)) {
      return CodecStatus::Malformed;
    }
    return codes();
  }

  CodecStatus codes() {
    for (;;) {
      bool truncated = false;
      int symbol = literals_.decode(reader_, false, truncated);
      if (symbol < 0) return truncated ? CodecStatus::Truncated : CodecStatus::Malformed;
      if (symbol < 256) {
        if (!window_.put(static_cast<std::uint8_t>(symbol))) return CodecStatus::Stopped;
        continue;
      }
      if (symbol == 256) return CodecStatus::Done;
      auto index = static_cast<std::size_t>(symbol - 257);
      if (index >= kLengthBase.size()) return CodecStatus::Malformed;
      std::uint32_t extra = 0;
      if (!reader_.bits(kLengthExtra[index], extra)) return CodecStatus::Truncated;
      std::size_t length = kLengthBase[index] + extra;
      int distance_symbol = distances_.decode(reader_, false, truncated);
      if (distance_symbol < 0) return truncated ? CodecStatus::Truncated : CodecStatus::Malformed;
      auto distance_index = static_cast<std::size_t>(distance_symbol);
      if (!reader_.bits(kDistanceExtra[distance_index], extra)) return CodecStatus::Truncated;
      CodecStatus status = window_.copy(kDistanceBase[distance_index] + extra, length, false);
      if (status != CodecStatus::Done) return status;
    }
  }

  BitReader reader_;
  OutputWindow window_;
  Huffman literals_;
  Huffman distances_;
};

}  // namespace

CodecStatus inflate64(ByteView input, const ByteSink& sink, std::size_t* consumed) {
  Inflater inflater(input, sink);
  CodecStatus status = inflater.run();
  if (consumed != nullptr) *consumed = inflater.consumed();
  return status;
}

}  // namespace stoq::plugins::extractor::decompress
