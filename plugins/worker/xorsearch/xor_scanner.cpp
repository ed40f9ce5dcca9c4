#include "xor_scanner.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <tuple>

namespace stoq::plugins::worker::xorsearch {
namespace {

constexpr std::size_t kTableKeys = 1U << 16;

std::uint8_t rotate_left(std::uint8_t byte, unsigned bits) {
  bits &= 7U;
  if (bits == 0) return byte;
  return static_cast<std::uint8_t>((byte << bits) | (byte >> (8U - bits)));
}

// XORSearch's ROT: letters move forward within their case, everything else stays.
std::uint8_t rotate_letter(std::uint8_t byte, unsigned places) {
  places %= 26U;
  if (byte >= 'a' && byte <= 'z') return static_cast<std::uint8_t>('a' + (byte - 'a' + places) % 26U);
  if (byte >= 'A' && byte <= 'Z') return static_cast<std::uint8_t>('A' + (byte - 'A' + places) % 26U);
  return byte;
}

std::uint16_t pair_key(std::uint8_t high, std::uint8_t low) { return static_cast<std::uint16_t>((high << 8U) | low); }

std::uint8_t at(std::string_view text, std::size_t index) { return static_cast<std::uint8_t>(text.at(index)); }

}  // namespace

std::string_view operation_name(Operation operation) {
  switch (operation) {
    case Operation::Xor: return "XOR";
    case Operation::Rol: return "ROL";
    case Operation::Rot: return "ROT";
  }
  return "?";
}

std::uint8_t decode_byte(Operation operation, std::uint8_t key, std::uint8_t byte) {
  switch (operation) {
    case Operation::Xor: return byte ^ key;
    case Operation::Rol: return rotate_left(byte, key);
    case Operation::Rot: return rotate_letter(byte, 26U - key % 26U);
  }
  return byte;
}

std::uint8_t encode_byte(Operation operation, std::uint8_t key, std::uint8_t byte) {
  switch (operation) {
    case Operation::Xor: return byte ^ key;
    case Operation::Rol: return rotate_left(byte, 8U - (key & 7U));
    case Operation::Rot: return rotate_letter(byte, key);
  }
  return byte;
}

std::uint8_t first_key(Operation operation) { return operation == Operation::Xor ? 0 : 1; }

std::uint8_t last_key(Operation operation) {
  switch (operation) {
    case Operation::Xor: return 255;
    case Operation::Rol: return 7;
    case Operation::Rot: return 25;
  }
  return 0;
}

std::vector<std::string> parse_terms(std::string_view text) {
  std::vector<std::string> terms;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    terms.emplace_back(line);
  }
  return terms;
}

bool hit_before(const Hit& a, const Hit& b) {
  return std::tie(a.offset, a.operation, a.key, a.term) < std::tie(b.offset, b.operation, b.key, b.term);
}

void XorSearcher::Table::build(const std::vector<std::pair<std::uint16_t, std::uint32_t>>& entries) {
  starts.assign(kTableKeys + 1, 0);
  present.assign(kTableKeys / 64, 0);
  for (const auto& [key, item] : entries) {
    ++starts.at(key + 1U);
    present.at(key / 64U) |= std::uint64_t{1} << (key % 64U);
  }
  for (std::size_t key = 0; key < kTableKeys; ++key) starts.at(key + 1) += starts.at(key);
  items.assign(entries.size(), 0);
  std::vector<std::uint32_t> next(starts.begin(), starts.end() - 1);
  for (const auto& [key, item] : entries) items.at(next.at(key)++) = item;
}

bool XorSearcher::Table::has(std::uint16_t key) const {
  return !present.empty() && ((present[key / 64U] >> (key % 64U)) & 1U) != 0;  // key / 64 < 1024 = size
}

