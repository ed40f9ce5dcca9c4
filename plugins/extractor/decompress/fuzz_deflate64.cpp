// libFuzzer target: inflate64() of arbitrary bytes. Output is counted (never kept) and
// capped at 8 MiB by the sink; the decoder must end with a status, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "deflate64.hpp"

using namespace stoq::plugins::extractor::decompress;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::uint64_t produced = 0;
  std::size_t consumed = 0;
  CodecStatus status = inflate64(
      stoq::ByteView(data, size),
      [&](stoq::ByteView bytes) {
        produced += bytes.size();
        return produced < (8U << 20);
      },
      &consumed);
  if (consumed > size) std::abort();
  if (status == CodecStatus::Done && produced >= (8U << 20) + (1U << 18)) std::abort();
  return 0;
}
