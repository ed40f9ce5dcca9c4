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

class UuDecoderTest : public ::testing::Test {
 protected:
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
  stoq::Decoder& decoder_ = harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "uu");
};

TEST_F(UuDecoderTest, SeveralBlocksMatchUudecode) {
  STOQ_NEED_TOOL("uuencode");
  STOQ_NEED_TOOL("uudecode");
  std::string first = build_pe32(2);
  std::string second = "short text\n";
  std::string third(5000, '\x90');
  std::string text = "Some mail text before the attachment\n\n" + run_with_input(dir_, "uuencode first.exe", first) +
                     "\nbetween\n" + run_with_input(dir_, "uuencode 'second name.txt'", second) +
                     run_with_input(dir_, "uuencode -m third.bin", third) + "trailer\n";
  auto children = decoder_.decode(payload_of(text), Json::object());
  ASSERT_EQ(children.size(), 3U);
  const std::string expected[] = {first, second, third};
  const char* names[] = {"first.exe", "second name.txt", "third.bin"};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(text_of(children[i].payload), expected[i]) << i;
    EXPECT_EQ(children[i].meta["filename"], names[i]);
    EXPECT_FALSE(children[i].meta.contains("incomplete")) << children[i].meta.dump();
  }
  EXPECT_EQ(children[2].meta["encoding"], "uuencode-base64");
  // The oracle: uudecode of each block alone gives the same bytes.
  for (std::size_t i = 0; i < 3; ++i) {
    std::string block = run_with_input(dir_, std::string(i == 2 ? "uuencode -m" : "uuencode") + " x", expected[i]);
    EXPECT_EQ(run_with_input(dir_, "uudecode -o /dev/stdout", block), text_of(children[i].payload));
  }
}

TEST_F(UuDecoderTest, StrippedTrailingSpacesAndTruncation) {
  // "Cat" is "#0V%T" ; a mailer may strip trailing spaces of a line.
  auto children = decoder_.decode(payload_of("begin 600 cat.txt\r\n#0V%T\r\n`\r\nend\r\n"), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(text_of(children[0].payload), "Cat");
  EXPECT_EQ(children[0].meta["mode"], "600");
  children = decoder_.decode(payload_of("begin 644 cut.txt\n#0V%T\n"), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(text_of(children[0].payload), "Cat");
  EXPECT_EQ(children[0].meta["incomplete"], true);
}

TEST_F(UuDecoderTest, RefusesWhatIsNotUuencoded) {
  EXPECT_THROW(decoder_.decode(payload_of("no block here\n"), Json::object()), stoq::Error);
  EXPECT_THROW(decoder_.decode(payload_of("begin 644 bad\n#abc{\n`\nend\n"), Json::object()), stoq::Error);
  EXPECT_THROW(decoder_.decode(payload_of("begin-base64 644 bad\n!!!!\n====\n"), Json::object()), stoq::Error);
  // A corrupt block is skipped while a good one is kept.
  auto children =
      decoder_.decode(payload_of("begin 644 bad\n#abc{\n`\nend\nbegin 644 good\n#0V%T\n`\nend\n"), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].meta["filename"], "good");
  EXPECT_TRUE(children[0].meta.contains("skipped"));
}

TEST_F(UuDecoderTest, ChildrenLimit) {
  harness_.mutable_limits().max_children = 2;
  std::string text;
  for (int i = 0; i < 5; ++i) text += "begin 644 f" + std::to_string(i) + "\n#0V%T\n`\nend\n";
  auto children = decoder_.decode(payload_of(text), Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(children[1].meta["limit"], "max_children");
}

}  // namespace
