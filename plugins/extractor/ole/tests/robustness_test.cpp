// Hostile compound files: chain loops, directory cycles, truncation, random damage.
#include <gtest/gtest.h>

#include "cfb.hpp"
#include "cfb_writer.hpp"
#include "stoq/error.hpp"

namespace {

using cfb_test::put32;

std::string filler(std::size_t size, char c) { return std::string(size, c); }

TEST(CfbRobustness, SectorChainLoopIsCutAndReported) {
  cfb_test::Layout layout = cfb_test::write_cfb(3, {{"Loop", filler(4096, 'L')}});  // 8 sectors
  // Make the stream's last sector point back at its first.
  std::uint32_t first = layout.first_sector[0];
  put32(layout.file, 512 + 4 * (first + 7), first);
  stoq::cfb::File file = stoq::cfb::File::parse(stoq::ByteView(layout.file));
  ASSERT_EQ(file.entries().size(), 1U);
  stoq::cfb::StreamStatus status;
  stoq::Bytes bytes = file.read_stream(file.entries()[0], UINT64_MAX, &status);
  EXPECT_EQ(bytes.size(), 4096U);  // all 8 sectors were read before the loop
  EXPECT_TRUE(status.complete);
  put32(layout.file, 512 + 4 * (first + 3), first);  // now the loop comes before the end
  stoq::cfb::File looped = stoq::cfb::File::parse(stoq::ByteView(layout.file));
  bytes = looped.read_stream(looped.entries()[0], UINT64_MAX, &status);
  EXPECT_EQ(bytes.size(), 512U * 4);
  EXPECT_FALSE(status.complete);
  EXPECT_NE(status.error.find("loops"), std::string::npos) << status.error;
}

TEST(CfbRobustness, DirectoryCycleIsVisitedOnce) {
  cfb_test::Layout layout = cfb_test::write_cfb(3, {{"A", filler(4096, 'a')}, {"B", filler(4096, 'b')}});
  const std::size_t dir = 1024;               // sector 1
  put32(layout.file, dir + 2 * 128 + 72, 1);  // B's right sibling is A again
  put32(layout.file, dir + 1 * 128 + 68, 0);  // A's left sibling is the root
  stoq::cfb::File file = stoq::cfb::File::parse(stoq::ByteView(layout.file));
  EXPECT_EQ(file.entries().size(), 2U);
  EXPECT_FALSE(file.warnings().empty());
}

TEST(CfbRobustness, StorageThatContainsItselfStops) {
  cfb_test::Layout layout = cfb_test::write_cfb(3, {}, "S", {{"X", filler(4096, 'x')}});
  const std::size_t dir = 1024;               // sector 1
  put32(layout.file, dir + 2 * 128 + 72, 1);  // X's right sibling is its storage
  stoq::cfb::File file = stoq::cfb::File::parse(stoq::ByteView(layout.file));
  ASSERT_EQ(file.entries().size(), 2U);
  EXPECT_EQ(file.entries()[1].path, "S/X");
}

TEST(CfbRobustness, TruncatedFileGivesWhatIsThere) {
  cfb_test::Layout layout = cfb_test::write_cfb(3, {{"Long", filler(4096 * 4, 'z')}});
  std::string cut = layout.file.substr(0, layout.file.size() - 1000);
  stoq::cfb::File file = stoq::cfb::File::parse(stoq::ByteView(cut));
  stoq::cfb::StreamStatus status;
  stoq::Bytes bytes = file.read_stream(file.entries()[0], UINT64_MAX, &status);
  EXPECT_EQ(bytes.size(), 4096U * 4 - 1000);
  EXPECT_FALSE(status.complete);
}

TEST(CfbRobustness, HugeDeclaredSizesAndBadHeadersNeverOverread) {
  cfb_test::Layout layout = cfb_test::write_cfb(4, {{"Big", filler(5000, 'b')}});
  std::string file = layout.file;
  put32(file, 4096 * 2 + 128 + 120, 0xFFFFFFF0);  // stream size ~4 GiB
  put32(file, 4096 * 2 + 128 + 124, 0x7FFFFFFF);
  put32(file, 44, 0xFFFFFFFF);  // absurd FAT sector count
  stoq::cfb::File parsed = stoq::cfb::File::parse(stoq::ByteView(file));
  stoq::cfb::StreamStatus status;
  stoq::Bytes bytes = parsed.read_stream(parsed.entries()[0], UINT64_MAX, &status);
  EXPECT_LE(bytes.size(), file.size());
  EXPECT_FALSE(status.complete);
  std::string header_only = layout.file.substr(0, 512);
  EXPECT_THROW(stoq::cfb::File::parse(stoq::ByteView(header_only)), stoq::Error);
  std::string bad_shift = layout.file;
  cfb_test::put16(bad_shift, 30, 40);
  EXPECT_THROW(stoq::cfb::File::parse(stoq::ByteView(bad_shift)), stoq::Error);
}

TEST(CfbRobustness, RandomDamageNeverCrashes) {
  cfb_test::Layout layout = cfb_test::write_cfb(3, {{"One", filler(4500, '1')}}, "Store", {{"Two", filler(6000, '2')}});
  unsigned seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245U + 12345U;
    return seed >> 8;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string damaged = layout.file;
    int flips = 1 + static_cast<int>(next() % 8);
    for (int i = 0; i < flips; ++i) damaged[next() % 2048] = static_cast<char>(next());
    if (round % 5 == 0) damaged.resize(next() % damaged.size());
    try {
      stoq::cfb::File file = stoq::cfb::File::parse(stoq::ByteView(damaged));
      for (const auto& entry : file.entries()) {
        stoq::Bytes bytes = file.read_stream(entry);
        ASSERT_LE(bytes.size(), damaged.size());
      }
    } catch (const stoq::Error&) {
    }
    (void)stoq::cfb::occupied_size(stoq::ByteView(damaged));
  }
}

}  // namespace
