#include "hex_runs.hpp"

#include <charconv>
#include <cstring>
#include <string>

#include "codecs.hpp"
#include "stoq/error.hpp"

namespace stoq::plugins::carver::rtf {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);
constexpr std::string_view kRunPrefix = R"((?:(?:[0-9A-Fa-f]{2})+\s*)*(?:[0-9A-Fa-f]{2}){)";
constexpr std::string_view kRunSuffix = ",}";
constexpr std::string_view kObjdataPattern = R"((?<=\\objdata\s)(.*?)(?=}))";

bool is_hex(std::uint8_t c) { return carve::hex_value(c) >= 0; }

}  // namespace

std::size_t HexRunScanner::run_end(std::size_t from) const {
  while (from < data_.size() && is_hex(data_.data()[from])) ++from;
  return from;
}

std::size_t HexRunScanner::link(std::size_t end) const {
  std::size_t next = end;
  while (next < data_.size() && carve::is_space(data_.data()[next])) ++next;
  if (next == end || next >= data_.size() || !is_hex(data_.data()[next])) return kNone;
  return next;
}

std::optional<std::size_t> HexRunScanner::chain_last_end(std::size_t run_start) {
  if (!cached_ || run_start < cache_first_ || run_start > cache_last_) {
    // Walk the chain from run_start: runs linked while each has an even length.
    cached_ = true;
    cache_first_ = run_start;
    cache_qual_.reset();
    std::size_t start = run_start;
    while (true) {
      cache_last_ = start;
      std::size_t end = run_end(start);
      std::size_t pairs = (end - start) / 2;
      if (pairs >= min_pairs_) cache_qual_ = Span{start, start + 2 * pairs};
      if ((end - start) % 2 != 0) break;
      std::size_t next = link(end);
      if (next == kNone) break;
      start = next;
    }
  }
  if (cache_qual_ && cache_qual_->first >= run_start) return cache_qual_->second;
  return std::nullopt;
}

std::optional<Span> HexRunScanner::next() {
  const std::uint8_t* data = data_.data();
  while (position_ < data_.size()) {
    if (!is_hex(data[position_])) {
      ++position_;
      continue;
    }
    std::size_t end = run_end(position_);
    std::size_t next_run = link(end);
    std::optional<std::size_t> chained = next_run == kNone ? std::nullopt : chain_last_end(next_run);
    for (std::size_t start = position_; start < end; ++start) {
      std::size_t length = end - start;
      std::optional<std::size_t> match_end;
      if (length % 2 == 0 && chained) {
        match_end = chained;
      } else if (length / 2 >= min_pairs_) {
        match_end = start + 2 * (length / 2);
      }
      if (match_end) {
        position_ = *match_end;
        return Span{start, *match_end};
      }
    }
    position_ = end;
  }
  return std::nullopt;
}

std::optional<Span> ObjdataScanner::next() {
  static constexpr std::string_view kWord = "\\objdata";
  std::string_view text = data_.as_string_view();
  while (position_ < text.size()) {
    std::size_t slash = text.find('\\', position_);
    if (slash == std::string_view::npos) break;
    position_ = slash + 1;
    if (text.size() - slash < kWord.size() + 1) break;
    bool same = true;
    for (std::size_t i = 1; i < kWord.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(text[slash + i])) == kWord[i];
    }
    if (!same || !carve::is_space(static_cast<std::uint8_t>(text[slash + kWord.size()]))) continue;
    std::size_t begin = slash + kWord.size() + 1;
    std::size_t close = text.find('}', begin);
    if (close == std::string_view::npos) break;
    position_ = close;
    return Span{begin, close};
  }
  position_ = text.size();
  return std::nullopt;
}

HeadersMode parse_headers(std::string_view headers) {
  if (headers == kObjdataPattern) return {true, 0};
  if (headers.starts_with(kRunPrefix) && headers.ends_with(kRunSuffix)) {
    std::string_view count = headers.substr(kRunPrefix.size(), headers.size() - kRunPrefix.size() - kRunSuffix.size());
    std::size_t pairs = 0;
    auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), pairs);
    if (error == std::errc() && end == count.data() + count.size() && pairs > 0 && pairs < 1000000) {
      return {false, pairs};
    }
  }
  throw Error("headers = '" + std::string(headers) + "': rtf supports the oletools hex pattern " +
              std::string(kRunPrefix) + "N" + std::string(kRunSuffix) + " and " + std::string(kObjdataPattern));
}

}  // namespace stoq::plugins::carver::rtf
