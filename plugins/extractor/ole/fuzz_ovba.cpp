// libFuzzer target for MS-OVBA decompression and `dir` stream records (stoq_cfb).
// Input: a CompressedContainer; its decompression is also read as a `dir` stream.
// Seeds: fuzz/corpus/fuzz_ovba/.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "ovba.hpp"

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stoq::ByteView input(data, size);
  constexpr std::size_t kCap = 1U << 20;
  stoq::ovba::Decompressed out = stoq::ovba::decompress(input, kCap);
  check(out.data.size() <= kCap);
  // Every chunk (at least 3 input bytes) yields at most 4096 bytes.
  check(out.data.size() <= (size / 3 + 1) * 4096);
  stoq::ovba::Decompressed small = stoq::ovba::decompress(input, 100);
  check(small.data.size() <= 100);
  check(std::equal(small.data.begin(), small.data.end(), out.data.begin(),
                   out.data.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(out.data.size(), 100))));
  stoq::ovba::Project project = stoq::ovba::parse_dir(out.data);
  for (const stoq::ovba::Module& module : project.modules) check(!module.stream_name.empty());
  stoq::ovba::parse_dir(input);
  return 0;
}
