// libFuzzer target: explode() of arbitrary bytes. The first byte picks the flags (bit 0:
// 8 KiB window, bit 1: literal tree), the next two the declared size (KiB); the rest is
// the stream. Output must never exceed the declared size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "implode.hpp"

using namespace stoq::plugins::extractor::decompress;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  ImplodeOptions options{(data[0] & 1U) != 0, (data[0] & 2U) != 0};
  std::uint64_t declared = (static_cast<std::uint64_t>(data[1]) | (static_cast<std::uint64_t>(data[2]) << 8)) << 10;
  std::uint64_t produced = 0;
  std::size_t consumed = 0;
  CodecStatus status = explode(
      stoq::ByteView(data + 3, size - 3), declared, options,
      [&](stoq::ByteView bytes) {
        produced += bytes.size();
        return true;
      },
      &consumed);
  if (produced > declared || consumed > size - 3) std::abort();
  if (status == CodecStatus::Done && produced != declared) std::abort();
  return 0;
}
