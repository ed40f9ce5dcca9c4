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

std::string sample(std::size_t size) {
  std::string data;
  for (std::size_t i = 0; i < size; ++i) data.push_back(static_cast<char>((i * 131 + 7) & 0xFF));
  return data + std::string(8, '\0');  // a zero group: 'z' in Ascii85
}

class B85DecoderTest : public ::testing::Test {
 protected:
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
};

TEST_F(B85DecoderTest, MatchesPythonB85AndA85WithTheOriginalConfig) {
  STOQ_NEED_TOOL("python3");
  STOQ_NEED_PATH(original_config("decoder", "b85"));
  auto& decoder = harness_.activate<stoq::Decoder>(plugin_dir_with_original(dir_, "decoder", "b85"), "b85");
  for (std::size_t size : {0U, 1U, 2U, 3U, 4U, 5U, 1001U}) {
    std::string data = sample(size);
    // Unframed Ascii85 may use only characters base85 shares: it is named by kwargs.
    for (const char* encoder : {"b85encode(d)", "a85encode(d, adobe=True)", "a85encode(d, wrapcol=60)"}) {
      Json kwargs =
          std::string(encoder).find("wrapcol") != std::string::npos ? Json{{"variant", "a85"}} : Json::object();
      std::string text = run_with_input(
          dir_,
          std::string("python3 -c \"import sys,base64; d=sys.stdin.buffer.read(); sys.stdout.buffer.write(base64.") +
              encoder + ")\"",
          data);
      // The oracle decodes it back the way the original (b85decode) / a85decode would.
      auto children = decoder.decode(payload_of(text), kwargs);
      ASSERT_EQ(children.size(), 1U);
      EXPECT_EQ(text_of(children[0].payload), data) << encoder << " " << size;
      EXPECT_EQ(children[0].meta["variant"], std::string(encoder).starts_with("b85") ? "b85" : "a85") << text;
    }
  }
}

TEST_F(B85DecoderTest, PartialGroupsAsPython) {
  STOQ_NEED_TOOL("python3");
  auto& decoder = harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "b85", {{"variant", "b85"}});
  for (std::string_view text : {"VPa", "VPaz", "VPazX", "VPazXd", "0"}) {
    int status = 0;
    std::string expected = run_with_input(
        dir_, "python3 -c \"import sys,base64; sys.stdout.buffer.write(base64.b85decode(sys.stdin.buffer.read()))\"",
        text, &status);
    ASSERT_EQ(status, 0) << text;
    EXPECT_EQ(text_of(decoder.decode(payload_of(text), Json::object()).at(0).payload), expected) << text;
  }
}

TEST_F(B85DecoderTest, RefusesWhatIsNotBase85) {
  auto& decoder = harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "b85");
  // "~~~~~" overflows 32 bits; '"' forces Ascii85 where '{' is invalid; 'z' inside a group.
  for (std::string_view bad : {"~~~~~", "ab\"{", "<~abz~>", "\x01\x02", "   "}) {
    EXPECT_THROW(decoder.decode(payload_of(bad), Json::object()), stoq::Error) << bad;
  }
  EXPECT_THROW(decoder.decode(payload_of("abc"), Json{{"variant", "b64"}}), stoq::Error);
  EXPECT_THROW(decoder.decode(payload_of("{}"), Json{{"variant", "a85"}}), stoq::Error);
}

}  // namespace
