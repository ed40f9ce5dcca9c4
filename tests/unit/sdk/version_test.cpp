// stoq/version.hpp: numeric, component-wise version comparison.
#include "stoq/version.hpp"

#include <gtest/gtest.h>

namespace {

using stoq::compare_versions;

int sign(int value) { return (value > 0) - (value < 0); }

TEST(CompareVersions, Numeric) {
  EXPECT_GT(compare_versions("0.10.3", "0.9"), 0);
  EXPECT_LT(compare_versions("0.9", "0.10.3"), 0);
  EXPECT_GT(compare_versions("2.0.0", "1.1.0"), 0);
  EXPECT_LT(compare_versions("1.2.3", "1.2.10"), 0);
  EXPECT_GT(compare_versions("10", "9"), 0);
  EXPECT_LT(compare_versions("0.10.13", "1.1.0"), 0);
}

TEST(CompareVersions, MissingComponentsAreZero) {
  EXPECT_EQ(compare_versions("1.0", "1.0.0"), 0);
  EXPECT_EQ(compare_versions("1.0.0", "1.0"), 0);
  EXPECT_EQ(compare_versions("1", "1.0.0.0"), 0);
  EXPECT_GT(compare_versions("1.0.1", "1.0"), 0);
  EXPECT_EQ(compare_versions("", ""), 0);
  EXPECT_EQ(compare_versions("", "0"), 0);
}

TEST(CompareVersions, Equal) {
  EXPECT_EQ(compare_versions("1.1.0", "1.1.0"), 0);
  EXPECT_EQ(compare_versions("01.2", "1.02"), 0);
  EXPECT_EQ(compare_versions(stoq::kVersion, "1.1.0"), 0);
}

TEST(CompareVersions, SuffixesCompareAsText) {
  EXPECT_NE(compare_versions("1.0rc1", "1.0"), 0);
  EXPECT_LT(compare_versions("1.0a", "1.0b"), 0);
  EXPECT_GT(compare_versions("1.1a", "1.0z"), 0);  // numbers first
}

TEST(CompareVersions, Antisymmetric) {
  const char* versions[] = {"0.9", "0.10", "0.10.3", "1.0", "1.0.0", "1.1.0", "2", "1.0rc1", "1.0b", ""};
  for (const char* a : versions) {
    for (const char* b : versions) {
      EXPECT_EQ(sign(compare_versions(a, b)), -sign(compare_versions(b, a))) << a << " vs " << b;
    }
  }
}

// Regression: components beyond 64 bits still compare by value.
TEST(CompareVersions, HugeComponentsStayLarge) {
  EXPECT_GT(compare_versions("99999999999999999999", "1"), 0);
  EXPECT_NE(compare_versions("99999999999999999999", "0"), 0);
}

}  // namespace
