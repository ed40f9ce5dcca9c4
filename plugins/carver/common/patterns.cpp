#include "patterns.hpp"

#include <cstring>
#include <string>

#include "codecs.hpp"
#include "stoq/error.hpp"

namespace stoq::carve {
namespace {

constexpr std::string_view kRegexSyntax = ".^$*+?{}[]()";

}  // namespace

std::vector<Bytes> parse_byte_patterns(std::string_view text, std::string_view option) {
  auto fail = [&](const std::string& why) {
    return Error(std::string(option) + " = '" + std::string(text) + "': " + why +
                 " (only literal bytes, \\xNN escapes and | alternation are supported)");
  };
  std::vector<Bytes> patterns(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '|') {
      patterns.emplace_back();
      continue;
    }
    if (kRegexSyntax.find(c) != std::string_view::npos) throw fail(std::string("regex syntax '") + c + "'");
    if (c != '\\') {
      patterns.back().push_back(static_cast<std::uint8_t>(c));
      continue;
    }
    if (++i >= text.size()) throw fail("trailing backslash");
    char escaped = text[i];
    switch (escaped) {
      case 'x': {
        int high = i + 1 < text.size() ? hex_value(static_cast<std::uint8_t>(text[i + 1])) : -1;
        int low = i + 2 < text.size() ? hex_value(static_cast<std::uint8_t>(text[i + 2])) : -1;
        if (high < 0 || low < 0) throw fail("\\x needs two hex digits");
        patterns.back().push_back(static_cast<std::uint8_t>(high * 16 + low));
        i += 2;
        break;
      }
      case 'n': patterns.back().push_back('\n'); break;
      case 'r': patterns.back().push_back('\r'); break;
      case 't': patterns.back().push_back('\t'); break;
      case 'f': patterns.back().push_back('\f'); break;
      case 'v': patterns.back().push_back('\v'); break;
      case '0': patterns.back().push_back(0); break;
      default:
        if ((escaped >= 'a' && escaped <= 'z') || (escaped >= 'A' && escaped <= 'Z') ||
            (escaped >= '1' && escaped <= '9')) {
          throw fail(std::string("escape '\\") + escaped + "'");
        }
        patterns.back().push_back(static_cast<std::uint8_t>(escaped));
    }
  }
  for (const Bytes& pattern : patterns) {
    if (pattern.empty()) throw fail("empty alternative");
  }
  return patterns;
}

PatternScanner::PatternScanner(const std::vector<Bytes>& patterns, ByteView data)
    : patterns_(patterns), data_(data), next_(patterns.size()) {
  for (std::size_t i = 0; i < patterns_.size(); ++i) next_[i] = find_from(i, 0);
}

std::size_t PatternScanner::find_from(std::size_t pattern, std::size_t from) const {
  const Bytes& needle = patterns_[pattern];
  if (from >= data_.size() || needle.empty()) return data_.size();
  const void* hit = ::memmem(data_.data() + from, data_.size() - from, needle.data(), needle.size());
  if (hit == nullptr) return data_.size();
  return static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - data_.data());
}

std::optional<PatternScanner::Match> PatternScanner::next() {
  std::optional<Match> best;
  for (std::size_t i = 0; i < patterns_.size(); ++i) {
    if (next_[i] < position_) next_[i] = find_from(i, position_);
    if (next_[i] < data_.size() && (!best || next_[i] < best->offset)) best = Match{next_[i], i};
  }
  if (best) position_ = best->offset + patterns_[best->pattern].size();
  return best;
}

}  // namespace stoq::carve
