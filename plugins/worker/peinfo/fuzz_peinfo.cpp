// fuzz_peinfo: worker:peinfo's PE parser on arbitrary bytes, with small caps so that
// every part (imports, exports, resources, version info, certificates) is reached fast.
#include <cstddef>
#include <cstdint>

#include "pe_analyze.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stoq::plugins::worker::peinfo::Limits limits;
  limits.max_sections = 64;
  limits.max_imports = 512;
  limits.max_exports = 512;
  limits.max_resources = 256;
  limits.max_certificates = 8;
  limits.max_digest_bytes = 1U << 20;
  auto analysis = stoq::plugins::worker::peinfo::analyze_pe(stoq::ByteView(data, size), limits);
  (void)stoq::dump_json(analysis.results, -1);
  return 0;
}
