// reader:iocregex: the tokenizers. Each is one left-to-right pass that reads every byte
// a bounded number of times (the bound is an indicator's maximum length), so scanning is
// linear in the input whatever it holds; every read goes through Text (bounds-checked).
#include <algorithm>
#include <unordered_set>

#include "ioc.hpp"
#include "text.hpp"
#include "whitelist.hpp"

namespace stoq::plugins::reader::iocregex {
namespace {

constexpr std::size_t kMaxHostLength = 253;
constexpr std::size_t kMaxLabelLength = 63;
constexpr std::size_t kMaxLocalPartLength = 64;

// Keeps what a scan found: whitelist, deduplication and the per-type cap.
class Collector {
 public:
  Collector(const ScanConfig& config, Findings& findings) : config_(config), findings_(findings) {}

  [[nodiscard]] bool wants(IocType type) const {
    return config_.enabled[index_of(type)] && !findings_.capped[index_of(type)];
  }

  void add(IocType type, std::string value) {
    std::size_t index = index_of(type);
    if (!wants(type) || value.empty() || seen_[index].contains(value)) return;
    if (config_.whitelist != nullptr && config_.whitelist->drops(type, value)) return;
    if (findings_.values[index].size() >= config_.max_per_type) {
      findings_.capped[index] = true;
      return;
    }
    seen_[index].insert(value);
    findings_.values[index].push_back(std::move(value));
  }

 private:
  const ScanConfig& config_;
  Findings& findings_;
  std::array<std::unordered_set<std::string>, kIocTypeCount> seen_;
};

// ---------------------------------------------------------------------------------
// Hashes: a run of \w characters that is all hex, of exactly 32, 40, 64 or 128 of
// them. A hash inside a longer hex (or word) run is not one. Runs of decimal digits
// only, or of one repeated character, are padding or numbers, not hashes.

void scan_hashes(const Text& text, Collector& out) {
  if (!out.wants(IocType::Md5) && !out.wants(IocType::Sha1) && !out.wants(IocType::Sha256) &&
      !out.wants(IocType::Sha512)) {
    return;
  }
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_word(text[i])) {
      ++i;
      continue;
    }
    std::size_t begin = i;
    while (is_word(text[i])) ++i;
    std::string_view run = text.slice(begin, i);
    std::optional<IocType> type = hash_type_of(run);
    if (!type) continue;
    bool all_digits = std::all_of(run.begin(), run.end(), [](char c) { return is_digit(c); });
    bool one_char = run.find_first_not_of(run.front()) == std::string_view::npos;
    if (all_digits || one_char) continue;
    out.add(*type, to_lower(run));
  }
}

// ---------------------------------------------------------------------------------
// MAC addresses: six pairs of hex digits with one separator, ':' or '-', not part of
// a longer such sequence.

void scan_macs(const Text& text, Collector& out) {
  if (!out.wants(IocType::Mac)) return;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_hex(text[i]) || is_word(text[i - 1])) {
      ++i;
      continue;
    }
    unsigned char separator = text[i + 2];
    bool candidate = separator == ':' || separator == '-';
    if (candidate && !(text[i - 1] == separator && is_hex(text[i - 2]))) {
      std::string_view mac = text.slice(i, i + 17);
      std::size_t end = i + 17;
      bool bounded = !is_word(text[end]) && !(text[end] == separator && is_hex(text[end + 1]));
      if (std::optional<std::string> normalized = normalize_mac(mac); normalized && bounded) {
        out.add(IocType::Mac, std::move(*normalized));
        i = end;
        continue;
      }
    }
    ++i;
  }
}

std::string format_ipv4(const std::array<std::uint8_t, 4>& address) {
  return std::to_string(address[0]) + "." + std::to_string(address[1]) + "." + std::to_string(address[2]) + "." +
         std::to_string(address[3]);
}

// ---------------------------------------------------------------------------------
// IPv4: four dotted octets (0-255, one to three digits), not inside a longer dotted
// number or name ("1.2.3.4.5", "v1.2.3.4", "1.2.3.4.example" are not addresses).

