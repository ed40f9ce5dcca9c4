// lifecycle/tlp.hpp: the Traffic Light Protocol gate of workers with max_tlp.
#include "lifecycle/tlp.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using stoq::lifecycle::tlp_allows;
using stoq::lifecycle::tlp_rank;

TEST(TlpRank, Levels) {
  EXPECT_EQ(tlp_rank("red"), 0);
  EXPECT_EQ(tlp_rank("amber"), 1);
  EXPECT_EQ(tlp_rank("green"), 2);
  EXPECT_EQ(tlp_rank("white"), 3);
}

TEST(TlpRank, AnyCase) {
  EXPECT_EQ(tlp_rank("RED"), 0);
  EXPECT_EQ(tlp_rank("Amber"), 1);
  EXPECT_EQ(tlp_rank("gReEn"), 2);
  EXPECT_EQ(tlp_rank("WHITE"), 3);
}

TEST(TlpRank, Unknown) {
  for (const char* text : {"", "blue", "redd", "re", " red", "red ", "clear", "amber\n", "3"}) {
    EXPECT_EQ(tlp_rank(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(TlpAllows, TruthTable) {
  const char* levels[] = {"red", "amber", "green", "white"};
  // allowed[max][payload]: a payload is scanned when it is at least as shareable as max_tlp.
  const bool allowed[4][4] = {
      {true, true, true, true},     // max red: everything
      {false, true, true, true},    // max amber: not red
      {false, false, true, true},   // max green: rejects red and amber
      {false, false, false, true},  // max white: only white
  };
  for (int max = 0; max < 4; ++max) {
    for (int payload = 0; payload < 4; ++payload) {
      EXPECT_EQ(tlp_allows(levels[max], levels[payload]), allowed[max][payload])
          << "max_tlp=" << levels[max] << " payload=" << levels[payload];
    }
  }
}

TEST(TlpAllows, CaseInsensitive) {
  EXPECT_FALSE(tlp_allows("GREEN", "Amber"));
  EXPECT_TRUE(tlp_allows("Green", "WHITE"));
}

TEST(TlpAllows, EmptyMaxMeansNoLimit) {
  for (const char* payload : {"red", "amber", "green", "white", "", "bogus"}) {
    EXPECT_TRUE(tlp_allows("", payload)) << payload;
  }
}

TEST(TlpAllows, UnknownPayloadTlpCountsAsWhite) {
  for (const char* max : {"red", "amber", "green", "white"}) {
    EXPECT_TRUE(tlp_allows(max, "bogus")) << max;
    EXPECT_TRUE(tlp_allows(max, "")) << max;
  }
}

TEST(TlpAllows, UnknownMaxTlpCountsAsRed) {
  // red is the least restrictive limit: every known level passes it.
  for (const char* payload : {"red", "amber", "green", "white", "bogus"}) {
    EXPECT_TRUE(tlp_allows("ultraviolet", payload)) << payload;
    EXPECT_EQ(tlp_allows("ultraviolet", payload), tlp_allows("red", payload)) << payload;
  }
}

}  // namespace