XorSearcher::XorSearcher(std::vector<std::string> terms, SearchSettings settings)
    : terms_(std::move(terms)), settings_(settings) {
  if (terms_.size() > kMaxTerms) {
    throw std::invalid_argument(std::to_string(terms_.size()) + " terms; at most " + std::to_string(kMaxTerms));
  }
  std::vector<std::pair<std::uint16_t, std::uint32_t>> xor_entries;
  std::vector<std::pair<std::uint16_t, std::uint32_t>> pattern_entries;
  for (std::uint32_t index = 0; index < terms_.size(); ++index) {
    const std::string& term = terms_[index];
    if (term.size() < kMinTermLength || term.size() > kMaxTermLength) {
      throw std::invalid_argument("term '" + term + "' is " + std::to_string(term.size()) + " bytes; terms are " +
                                  std::to_string(kMinTermLength) + " to " + std::to_string(kMaxTermLength) +
                                  " bytes long");
    }
    if (settings_.operations[static_cast<std::size_t>(Operation::Xor)]) {
      xor_entries.emplace_back(pair_key(at(term, 0) ^ at(term, 1), at(term, 1) ^ at(term, 2)), index);
    }
    for (Operation operation : {Operation::Rol, Operation::Rot}) {
      if (!settings_.operations.at(static_cast<std::size_t>(operation))) continue;
      for (unsigned key = first_key(operation); key <= last_key(operation); ++key) {
        std::string encoded = term;
        for (char& c : encoded) {
          c = static_cast<char>(encode_byte(operation, static_cast<std::uint8_t>(key), static_cast<std::uint8_t>(c)));
        }
        // A key that leaves the term as it is finds the plain text: that is XOR 00's hit.
        if (encoded == term) continue;
        pattern_entries.emplace_back(pair_key(at(encoded, 0), at(encoded, 1)),
                                     static_cast<std::uint32_t>(patterns_.size()));
        patterns_.push_back({std::move(encoded), index, operation, static_cast<std::uint8_t>(key)});
      }
    }
  }
  xor_table_.build(xor_entries);
  pattern_table_.build(pattern_entries);
}

void XorSearcher::match_xor(ByteView bytes, std::size_t offset, std::uint16_t key, std::vector<Hit>& out) const {
  for (std::uint32_t slot = xor_table_.starts.at(key); slot < xor_table_.starts.at(key + 1U); ++slot) {
    std::uint32_t index = xor_table_.items.at(slot);
    const std::string& term = terms_.at(index);
    std::optional<ByteView> window = bytes.subview(offset, term.size());
    if (!window) continue;
    std::span<const std::uint8_t> candidate = window->span();
    std::uint8_t xor_key = candidate.front() ^ at(term, 0);
    if (xor_key == 0 && !settings_.include_plain) continue;
    bool same = std::equal(candidate.begin(), candidate.end(), term.begin(), [xor_key](std::uint8_t byte, char want) {
      return static_cast<std::uint8_t>(byte ^ xor_key) == static_cast<std::uint8_t>(want);
    });
    if (same) out.push_back({offset, index, Operation::Xor, xor_key});
  }
}

void XorSearcher::match_patterns(ByteView bytes, std::size_t offset, std::uint16_t key, std::vector<Hit>& out) const {
  for (std::uint32_t slot = pattern_table_.starts.at(key); slot < pattern_table_.starts.at(key + 1U); ++slot) {
    const Pattern& pattern = patterns_.at(pattern_table_.items.at(slot));
    std::optional<ByteView> window = bytes.subview(offset, pattern.bytes.size());
    if (window && window->as_string_view() == pattern.bytes) {
      out.push_back({offset, pattern.term, pattern.operation, pattern.key});
    }
  }
}

SearchResult XorSearcher::search(ByteView bytes) const {
  SearchResult result;
  std::span<const std::uint8_t> all = bytes.span();
  bool use_xor = settings_.operations[static_cast<std::size_t>(Operation::Xor)] && !terms_.empty();
  bool use_patterns = !patterns_.empty();
  std::vector<Hit> here;
  // Every term is at least 3 bytes: a match needs offset + 2 < size, which also keeps
  // the three reads below inside the buffer.
  for (std::size_t offset = 0; offset + 2 < all.size(); ++offset) {
    std::uint8_t b0 = all[offset];
    std::uint8_t b1 = all[offset + 1];
    std::uint8_t b2 = all[offset + 2];
    here.clear();
    std::uint16_t difference_key = pair_key(b0 ^ b1, b1 ^ b2);
    if (use_xor && xor_table_.has(difference_key)) match_xor(bytes, offset, difference_key, here);
    std::uint16_t byte_key = pair_key(b0, b1);
    if (use_patterns && pattern_table_.has(byte_key)) match_patterns(bytes, offset, byte_key, here);
    if (here.empty()) continue;
    std::sort(here.begin(), here.end(), hit_before);
    for (const Hit& hit : here) {
      if (result.hits.size() >= settings_.max_hits) {
        result.limited = true;
        return result;
      }
      result.hits.push_back(hit);
    }
  }
  return result;
}

std::string XorSearcher::preview(ByteView bytes, const Hit& hit, std::size_t max_characters) {
  std::string text;
  for (std::uint8_t byte : bytes.tail(hit.offset).head(max_characters).span()) {
    std::uint8_t decoded = decode_byte(hit.operation, hit.key, byte);
    if (decoded == 0) break;
    text.push_back(decoded >= 0x20 && decoded <= 0x7E ? static_cast<char>(decoded) : '.');
  }
  return text;
}

}  // namespace stoq::plugins::worker::xorsearch
