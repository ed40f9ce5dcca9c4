// The strings of a buffer, found the way GNU strings (binutils 2.40) finds them with
// `strings -a -n MIN` (ASCII) and `strings -a -e l -n MIN` (UTF-16LE), so that the two
// agree string for string and offset for offset. No stoq state: the plugin, its tests,
// the benchmark and the fuzz target share it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stoq/bytes.hpp"

namespace stoq::plugins::worker::strings {

enum class StringEncoding { Ascii, Utf16le };

/// "ascii" or "utf-16le", as reported in results.
std::string_view encoding_name(StringEncoding encoding);
/// The encoding named `name` (as encoding_name() spells it), or nullopt.
std::optional<StringEncoding> parse_encoding(std::string_view name);

/// GNU strings' printable characters: 0x20..0x7E and TAB (its STRING_ISGRAPHIC for the
/// default 7-bit encoding). A UTF-16LE character is one of these followed by a 0 byte.
constexpr bool is_string_char(std::uint8_t byte) { return byte == '\t' || (byte >= 0x20 && byte <= 0x7E); }

struct FoundString {
  std::size_t offset = 0;       // of the first byte of the first character
  std::size_t characters = 0;   // at least the scanner's minimum length
  std::size_t byte_length = 0;  // characters, times 2 for UTF-16LE
  StringEncoding encoding = StringEncoding::Ascii;
};

/// Finds the strings of one encoding in `bytes`, front to back, one per next() call.
/// Linear in the size of `bytes`; every read is bounds-checked through ByteView.
class StringScanner {
 public:
  /// `min_length` characters make a string (0 is taken as 1).
  StringScanner(ByteView bytes, StringEncoding encoding, std::size_t min_length);

  /// The next string, or nullopt at the end of the buffer.
  std::optional<FoundString> next();

 private:
  std::optional<FoundString> next_ascii();
  std::optional<FoundString> next_utf16le();
  [[nodiscard]] bool utf16le_char_at(std::size_t offset) const;

  ByteView bytes_;
  StringEncoding encoding_;
  std::size_t min_length_;
  std::size_t position_ = 0;
};

/// The characters of `found` as text (printable ASCII and TAB), at most `max_characters`.
std::string string_text(ByteView bytes, const FoundString& found, std::size_t max_characters);

}  // namespace stoq::plugins::worker::strings
