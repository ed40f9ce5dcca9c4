// reader:iocregex: what the tokenizers read: a bounds-checked view of the text where
// every position outside it (past the end, or "before 0" as size_t wraps) reads as
// '\0', a boundary for every indicator type. Tokenizers never index raw memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stoq/bytes.hpp"

namespace stoq::plugins::reader::iocregex {

class Text {
 public:
  explicit Text(std::string_view text) : view_(text) {}
  explicit Text(ByteView view) : view_(view) {}

  /// The byte at `i`, or 0 outside the text (i == size(), i == size_t(-1), ...).
  [[nodiscard]] unsigned char operator[](std::size_t i) const { return i < view_.size() ? view_.data()[i] : 0; }
  [[nodiscard]] std::size_t size() const { return view_.size(); }
  /// [begin, end) clamped to the text.
  [[nodiscard]] std::string_view slice(std::size_t begin, std::size_t end) const {
    if (end > view_.size()) end = view_.size();
    if (begin > end) begin = end;
    return view_.as_string_view().substr(begin, end - begin);
  }
  /// The first position >= from where `needle` starts, or size().
  [[nodiscard]] std::size_t find(std::string_view needle, std::size_t from) const {
    std::size_t at = view_.as_string_view().find(needle, from);
    return at == std::string_view::npos ? view_.size() : at;
  }
  /// True when the text at `i` starts with `lower_word`, compared case-insensitively.
  [[nodiscard]] bool istarts_with(std::size_t i, std::string_view lower_word) const {
    for (std::size_t k = 0; k < lower_word.size(); ++k) {
      unsigned char c = (*this)[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
      if (c != static_cast<unsigned char>(lower_word[k])) return false;
    }
    return true;
  }

 private:
  ByteView view_;
};

constexpr bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_alnum(unsigned char c) { return is_digit(c) || is_alpha(c); }
constexpr bool is_hex(unsigned char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
/// A character of regular expressions' \w: a word boundary lies between \w and the rest.
constexpr bool is_word(unsigned char c) { return is_alnum(c) || c == '_'; }
/// A character of a host-name run: labels, dots, and '_' (which makes a label invalid).
constexpr bool is_host_char(unsigned char c) { return is_word(c) || c == '-' || c == '.'; }
constexpr char lower(unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); }

}  // namespace stoq::plugins::reader::iocregex
