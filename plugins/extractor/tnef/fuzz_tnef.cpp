// libFuzzer target for the TNEF reader (stoq_tnef): parse arbitrary bytes (with the
// signature forced in front half of the time) and check every attachment's data is a
// view inside the input. Seeds: fuzz/corpus/fuzz_tnef/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "stoq/error.hpp"
#include "tnef.hpp"

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}

void run(stoq::ByteView input) {
  try {
    stoq::tnef::Message message = stoq::tnef::parse(input);
    for (const auto& attachment : message.attachments) {
      if (!attachment.has_data || attachment.data.empty()) continue;
      check(attachment.data.data() >= input.data() &&
            attachment.data.data() + attachment.data.size() <= input.data() + input.size());
    }
  } catch (const stoq::Error&) {
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  run(stoq::ByteView(data, size));
  std::vector<std::uint8_t> signed_input(size + 4);
  const std::uint32_t signature = stoq::tnef::kSignature;
  std::memcpy(signed_input.data(), &signature, 4);  // little-endian hosts
  if (size > 0) std::memcpy(signed_input.data() + 4, data, size);
  run(stoq::ByteView(signed_input.data(), signed_input.size()));
  return 0;
}