void scan_ipv4(const Text& text, Collector& out) {
  if (!out.wants(IocType::Ipv4)) return;
  std::size_t i = 0;
  while (i < text.size()) {
    bool starts = is_digit(text[i]) && !is_word(text[i - 1]) && !(text[i - 1] == '.' && is_alnum(text[i - 2]));
    if (!starts) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while ((is_digit(text[end]) || text[end] == '.') && end - i < 16) ++end;
    std::size_t stop = end;
    // The address is the longest prefix of the run that parses; what follows it must end it.
    std::optional<std::array<std::uint8_t, 4>> address;
    for (std::size_t length = std::min<std::size_t>(15, stop - i); length >= 7 && !address; --length) {
      address = parse_ipv4(text.slice(i, i + length));
      end = i + length;
    }
    bool bounded =
        address && !is_word(text[end]) && !is_digit(text[end]) && !(text[end] == '.' && is_alnum(text[end + 1]));
    if (!bounded) {
      i = std::max(i + 1, stop);
      continue;
    }
    out.add(IocType::Ipv4, format_ipv4(*address));
    i = end;
  }
}

// ---------------------------------------------------------------------------------
// IPv6: a run of hex digits, ':' and '.' (embedded IPv4) that inet_pton accepts, with
// at least two colons and one decimal digit (so "Foo::Bar" in source code is not one).
// A compressed address also needs two groups, one of them of 3 or 4 digits, or an
// embedded IPv4 address: "fe80::1" and "::ffff:192.0.2.1" are addresses, the "::4",
// "9::" or "1::6" that binary data is full of are not.

bool plausible_ipv6(std::string_view candidate) {
  if (candidate.find("::") == std::string_view::npos || candidate.find('.') != std::string_view::npos) return true;
  std::size_t groups = 0;
  std::size_t longest = 0;
  std::size_t length = 0;
  for (char c : candidate) {
    if (c == ':') {
      length = 0;
      continue;
    }
    if (length++ == 0) ++groups;
    longest = std::max(longest, length);
  }
  return groups >= 2 && longest >= 3;
}

void scan_ipv6(const Text& text, Collector& out) {
  if (!out.wants(IocType::Ipv6)) return;
  auto in_run = [](unsigned char c) { return is_hex(c) || c == ':' || c == '.'; };
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char before = text[i - 1];
    if (!(is_hex(text[i]) || text[i] == ':') || is_word(before) || before == ':' || before == '.') {
      ++i;
      continue;
    }
    std::size_t run_end = i;
    while (in_run(text[run_end])) ++run_end;
    std::size_t end = run_end;
    while (end > i && text[end - 1] == '.') --end;
    if (end - i >= 2 && text[end - 1] == ':' && text[end - 2] != ':') --end;
    std::string_view candidate = text.slice(i, end);
    i = run_end;
    if (is_word(text[run_end]) || candidate.size() > 45) continue;
    if (std::count(candidate.begin(), candidate.end(), ':') < 2) continue;
    if (std::none_of(candidate.begin(), candidate.end(), [](char c) { return is_digit(c); })) continue;
    if (!plausible_ipv6(candidate)) continue;
    if (auto address = parse_ipv6(candidate)) out.add(IocType::Ipv6, format_ipv6(*address));
  }
}

// ---------------------------------------------------------------------------------
// Host names. A run of host characters splits into segments of valid labels (1-63
// letters, digits or '-', not starting or ending with '-'): an empty or invalid label
// ("..", "_dmarc", "-x") ends one. In a segment, a name runs from its first label to
// the last label (never the first) that is an IANA top-level domain, cut from the left
// to 253 bytes: "www.example.com.evil" holds "www.example.com". In free text (not after
// "//" or '@') the label before the TLD needs two characters, as the original's regex
// did: binary data is full of "y.so" and "4.pm".

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelLength || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

// The name of the segment [begin, tld_end) of `run` (tld_end: the end of its last TLD
// label), cut from the left to at most 253 bytes on a label boundary.
std::string_view segment_name(std::string_view run, std::size_t begin, std::size_t tld_end) {
  if (tld_end - begin > kMaxHostLength) {
    std::size_t cut = tld_end - kMaxHostLength;
    if (run[cut - 1] != '.') cut = run.find('.', cut) + 1;  // a label starts after a dot
    begin = cut;
  }
  return run.substr(begin, tld_end - begin);
}

