// reader:iocregex, the whitelist: indicators that are never reported.
//
// The original's file format, one pattern a line ('#' starts a comment line):
//   ipv4:10.0.0.0/8          an address or a CIDR network (ipv6 alike)
//   domain:.example.com      the domain and every name below it; also drops the URLs
//                            whose host and the e-mail addresses whose domain it matches
//   url:.example.com         URLs whose host is that domain or below it
//   email:a@b.example        md5/sha1/sha256/sha512/mac_address/email: exact values
// A line without a known "type:" prefix is classified by its shape: an address or
// network, an e-mail address, a hash, a MAC address, else a domain.
//
// Domains match on label boundaries: ".google.com" and "google.com" both drop
// google.com and mail.google.com, never notgoogle.com.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ioc.hpp"

namespace stoq::plugins::reader::iocregex {

class Whitelist {
 public:
  /// Adds every pattern of a whitelist file's text. Returns one message per line that
  /// could not be used ("<source>:<line>: ..."), for the log; the other lines count.
  std::vector<std::string> add_text(std::string_view text, std::string_view source);
  /// Adds one pattern line; false (and *problem set) when it is not usable.
  bool add_line(std::string_view line, std::string* problem);

  /// True when the normalized indicator `value` of `type` is whitelisted.
  [[nodiscard]] bool drops(IocType type, std::string_view value) const;
  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  struct Network {
    std::array<std::uint8_t, 16> address{};
    int prefix = 0;  // bits
  };
  bool add_network(std::string_view text, bool v6, std::string* problem);
  bool add_untyped(std::string_view pattern, std::string* problem);
  bool add_domain(std::set<std::string, std::less<>>& set, std::string_view pattern, std::string* problem);
  [[nodiscard]] bool ip_dropped(std::string_view text) const;
  [[nodiscard]] static bool suffix_in(const std::set<std::string, std::less<>>& set, std::string_view domain);

  std::vector<Network> v4_;
  std::vector<Network> v6_;
  std::set<std::string, std::less<>> domains_;    // domain: patterns (also URLs and e-mails)
  std::set<std::string, std::less<>> url_hosts_;  // url: patterns
  std::array<std::set<std::string, std::less<>>, kIocTypeCount> exact_;
  std::size_t size_ = 0;
};

}  // namespace stoq::plugins::reader::iocregex
