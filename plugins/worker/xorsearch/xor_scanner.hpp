// Finds terms hidden with XORSearch's one-byte encodings (Didier Stevens' XORSearch,
// which stoQ's original xorsearch worker ran): XOR with every key 0x00..0xFF, ROL by 1..7
// bits and ROT of letters by 1..25, in one pass over the payload instead of one pass per
// key.
//
// How: XOR with a key k maps a term t to t ^ k, and the XOR of two neighbouring bytes
// is the same before and after (a ^ k) ^ (b ^ k) = a ^ b. So a term matches at offset i
// under some XOR key exactly when the neighbour differences of the payload there equal
// the term's; the key is then payload[i] ^ t[0]. One table, indexed by the first two
// differences, holds every term once for all 256 keys. ROL and ROT have no such
// invariant: each term is encoded once under each of their 32 keys, and a second
// table indexed by the first two encoded bytes holds those patterns. Each payload
// position is looked up in both tables (a bitmap answers "nothing here" for most
// positions), and candidates are verified byte for byte through bounds-checked views.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stoq/bytes.hpp"

namespace stoq::plugins::worker::xorsearch {

enum class Operation : std::uint8_t { Xor, Rol, Rot };
inline constexpr std::size_t kOperationCount = 3;

/// "XOR", "ROL" or "ROT", as XORSearch prints them.
std::string_view operation_name(Operation operation);

/// What XORSearch searches in under (operation, key): XOR: byte ^ key; ROL: the byte
/// rotated left by key bits; ROT: letters rotated forward by 26 - key places (XORSearch
/// reports ROT k when the term, ROT-k encoded, is in the payload; ROT13 is its own inverse).
std::uint8_t decode_byte(Operation operation, std::uint8_t key, std::uint8_t byte);
/// The inverse of decode_byte: the payload byte that decodes to `byte`.
std::uint8_t encode_byte(Operation operation, std::uint8_t key, std::uint8_t byte);
/// The keys XORSearch tries: XOR 0..255, ROL 1..7, ROT 1..25.
std::uint8_t first_key(Operation operation);
std::uint8_t last_key(Operation operation);

inline constexpr std::size_t kMinTermLength = 3;  // shorter terms match almost anywhere under some key
inline constexpr std::size_t kMaxTermLength = 1024;
inline constexpr std::size_t kMaxTerms = 4096;

/// The terms of a terms file (XORSearch -f): one per line, LF or CRLF; blank lines and
/// lines starting with '#' (comments, such as the licence header of stoQ's terms.txt)
/// are skipped. Everything else on a line, spaces included, is the term.
std::vector<std::string> parse_terms(std::string_view text);

struct Hit {
  std::size_t offset = 0;  // of the first byte of the encoded term
  std::uint32_t term = 0;  // index into the searcher's terms()
  Operation operation = Operation::Xor;
  std::uint8_t key = 0;

  friend bool operator==(const Hit&, const Hit&) = default;
};

/// Hits in XORSearch's order within one offset: operation, then key, then term.
bool hit_before(const Hit& a, const Hit& b);

struct SearchSettings {
  /// Report XOR key 0 (the term in plain text). The original worker dropped these.
  bool include_plain = false;
  std::array<bool, kOperationCount> operations{true, true, true};
  std::size_t max_hits = 1000;
};

struct SearchResult {
  std::vector<Hit> hits;  // by offset, then hit_before
  bool limited = false;   // more hits exist than max_hits
};

class XorSearcher {
 public:
  /// Throws std::invalid_argument when a term is shorter than kMinTermLength or longer
  /// than kMaxTermLength, or there are more than kMaxTerms terms.
  XorSearcher(std::vector<std::string> terms, SearchSettings settings);

  [[nodiscard]] SearchResult search(ByteView bytes) const;
  [[nodiscard]] const std::vector<std::string>& terms() const { return terms_; }

  /// XORSearch's view of a hit: the decoded payload from the hit on, at most
  /// `max_characters`, up to a decoded NUL, bytes other than 0x20..0x7E shown as '.'.
  static std::string preview(ByteView bytes, const Hit& hit, std::size_t max_characters);

 private:
  // A term encoded under one ROL or ROT key.
  struct Pattern {
    std::string bytes;
    std::uint32_t term;
    Operation operation;
    std::uint8_t key;
  };
  // Items grouped by a 16-bit key (compressed rows), with a bitmap of non-empty keys.
  struct Table {
    std::vector<std::uint32_t> starts;  // 65537 entries
    std::vector<std::uint32_t> items;
    std::vector<std::uint64_t> present;  // 1024 words
    void build(const std::vector<std::pair<std::uint16_t, std::uint32_t>>& entries);
    [[nodiscard]] bool has(std::uint16_t key) const;
  };

  void match_xor(ByteView bytes, std::size_t offset, std::uint16_t key, std::vector<Hit>& out) const;
  void match_patterns(ByteView bytes, std::size_t offset, std::uint16_t key, std::vector<Hit>& out) const;

  std::vector<std::string> terms_;
  SearchSettings settings_;
  std::vector<Pattern> patterns_;
  Table xor_table_;      // key: (t[0]^t[1]) << 8 | (t[1]^t[2]); items: term indices
  Table pattern_table_;  // key: p[0] << 8 | p[1]; items: pattern indices
};

}  // namespace stoq::plugins::worker::xorsearch
