// stoq/text.hpp: expected bytes are Python's ("...".encode("utf-8"), bytes.decode("utf-16-le", "replace")).
#include "stoq/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using stoq::ByteView;

ByteView view(std::string_view text) { return ByteView(text); }

TEST(Text, Utf16LeWithPairsUnpairedSurrogatesAndAnOddByte) {
  // "Aé€😀" then a lone high surrogate, then an odd trailing byte.
  std::string units(
      "A\0\xe9\0\xac\x20\x3d\xd8\x00\xde\x00\xd8"
      "B\0\x7f",
      15);
  EXPECT_EQ(stoq::utf16le_to_utf8(view(units)),
            "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbd"
            "B");
  std::string with_nul("H\0i\0\0\0x\0", 8);
  EXPECT_EQ(stoq::utf16le_to_utf8(view(with_nul)), std::string("Hi\0x", 4));
  EXPECT_EQ(stoq::utf16le_to_utf8(stoq::utf16le_until_nul(view(with_nul))), "Hi");
  EXPECT_EQ(stoq::utf16le_until_nul(view(std::string("\0\0", 2))).size(), 0U);
}

TEST(Text, Latin1AndUtf8Validity) {
  EXPECT_EQ(stoq::latin1_to_utf8(view("caf\xe9 \xff")), "caf\xc3\xa9 \xc3\xbf");
  EXPECT_TRUE(stoq::is_valid_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(stoq::is_valid_utf8("caf\xe9"));
  EXPECT_FALSE(stoq::is_valid_utf8("\xc3"));
  // Strict RFC 3629, as JSON serialisers (nlohmann) and Python's decoder demand: overlong
  // forms, surrogates and code points above U+10FFFF are invalid.
  EXPECT_TRUE(stoq::is_valid_utf8("\xed\x9f\xbf \xee\x80\x80 \xf4\x8f\xbf\xbf \xe0\xa0\x80 \xf0\x90\x80\x80"));
  for (const char* bad :
       {"\xc0\xaf", "\xc1\xbf", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80", "\xf6\x91\x90\x84", "\xff", "\x80", "\xe2\x82", "\xe2\x28\xa1"}) {
    EXPECT_FALSE(stoq::is_valid_utf8(bad)) << ::testing::PrintToString(std::string(bad));
  }
  EXPECT_FALSE(stoq::is_valid_utf8("\xff"));
}

}  // namespace
