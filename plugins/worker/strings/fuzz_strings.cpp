// libFuzzer target: StringScanner over arbitrary bytes. The first byte picks the
// encoding (bit 4) and the minimum length (1 + low 4 bits); the rest is scanned. Every
// string found must lie inside the buffer, start after the previous one, hold only
// printable characters and be at least the minimum long; an ASCII string must be a
// maximal run. Any violation aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "string_scanner.hpp"

using stoq::plugins::worker::strings::FoundString;
using stoq::plugins::worker::strings::is_string_char;
using stoq::plugins::worker::strings::string_text;
using stoq::plugins::worker::strings::StringEncoding;
using stoq::plugins::worker::strings::StringScanner;

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

bool printable_at(stoq::ByteView bytes, std::size_t offset) {
  std::optional<std::uint8_t> byte = bytes.at(offset);
  return byte && is_string_char(*byte);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  StringEncoding encoding = (data[0] & 0x10U) != 0 ? StringEncoding::Utf16le : StringEncoding::Ascii;
  std::size_t min_length = 1 + (data[0] & 0x0FU);
  stoq::ByteView bytes(data + 1, size - 1);
  StringScanner scanner(bytes, encoding, min_length);
  std::size_t next_free = 0;
  while (std::optional<FoundString> found = scanner.next()) {
    check(found->encoding == encoding);
    check(found->characters >= min_length);
    check(found->offset >= next_free);
    check(bytes.fits(found->offset, found->byte_length));
    std::string text = string_text(bytes, *found, found->characters);
    check(text.size() == found->characters);
    for (char c : text) check(is_string_char(static_cast<std::uint8_t>(c)));
    if (encoding == StringEncoding::Ascii) {
      check(found->byte_length == found->characters);
      check(found->offset == 0 || !printable_at(bytes, found->offset - 1));
      check(!printable_at(bytes, found->offset + found->byte_length));
    } else {
      check(found->byte_length == 2 * found->characters);
      for (std::size_t i = 1; i < found->byte_length; i += 2) check(bytes.at(found->offset + i) == 0);
    }
    next_free = found->offset + found->byte_length;
  }
  return 0;
}