template <typename OnName>
void names_in_run(std::string_view run, const TldSet& tlds, OnName on_name) {
  std::size_t segment_begin = 0;
  std::size_t labels = 0;   // valid labels in the current segment
  std::size_t tld_end = 0;  // end of the segment's last TLD label (index >= 1), 0 when none
  std::size_t start = 0;
  while (true) {
    std::size_t end = run.find('.', start);
    if (end == std::string_view::npos) end = run.size();
    std::string_view label = run.substr(start, end - start);
    if (valid_label(label)) {
      if (labels == 0) segment_begin = start;
      if (labels > 0 && tlds.contains(label)) tld_end = end;
      ++labels;
    } else {
      if (tld_end != 0) on_name(segment_name(run, segment_begin, tld_end));
      labels = 0;
      tld_end = 0;
    }
    if (end == run.size()) break;
    start = end + 1;
  }
  if (tld_end != 0) on_name(segment_name(run, segment_begin, tld_end));
}

void scan_domains(const Text& text, const TldSet& tlds, Collector& out) {
  if (!out.wants(IocType::Domain)) return;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_host_char(text[i])) {
      ++i;
      continue;
    }
    std::size_t begin = i;
    bool dotted = false;
    while (is_host_char(text[i])) dotted |= text[i++] == '.';
    if (!dotted) continue;         // a single label: a word, not a name
    if (text[i] == '@') continue;  // the local part of an e-mail address ("first.last@")
    std::string_view run = text.slice(begin, i);
    bool host_context = text[begin - 1] == '/' || text[begin - 1] == '@';
    names_in_run(run, tlds, [&](std::string_view name) {
      std::size_t tld_dot = name.rfind('.');
      std::size_t label_dot = name.rfind('.', tld_dot - 1);
      std::size_t label_length = tld_dot - (label_dot == std::string_view::npos ? 0 : label_dot + 1);
      if (label_length < 2 && !(host_context && name.data() == run.data())) return;
      out.add(IocType::Domain, to_lower(name));
    });
  }
}

// The host name that `text` starts with (the first segment, up to its last TLD), or "".
// Reads at most 254 bytes past the start.
std::string_view leading_name(const Text& text, std::size_t begin, const TldSet& tlds) {
  std::size_t end = begin;
  while (is_host_char(text[end]) && end - begin <= kMaxHostLength) ++end;
  std::string_view run = text.slice(begin, end);
  if (is_host_char(text[end])) {  // the run goes on: drop its last, cut label
    std::size_t dot = run.rfind('.');
    run = run.substr(0, dot == std::string_view::npos ? 0 : dot);
  }
  std::string_view found;
  names_in_run(run, tlds, [&](std::string_view name) {
    if (found.empty() && name.data() == run.data()) found = name;
  });
  return found;
}

// ---------------------------------------------------------------------------------
// E-mail addresses: a local part of [A-Za-z0-9._%+-] (at most 64 bytes) before an '@',
// a host name after it.

