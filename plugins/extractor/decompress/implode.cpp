#include "implode.hpp"

#include <array>

namespace stoq::plugins::extractor::decompress {
namespace {

/// Reads one stored tree: a byte holding (records - 1), then records of
/// (count - 1) << 4 | (bit length - 1), which must add up to exactly `symbols`.
CodecStatus read_tree(ByteView input, std::size_t& position, std::size_t symbols, Huffman& tree) {
  auto records = input.at(position);
  if (!records) return CodecStatus::Truncated;
  ++position;
  std::array<std::uint8_t, 256> lengths{};
  std::size_t filled = 0;
  for (unsigned i = 0; i <= *records; ++i) {
    auto record = input.at(position);
    if (!record) return CodecStatus::Truncated;
    ++position;
    std::size_t count = (*record >> 4U) + 1U;
    auto length = static_cast<std::uint8_t>((*record & 0x0FU) + 1U);
    if (filled + count > symbols) return CodecStatus::Malformed;
    for (std::size_t j = 0; j < count; ++j) lengths[filled++] = length;
  }
  if (filled != symbols) return CodecStatus::Malformed;
  return tree.build(std::span(lengths).first(symbols), false) ? CodecStatus::Done : CodecStatus::Malformed;
}

}  // namespace

CodecStatus explode(ByteView input, std::uint64_t uncompressed_size, ImplodeOptions options, const ByteSink& sink,
                    std::size_t* consumed) {
  if (consumed != nullptr) *consumed = 0;
  std::size_t position = 0;
  Huffman literals;
  Huffman lengths;
  Huffman distances;
  CodecStatus status = CodecStatus::Done;
  if (options.literal_tree) status = read_tree(input, position, 256, literals);
  if (status == CodecStatus::Done) status = read_tree(input, position, 64, lengths);
  if (status == CodecStatus::Done) status = read_tree(input, position, 64, distances);
  if (status != CodecStatus::Done) return status;

  BitReader reader(input.tail(position));
  OutputWindow window(options.large_window ? 8192 : 4096, sink);
  const unsigned low_distance_bits = options.large_window ? 7 : 6;
  const std::size_t minimum_match = options.literal_tree ? 3 : 2;
  auto finish = [&](CodecStatus result) {
    if (consumed != nullptr) *consumed = position + reader.byte_position();
    return result;
  };
  bool truncated = false;
  auto tree_error = [&] { return finish(truncated ? CodecStatus::Truncated : CodecStatus::Malformed); };
  while (window.total() < uncompressed_size) {
    std::uint32_t flag = 0;
    if (!reader.bits(1, flag)) return finish(CodecStatus::Truncated);
    if (flag == 1) {
      std::uint32_t literal = 0;
      if (options.literal_tree) {
        int symbol = literals.decode(reader, true, truncated);
        if (symbol < 0) return tree_error();
        literal = static_cast<std::uint32_t>(symbol);
      } else if (!reader.bits(8, literal)) {
        return finish(CodecStatus::Truncated);
      }
      if (!window.put(static_cast<std::uint8_t>(literal))) return finish(CodecStatus::Stopped);
      continue;
    }
    std::uint32_t low = 0;
    if (!reader.bits(low_distance_bits, low)) return finish(CodecStatus::Truncated);
    int high = distances.decode(reader, true, truncated);
    if (high < 0) return tree_error();
    std::size_t distance = ((static_cast<std::size_t>(high) << low_distance_bits) | low) + 1;
    int length_code = lengths.decode(reader, true, truncated);
    if (length_code < 0) return tree_error();
    std::size_t length = static_cast<std::size_t>(length_code);
    if (length_code == 63) {
      std::uint32_t more = 0;
      if (!reader.bits(8, more)) return finish(CodecStatus::Truncated);
      length += more;
    }
    length += minimum_match;
    // The declared size ends the stream, possibly inside a match.
    std::uint64_t room = uncompressed_size - window.total();
    if (length > room) length = static_cast<std::size_t>(room);
    status = window.copy(distance, length, true);
    if (status != CodecStatus::Done) return finish(status);
  }
  return finish(window.flush() ? CodecStatus::Done : CodecStatus::Stopped);
}

}  // namespace stoq::plugins::extractor::decompress
