// libFuzzer target: reader:text's decoder over arbitrary bytes. The first byte picks the
// options (bit 0: detect_utf16, bits 1-2: fallback, bits 3-7: max_bytes as a multiple of
// 8, 0 for no limit); the rest is decoded, then converted again with every encoding. The
// text must always be well-formed UTF-8 and, for input that is already well-formed
// UTF-8 without a BOM, equal to it. Any violation aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "decode.hpp"
#include "stoq/text.hpp"

namespace text = stoq::plugins::reader::text;

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  text::DecodeOptions options;
  options.detect_utf16 = (data[0] & 1U) != 0;
  options.fallback = static_cast<text::Fallback>(((data[0] >> 1U) & 3U) % 3);
  std::size_t limit = (data[0] >> 3U) * std::size_t{8};
  if (limit > 0) options.max_bytes = limit;
  stoq::ByteView bytes(data + 1, size - 1);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  text::Decoded decoded = text::decode_text(bytes, options);
  check(stoq::is_valid_utf8(decoded.text));
  check(decoded.truncated == (bytes.size() > options.max_bytes));
  if (decoded.encoding == text::Encoding::Ascii || decoded.encoding == text::Encoding::Utf8) {
    if (!decoded.bom) {
      check(decoded.replacements == 0);
      check(bytes.as_string_view().substr(0, decoded.text.size()) == decoded.text);
    }
  }
  for (int e = 0; e <= static_cast<int>(text::Encoding::Cp1252); ++e) {
    std::size_t replacements = 0;
    std::string converted = text::convert(bytes, static_cast<text::Encoding>(e), &replacements);
    check(stoq::is_valid_utf8(converted));
    check(replacements <= bytes.size());
  }
  return 0;
}
