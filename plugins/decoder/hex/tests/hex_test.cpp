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

class HexDecoderTest : public ::testing::Test {
 protected:
  std::string decode(std::string_view text) {
    auto children = decoder_.decode(payload_of(text), Json::object());
    EXPECT_EQ(children.size(), 1U);
    return text_of(children.at(0).payload);
  }
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
  stoq::Decoder& decoder_ = harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "hex");
};

TEST_F(HexDecoderTest, MatchesPythonFromhex) {
  STOQ_NEED_TOOL("python3");
  std::string data = build_pe32(9);
  // python3 bytes.hex with a space separator every byte, wrapped into lines.
  std::string text = run_with_input(dir_,
                                    "python3 -c \"import sys; h=sys.stdin.buffer.read().hex(' '); "
                                    "print('\\n'.join(h[i:i+48] for i in range(0, len(h), 48)))\"",
                                    data);
  std::string oracle =
      run_with_input(dir_, "python3 -c \"import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))\"", text);
  EXPECT_EQ(oracle, data);
  EXPECT_EQ(decode(text), oracle);
}

TEST_F(HexDecoderTest, SeparatorsAndPrefixes) {
  EXPECT_EQ(decode("4d5A90"), "MZ\x90");
  EXPECT_EQ(decode("0x4d, 0x5a,0x90"), "MZ\x90");
  EXPECT_EQ(decode("\\x4d\\x5a\\x90"), "MZ\x90");
  EXPECT_EQ(decode("4d:5a:90\r\n"), "MZ\x90");
  EXPECT_EQ(decode("0X4D5A"), "MZ");
}

TEST_F(HexDecoderTest, RefusesWhatIsNotHex) {
  for (std::string_view bad : {"4d5", "hello", "4g", "  ", "0x", "4d 5a zz"}) {
    try {
      decoder_.decode(payload_of(bad), Json::object());
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const stoq::Error& error) {
      EXPECT_NE(std::string(error.what()).find("not hex"), std::string::npos) << error.what();
    }
  }
}

}  // namespace
