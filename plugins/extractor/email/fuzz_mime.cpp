// libFuzzer target for the MIME/mbox parser and mail decoders (stoq_mime): parse
// arbitrary bytes as a message and check what must hold for any input.
// Seeds: fuzz/corpus/fuzz_mime/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codecs.hpp"
#include "mime.hpp"

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stoq::ByteView input(data, size);
  stoq::mime::Settings settings;
  settings.max_nesting = 8;
  std::size_t seen = 0;
  stoq::mime::Outcome outcome = stoq::mime::parse(input, settings, [&](stoq::mime::Part&& part) {
    check(part.index == seen++);
    // Decoding never grows a body: base64, QP and uuencode all shrink or keep size.
    check(part.data.size() <= size);
    check(!part.content_type.empty());
    return seen < 500;
  });
  check(outcome.parts == seen);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check(stoq::mime::decode_base64(text).size() <= size);
  check(stoq::mime::decode_quoted_printable(text).size() <= size);
  (void)stoq::mime::decode_encoded_words(text);
  (void)stoq::mime::header_param(text, "filename");
  return 0;
}
