// reader:iocregex: whitelist files (format in whitelist.hpp).
#include "whitelist.hpp"

#include <algorithm>

#include "text.hpp"

namespace stoq::plugins::reader::iocregex {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

bool bits_match(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b, int prefix) {
  for (int bit = 0; bit < prefix; ++bit) {
    auto byte = static_cast<std::size_t>(bit / 8);
    int mask = 0x80 >> (bit % 8);
    if ((a[byte] & mask) != (b[byte] & mask)) return false;
  }
  return true;
}

std::optional<std::array<std::uint8_t, 16>> parse_address(std::string_view text, bool v6) {
  if (v6) return parse_ipv6(text);
  auto v4 = parse_ipv4(text);
  if (!v4) return std::nullopt;
  std::array<std::uint8_t, 16> address{};
  std::copy(v4->begin(), v4->end(), address.begin());
  return address;
}

// The host of a normalized URL ("https://Host:8080/x" -> "Host"; "[::1]" keeps its brackets).
std::string_view url_host_of(std::string_view url) {
  std::size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  std::string_view rest = url.substr(start + 3);
  if (!rest.empty() && rest.front() == '[') return rest.substr(0, rest.find(']') + 1);
  return rest.substr(0, rest.find_first_of(":/?#"));
}

std::string normalize_email(std::string_view email) {
  std::size_t at = email.rfind('@');
  return std::string(email.substr(0, at)) + "@" + to_lower(email.substr(at + 1));
}

}  // namespace

std::vector<std::string> Whitelist::add_text(std::string_view text, std::string_view source) {
  std::vector<std::string> problems;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    std::string problem;
    if (!add_line(line, &problem)) {
      problems.push_back(std::string(source) + ":" + std::to_string(line_number) + ": " + problem);
    }
  }
  return problems;
}

bool Whitelist::add_line(std::string_view line, std::string* problem) {
  line = trim(line);
  if (line.empty() || line.front() == '#') return true;
  std::size_t colon = line.find(':');
  std::optional<IocType> type;
  if (colon != std::string_view::npos) type = parse_type(trim(line.substr(0, colon)));
  if (!type) return add_untyped(line, problem);
  std::string_view pattern = trim(line.substr(colon + 1));
  switch (*type) {
    case IocType::Ipv4: return add_network(pattern, false, problem);
    case IocType::Ipv6: return add_network(pattern, true, problem);
    case IocType::Domain: return add_domain(domains_, pattern, problem);
    case IocType::Url: {
      if (pattern.find("://") != std::string_view::npos) pattern = url_host_of(pattern);
      return add_domain(url_hosts_, pattern, problem);
    }
    case IocType::Email: {
      std::size_t at = pattern.rfind('@');
      if (at == std::string_view::npos || at == 0 || at + 1 == pattern.size()) {
        *problem = "not an e-mail address: '" + std::string(pattern) + "'";
        return false;
      }
      exact_[index_of(IocType::Email)].insert(to_lower(normalize_email(pattern)));
      ++size_;
      return true;
    }
    case IocType::Mac: {
      std::optional<std::string> mac = normalize_mac(pattern);
      if (!mac) {
        *problem = "not a MAC address: '" + std::string(pattern) + "'";
        return false;
      }
      exact_[index_of(IocType::Mac)].insert(*mac);
      ++size_;
      return true;
    }
    default: {  // the hashes
      if (hash_type_of(pattern) != type) {
        *problem = "not a " + std::string(type_name(*type)) + " hash: '" + std::string(pattern) + "'";
        return false;
      }
      exact_[index_of(*type)].insert(to_lower(pattern));
      ++size_;
      return true;
    }
  }
}

bool Whitelist::add_network(std::string_view text, bool v6, std::string* problem) {
  std::size_t slash = text.find('/');
  std::string_view address_text = text.substr(0, slash);
  int max_prefix = v6 ? 128 : 32;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    bool numeric = !digits.empty() && digits.size() <= 3 &&
                   std::all_of(digits.begin(), digits.end(), [](char c) { return is_digit(c); });
    prefix = numeric ? std::stoi(std::string(digits)) : -1;
  }
  std::optional<std::array<std::uint8_t, 16>> address = parse_address(address_text, v6);
  if (!address || prefix < 0 || prefix > max_prefix) {
    *problem = "not an " + std::string(v6 ? "IPv6" : "IPv4") + " address or network: '" + std::string(text) + "'";
    return false;
  }
  (v6 ? v6_ : v4_).push_back({*address, prefix});
  ++size_;
  return true;
}

