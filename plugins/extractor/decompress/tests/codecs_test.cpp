// The plugin's own decoders: deflate64 (7zz writes it) and implode (no Debian tool
// writes it: the test's encoder does, and 7-Zip, which reads implode, is the oracle),
// the zip central-directory reader, and hostile inputs.
#include "deflate64.hpp"
#include "implode.hpp"
#include "support.hpp"
#include "zip_directory.hpp"
#include "zip_writer.hpp"

namespace decompress_test {
namespace {

using namespace stoq::plugins::extractor::decompress;

std::string mixed_content(std::size_t size) {
  std::string text;
  std::uint32_t state = 7;
  while (text.size() < size) {
    state = state * 1103515245U + 12345U;
    if ((state >> 28) < 6)
      text += "repeated phrase number " + std::to_string(state % 50) + ". ";
    else
      text.push_back(static_cast<char>(state >> 20));
  }
  text.resize(size);
  return text;
}

std::pair<CodecStatus, std::string> run_inflate64(stoq::ByteView input) {
  std::string out;
  CodecStatus status = inflate64(input, [&](stoq::ByteView bytes) {
    out.append(bytes.as_string_view());
    return true;
  });
  return {status, out};
}

TEST(Deflate64, DecodesWhat7zipWrites) {
  STOQ_NEED_TOOL("7zz");
  stoq::testing::TempDir dir;
  std::string content = mixed_content(400000) + std::string(70000, 'z') + mixed_content(90000);
  write_bytes(dir.path("in.bin"), content);
  must_run("cd " + quote(dir.path()) + " && 7zz a -bd -tzip -mm=Deflate64 x.zip in.bin >/dev/null");
  std::string zip = read_text(dir.path("x.zip"));
  stoq::ByteView view(zip);
  auto directory = read_zip_directory(view, 10);
  ASSERT_TRUE(directory);
  ASSERT_EQ(directory->entries.size(), 1U);
  EXPECT_EQ(directory->entries[0].method, kZipMethodDeflate64);
  auto data = zip_entry_data(view, directory->entries[0]);
  ASSERT_TRUE(data);
  auto [status, out] = run_inflate64(*data);
  EXPECT_EQ(status, CodecStatus::Done);
  EXPECT_EQ(sha256_of(out), sha256_of(content));

  // Cut short: a prefix of the content and Truncated.
  auto [cut_status, cut] = run_inflate64(data->head(data->size() / 2));
  EXPECT_EQ(cut_status, CodecStatus::Truncated);
  EXPECT_EQ(cut, content.substr(0, cut.size()));

  // A sink that stops: Stopped, promptly.
  std::size_t calls = 0;
  EXPECT_EQ(inflate64(*data, [&](stoq::ByteView) { return ++calls < 2; }), CodecStatus::Stopped);
  EXPECT_EQ(calls, 2U);

  // Through the plugin, with a self-extractor stub before the zip (offsets shift).
  Outcome outcome = extract(stoq::testing::payload_of(std::string(777, 'S') + zip));
  ASSERT_EQ(outcome.children.size(), 1U) << outcome.error;
  EXPECT_EQ(outcome.children[0].sha256, sha256_of(content));
  EXPECT_EQ(outcome.children[0].meta["compression"], "deflate64");
}

TEST(Deflate64, HostileInputsEndCleanly) {
  for (const std::string& input :
       {std::string(), std::string("\x07"), std::string("\x00\x05\x00\xfa\xff", 5), std::string(1000, '\xff'),
        std::string(1000, '\x00'), std::string("\x04\xff\xff\xff")}) {
    auto [status, out] = run_inflate64(stoq::ByteView(input));
    EXPECT_NE(status, CodecStatus::Done) << input.size();
  }
  // A stored block, final: "abc".
  std::string stored(
      "\x01\x03\x00\xfc\xff"
      "abc",
      8);
  auto [status, out] = run_inflate64(stoq::ByteView(stored));
  EXPECT_EQ(status, CodecStatus::Done);
  EXPECT_EQ(out, "abc");
}

struct ImplodeCase {
  bool literal_tree;
  bool large_window;
};

class Implode : public ::testing::TestWithParam<ImplodeCase> {};

TEST_P(Implode, SevenZipAndThePluginAgreeOnTheEncodersOutput) {
  const ImplodeCase& variant = GetParam();
  std::string content = mixed_content(30000) + std::string(600, 'a') + mixed_content(5000);
  ZipMember member{"imploded.bin",
                   kZipMethodImplode,
                   static_cast<std::uint16_t>((variant.large_window ? 2 : 0) | (variant.literal_tree ? 4 : 0)),
                   implode(content, variant.literal_tree, variant.large_window),
                   crc32_of(content),
                   static_cast<std::uint32_t>(content.size())};
  std::string zip = make_zip({member});

  // The decoder on its own.
  std::string out;
  ImplodeOptions options{variant.large_window, variant.literal_tree};
  EXPECT_EQ(explode(stoq::ByteView(member.data), content.size(), options,
                    [&](stoq::ByteView bytes) {
                      out.append(bytes.as_string_view());
                      return true;
                    }),
            CodecStatus::Done);
  EXPECT_EQ(out, content);

  // The oracle: 7-Zip reads implode (it checks the CRC too).
  if (!stoq::testing::find_tool("7zz").empty()) {
    stoq::testing::TempDir dir;
    write_bytes(dir.path("x.zip"), zip);
    int status = 0;
    std::string extracted = run("7zz x -so " + quote(dir.path("x.zip")) + " 2>/dev/null", &status);
    EXPECT_EQ(status, 0);
    EXPECT_EQ(sha256_of(extracted), sha256_of(content));
  }

  Outcome outcome = extract(stoq::testing::payload_of(zip));
  ASSERT_EQ(outcome.children.size(), 1U) << outcome.error;
  EXPECT_EQ(outcome.children[0].sha256, sha256_of(content));
  EXPECT_EQ(outcome.children[0].meta["compression"], "implode");
  EXPECT_FALSE(outcome.children[0].meta.contains("error"));
}

INSTANTIATE_TEST_SUITE_P(Variants, Implode,
                         ::testing::Values(ImplodeCase{false, false}, ImplodeCase{true, false},
                                           ImplodeCase{false, true}, ImplodeCase{true, true}));

TEST(ImplodeDecoder, HostileInputsEndCleanly) {
  auto sink = [](stoq::ByteView) { return true; };
  // Trees that do not add up, cut-off trees, a stream that ends early.
  EXPECT_EQ(explode(stoq::ByteView(std::string("\x00\x10", 2)), 10, {}, sink), CodecStatus::Malformed);
  EXPECT_EQ(explode(stoq::ByteView(std::string("\x03\xF5", 2)), 10, {}, sink), CodecStatus::Truncated);
  std::string trees = std::string("\x03") + std::string(4, '\xF5') + std::string("\x03") + std::string(4, '\xF5');
  EXPECT_EQ(explode(stoq::ByteView(trees), 10, {}, sink), CodecStatus::Truncated);
  EXPECT_EQ(explode(stoq::ByteView(trees + std::string(100, '\0')), 1000000, {}, sink), CodecStatus::Truncated);
  // A huge declared size from a tiny stream stops at the sink.
  std::string zeros = trees + std::string(100000, '\x00');
  std::size_t produced = 0;
  EXPECT_EQ(explode(stoq::ByteView(zeros), ~0ULL, {},
                    [&](stoq::ByteView bytes) {
                      produced += bytes.size();
                      return produced < (1U << 20);
                    }),
            CodecStatus::Stopped);
}

TEST(ZipDirectoryReader, ToleratesDamage) {
  std::string content = "hello";
  std::string zip = make_zip({ZipMember{"a.txt", 0, 0, content, crc32_of(content), 5}});
  auto directory = read_zip_directory(stoq::ByteView(zip), 10);
  ASSERT_TRUE(directory);
  ASSERT_EQ(directory->entries.size(), 1U);
  EXPECT_EQ(directory->entries[0].name, "a.txt");
  EXPECT_EQ(zip_entry_data(stoq::ByteView(zip), directory->entries[0])->as_string_view(), "hello");
  // Every truncation of it: no crash, never an entry pointing outside.
  for (std::size_t cut = 0; cut < zip.size(); ++cut) {
    std::string part = zip.substr(0, cut);
    auto damaged = read_zip_directory(stoq::ByteView(part), 10);
    if (!damaged) continue;
    for (const ZipEntry& entry : damaged->entries) {
      auto data = zip_entry_data(stoq::ByteView(part), entry);
      if (!data) continue;
      EXPECT_LE(data->data() + data->size(), reinterpret_cast<const std::uint8_t*>(part.data()) + part.size());
    }
  }
  EXPECT_FALSE(read_zip_directory(stoq::ByteView(std::string("PK\x05\x06", 4)), 10));
}

}  // namespace
}  // namespace decompress_test
