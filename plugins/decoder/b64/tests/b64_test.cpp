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

class B64DecoderTest : public ::testing::Test {
 protected:
  stoq::Decoder& plugin() { return harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "b64"); }
  std::string decode(stoq::Decoder& decoder, std::string_view text) {
    auto children = decoder.decode(payload_of(text), Json::object());
    EXPECT_EQ(children.size(), 1U);
    return text_of(children.at(0).payload);
  }
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
};

TEST_F(B64DecoderTest, MatchesCoreutilsOnWrappedOutput) {
  STOQ_NEED_TOOL("base64");
  auto& decoder = plugin();
  std::string data = build_pe32(5);
  std::string encoded = run_with_input(dir_, "base64 -w 76", data);  // wrapped lines
  ASSERT_NE(encoded.find('\n'), std::string::npos);
  EXPECT_EQ(decode(decoder, encoded), run_with_input(dir_, "base64 -d", encoded));
  EXPECT_EQ(decode(decoder, encoded), data);
  auto children = decoder.decode(payload_of(encoded), Json::object());
  EXPECT_EQ(children[0].meta["encoding"], "base64");
  EXPECT_EQ(children[0].meta["size"], data.size());
}

TEST_F(B64DecoderTest, UrlSafeAndUnpaddedMatchPython) {
  STOQ_NEED_TOOL("python3");
  auto& decoder = plugin();
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>((i * 7919) & 0xFF));
  std::string url = run_with_input(dir_,
                                   "python3 -c \"import sys,base64; "
                                   "sys.stdout.write(base64.urlsafe_b64encode(sys.stdin.buffer.read()).decode())\"",
                                   data);
  ASSERT_TRUE(url.find('-') != std::string::npos || url.find('_') != std::string::npos);
  EXPECT_EQ(decode(decoder, url), data);
  EXPECT_EQ(decoder.decode(payload_of(url), Json::object())[0].meta["alphabet"], "urlsafe");
  // Missing padding: every length of the last group.
  for (std::string_view plain : {"a", "ab", "abc", "abcd"}) {
    std::string padded = run_with_input(dir_, "base64 -w 0", plain);
    std::string unpadded = padded.substr(0, padded.find('='));
    EXPECT_EQ(decode(decoder, unpadded), plain);
    EXPECT_EQ(decode(decoder, " " + padded + "\r\n"), plain);
  }
}

TEST_F(B64DecoderTest, CorpusFilesMatchCoreutilsWithTheOriginalConfig) {
  STOQ_NEED_TOOL("base64");
  STOQ_NEED_PATH(original_config("decoder", "b64"));
  auto& decoder = harness_.activate<stoq::Decoder>(plugin_dir_with_original(dir_, "decoder", "b64"), "b64");
  for (const char* name : {"test.b64", "test_pe.b64"}) {
    std::string path = std::string(STOQ_SHARED_DIR "/corpus/strelka-fixtures/") + name;
    STOQ_NEED_PATH(path);
    std::string text = read_all(path);
    EXPECT_EQ(sha256_of(decode(decoder, text)), sha256_of(run("base64 -d '" + path + "'"))) << name;
  }
}

TEST_F(B64DecoderTest, RefusesWhatIsNotBase64) {
  auto& decoder = plugin();
  for (std::string_view bad : {"not base64!", "@@@@", "QUJD\x01", "A", "QUJDR", "QQ==QUJD", "  \n", "===="}) {
    try {
      decoder.decode(payload_of(bad), Json::object());
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const stoq::Error& error) {
      EXPECT_NE(std::string(error.what()).find("not base64"), std::string::npos) << error.what();
    }
  }
  EXPECT_THROW(decoder.decode(payload_of(""), Json::object()), stoq::Error);
}

}  // namespace