constexpr bool is_local_char(unsigned char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

void scan_emails(const Text& text, const TldSet& tlds, Collector& out) {
  if (!out.wants(IocType::Email)) return;
  for (std::size_t at = text.find("@", 0); at < text.size(); at = text.find("@", at + 1)) {
    std::size_t begin = at;
    while (is_local_char(text[begin - 1]) && at - begin <= kMaxLocalPartLength) --begin;
    if (at - begin > kMaxLocalPartLength) continue;
    while (begin < at && text[begin] == '.') ++begin;
    if (begin == at) continue;
    std::string_view domain = leading_name(text, at + 1, tlds);
    if (domain.empty()) continue;
    out.add(IocType::Email, std::string(text.slice(begin, at)) + "@" + to_lower(domain));
  }
}

// ---------------------------------------------------------------------------------
// URLs: http, https or ftp "://", a host (a name ending in a TLD, an IPv4 address or a
// bracketed IPv6 address), an optional port, then path/query/fragment characters. The
// path stops at a quote, bracket, parenthesis, space or an HTML entity for one of
// those; trailing punctuation is not part of it. Every "://" is tried, so a URL in
// another's query string is reported too; path ends are memoized to stay linear.

// Unreserved and reserved URI characters, less the quotes and brackets that end URLs in text.
constexpr std::array<bool, 256> kPathChars = [] {
  std::array<bool, 256> table{};
  for (unsigned c = 0; c < 256; ++c) table[c] = is_alnum(static_cast<unsigned char>(c));
  for (char c : std::string_view("-._~:/?#@!$&*+,;=%")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

constexpr bool is_path_char(unsigned char c) { return kPathChars[c]; }

bool entity_at(const Text& text, std::size_t i) {
  if (text[i] != '&') return false;
  for (std::string_view entity : {"&quot;", "&lt;", "&gt;", "&#39;", "&#34;", "&apos;", "&nbsp;"}) {
    if (text.istarts_with(i, entity)) return true;
  }
  return false;
}

class PathEnds {
 public:
  explicit PathEnds(const Text& text) : text_(text) {}
  std::size_t from(std::size_t begin) {
    if (begin >= begin_ && begin < end_) return end_;
    std::size_t end = begin;
    while (is_path_char(text_[end]) && !entity_at(text_, end)) ++end;
    begin_ = begin;
    end_ = end;
    return end;
  }

 private:
  const Text& text_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

// The normalized host at `begin` and where it ends, or "" when there is no valid host.
std::string url_host(const Text& text, std::size_t begin, const TldSet& tlds, std::size_t* end) {
  if (text[begin] == '[') {
    std::size_t close = text.find("]", begin);
    if (close - begin > 46) return {};
    auto address = parse_ipv6(text.slice(begin + 1, close));
    if (!address) return {};
    *end = close + 1;
    return "[" + format_ipv6(*address) + "]";
  }
  std::size_t run_end = begin;
  while (is_host_char(text[run_end]) && run_end - begin <= kMaxHostLength + 1) ++run_end;
  std::size_t host_end = run_end;
  if (host_end > begin && text[host_end - 1] == '.') --host_end;  // "http://example.com." ends a sentence
  std::string_view host = text.slice(begin, host_end);
  *end = host_end;
  if (auto address = parse_ipv4(host)) return format_ipv4(*address);
  if (leading_name(text, begin, tlds).size() == host.size()) return to_lower(host);
  return {};
}

void scan_urls(const Text& text, const TldSet& tlds, std::size_t max_length, Collector& out) {
  if (!out.wants(IocType::Url)) return;
  PathEnds paths(text);
  for (std::size_t sep = text.find("://", 0); sep < text.size(); sep = text.find("://", sep + 1)) {
    std::size_t begin = sep;
    while (is_alpha(text[begin - 1]) && sep - begin < 6) --begin;
    if (is_alnum(text[begin - 1])) continue;
    std::string scheme = to_lower(text.slice(begin, sep));
    if (scheme != "http" && scheme != "https" && scheme != "ftp") continue;
    std::size_t host_end = 0;
    std::string host = url_host(text, sep + 3, tlds, &host_end);
    if (host.empty()) continue;
    std::size_t end = host_end;
    if (text[end] == ':' && is_digit(text[end + 1])) {
      std::size_t port = end + 1;
      while (is_digit(text[port]) && port - end <= 5) ++port;
      if (!is_digit(text[port])) end = port;
    }
    if (text[end] == '/' || text[end] == '?' || text[end] == '#') end = paths.from(end);
    while (end > host_end &&
           std::string_view(".,;:!?*").find(static_cast<char>(text[end - 1])) != std::string_view::npos) {
      --end;
    }
    std::string url = scheme + "://" + host;
    // Copy no more than max_length: the rest of a long path is shared by later URLs.
    url.append(text.slice(host_end, std::min(end, host_end + max_length)));
    if (url.size() > max_length) url.resize(max_length);
    out.add(IocType::Url, std::move(url));
  }
}

}  // namespace

Findings scan(ByteView bytes, const ScanConfig& config) {
  std::string refanged;
  if (config.refang) refanged = refang(bytes);
  Text text = config.refang ? Text(std::string_view(refanged)) : Text(bytes);
  Findings findings;
  Collector out(config, findings);
  scan_ipv4(text, out);
  scan_ipv6(text, out);
  if (config.tlds != nullptr) {
    scan_domains(text, *config.tlds, out);
    scan_urls(text, *config.tlds, config.max_url_length, out);
    scan_emails(text, *config.tlds, out);
  }
  scan_hashes(text, out);
  scan_macs(text, out);
  return findings;
}

}  // namespace stoq::plugins::reader::iocregex
