// reader:iocregex: type names, the TLD set, strict parsers and refang().
#include "ioc.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include "text.hpp"

namespace stoq::plugins::reader::iocregex {
namespace {

constexpr std::array<std::string_view, kIocTypeCount> kTypeNames{"ipv4", "ipv6", "domain", "url",    "email",
                                                                 "md5",  "sha1", "sha256", "sha512", "mac_address"};

// Defanged separators, written inside one pair of brackets: "[.]", "(dot)", "{@}", ...
struct Defanged {
  std::string_view inner;  // lower case
  std::string_view replacement;
};
constexpr std::array<Defanged, 6> kBracketed{{
    {".", "."},
    {"dot", "."},
    {"@", "@"},
    {"at", "@"},
    {"://", "://"},
    {":", ":"},
}};
constexpr std::string_view kOpeners = "[({<";
constexpr std::string_view kClosers = "])}>";

// Defanged schemes: "hxxp" reads "http" (and so on) when "://" (possibly defanged) follows.
struct DefangedScheme {
  std::string_view word;  // lower case
  std::string_view replacement;
};
constexpr std::array<DefangedScheme, 5> kSchemes{{
    {"hxxps", "https"},
    {"hxxp", "http"},
    {"meows", "https"},
    {"meow", "http"},
    {"fxp", "ftp"},
}};

// The length of the bracketed defang at i ("[.]" -> 3), 0 when there is none; *out gets
// its replacement.
std::size_t bracketed_at(const Text& text, std::size_t i, std::string_view* out) {
  unsigned char c = text[i];
  if (c != '[' && c != '(' && c != '{' && c != '<') return 0;
  std::size_t kind = kOpeners.find(static_cast<char>(c));
  for (const Defanged& defanged : kBracketed) {
    if (text.istarts_with(i + 1, defanged.inner) &&
        text[i + 1 + defanged.inner.size()] == static_cast<unsigned char>(kClosers[kind])) {
      *out = defanged.replacement;
      return defanged.inner.size() + 2;
    }
  }
  return 0;
}

bool scheme_separator_at(const Text& text, std::size_t i) {
  return text.istarts_with(i, "://") || text.istarts_with(i, "[:]//") || text.istarts_with(i, "[://]");
}

}  // namespace

std::string_view type_name(IocType type) { return kTypeNames[index_of(type)]; }

std::optional<IocType> parse_type(std::string_view name) {
  std::string lowered = to_lower(name);
  if (lowered == "mac") return IocType::Mac;
  if (lowered == "uri") return IocType::Url;
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == lowered) return static_cast<IocType>(i);
  }
  return std::nullopt;
}

bool Findings::empty() const {
  return std::all_of(values.begin(), values.end(), [](const auto& list) { return list.empty(); });
}

TldSet TldSet::parse(std::string_view text) {
  TldSet set;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    set.add(line);
  }
  return set;
}

namespace {
// The index of the first two characters of a label in TldSet::starts_, or -1.
int start_index(std::string_view label) {
  auto code = [](unsigned char c) { return is_digit(c) ? c - '0' + 26 : is_alpha(c) ? lower(c) - 'a' : -1; };
  if (label.size() < 2) return -1;
  int first = code(static_cast<unsigned char>(label[0]));
  int second = code(static_cast<unsigned char>(label[1]));
  return first < 0 || second < 0 ? -1 : first * 36 + second;
}
}  // namespace

void TldSet::add(std::string_view tld) {
  if (tld.size() < 2 || tld.size() > 63 || tld.find('.') != std::string_view::npos || !valid_hostname(tld)) return;
  starts_[static_cast<std::size_t>(start_index(tld))] = true;
  longest_ = std::max(longest_, tld.size());
  std::string lowered = to_lower(tld);
  auto at = std::lower_bound(tlds_.begin(), tlds_.end(), lowered);
  if (at == tlds_.end() || *at != lowered) tlds_.insert(at, std::move(lowered));
}

bool TldSet::contains(std::string_view label) const {
  if (label.size() > longest_) return false;
  int start = start_index(label);  // most labels are ruled out here
  if (start < 0 || !starts_[static_cast<std::size_t>(start)]) return false;
  std::array<char, 63> buffer{};
  for (std::size_t i = 0; i < label.size(); ++i) buffer[i] = lower(static_cast<unsigned char>(label[i]));
  std::string_view key(buffer.data(), label.size());
  auto at = std::lower_bound(tlds_.begin(), tlds_.end(), key,
                             [](const std::string& tld, std::string_view wanted) { return tld < wanted; });
  return at != tlds_.end() && *at == key;
}

std::string refang(ByteView bytes) {
  Text text(bytes);
  std::string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char c = text[i];
    std::string_view replacement;
    if (std::size_t length = bracketed_at(text, i, &replacement); length > 0) {
      out.append(replacement);
      i += length;
      continue;
    }
    if ((c == 'h' || c == 'H' || c == 'm' || c == 'M' || c == 'f' || c == 'F') && !is_alnum(text[i - 1])) {
      bool replaced = false;
      for (const DefangedScheme& scheme : kSchemes) {
        if (text.istarts_with(i, scheme.word) && scheme_separator_at(text, i + scheme.word.size())) {
          out.append(scheme.replacement);
          i += scheme.word.size();
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    out.push_back(static_cast<char>(c));
    ++i;
  }
  return out;
}

std::optional<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view text) {
  Text view(text);
  std::array<std::uint8_t, 4> address{};
  std::size_t p = 0;
  for (std::size_t octet = 0; octet < 4; ++octet) {
    if (octet > 0 && view[p++] != '.') return std::nullopt;
    unsigned value = 0;
    std::size_t digits = 0;
    while (is_digit(view[p]) && digits < 4) {
      value = value * 10 + (view[p] - '0');
      ++digits;
      ++p;
    }
    if (digits == 0 || digits > 3 || value > 255) return std::nullopt;
    address[octet] = static_cast<std::uint8_t>(value);
  }
  if (p != text.size()) return std::nullopt;
  return address;
}

std::optional<std::array<std::uint8_t, 16>> parse_ipv6(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::string copy(text);  // inet_pton wants a terminated string
  std::array<std::uint8_t, 16> address{};
  if (inet_pton(AF_INET6, copy.c_str(), address.data()) != 1) return std::nullopt;
  return address;
}

std::string format_ipv6(const std::array<std::uint8_t, 16>& address) {
  std::array<char, INET6_ADDRSTRLEN> buffer{};
  if (inet_ntop(AF_INET6, address.data(), buffer.data(), buffer.size()) == nullptr) return {};
  return buffer.data();
}

std::optional<std::string> normalize_mac(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  char separator = text[2];
  if (separator != ':' && separator != '-') return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (i % 3 == 2) {
      if (c != static_cast<unsigned char>(separator)) return std::nullopt;
      out.push_back(':');
    } else {
      if (!is_hex(c)) return std::nullopt;
      out.push_back(lower(c));
    }
  }
  return out;
}

std::optional<IocType> hash_type_of(std::string_view text) {
  if (text.size() != 32 && text.size() != 40 && text.size() != 64 && text.size() != 128) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return is_hex(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  switch (text.size()) {
    case 32: return IocType::Md5;
    case 40: return IocType::Sha1;
    case 64: return IocType::Sha256;
    case 128: return IocType::Sha512;
    default: return std::nullopt;
  }
}

bool valid_hostname(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('.', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view label = text.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!is_alnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    start = end + 1;
  }
  return true;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(static_cast<unsigned char>(c));
  return out;
}

}  // namespace stoq::plugins::reader::iocregex
