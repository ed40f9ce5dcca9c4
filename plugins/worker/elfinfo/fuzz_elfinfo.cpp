// libFuzzer target: worker elfinfo's ELF parser on arbitrary bytes (small caps, so a
// run explores malformed tables rather than huge ones). Must never crash, hang or
// grow without bound; a non-ELF input is a stoq::Error, which is fine.
#include <cstddef>
#include <cstdint>

#include "elf_parser.hpp"
#include "stoq/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stoq::plugins::worker::elfinfo::ElfLimits limits;
  limits.max_sections = 256;
  limits.max_segments = 256;
  limits.max_symbols = 1024;
  limits.max_dynamic = 256;
  limits.max_name = 256;
  try {
    stoq::Json result = stoq::plugins::worker::elfinfo::parse_elf(stoq::ByteView(data, size), limits);
    (void)result.dump();  // throws on text that is not UTF-8: a bug
  } catch (const stoq::Error&) {
  }
  return 0;
}
