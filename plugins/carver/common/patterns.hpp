// Byte patterns given as the original stoQ carvers' `headers` option: a Python regex
// made only of literal bytes, `\xNN` escapes and `|` alternation (e.g.
// `\x4d\x5a|\x5a\x4d`, `CWS|ZWS|FWS`). No regex engine runs over payload bytes: the
// option is parsed once into byte strings and searched for with memmem.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "stoq/bytes.hpp"

namespace stoq::carve {

/// Parses `text` into its alternatives. Escapes: \xNN, \\, \|, \n, \r, \t, \f, \v,
/// \0, and a backslash before any other punctuation (a literal). Throws stoq::Error
/// naming `option` on regex syntax beyond that (classes, groups, repetition), on an
/// empty alternative and on a bad escape.
std::vector<Bytes> parse_byte_patterns(std::string_view text, std::string_view option);

/// Occurrences of any pattern, left to right, as Python's re.finditer reports an
/// alternation of literals: at the leftmost position the first listed pattern that
/// matches wins, and the search resumes after the match (matches never overlap).
class PatternScanner {
 public:
  struct Match {
    std::size_t offset = 0;
    std::size_t pattern = 0;  // index into the pattern list
  };
  PatternScanner(const std::vector<Bytes>& patterns, ByteView data);
  std::optional<Match> next();

 private:
  [[nodiscard]] std::size_t find_from(std::size_t pattern, std::size_t from) const;

  const std::vector<Bytes>& patterns_;
  ByteView data_;
  std::size_t position_ = 0;
  std::vector<std::size_t> next_;  // next occurrence of each pattern at/after its search point
};

}  // namespace stoq::carve
