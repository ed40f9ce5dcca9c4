// Deflate64 ("enhanced deflate", zip method 9): deflate (RFC 1951) with a 64 KiB
// window, length code 285 meaning 3 + a 16-bit extra, and distance codes 30 and 31
// (32769 and 49153, 14 extra bits each). libarchive 3.6 does not read it.
#pragma once

#include "codec.hpp"

namespace stoq::plugins::extractor::decompress {

/// Decompresses a raw deflate64 stream into `sink` until its final block ends, the sink
/// stops, or the input proves truncated or malformed. `consumed`, when given, receives
/// the compressed bytes read.
CodecStatus inflate64(ByteView input, const ByteSink& sink, std::size_t* consumed = nullptr);

}  // namespace stoq::plugins::extractor::decompress
