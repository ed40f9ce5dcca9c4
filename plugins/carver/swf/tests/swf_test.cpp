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

// Writes fws.bin (a small uncompressed SWF) and its CWS (zlib) and ZWS (LZMA) forms,
// compressed by Python's zlib and lzma modules.
constexpr const char* kMaker = R"PY(
import lzma, os, struct, sys, zlib
out = sys.argv[1]
body = bytes([0x78, 0x00, 0x05, 0x5f, 0x00, 0x00, 0x0f, 0xa0, 0x00, 0x00, 0x18, 0x01, 0x00])
body += (b'\x3f\x03' + struct.pack('<I', 3000) + bytes(range(256)) * 11 + b'stoq swf test' * 10) + b'\x00\x00'
version = 10
length = 8 + len(body)
fws = b'FWS' + bytes([version]) + struct.pack('<I', length) + body
cws = b'CWS' + bytes([version]) + struct.pack('<I', length) + zlib.compress(body)
alone = lzma.compress(body, format=lzma.FORMAT_ALONE)
props, data = alone[:5], alone[13:]
zws = b'ZWS' + bytes([19]) + struct.pack('<I', length) + struct.pack('<I', len(data)) + props + data
for name, value in (('fws', fws), ('cws', cws), ('zws', zws)):
    open(os.path.join(out, name + '.bin'), 'wb').write(value)
)PY";

class SwfCarverTest : public ::testing::Test {
 protected:
  void make_fixtures() {
    std::string script = dir_.write("make_swf.py", kMaker);
    int status = 0;
    run("python3 '" + script + "' '" + dir_.path() + "'", &status);
    ASSERT_EQ(status, 0);
    fws_ = read_all(dir_.path("fws.bin"));
    cws_ = read_all(dir_.path("cws.bin"));
    zws_ = read_all(dir_.path("zws.bin"));
  }
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
  std::string fws_, cws_, zws_;
};

void check_all_three(stoq::Carver& carver, const std::string& fws, const std::string& cws, const std::string& zws) {
  std::string junk = "some junk FWS\x01\x02 CWS ZWS\x05\xff\xff\xff\xff";
  std::string data = junk + cws + "xx" + zws + "yy" + fws + "zz";
  auto children = carver.carve(payload_of(data), Json::object());
  ASSERT_EQ(children.size(), 3U);
  std::string zws_as_fws = fws;
  zws_as_fws[3] = 19;  // the ZWS fixture has version 19
  const std::string expected[] = {fws, zws_as_fws, fws};
  const char* compression[] = {"zlib", "lzma", "none"};
  std::size_t offsets[] = {junk.size(), junk.size() + cws.size() + 2, junk.size() + cws.size() + zws.size() + 4};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(children[i].payload.hashes().sha256, sha256_of(expected[i])) << i;
    EXPECT_EQ(children[i].meta["compression"], compression[i]);
    EXPECT_EQ(children[i].meta["offset"], offsets[i]);
    EXPECT_EQ(children[i].meta["size"], fws.size());
  }
  EXPECT_EQ(children[0].meta["swf_version"], 10);
}

TEST_F(SwfCarverTest, DecompressesCwsAndZwsAndCutsFws) {
  STOQ_NEED_TOOL("python3");
  make_fixtures();
  check_all_three(harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "swf"), fws_, cws_, zws_);
}

TEST_F(SwfCarverTest, WithTheOriginalConfig) {
  STOQ_NEED_TOOL("python3");
  STOQ_NEED_PATH(original_config("carver", "swf"));
  make_fixtures();
  check_all_three(harness_.activate<stoq::Carver>(plugin_dir_with_original(dir_, "carver", "swf"), "swf"), fws_, cws_,
                  zws_);
}

TEST_F(SwfCarverTest, TruncatedOrCorruptStreamsAreSkipped) {
  STOQ_NEED_TOOL("python3");
  make_fixtures();
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "swf");
  EXPECT_TRUE(carver.carve(payload_of(fws_), Json::object()).empty());  // the payload itself
  EXPECT_EQ(carver.carve(payload_of(cws_), Json::object()).size(), 1U);
  for (const std::string* swf : {&fws_, &cws_, &zws_}) {
    EXPECT_TRUE(carver.carve(payload_of("x" + swf->substr(0, swf->size() - 50)), Json::object()).empty());
    std::string corrupt = *swf;
    for (std::size_t i = 20; i < 60; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5A);
    if (swf != &fws_) {
      EXPECT_TRUE(carver.carve(payload_of("x" + corrupt), Json::object()).empty());
    }
  }
}

TEST_F(SwfCarverTest, LimitsBoundTheOutput) {
  // A CWS declaring 100 MB of zeros: max_child_size cuts it, flagged truncated.
  STOQ_NEED_TOOL("python3");
  std::string script = dir_.write("bomb.py",
                                  "import struct, sys, zlib\n"
                                  "n = 100 * 1024 * 1024\n"
                                  "sys.stdout.buffer.write(b'CWS\\x0a' + struct.pack('<I', n + 8) + "
                                  "zlib.compress(bytes(n), 9))\n");
  std::string bomb = run("python3 '" + script + "'");
  harness_.mutable_limits().max_child_size = 1 << 20;
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "swf");
  auto children = carver.carve(payload_of("x" + bomb), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].meta["truncated"], true);
  EXPECT_LE(children[0].payload.size(), 1U << 20);
}

}  // namespace
