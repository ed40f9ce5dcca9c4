#include "string_scanner.hpp"

#include <algorithm>

namespace stoq::plugins::worker::strings {

std::string_view encoding_name(StringEncoding encoding) {
  return encoding == StringEncoding::Ascii ? "ascii" : "utf-16le";
}

std::optional<StringEncoding> parse_encoding(std::string_view name) {
  if (name == "ascii") return StringEncoding::Ascii;
  if (name == "utf-16le") return StringEncoding::Utf16le;
  return std::nullopt;
}

StringScanner::StringScanner(ByteView bytes, StringEncoding encoding, std::size_t min_length)
    : bytes_(bytes), encoding_(encoding), min_length_(std::max<std::size_t>(min_length, 1)) {}

std::optional<FoundString> StringScanner::next() {
  return encoding_ == StringEncoding::Ascii ? next_ascii() : next_utf16le();
}

// Maximal runs of printable bytes at least min_length_ long.
std::optional<FoundString> StringScanner::next_ascii() {
  std::span<const std::uint8_t> all = bytes_.span();
  while (position_ < all.size()) {
    auto begin = all.begin() + static_cast<std::ptrdiff_t>(position_);
    auto start = std::find_if(begin, all.end(), [](std::uint8_t byte) { return is_string_char(byte); });
    auto stop = std::find_if(start, all.end(), [](std::uint8_t byte) { return !is_string_char(byte); });
    std::size_t offset = static_cast<std::size_t>(start - all.begin());
    std::size_t length = static_cast<std::size_t>(stop - start);
    position_ = offset + length;
    if (length >= min_length_) return FoundString{offset, length, length, StringEncoding::Ascii};
  }
  return std::nullopt;
}

bool StringScanner::utf16le_char_at(std::size_t offset) const {
  std::optional<std::uint16_t> unit = bytes_.read_le<std::uint16_t>(offset);
  return unit && *unit <= 0xFF && is_string_char(static_cast<std::uint8_t>(*unit));
}

// GNU strings' loop for -e l, step for step: read two-byte characters from the current
// position; a character that is not printable ends the attempt (or the string), and
// reading resumes at its second byte (binutils' unget_part_char). So strings are found
// at any alignment, and a string's end decides where the next attempt starts.
std::optional<FoundString> StringScanner::next_utf16le() {
  while (bytes_.fits(position_, 2)) {
    std::size_t start = position_;
    std::size_t characters = 0;
    while (characters < min_length_ && utf16le_char_at(position_)) {
      position_ += 2;
      ++characters;
    }
    if (characters < min_length_) {
      if (!bytes_.fits(position_, 2)) return std::nullopt;  // the end of the buffer ended the attempt
      position_ += 1;
      continue;
    }
    while (utf16le_char_at(position_)) {
      position_ += 2;
      ++characters;
    }
    if (bytes_.fits(position_, 2)) position_ += 1;
    return FoundString{start, characters, characters * 2, StringEncoding::Utf16le};
  }
  return std::nullopt;
}

std::string string_text(ByteView bytes, const FoundString& found, std::size_t max_characters) {
  std::size_t step = found.encoding == StringEncoding::Ascii ? 1 : 2;
  std::size_t count = std::min(found.characters, max_characters);
  std::optional<ByteView> view = bytes.subview(found.offset, count * step);
  if (!view) return {};
  std::string text;
  text.reserve(count);
  std::span<const std::uint8_t> span = view->span();
  for (std::size_t i = 0; i < span.size(); i += step) text.push_back(static_cast<char>(span[i]));
  return text;
}

}  // namespace stoq::plugins::worker::strings