bool Whitelist::add_domain(std::set<std::string, std::less<>>& set, std::string_view pattern, std::string* problem) {
  while (!pattern.empty() && pattern.front() == '.') pattern.remove_prefix(1);
  while (!pattern.empty() && pattern.back() == '.') pattern.remove_suffix(1);
  if (!valid_hostname(pattern)) {
    *problem = "not a domain: '" + std::string(pattern) + "'";
    return false;
  }
  set.insert(to_lower(pattern));
  ++size_;
  return true;
}

bool Whitelist::add_untyped(std::string_view pattern, std::string* problem) {
  std::string ignored;
  bool slash = pattern.find('/') != std::string_view::npos;
  std::string_view address = pattern.substr(0, pattern.find('/'));
  if (parse_ipv4(address)) return add_network(pattern, false, problem);
  if (parse_ipv6(address)) return add_network(pattern, true, problem);
  if (!slash && pattern.find('@') != std::string_view::npos) {
    return add_line("email:" + std::string(pattern), problem);
  }
  if (std::optional<IocType> hash = hash_type_of(pattern)) {
    return add_line(std::string(type_name(*hash)) + ":" + std::string(pattern), problem);
  }
  if (normalize_mac(pattern)) return add_line("mac_address:" + std::string(pattern), problem);
  if (add_domain(domains_, pattern, &ignored)) return true;
  std::size_t colon = pattern.find(':');
  std::string_view prefix = pattern.substr(0, colon);
  if (colon != std::string_view::npos &&
      std::all_of(prefix.begin(), prefix.end(), [](char c) { return is_alpha(c) || c == '_'; })) {
    *problem = "unknown indicator type '" + std::string(prefix) +
               "' (ipv4, ipv6, domain, url, email, md5, sha1, sha256, sha512, mac_address)";
  } else {
    *problem = "not an address, network, e-mail address, hash, MAC address or domain: '" + std::string(pattern) + "'";
  }
  return false;
}

bool Whitelist::ip_dropped(std::string_view text) const {
  if (auto v4 = parse_address(text, false)) {
    return std::any_of(v4_.begin(), v4_.end(),
                       [&](const Network& network) { return bits_match(*v4, network.address, network.prefix); });
  }
  if (auto v6 = parse_address(text, true)) {
    return std::any_of(v6_.begin(), v6_.end(),
                       [&](const Network& network) { return bits_match(*v6, network.address, network.prefix); });
  }
  return false;
}

bool Whitelist::suffix_in(const std::set<std::string, std::less<>>& set, std::string_view domain) {
  if (set.empty()) return false;
  while (!domain.empty()) {
    if (set.find(domain) != set.end()) return true;
    std::size_t dot = domain.find('.');
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  return false;
}

bool Whitelist::drops(IocType type, std::string_view value) const {
  if (size_ == 0) return false;
  switch (type) {
    case IocType::Ipv4:
    case IocType::Ipv6: return ip_dropped(value);
    case IocType::Domain: return suffix_in(domains_, value);
    case IocType::Url: {
      std::string_view host = url_host_of(value);
      if (!host.empty() && host.front() == '[') return ip_dropped(host.substr(1, host.size() - 2));
      if (parse_ipv4(host)) return ip_dropped(host);
      return suffix_in(domains_, host) || suffix_in(url_hosts_, host);
    }
    case IocType::Email: {
      const auto& emails = exact_[index_of(IocType::Email)];
      if (emails.find(to_lower(value)) != emails.end()) return true;
      return suffix_in(domains_, value.substr(value.rfind('@') + 1));
    }
    default: {
      const auto& exact = exact_[index_of(type)];
      return exact.find(value) != exact.end();
    }
  }
}

}  // namespace stoq::plugins::reader::iocregex
