// libFuzzer target for the compound file reader (stoq_cfb): parse arbitrary bytes, read
// every stream, and check what must hold for any input. Seeds: fuzz/corpus/fuzz_cfb/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "cfb.hpp"
#include "stoq/error.hpp"

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stoq::ByteView input(data, size);
  std::optional<std::uint64_t> occupied = stoq::cfb::occupied_size(input);
  if (occupied) check(*occupied >= 1024);
  try {
    stoq::cfb::File file = stoq::cfb::File::parse(input);
    for (const stoq::cfb::Entry& entry : file.entries()) {
      check(!entry.path.empty() || entry.name.empty());
      stoq::cfb::StreamStatus status;
      stoq::Bytes bytes = file.read_stream(entry, UINT64_MAX, &status);
      check(bytes.size() == status.bytes && bytes.size() <= entry.size);
      check(status.complete == (entry.type != stoq::cfb::EntryType::Stream || bytes.size() == entry.size));
      check(bytes.size() <= size);
      check(file.find(entry.path) != nullptr);
    }
  } catch (const stoq::Error&) {
  }
  return 0;
}
