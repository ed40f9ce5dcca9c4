// reader:iocregex against hostile input: random bytes, inputs built to make a
// backtracking matcher or a naive tokenizer quadratic (8 MiB each), and the fuzz
// target's entry point replayed on its seeds and on random inputs. These assert on
// what is found, not on time: a quadratic scan would not finish within the test timeout.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ioc.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using namespace stoq::plugins::reader::iocregex;
using Values = std::vector<std::string>;

constexpr std::size_t kLarge = 8U << 20;

const TldSet& tlds() {
  static const TldSet set = TldSet::parse("COM\nNET\nORG\nRU\n");
  return set;
}

Findings find(std::string_view text) {
  ScanConfig config;
  config.tlds = &tlds();
  return scan(stoq::ByteView(text), config);
}

std::string repeat(std::string_view unit, std::size_t size) {
  std::string out;
  out.reserve(size + unit.size());
  while (out.size() < size) out.append(unit);
  return out;
}

std::string random_bytes(std::size_t size, std::uint32_t seed, std::string_view alphabet = {}) {
  std::mt19937 generator(seed);
  std::string out(size, '\0');
  for (char& c : out) {
    std::uint32_t value = generator();
    c = alphabet.empty() ? static_cast<char>(value & 0xFFU) : alphabet[value % alphabet.size()];
  }
  return out;
}

TEST(IocRobustness, RandomBytesDoNotCrash) {
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    std::string bytes = random_bytes(1U << 20, seed);
    Findings found = find(bytes);
    for (const auto& values : found.values) EXPECT_LE(values.size(), 10000U);
  }
}

TEST(IocRobustness, RandomIndicatorAlphabetSoup) {
  // Only the characters indicators are made of: every tokenizer fires all the time.
  std::string bytes = random_bytes(kLarge, 7, "0123456789abcdefxX.:-@/[]()<>htpsmocrugn ");
  Findings found = find(bytes);
  for (const std::string& domain : found.values[index_of(IocType::Domain)]) {
    EXPECT_TRUE(valid_hostname(domain)) << domain;
  }
}

TEST(IocRobustness, LongDottedRunsOfLettersAndDigits) {
  // "a.a.a.a..." and "1.1.1.1.1...": one huge host-name run, one huge dotted number.
  EXPECT_TRUE(find(repeat("a.", kLarge)).empty());
  EXPECT_TRUE(find(repeat("1.", kLarge)).empty());
  EXPECT_TRUE(find(repeat("a", kLarge)).empty());
  EXPECT_TRUE(find(repeat("a1.", kLarge)).empty());
  // "ab.com.ab.com...": one segment; its name is cut to 253 bytes ending at the last TLD.
  Values domains = find(repeat("ab.com.", kLarge)).values[index_of(IocType::Domain)];
  ASSERT_EQ(domains.size(), 1U);
  EXPECT_LE(domains[0].size(), 253U);
  EXPECT_TRUE(domains[0].starts_with("ab.com.ab.com")) << domains[0];
  EXPECT_TRUE(domains[0].ends_with("ab.com.ab.com")) << domains[0];
}

TEST(IocRobustness, RepeatedIndicatorsAreDeduplicated) {
  Findings found = find(repeat("203.0.113.5 evil.com ", kLarge));
  EXPECT_EQ(found.values[index_of(IocType::Ipv4)], (Values{"203.0.113.5"}));
  EXPECT_EQ(found.values[index_of(IocType::Domain)], (Values{"evil.com"}));
}

TEST(IocRobustness, ManyDistinctIndicatorsStopAtTheCap) {
  std::string text;
  for (int i = 0; text.size() < kLarge; ++i) {
    text +=
        std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256) + ".1 ";
  }
  Findings found = find(text);
  EXPECT_EQ(found.values[index_of(IocType::Ipv4)].size(), 10000U);
  EXPECT_EQ(found.values[index_of(IocType::Ipv4)].front(), "0.0.0.1");
  EXPECT_TRUE(found.capped[index_of(IocType::Ipv4)]);
}

TEST(IocRobustness, PathologicalSeparators) {
  EXPECT_TRUE(find(repeat(":", kLarge)).empty());
  EXPECT_TRUE(find(repeat("@", kLarge)).empty());
  EXPECT_TRUE(find(repeat("a@", kLarge)).empty());
  EXPECT_TRUE(find(repeat("[.]", kLarge)).empty());
  EXPECT_TRUE(find(repeat("hxxp://", kLarge)).empty());
  EXPECT_TRUE(find(repeat("1:", kLarge)).empty());
  EXPECT_TRUE(find(repeat("00:", kLarge)).empty());
  // Every "://" is a URL whose path runs to the end: the path ends are memoized and
  // each URL copies at most max_url_length bytes.
  Values urls = find(repeat("http://a.com/", kLarge)).values[index_of(IocType::Url)];
  ASSERT_FALSE(urls.empty());
  EXPECT_EQ(urls.front().size(), 4096U);
  for (const std::string& url : urls) {
    EXPECT_TRUE(url.starts_with("http://a.com/")) << url.substr(0, 100);
    EXPECT_LE(url.size(), 4096U);
  }
  // The same for e-mail: a long local part before each '@' is walked 65 bytes at most.
  Findings mails = find(repeat("a", kLarge) + "@evil.com " + repeat("b.", kLarge) + "@evil.net");
  EXPECT_TRUE(mails.values[index_of(IocType::Email)].empty());
}

TEST(IocRobustness, LongHexRunsAreNotHashes) {
  Findings found = find(repeat("0123456789abcdef", kLarge));
  for (IocType type : {IocType::Md5, IocType::Sha1, IocType::Sha256, IocType::Sha512}) {
    EXPECT_TRUE(found.values[index_of(type)].empty());
  }
}

TEST(IocRobustness, FuzzTargetReplaysItsSeeds) {
  std::filesystem::path corpus(IOCREGEX_FUZZ_CORPUS);
  ASSERT_TRUE(std::filesystem::is_directory(corpus)) << corpus;
  std::size_t replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    std::string data = bytes.str();
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0);
    ++replayed;
  }
  EXPECT_GE(replayed, 3U);
}

TEST(IocRobustness, FuzzTargetOnRandomInputs) {
  for (std::uint32_t seed = 1; seed <= 300; ++seed) {
    std::string data =
        random_bytes(64 + seed * 13, seed,
                     seed % 2 == 0 ? std::string_view() : "0123456789abcdefABCDEF.:-@/[]()<>{}htpsxmocrunet \n#");
    if (seed % 3 == 0) data.insert(data.size() / 2, "\n--\n");
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0);
  }
}

}  // namespace
