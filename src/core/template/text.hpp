// Python str semantics on UTF-8: strings are sequences of code points. Invalid UTF-8
// (payload-derived text) decodes byte-by-byte to U+FFFD-free "surrogate escapes" so
// that nothing is lost and nothing throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stoq::templating::detail {

/// Decodes UTF-8; an invalid byte b becomes 0xDC00 + b (Python's surrogateescape).
[[nodiscard]] std::u32string decode_utf8(std::string_view s);
void append_utf8(std::string& out, char32_t cp);
/// Python's backslash escape of one code point: \xNN, \uNNNN or \UNNNNNNNN (repr, ascii()).
void append_python_escape(std::string& out, char32_t cp);
[[nodiscard]] std::string encode_utf8(std::u32string_view s);
/// Number of code points.
[[nodiscard]] std::size_t cp_length(std::string_view s);
[[nodiscard]] bool is_ascii(std::string_view s);

[[nodiscard]] char32_t to_upper(char32_t c);
[[nodiscard]] char32_t to_lower(char32_t c);
[[nodiscard]] bool is_space(char32_t c);  // str.isspace / str.split()
[[nodiscard]] bool is_alpha(char32_t c);  // cased letters
[[nodiscard]] bool is_alnum(char32_t c);
[[nodiscard]] bool is_printable(char32_t c);  // repr() keeps it as-is

[[nodiscard]] std::string upper(std::string_view s);
[[nodiscard]] std::string lower(std::string_view s);
[[nodiscard]] std::string title(std::string_view s);       // Jinja2's do_title
[[nodiscard]] std::string capitalize(std::string_view s);  // str.capitalize
[[nodiscard]] std::string strip(std::string_view s, bool left, bool right, const std::u32string* chars = nullptr);
/// str.split(sep=None) when sep is null; str.split(sep) otherwise. maxsplit < 0: all.
[[nodiscard]] std::vector<std::string> split(std::string_view s, const std::string* sep, long maxsplit);
[[nodiscard]] std::string replace(std::string_view s, std::string_view old, std::string_view with, long count);
/// Counts non-overlapping occurrences (Python: "" occurs len+1 times).
[[nodiscard]] std::int64_t count(std::string_view s, std::string_view sub);
[[nodiscard]] bool is_lower_str(std::string_view s);  // str.islower
[[nodiscard]] bool is_upper_str(std::string_view s);  // str.isupper

}  // namespace stoq::templating::detail
