// libFuzzer target: read_zip_directory() and zip_entry_data() of arbitrary bytes, then
// the plugin's own decoding of deflate64/implode members (output capped at 1 MiB each).
// Every located member must lie inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "deflate64.hpp"
#include "implode.hpp"
#include "zip_directory.hpp"

using namespace stoq::plugins::extractor::decompress;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stoq::ByteView zip(data, size);
  auto directory = read_zip_directory(zip, 64);
  if (!directory) return 0;
  if (directory->entries.size() > 64) std::abort();
  for (const ZipEntry& entry : directory->entries) {
    auto member = zip_entry_data(zip, entry);
    if (!member) continue;
    if (!member->empty() && (member->data() < data || member->data() + member->size() > data + size)) std::abort();
    std::uint64_t produced = 0;
    ByteSink sink = [&](stoq::ByteView bytes) {
      produced += bytes.size();
      return produced < (1U << 20);
    };
    if (entry.method == kZipMethodDeflate64) (void)inflate64(*member, sink);
    if (entry.method == kZipMethodImplode) {
      (void)explode(*member, entry.uncompressed_size, {(entry.flags & 2U) != 0, (entry.flags & 4U) != 0}, sink);
    }
  }
  return 0;
}
