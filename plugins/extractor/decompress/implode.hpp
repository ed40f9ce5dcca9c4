// PKWARE "implode" (zip method 6, PKZIP 1.x; APPNOTE.TXT section "Imploding"), which
// libarchive 3.6 does not read. The stream starts with two or three Shannon-Fano trees
// (literals if general-purpose flag bit 2, lengths, distances), each stored as
// run-length encoded bit lengths; then, until `uncompressed_size` bytes came out: a 1
// bit and a literal (tree-coded, or 8 raw bits), or a 0 bit and a match (6 or 7 raw
// low distance bits (flag bit 1: 8 KiB window), the distance tree's high 6 bits, the
// length tree's code with 8 more bits after code 63, plus 2 or 3).
// The trees' codes are canonical Huffman codes stored complemented (as Info-ZIP's
// explode.c reads them).
#pragma once

#include <cstdint>

#include "codec.hpp"

namespace stoq::plugins::extractor::decompress {

struct ImplodeOptions {
  bool large_window = false;  // general-purpose flag bit 1: 8 KiB window, 7 low distance bits
  bool literal_tree = false;  // general-purpose flag bit 2: literals are tree-coded, min match 3
};

/// Decompresses up to `uncompressed_size` bytes into `sink`. The stream has no end
/// marker: Done when that many bytes came out. Distances before the start of the
/// output produce zeros (as PKZIP and Info-ZIP do).
CodecStatus explode(ByteView input, std::uint64_t uncompressed_size, ImplodeOptions options, const ByteSink& sink,
                    std::size_t* consumed = nullptr);

}  // namespace stoq::plugins::extractor::decompress
