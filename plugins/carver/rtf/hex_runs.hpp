// carver:rtf's scanners. The original matched its `headers` option, the oletools
// regex  (?:(?:[0-9A-Fa-f]{2})+\s*)*(?:[0-9A-Fa-f]{2}){4,}  with re.finditer. A
// backtracking regex over untrusted bytes can take quadratic time or worse, so
// HexRunScanner finds the same matches in one linear pass:
//
//   * a match is a chain of hex "runs" (pairs of digits) separated by whitespace that
//     ends with at least N contiguous pairs; pairs are aligned from where each run
//     starts (the match start for the first one), and a run with a dangling odd digit
//     ends the chain;
//   * the regex is greedy, so a match ends at the end of the LAST run of its chain
//     that holds >= N pairs; finditer takes the leftmost start that has such a run and
//     resumes at the match end.
//
// The scanner keeps one cached chain (its last qualifying run) so each run is walked
// a bounded number of times. ObjdataScanner serves the original's alternative
// pattern (?<=\\objdata\s)(.*?)(?=}) the same way.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include "stoq/bytes.hpp"

namespace stoq::plugins::carver::rtf {

using Span = std::pair<std::size_t, std::size_t>;  // [begin, end)

class HexRunScanner {
 public:
  HexRunScanner(ByteView data, std::size_t min_pairs) : data_(data), min_pairs_(min_pairs == 0 ? 1 : min_pairs) {}
  std::optional<Span> next();

 private:
  [[nodiscard]] std::size_t run_end(std::size_t from) const;  // first non-hex at/after from
  [[nodiscard]] std::size_t link(std::size_t run_end) const;  // next run's start after whitespace, or npos
  std::optional<std::size_t> chain_last_end(std::size_t run_start);

  ByteView data_;
  std::size_t min_pairs_;
  std::size_t position_ = 0;
  // The chain walked last: runs from cache_first_ to cache_last_ (starts); its last run
  // with enough pairs starts at cache_qual_start_ and ends at cache_qual_end_.
  bool cached_ = false;
  std::size_t cache_first_ = 0;
  std::size_t cache_last_ = 0;
  std::optional<Span> cache_qual_;
};

/// Text after "\objdata" plus one whitespace character (case-insensitive) up to the
/// next '}', as the commented-out pattern of the original rtf.stoq.
class ObjdataScanner {
 public:
  explicit ObjdataScanner(ByteView data) : data_(data) {}
  std::optional<Span> next();

 private:
  ByteView data_;
  std::size_t position_ = 0;
};

/// The `headers` option: the oletools pattern (any {N,}) or the objdata pattern.
struct HeadersMode {
  bool objdata = false;
  std::size_t min_pairs = 4;
};
/// Throws stoq::Error for any other pattern.
HeadersMode parse_headers(std::string_view headers);

}  // namespace stoq::plugins::carver::rtf
