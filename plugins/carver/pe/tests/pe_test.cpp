#include <gtest/gtest.h>

#include <string>

#include "carve_test_support.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using namespace stoq::carve::testing;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

const std::string kFixtures = STOQ_SHARED_DIR "/corpus/strelka-fixtures/";

class PeCarverTest : public ::testing::Test {
 protected:
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
};

TEST_F(PeCarverTest, CarvesEmbeddedPesExactly) {
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "pe");
  std::string first = build_pe32(1);
  std::string signed_pe = build_pe32(2, std::string(0x90, 'C'));
  // Junk with false starts: MZ / ZM without a PE header, an MZ whose e_lfanew points
  // outside, and the PEs themselves followed by overlay-like junk.
  std::string junk =
      "junk MZ junk ZM junk" + std::string(500, 'x') + "MZ" + std::string(0x3A, '\xff') + "\xff\xff\xff\x7f";
  std::string data = junk + first + "overlay bytes MZ" + signed_pe + std::string(300, '\0');
  auto children = carver.carve(payload_of(data), Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(children[0].meta["offset"], junk.size());
  EXPECT_EQ(children[0].payload.hashes().sha256, sha256_of(first));
  EXPECT_EQ(children[0].meta["size"], first.size());
  EXPECT_EQ(children[0].meta["pe_format"], "PE32");
  EXPECT_EQ(children[0].meta["machine"], "0x014c");
  EXPECT_EQ(children[1].meta["offset"], junk.size() + first.size() + 16);
  EXPECT_EQ(children[1].payload.hashes().sha256, sha256_of(signed_pe));
  EXPECT_EQ(children[1].meta["certificate"], true);
}

TEST_F(PeCarverTest, ThePayloadItselfIsNotCarvedButAPeBeforeOverlayIs) {
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "pe");
  std::string pe = build_pe32(3);
  EXPECT_TRUE(carver.carve(payload_of(pe), Json::object()).empty());
  auto children = carver.carve(payload_of(pe + "appended overlay"), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].meta["offset"], 0);
  EXPECT_EQ(children[0].payload.hashes().sha256, sha256_of(pe));
}

TEST_F(PeCarverTest, TruncatedPeIsCarvedToTheEnd) {
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "pe");
  std::string pe = build_pe32(4);
  auto children = carver.carve(payload_of("prefix" + pe.substr(0, 0x300)), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].meta["size"], 0x300);
  EXPECT_EQ(children[0].meta["truncated"], true);
}

TEST_F(PeCarverTest, CorpusOverlaysGiveTestExeWithTheOriginalConfig) {
  STOQ_NEED_PATH(original_config("carver", "pe"));
  STOQ_NEED_PATH(kFixtures + "test.exe");
  auto& carver = harness_.activate<stoq::Carver>(plugin_dir_with_original(dir_, "carver", "pe"), "pe");
  // The images carry test.exe after their own data; test_overlay_zip.exe is test.exe
  // followed by a zip (the PE's own headers give its size).
  std::string exe_sha256 = sha256_of(read_all(kFixtures + "test.exe"));
  for (const char* name :
       {"test_pe_overlay.png", "test_pe_overlay.jpg", "test_pe_overlay.bmp", "test_overlay_zip.exe"}) {
    STOQ_NEED_PATH(kFixtures + name);
    auto children = carver.carve(harness_.get_file(kFixtures + name), Json::object());
    ASSERT_EQ(children.size(), 1U) << name;
    EXPECT_EQ(children[0].payload.hashes().sha256, exe_sha256) << name;
  }
  EXPECT_TRUE(carver.carve(harness_.get_file(kFixtures + "test.exe"), Json::object()).empty());
}

TEST_F(PeCarverTest, HeadersOption) {
  // Only the ZM alternative: no MZ-started PE is considered.
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "pe", {{"headers", "\\x5a\\x4d"}});
  EXPECT_TRUE(carver.carve(payload_of("xx" + build_pe32()), Json::object()).empty());
  for (const char* bad : {"MZ|", "[MZ]", "M.Z", "\\x4"}) {
    EXPECT_THROW(harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "pe", {{"headers", bad}}), stoq::Error) << bad;
  }
}

TEST_F(PeCarverTest, ManyHeadersAndLimits) {
  harness_.mutable_limits().max_children = 3;
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "pe");
  std::string data;
  for (int i = 0; i < 10; ++i) data += "..." + build_pe32(static_cast<std::uint8_t>(i));
  auto children = carver.carve(payload_of(data), Json::object());
  ASSERT_EQ(children.size(), 3U);
  EXPECT_EQ(children[2].meta["limit"], "max_children");
  // 8 MiB of "MZ" pairs: each is checked once, nothing carved.
  std::string mz(8U << 20, 'M');
  for (std::size_t i = 1; i < mz.size(); i += 2) mz[i] = 'Z';
  EXPECT_TRUE(carver.carve(payload_of(mz), Json::object()).empty());
}

}  // namespace
