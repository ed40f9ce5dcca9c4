// stoq/bytes.hpp: ByteView, the only way payload bytes are read; offsets from
// hostile input must never index outside the buffer.
#include "stoq/bytes.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace {

using stoq::Bytes;
using stoq::ByteView;

constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();

const Bytes kFive{0x01, 0x02, 0x03, 0x04, 0x05};

TEST(ByteView, DefaultIsEmpty) {
  ByteView view;
  EXPECT_TRUE(view.empty());
  EXPECT_EQ(view.size(), 0u);
  EXPECT_EQ(view.data(), nullptr);
  EXPECT_EQ(view.at(0), std::nullopt);
  EXPECT_TRUE(view.fits(0, 0));
  EXPECT_FALSE(view.fits(0, 1));
  EXPECT_TRUE(view.tail(0).empty());
  EXPECT_TRUE(view.head(10).empty());
}

TEST(ByteView, Constructors) {
  ByteView from_bytes(kFive);
  EXPECT_EQ(from_bytes.size(), 5u);
  EXPECT_EQ(from_bytes.data(), kFive.data());
  std::string text = "hello";
  ByteView from_text(std::string_view{text});
  EXPECT_EQ(from_text.as_string_view(), "hello");
  EXPECT_EQ(from_text.to_bytes(), (Bytes{'h', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(from_text.span().size(), 5u);
  ByteView raw(kFive.data() + 1, 2);
  EXPECT_EQ(raw.to_bytes(), (Bytes{0x02, 0x03}));
}

TEST(ByteView, FitsIsOverflowSafe) {
  ByteView view(kFive);
  EXPECT_TRUE(view.fits(0, 5));
  EXPECT_TRUE(view.fits(5, 0));
  EXPECT_TRUE(view.fits(4, 1));
  EXPECT_TRUE(view.fits(2, 3));
  EXPECT_FALSE(view.fits(0, 6));
  EXPECT_FALSE(view.fits(6, 0));
  EXPECT_FALSE(view.fits(4, 2));
  EXPECT_FALSE(view.fits(kMax, 1));  // offset + length wraps to 0
  EXPECT_FALSE(view.fits(kMax, 0));
  EXPECT_FALSE(view.fits(1, kMax));      // 1 + SIZE_MAX wraps to 0
  EXPECT_FALSE(view.fits(kMax - 1, 2));  // wraps to 0
  EXPECT_FALSE(view.fits(2, kMax - 1));  // wraps to 0
  EXPECT_FALSE(view.fits(kMax, kMax));
  EXPECT_FALSE(view.fits(0, kMax));
}

TEST(ByteView, At) {
  ByteView view(kFive);
  EXPECT_EQ(view.at(0), 0x01);
  EXPECT_EQ(view.at(4), 0x05);
  EXPECT_EQ(view.at(5), std::nullopt);
  EXPECT_EQ(view.at(kMax), std::nullopt);
}

TEST(ByteView, Subview) {
  ByteView view(kFive);
  auto middle = view.subview(1, 3);
  ASSERT_TRUE(middle);
  EXPECT_EQ(middle->to_bytes(), (Bytes{0x02, 0x03, 0x04}));
  EXPECT_EQ(middle->data(), kFive.data() + 1);
  auto end = view.subview(5, 0);
  ASSERT_TRUE(end);
  EXPECT_TRUE(end->empty());
  EXPECT_FALSE(view.subview(3, 3));
  EXPECT_FALSE(view.subview(6, 0));
  EXPECT_FALSE(view.subview(kMax - 1, 2));
  EXPECT_FALSE(view.subview(1, kMax));
  // A subview is bounded by itself, not by the parent.
  EXPECT_FALSE(middle->subview(1, 3));
  EXPECT_EQ(middle->at(3), std::nullopt);
}

TEST(ByteView, HeadClamps) {
  ByteView view(kFive);
  EXPECT_EQ(view.head(2).to_bytes(), (Bytes{0x01, 0x02}));
  EXPECT_EQ(view.head(5).size(), 5u);
  EXPECT_EQ(view.head(6).size(), 5u);
  EXPECT_EQ(view.head(kMax).size(), 5u);
  EXPECT_TRUE(view.head(0).empty());
}

TEST(ByteView, TailClamps) {
  ByteView view(kFive);
  EXPECT_EQ(view.tail(3).to_bytes(), (Bytes{0x04, 0x05}));
  EXPECT_EQ(view.tail(0).size(), 5u);
  EXPECT_TRUE(view.tail(5).empty());
  EXPECT_TRUE(view.tail(6).empty());
  EXPECT_TRUE(view.tail(kMax).empty());
}

TEST(ByteView, ReadLittleEndian) {
  ByteView view(kFive);
  EXPECT_EQ(view.read_le<std::uint8_t>(4), 0x05);
  EXPECT_EQ(view.read_le<std::uint16_t>(0), 0x0201);
  EXPECT_EQ(view.read_le<std::uint16_t>(3), 0x0504);
  EXPECT_EQ(view.read_le<std::uint32_t>(0), 0x04030201u);
  EXPECT_EQ(view.read_le<std::uint32_t>(1), 0x05040302u);
  EXPECT_EQ(view.read_le<std::uint32_t>(2), std::nullopt);
  EXPECT_EQ(view.read_le<std::uint64_t>(0), std::nullopt);
  EXPECT_EQ(view.read_le<std::uint16_t>(kMax), std::nullopt);
  EXPECT_EQ(view.read_le<std::uint16_t>(kMax - 1), std::nullopt);
  EXPECT_EQ(view.read_le<std::uint8_t>(5), std::nullopt);
  const Bytes negative{0xfe, 0xff, 0xff, 0xff};
  EXPECT_EQ(ByteView(negative).read_le<std::int32_t>(0), -2);
  const Bytes eight{1, 0, 0, 0, 0, 0, 0, 0x80};
  EXPECT_EQ(ByteView(eight).read_le<std::uint64_t>(0), 0x8000000000000001ULL);
}

TEST(ByteView, ReadStruct) {
  struct Pair {
    std::uint8_t a;
    std::uint8_t b;
  };
  auto pair = ByteView(kFive).read_le<Pair>(3);
  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->a, 0x04);
  EXPECT_EQ(pair->b, 0x05);
  EXPECT_FALSE(ByteView(kFive).read_le<Pair>(4));
}

TEST(ByteView, StartsWith) {
  std::string text = "%PDF-1.4";
  ByteView view(std::string_view{text});
  EXPECT_TRUE(view.starts_with("%PDF"));
  EXPECT_TRUE(view.starts_with("%PDF-1.4"));
  EXPECT_TRUE(view.starts_with(""));
  EXPECT_FALSE(view.starts_with("%PDF-1.4 and more"));
  EXPECT_FALSE(view.starts_with("PDF"));
  EXPECT_FALSE(view.head(3).starts_with("%PDF"));
  std::string with_nul("MZ\0\0", 4);
  EXPECT_TRUE(ByteView(std::string_view{with_nul}).starts_with(std::string_view("MZ\0", 3)));
}

}  // namespace
