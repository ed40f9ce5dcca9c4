#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "carve_test_support.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::carve::testing::build_pe32;
using stoq::carve::testing::plugin_dir_with_original;
using stoq::carve::testing::read_all;
using stoq::carve::testing::run_with_input;
using stoq::carve::testing::sha256_of;
using stoq::carve::testing::text_of;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

std::string xor_with(std::string data, std::string_view key) {
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(data[i] ^ key[i % key.size()]);
  return data;
}

// The bytes of the dispatcher's xor_This_program_key_7 rule: "This program" ^ 7, taken
// from the original dispatcher.yar when present (else the same bytes written here).
std::string rule_bytes_key_7() {
  std::string fallback("Sont'wuh`ufj");  // 53 6f 6e 74 27 77 75 68 60 75 66 6a
  std::string yar = read_all(STOQ_SHARED_DIR "/corpus/yara/stoq/dispatcher.yar");
  auto rule = yar.find("rule xor_This_program_key_7\n");
  if (rule == std::string::npos) return fallback;
  auto open = yar.find('{', yar.find("$xord_7", rule));
  auto close = yar.find('}', open);
  std::string hex = yar.substr(open + 1, close - open - 1);
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size();) {
    if (hex[i] == ' ') {
      ++i;
      continue;
    }
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    i += 2;
  }
  EXPECT_EQ(bytes, fallback);
  return bytes;
}

class XorDecoderTest : public ::testing::Test {
 protected:
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
};

void check_pe_roundtrip(stoq::Decoder& xor_decoder, const std::string& pe) {
  ASSERT_NE(pe.find("This program"), std::string::npos);
  std::string encoded = xor_with(pe, "\x07");
  // The original dispatcher rule would fire on the encoded file.
  EXPECT_NE(encoded.find(rule_bytes_key_7()), std::string::npos);
  auto children = xor_decoder.decode(payload_of(encoded), Json{{"key", "7"}});
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].payload.hashes().sha256, sha256_of(pe));
  EXPECT_EQ(children[0].meta["size"], pe.size());
  EXPECT_EQ(children[0].meta["key"], "07");
}

TEST_F(XorDecoderTest, DecodesAPeXoredWithTheDispatcherKey) {
  auto& xor_decoder = harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "xor");
  check_pe_roundtrip(xor_decoder, build_pe32());
}

TEST_F(XorDecoderTest, DecodesTheCorpusExeWithTheOriginalConfig) {
  std::string exe = STOQ_SHARED_DIR "/corpus/strelka-fixtures/test.exe";
  STOQ_NEED_PATH(exe);
  STOQ_NEED_PATH(stoq::carve::testing::original_config("decoder", "xor"));
  auto& xor_decoder = harness_.activate<stoq::Decoder>(plugin_dir_with_original(dir_, "decoder", "xor"), "xor");
  check_pe_roundtrip(xor_decoder, read_all(exe));
}

TEST_F(XorDecoderTest, MultiByteKeysMatchPython) {
  STOQ_NEED_TOOL("python3");
  auto& xor_decoder = harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "xor");
  std::string data = build_pe32(3).substr(0, 1000);
  // One python3 run computes every case (each output as long as the input).
  std::string expected = run_with_input(dir_,
                                        "python3 -c \"import sys; d=sys.stdin.buffer.read(); "
                                        "[sys.stdout.buffer.write(bytes(b ^ k[i % len(k)] for i, b in enumerate(d))) "
                                        "for k in ([41,166,3], [0x41,0x42], [65,66,3], [255])]\"",
                                        data);
  ASSERT_EQ(expected.size(), 4 * data.size());
  const Json keys[] = {"41 166 3", "0x4142", Json::array({65, "0x42", "3"}), 255};
  for (std::size_t i = 0; i < 4; ++i) {
    auto children = xor_decoder.decode(payload_of(data), Json{{"key", keys[i]}});
    ASSERT_EQ(children.size(), 1U);
    EXPECT_EQ(text_of(children[0].payload), expected.substr(i * data.size(), data.size())) << keys[i].dump();
  }
}

TEST_F(XorDecoderTest, OptionKeyIsTheDefaultAndKwargsOverride) {
  auto& xor_decoder = harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "xor", {{"key", "0x20"}});
  auto children = xor_decoder.decode(payload_of("HELLO"), Json::object());
  EXPECT_EQ(text_of(children.at(0).payload), "hello");
  children = xor_decoder.decode(payload_of("HELLO"), Json{{"key", "1"}});
  EXPECT_EQ(text_of(children.at(0).payload), "IDMMN");
}

TEST_F(XorDecoderTest, RefusesBadKeys) {
  auto& xor_decoder = harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "xor");
  EXPECT_THROW(xor_decoder.decode(payload_of("abc"), Json::object()), stoq::Error);
  for (const Json& key : {Json("256"), Json("seven"), Json("0xZZ"), Json(""), Json(-1), Json(1.5)}) {
    EXPECT_THROW(xor_decoder.decode(payload_of("abc"), Json{{"key", key}}), stoq::Error) << key.dump();
  }
  EXPECT_THROW(xor_decoder.decode(payload_of(""), Json{{"key", "1"}}), stoq::Error);
  EXPECT_THROW(harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "xor", {{"key", "300"}}), stoq::Error);
}

TEST_F(XorDecoderTest, ChildSizeLimitTruncates) {
  harness_.mutable_limits().max_child_size = 100;
  auto& xor_decoder = harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "xor");
  auto children = xor_decoder.decode(payload_of(std::string(100000, 'a')), Json{{"key", "1"}});
  ASSERT_EQ(children.size(), 1U);
  EXPECT_LE(children[0].payload.size(), 100U);
  EXPECT_EQ(children[0].meta["truncated"], true);
}

}  // namespace

namespace {

// key = "auto" (the bundled xor_encoded_pe rule): the decoder finds the byte itself.
TEST_F(XorDecoderTest, AutoKeyFindsTheSingleByteKeyFromTheHint) {
  auto& xor_decoder = harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "xor");
  std::string pe = build_pe32();
  for (char key : {'\x01', '\x5a', '\xff'}) {
    auto children = xor_decoder.decode(payload_of(xor_with(pe, std::string(1, key))), Json{{"key", "auto"}});
    ASSERT_EQ(children.size(), 1U);
    EXPECT_EQ(children[0].payload.hashes().sha256, sha256_of(pe));
  }
  std::string text = xor_with("prefix: Hello, world", "!");  // key 0x21
  auto hinted = xor_decoder.decode(payload_of(text), Json{{"key", "auto"}, {"key_hint", "Hello"}});
  ASSERT_EQ(hinted.size(), 1U);
  EXPECT_EQ(text_of(hinted[0].payload), "prefix: Hello, world");
  EXPECT_THROW(xor_decoder.decode(payload_of(pe), Json{{"key", "auto"}}), stoq::Error);  // not encoded
  EXPECT_THROW(xor_decoder.decode(payload_of("random bytes"), Json{{"key", "auto"}}), stoq::Error);
}

}  // namespace
