// The scanner of reader:iocregex, called directly: each indicator type, defanged forms,
// look-alikes that must not match, normalization, deduplication and limits.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ioc.hpp"
#include "whitelist.hpp"

namespace {

using namespace stoq::plugins::reader::iocregex;
using Values = std::vector<std::string>;

const TldSet& shipped_tlds() {
  static const TldSet tlds = [] {
    std::ifstream in(std::string(STOQ_SOURCE_DIR) + "/plugins/reader/iocregex/tlds-alpha-by-domain.txt");
    std::ostringstream text;
    text << in.rdbuf();
    return TldSet::parse(text.str());
  }();
  return tlds;
}

Findings find(std::string_view text, ScanConfig config = {}) {
  if (config.tlds == nullptr) config.tlds = &shipped_tlds();
  return scan(stoq::ByteView(text), config);
}

Values of(std::string_view text, IocType type, const ScanConfig& config = {}) {
  return find(text, config).values[index_of(type)];
}

constexpr std::string_view kMd5 = "900150983cd24fb0d6963f7d28e17f72";
constexpr std::string_view kSha1 = "a9993e364706816aba3e25717850c26c9cd0d89d";
constexpr std::string_view kSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(IocScanner, TheShippedTldListHasCountryAndGenericDomains) {
  for (const char* tld : {"com", "net", "org", "ru", "uk", "de", "cn", "io", "su", "xyz", "top", "XN--P1AI"}) {
    EXPECT_TRUE(shipped_tlds().contains(tld)) << tld;
  }
  for (const char* not_tld : {"exe", "dll", "txt", "local", "localhost", "notatld", ""}) {
    EXPECT_FALSE(shipped_tlds().contains(not_tld)) << not_tld;
  }
  EXPECT_GT(shipped_tlds().size(), 500U);
}

TEST(IocScanner, Ipv4) {
  EXPECT_EQ(of("hosts 203.0.113.5, 198.51.100.77 and 8.8.8.8.", IocType::Ipv4),
            (Values{"203.0.113.5", "198.51.100.77", "8.8.8.8"}));
  EXPECT_EQ(of("ip=010.001.002.003:8080/x", IocType::Ipv4), (Values{"10.1.2.3"}));
  EXPECT_EQ(of("[203.0.113.9]", IocType::Ipv4), (Values{"203.0.113.9"}));
}

TEST(IocScanner, Ipv4LookAlikesAreNotAddresses) {
  for (const char* text : {"999.1.1.1", "256.1.1.1", "1.2.3.256", "1.2.3.4.5", "v1.2.3.4", "1.2.3", "1.2.3.1234",
                           "01234.1.1.1", "1.2.3.4a", "a.1.2.3.4", "1.2.3.4.example"}) {
    EXPECT_EQ(of(text, IocType::Ipv4), Values{}) << text;
  }
}

TEST(IocScanner, DefangedIpv4) {
  EXPECT_EQ(of("c2 at 203[.]0[.]113[.]5 or 198(.)51(.)100(.)7 or 192{dot}0{DOT}2[.]1", IocType::Ipv4),
            (Values{"203.0.113.5", "198.51.100.7", "192.0.2.1"}));
  ScanConfig plain;
  plain.refang = false;
  EXPECT_EQ(of("203[.]0[.]113[.]5", IocType::Ipv4, plain), Values{});
}

TEST(IocScanner, Ipv6) {
  EXPECT_EQ(of("from 2001:DB8:0:0:0:0:0:1 via fe80::1%eth0, [2001:db8::42]:443 and 1:2:3:4:5:6:7:8.", IocType::Ipv6),
            (Values{"2001:db8::1", "fe80::1", "2001:db8::42", "1:2:3:4:5:6:7:8"}));
  EXPECT_EQ(of("mapped ::ffff:192.0.2.1 here", IocType::Ipv6), (Values{"::ffff:192.0.2.1"}));
  // Short compressed forms are what binary data holds, not addresses.
  for (const char* text : {"std::vector", "Foo::Bar", "Abc::Def", "12:30:45", "00:1a:2b:3c:4d:5e", "::", "1:2:3",
                           "2001:db8::1g", "1::2::3", "::4", "9::", "1::6", "d29::", "::666", "2222::"}) {
    EXPECT_EQ(of(text, IocType::Ipv6), Values{}) << text;
  }
}

TEST(IocScanner, Domains) {
  EXPECT_EQ(of("Visit WWW.Evil-Site.COM. or mail.evil.co.uk, then evil.ru/path", IocType::Domain),
            (Values{"www.evil-site.com", "mail.evil.co.uk", "evil.ru"}));
  EXPECT_EQ(of("www.evil.com.notatld and a..bb.net and _dmarc.evil.org", IocType::Domain),
            (Values{"www.evil.com", "bb.net", "evil.org"}));
  EXPECT_EQ(of("host xn--80ak6aa92e.xn--p1ai", IocType::Domain), (Values{"xn--80ak6aa92e.xn--p1ai"}));
  // The local part of an e-mail address is not a domain, even when it reads like one (.bar is a TLD).
  EXPECT_EQ(of("foo.bar@evil.com", IocType::Domain), (Values{"evil.com"}));
  // A one-character label before the TLD: only as a URL host or an e-mail domain.
  EXPECT_EQ(of("y.so 4.pm \x03q.be https://t.co/x bob@x.com", IocType::Domain), (Values{"t.co", "x.com"}));
  EXPECT_EQ(of("https://t.co/x", IocType::Url), (Values{"https://t.co/x"}));
}

TEST(IocScanner, DomainLookAlikesAreNotDomains) {
  for (const char* text : {"evil.notatld", "setup.exe", "kernel32.dll", "e.g.", "i.e.", "com", ".com", "-evil.com",
                           "evil-.com", "foo_bar.com", "1.2.3.4", "v2.0", "evil.localhost"}) {
    EXPECT_EQ(of(text, IocType::Domain), Values{}) << text;
  }
  std::string long_label(64, 'a');
  EXPECT_EQ(of(long_label + ".com", IocType::Domain), Values{});
}

TEST(IocScanner, DefangedDomains) {
  EXPECT_EQ(of("evil[.]com evil2(dot)net EVIL3[DOT]org evil4<.>ru", IocType::Domain),
            (Values{"evil.com", "evil2.net", "evil3.org", "evil4.ru"}));
}

TEST(IocScanner, LongNamesAreCutTo253Bytes) {
  std::string name;
  for (int i = 0; i < 100; ++i) name += "label" + std::to_string(i) + ".";
  name += "com";
  Values domains = of(name, IocType::Domain);
  ASSERT_EQ(domains.size(), 1U);
  EXPECT_LE(domains[0].size(), 253U);
  EXPECT_TRUE(domains[0].ends_with(".label99.com")) << domains[0];
  EXPECT_TRUE(domains[0].starts_with("label")) << domains[0];
}

TEST(IocScanner, Urls) {
  EXPECT_EQ(of("get http://evil.com/a/b.php?id=1&x=%20#frag now", IocType::Url),
            (Values{"http://evil.com/a/b.php?id=1&x=%20#frag"}));
  EXPECT_EQ(of("(see HTTPS://Evil.COM:8443/Path), ftp://files.evil.org/pub/x.zip.", IocType::Url),
            (Values{"https://evil.com:8443/Path", "ftp://files.evil.org/pub/x.zip"}));
  EXPECT_EQ(of("<a href=\"http://203.0.113.5/x\">http://[2001:db8::1]/y</a>", IocType::Url),
            (Values{"http://203.0.113.5/x", "http://[2001:db8::1]/y"}));
  EXPECT_EQ(of("href=&quot;http://evil.com/p&quot; 'http://evil.net/q'", IocType::Url),
            (Values{"http://evil.com/p", "http://evil.net/q"}));
  // A URL inside another's query string is reported too.
  EXPECT_EQ(of("http://a.com/r?u=http://b.net/x", IocType::Url),
            (Values{"http://a.com/r?u=http://b.net/x", "http://b.net/x"}));
}

TEST(IocScanner, UrlLookAlikesAreNotUrls) {
  for (const char* text : {"http://localhost/x", "http://evil.notatld/", "gopher://evil.com/", "xhttp://evil.com",
                           "http://", "http:///x", "http://999.1.1.1/", "http://under_score.com/"}) {
    EXPECT_EQ(of(text, IocType::Url), Values{}) << text;
  }
}

TEST(IocScanner, DefangedUrls) {
  EXPECT_EQ(
      of("hxxp://evil[.]com/x hXXps://evil[.]net fxp://evil.org/f meow://evil.ru hxxp[:]//evil.biz/a", IocType::Url),
      (Values{"http://evil.com/x", "https://evil.net", "ftp://evil.org/f", "http://evil.ru", "http://evil.biz/a"}));
  ScanConfig plain;
  plain.refang = false;
  EXPECT_EQ(of("hxxp://evil.com/x", IocType::Url, plain), Values{});
}

TEST(IocScanner, LongUrlsAreCut) {
  ScanConfig config;
  config.max_url_length = 40;
  Values urls = of("http://evil.com/" + std::string(100, 'a'), IocType::Url, config);
  ASSERT_EQ(urls.size(), 1U);
  EXPECT_EQ(urls[0], "http://evil.com/" + std::string(24, 'a'));
}

TEST(IocScanner, Emails) {
  EXPECT_EQ(of("From: John.Doe+tag@Evil-Corp.COM. mailto:x_y%z@mail.evil.ru", IocType::Email),
            (Values{"John.Doe+tag@evil-corp.com", "x_y%z@mail.evil.ru"}));
  EXPECT_EQ(of("bob[at]evil[.]com and eve(AT)evil(dot)net and .dot@evil.org", IocType::Email),
            (Values{"bob@evil.com", "eve@evil.net", "dot@evil.org"}));
  for (const char* text : {"a@b", "user@evil.notatld", "image001.jpg@01D914BA.2B9507C0", "@evil.com", "a@-x.com"}) {
    EXPECT_EQ(of(text, IocType::Email), Values{}) << text;
  }
  EXPECT_EQ(of(std::string(65, 'a') + "@evil.com", IocType::Email), Values{});
  EXPECT_EQ(of(std::string(64, 'a') + "@evil.com", IocType::Email), (Values{std::string(64, 'a') + "@evil.com"}));
}

TEST(IocScanner, Hashes) {
  std::string sha512(128, 'c');
  sha512[0] = '1';
  std::string text = "md5 " + std::string(kMd5) + ", SHA1 " + std::string(kSha1) + " sha256=" + std::string(kSha256) +
                     "\n" + sha512 + " " + "900150983CD24FB0D6963F7D28E17F72";
  Findings found = find(text);
  EXPECT_EQ(found.values[index_of(IocType::Md5)], (Values{std::string(kMd5)}));
  EXPECT_EQ(found.values[index_of(IocType::Sha1)], (Values{std::string(kSha1)}));
  EXPECT_EQ(found.values[index_of(IocType::Sha256)], (Values{std::string(kSha256)}));
  EXPECT_EQ(found.values[index_of(IocType::Sha512)], (Values{sha512}));
}

TEST(IocScanner, HashesInsideLongerRunsAreNotHashes) {
  std::string md5(kMd5);
  for (const std::string& text :
       {md5 + "a", "a" + md5, "g" + md5, md5 + "_x", "0x" + md5, std::string(kSha1) + "ab", std::string(32, '0'),
        std::string(32, 'f'), std::string(32, '7'), std::string("12345678901234567890123456789012")}) {
    Findings found = find(text);
    EXPECT_TRUE(found.values[index_of(IocType::Md5)].empty() && found.values[index_of(IocType::Sha1)].empty()) << text;
  }
  EXPECT_EQ(of(md5 + "-" + std::string(kMd5.substr(0, 31)) + "0", IocType::Md5),
            (Values{md5, std::string(kMd5.substr(0, 31)) + "0"}));
}

TEST(IocScanner, MacAddresses) {
  EXPECT_EQ(of("nic 00:1A:2b:3C:4d:5E and 00-1a-2b-3c-4d-5f.", IocType::Mac),
            (Values{"00:1a:2b:3c:4d:5e", "00:1a:2b:3c:4d:5f"}));
  for (const char* text : {"00:1a:2b:3c:4d:5e:6f", "11:00:1a:2b:3c:4d:5e", "00:1a:2b-3c:4d:5e", "00:1a:2b:3c:4d",
                           "00:1a:2b:3c:4d:5g", "x00:1a:2b:3c:4d:5e"}) {
    EXPECT_EQ(of(text, IocType::Mac), Values{}) << text;
  }
}

TEST(IocScanner, DeduplicatesInFirstSeenOrder) {
  EXPECT_EQ(of("bb.com aa.com BB.COM bb[.]com aa.com cc.com", IocType::Domain), (Values{"bb.com", "aa.com", "cc.com"}));
}

TEST(IocScanner, MaxPerTypeKeepsTheFirstAndSaysSo) {
  ScanConfig config;
  config.max_per_type = 2;
  Findings found = find("1.1.1.1 2.2.2.2 1.1.1.1 3.3.3.3 evil.com", config);
  EXPECT_EQ(found.values[index_of(IocType::Ipv4)], (Values{"1.1.1.1", "2.2.2.2"}));
  EXPECT_TRUE(found.capped[index_of(IocType::Ipv4)]);
  EXPECT_FALSE(found.capped[index_of(IocType::Domain)]);
  EXPECT_FALSE(find("1.1.1.1 2.2.2.2 1.1.1.1", config).capped[index_of(IocType::Ipv4)]);
}

TEST(IocScanner, OnlyEnabledTypes) {
  ScanConfig config;
  config.enabled.fill(false);
  config.enabled[index_of(IocType::Email)] = true;
  Findings found = find("bob@evil.com 1.2.3.4 http://evil.com", config);
  EXPECT_EQ(found.values[index_of(IocType::Email)], (Values{"bob@evil.com"}));
  EXPECT_TRUE(found.values[index_of(IocType::Domain)].empty());
  EXPECT_TRUE(found.values[index_of(IocType::Ipv4)].empty());
}

TEST(IocScanner, EmptyAndNulOnlyInput) {
  EXPECT_TRUE(find("").empty());
  EXPECT_TRUE(find(std::string(1000, '\0')).empty());
  EXPECT_EQ(of(std::string("\0evil.com\0", 10), IocType::Domain), (Values{"evil.com"}));
}

}  // namespace
