#include "swf_extract.hpp"

#include <lzma.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace stoq::plugins::carver::swf {
namespace {

constexpr std::size_t kHeader = 8;
constexpr std::uint64_t kLzmaMemoryLimit = 128ULL << 20;
constexpr std::size_t kChunk = 64 * 1024;

// Counts output against the body length and the limits; false = stop.
class BodyWriter {
 public:
  BodyWriter(carve::ByteSink& out, const SwfLimits& limits, std::uint64_t body_length, SwfInfo& info)
      : out_(out), limits_(limits), remaining_(body_length), info_(info) {}

  bool write(const std::uint8_t* bytes, std::size_t size, std::uint64_t consumed) {
    if (size > remaining_) size = static_cast<std::size_t>(remaining_);
    if (info_.written + size > limits_.max_output) {
      size = static_cast<std::size_t>(limits_.max_output - info_.written);
      info_.truncated = true;
    }
    if (!out_.write(ByteView(bytes, size))) info_.truncated = true;
    info_.written += size;
    remaining_ -= size;
    if (ratio_exceeded(consumed)) info_.truncated = true;
    return !info_.truncated && remaining_ > 0;
  }
  [[nodiscard]] bool complete() const { return remaining_ == 0 || info_.truncated; }

 private:
  [[nodiscard]] bool ratio_exceeded(std::uint64_t consumed) const {
    if (limits_.max_ratio <= 0 || info_.written < (1ULL << 20)) return false;
    return static_cast<double>(info_.written) > limits_.max_ratio * static_cast<double>(consumed == 0 ? 1 : consumed);
  }

  carve::ByteSink& out_;
  const SwfLimits& limits_;
  std::uint64_t remaining_;
  SwfInfo& info_;
};

bool inflate_body(ByteView input, BodyWriter& body) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return false;
  std::array<std::uint8_t, kChunk> buffer{};
  stream.next_in = const_cast<Bytef*>(input.data());  // zlib's API is not const-correct
  stream.avail_in = static_cast<uInt>(std::min<std::size_t>(input.size(), UINT32_MAX));
  bool more = true;
  while (more) {
    stream.next_out = buffer.data();
    stream.avail_out = static_cast<uInt>(buffer.size());
    int status = inflate(&stream, Z_NO_FLUSH);
    std::size_t produced = buffer.size() - stream.avail_out;
    if (produced > 0) more = body.write(buffer.data(), produced, stream.total_in);
    if (status != Z_OK) break;  // end of stream, or an error
    if (produced == 0 && stream.avail_in == 0) break;
  }
  inflateEnd(&stream);
  return body.complete();
}

bool unlzma_body(ByteView properties, ByteView input, std::uint64_t body_length, BodyWriter& body) {
  lzma_stream stream = LZMA_STREAM_INIT;
  if (lzma_alone_decoder(&stream, kLzmaMemoryLimit) != LZMA_OK) return false;
  // The .lzma header: 5 property bytes, then the size as "unknown" (all ones). The
  // body length bounds the output instead (some writers add no end marker).
  std::array<std::uint8_t, 13> header{};
  std::memcpy(header.data(), properties.data(), 5);
  // A dictionary larger than the output is never used: clamping it keeps a hostile
  // header from making liblzma reserve up to the memory limit for a tiny body.
  std::uint32_t dictionary = *properties.read_le<std::uint32_t>(1);
  std::uint64_t needed = std::max<std::uint64_t>(body_length, 4096);
  if (dictionary > needed) {
    auto clamped = static_cast<std::uint32_t>(needed);
    for (int i = 0; i < 4; ++i) header[1 + i] = static_cast<std::uint8_t>(clamped >> (8 * i));
  }
  std::memset(header.data() + 5, 0xFF, 8);
  std::array<std::uint8_t, kChunk> buffer{};
  bool more = true;
  for (int part = 0; part < 2 && more; ++part) {
    stream.next_in = part == 0 ? header.data() : input.data();
    stream.avail_in = part == 0 ? header.size() : input.size();
    while (more) {
      stream.next_out = buffer.data();
      stream.avail_out = buffer.size();
      lzma_ret status = lzma_code(&stream, LZMA_RUN);
      std::size_t produced = buffer.size() - stream.avail_out;
      if (produced > 0) more = body.write(buffer.data(), produced, stream.total_in);
      if (status != LZMA_OK) {
        more = false;
        break;
      }
      if (stream.avail_in == 0 && produced == 0) break;
    }
  }
  lzma_end(&stream);
  return body.complete();
}

}  // namespace

std::optional<SwfInfo> extract_swf(ByteView data, carve::ByteSink& out, const SwfLimits& limits) {
  if (data.size() < kHeader) return std::nullopt;
  const std::uint8_t* header = data.data();
  if (header[1] != 'W' || header[2] != 'S' || (header[0] != 'F' && header[0] != 'C' && header[0] != 'Z')) {
    return std::nullopt;
  }
  SwfInfo info;
  info.compression = static_cast<char>(header[0]);
  info.version = header[3];
  info.file_length = *data.read_le<std::uint32_t>(4);
  if (info.version == 0 || info.version > 127 || info.file_length <= kHeader) return std::nullopt;
  std::uint64_t body_length = info.file_length - kHeader;
  if (info.compression == 'F' && data.size() < info.file_length) return std::nullopt;

  std::array<std::uint8_t, kHeader> fws{'F', 'W', 'S', info.version};
  std::memcpy(fws.data() + 4, header + 4, 4);
  SwfLimits bounded = limits;
  if (bounded.max_output < kHeader) return std::nullopt;
  bounded.max_output -= kHeader;
  if (!out.write(ByteView(fws.data(), fws.size()))) info.truncated = true;
  BodyWriter body(out, bounded, body_length, info);
  bool complete = false;
  if (info.truncated) {
    complete = true;
  } else if (info.compression == 'F') {
    body.write(data.data() + kHeader, static_cast<std::size_t>(body_length), body_length);
    complete = body.complete();
  } else if (info.compression == 'C') {
    complete = inflate_body(data.tail(kHeader), body);
  } else {
    auto properties = data.subview(12, 5);
    auto compressed_length = data.read_le<std::uint32_t>(8);
    if (!properties || !compressed_length) return std::nullopt;
    ByteView input = data.tail(17);
    if (*compressed_length > 0 && *compressed_length < input.size()) input = input.head(*compressed_length);
    complete = unlzma_body(*properties, input, body_length, body);
  }
  if (!complete) return std::nullopt;
  info.written += kHeader;
  return info;
}

}  // namespace stoq::plugins::carver::swf
