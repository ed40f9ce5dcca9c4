// reader:iocregex, the scanner: linear-time tokenizers that find indicators of
// compromise in untrusted bytes, without regular expressions. Shared by the plugin
// (iocregex.cpp), its tests and the libFuzzer target (fuzz_iocregex.cpp).
//
// How a payload is read:
//   1. refang(): defanged separators ("[.]", "(dot)", "[@]", "hxxp://", ...) become the
//      characters they stand for, in one pass;
//   2. one pass per indicator family over that text (hex runs for hashes, MAC
//      addresses, IPv4, IPv6, domains, e-mail addresses, URLs), each reading every
//      byte a bounded number of times, so the whole scan is O(n) whatever the input;
//   3. each value is normalized (lower case, canonical IP form), dropped when the
//      whitelist matches it, deduplicated in first-seen order and capped per type.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stoq/bytes.hpp"

namespace stoq::plugins::reader::iocregex {

/// The indicator types, in the order a result lists them.
enum class IocType : std::uint8_t { Ipv4, Ipv6, Domain, Url, Email, Md5, Sha1, Sha256, Sha512, Mac };
inline constexpr std::size_t kIocTypeCount = 10;

/// The result key of a type: "ipv4", ..., "mac_address" (the original's names).
std::string_view type_name(IocType type);
/// A type from its name; accepts the aliases "mac" and "uri" too. Case-insensitive.
std::optional<IocType> parse_type(std::string_view name);
inline constexpr std::size_t index_of(IocType type) { return static_cast<std::size_t>(type); }

/// The IANA top-level domains, lower case: a sorted list searched by bisection.
class TldSet {
 public:
  /// Reads the IANA file format: one TLD a line, lines starting with '#' ignored.
  static TldSet parse(std::string_view text);
  void add(std::string_view tld);
  /// `label` in any case.
  [[nodiscard]] bool contains(std::string_view label) const;
  [[nodiscard]] std::size_t size() const { return tlds_.size(); }

 private:
  std::vector<std::string> tlds_;  // sorted, unique
  std::size_t longest_ = 0;
  std::array<bool, 36 * 36> starts_{};  // the first two characters ([a-z0-9]) of some TLD
};

class Whitelist;

struct ScanConfig {
  const TldSet* tlds = nullptr;          // required for domain, url and email
  const Whitelist* whitelist = nullptr;  // optional
  bool refang = true;                    // recognize defanged forms
  std::array<bool, kIocTypeCount> enabled{true, true, true, true, true, true, true, true, true, true};
  std::size_t max_per_type = 10000;   // distinct values kept per type
  std::size_t max_url_length = 4096;  // longer URLs are cut to this many bytes
};

struct Findings {
  /// Per type: normalized values, deduplicated, in first-seen order.
  std::array<std::vector<std::string>, kIocTypeCount> values;
  /// Per type: true when max_per_type cut the list short.
  std::array<bool, kIocTypeCount> capped{};
  [[nodiscard]] bool empty() const;
};

/// The text the tokenizers read: `bytes` with defanged forms replaced (see refang()).
std::string refang(ByteView bytes);

/// Finds the indicators of `bytes` (all of it: the caller applies any size limit).
Findings scan(ByteView bytes, const ScanConfig& config);

// Strict parsers, shared with the whitelist.
/// Dotted-quad IPv4, each octet 0-255 of one to three digits.
std::optional<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text);
/// IPv6 as inet_pton(AF_INET6) reads it (at most 45 characters).
std::optional<std::array<std::uint8_t, 16>> parse_ipv6(std::string_view text);
/// The RFC 5952 text of an IPv6 address (lower case, longest zero run compressed).
std::string format_ipv6(const std::array<std::uint8_t, 16>& address);
/// "aa:bb:cc:dd:ee:ff" (':' or '-' separated, any case) as lower case with ':'.
std::optional<std::string> normalize_mac(std::string_view text);
/// The hash type of a hex string by its length (32, 40, 64, 128), else nullopt.
std::optional<IocType> hash_type_of(std::string_view text);
/// True for a host name of valid labels (letters, digits, '-'; 1-63 bytes each).
bool valid_hostname(std::string_view text);
std::string to_lower(std::string_view text);

}  // namespace stoq::plugins::reader::iocregex
