// ChildWriter (include/stoq/extraction.hpp): in memory up to a budget, spilled beyond,
// hashed as written, truncated at max_size; and Payload's sequential reading.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "stoq/extraction.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::ByteView;
using stoq::ChildWriter;
using stoq::testing::TempDir;

ChildWriter writer_in(const TempDir& dir, std::uint64_t memory_limit, std::uint64_t max_size = 1ULL << 30) {
  ChildWriter::Settings settings;
  settings.memory_limit = memory_limit;
  settings.max_size = max_size;
  settings.spill_dir = dir.path();
  return ChildWriter(settings);
}

std::string pattern(std::size_t size) {
  std::string text(size, '\0');
  for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return text;
}

void write_in_pieces(ChildWriter& writer, const std::string& text, std::size_t piece) {
  for (std::size_t at = 0; at < text.size(); at += piece) {
    writer.write(ByteView(std::string_view(text).substr(at, piece)));
  }
}

TEST(ChildWriter, SmallChildStaysInMemoryWithItsHashes) {
  TempDir dir;
  ChildWriter writer = writer_in(dir, 1 << 20);
  writer.write(ByteView(std::string_view("ab")));
  writer.write(ByteView(std::string_view("c")));
  EXPECT_FALSE(writer.spilled());
  stoq::Payload child = writer.finish();
  EXPECT_FALSE(child.is_mapped());
  EXPECT_EQ(child.bytes().as_string_view(), "abc");
  // Published vectors (FIPS 180 / RFC 1321) for "abc".
  EXPECT_EQ(child.hashes().md5, "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(child.hashes().sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ChildWriter, LargeChildSpillsToAnUnlinkedFileAndIsMapped) {
  TempDir dir;
  std::string text = pattern(3 << 20);
  ChildWriter writer = writer_in(dir, 1 << 20);
  write_in_pieces(writer, text, 65536 + 3);
  EXPECT_TRUE(writer.spilled());
  EXPECT_TRUE(std::filesystem::is_empty(dir.root())) << "a spill file must have no name";
  stoq::Payload child = writer.finish();
  EXPECT_TRUE(child.is_mapped());
  ASSERT_EQ(child.size(), text.size());
  EXPECT_EQ(child.bytes().as_string_view(), text);
  stoq::Hashes expected = stoq::compute_hashes(ByteView(std::string_view(text)));
  EXPECT_EQ(child.hashes().sha1, expected.sha1);
  EXPECT_EQ(child.hashes().sha512, expected.sha512);
}

TEST(ChildWriter, TruncatesAtMaxSize) {
  TempDir dir;
  ChildWriter writer = writer_in(dir, 1 << 20, 10);
  EXPECT_TRUE(writer.write(ByteView(std::string_view("0123456"))));
  EXPECT_FALSE(writer.write(ByteView(std::string_view("789abc"))));
  EXPECT_FALSE(writer.write(ByteView(std::string_view("more"))));
  EXPECT_TRUE(writer.truncated());
  stoq::Payload child = writer.finish();
  EXPECT_EQ(child.bytes().as_string_view(), "0123456789");
  EXPECT_EQ(child.hashes().md5, stoq::compute_hashes(ByteView(std::string_view("0123456789"))).md5);
}

TEST(ChildWriter, WritersOfOneCallShareTheMemoryBudget) {
  TempDir dir;
  auto budget = std::make_shared<std::uint64_t>(1000);
  ChildWriter::Settings settings;
  settings.memory_limit = 800;
  settings.spill_dir = dir.path();
  settings.shared_budget = budget;
  ChildWriter first(settings);
  first.write(ByteView(std::string_view(pattern(600))));
  EXPECT_FALSE(first.spilled());
  EXPECT_EQ(*budget, 400U);
  ChildWriter second(settings);
  second.write(ByteView(std::string_view(pattern(600))));
  EXPECT_TRUE(second.spilled()) << "600 bytes do not fit the 400 left";
  EXPECT_EQ(*budget, 400U);
  {
    ChildWriter dropped(settings);
    dropped.write(ByteView(std::string_view(pattern(300))));
    EXPECT_EQ(*budget, 100U);
  }
  EXPECT_EQ(*budget, 400U) << "an unfinished writer gives its memory back";
}

TEST(Payload, ReadSequentiallyVisitsEveryByteOnceInOrder) {
  TempDir dir;
  std::string text = pattern((1 << 20) + 12345);
  std::string file = dir.write("big", text);
  stoq::Payload mapped = stoq::read_file_payload(file, 1ULL << 30);
  ASSERT_TRUE(mapped.is_mapped());
  std::string seen;
  mapped.read_sequentially(100000, [&](ByteView piece) {
    seen.append(piece.as_string_view());
    return true;
  });
  EXPECT_EQ(seen, text);
  // Released pages read back from the page cache: the bytes are still right.
  EXPECT_EQ(mapped.bytes().as_string_view(), text);
  EXPECT_EQ(mapped.hashes().sha256, stoq::compute_hashes(ByteView(std::string_view(text))).sha256);
  std::size_t visits = 0;
  mapped.read_sequentially(4096, [&](ByteView) { return ++visits < 3; });
  EXPECT_EQ(visits, 3U);
}

}  // namespace
