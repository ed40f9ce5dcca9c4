#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>

#include "carve_test_support.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using namespace stoq::carve::testing;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

std::string hex_of(std::string_view bytes, std::size_t line = 0) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (line != 0 && i != 0 && i % line == 0) out += "\r\n";
    out.push_back(kDigits[static_cast<unsigned char>(bytes[i]) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(bytes[i]) & 0xF]);
  }
  return out;
}

std::string length_prefixed(const std::string& text) {
  return u32_le(static_cast<std::uint32_t>(text.size() + 1)) + text + '\0';
}

// An OLE1 embedded "Package" object holding `file` ([MS-OLEDS] ObjectHeader + the
// Packager native data), written here independently of the parsers.
std::string ole1_package(const std::string& name, const std::string& file) {
  std::string src = R"(C:\Users\victim\Desktop\)" + name;
  std::string tmp = R"(C:\Users\victim\AppData\Local\Temp\)" + name;
  std::string native = std::string("\x02\x00", 2) + name + '\0' + src + '\0' + std::string("\x00\x00\x03\x00", 4) +
                       u32_le(static_cast<std::uint32_t>(tmp.size() + 1)) + tmp + '\0' +
                       u32_le(static_cast<std::uint32_t>(file.size())) + file;
  return std::string("\x01\x05\x00\x00\x02\x00\x00\x00", 8) + length_prefixed("Package") + length_prefixed("") +
         length_prefixed("") + u32_le(static_cast<std::uint32_t>(native.size())) + native;
}

std::string rtf_with_object(const std::string& object) {
  return "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\pard Hello 0123 abcd\\par{\\object\\objemb{\\*\\objclass Package}"
         "\\objw100\\objh100{\\*\\objdata\r\n" +
         hex_of(object, 64) + "\r\n}}}";
}

class RtfCarverTest : public ::testing::Test {
 protected:
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
};

void check_package(stoq::Carver& carver, const std::string& exe) {
  std::string object = ole1_package("invoice.exe", exe);
  auto children = carver.carve(payload_of(rtf_with_object(object)), Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(children[0].payload.hashes().sha256, sha256_of(object));
  EXPECT_EQ(children[0].meta["size"], object.size());
  EXPECT_EQ(children[1].payload.hashes().sha256, sha256_of(exe));
  EXPECT_EQ(children[1].meta["filename"], "invoice.exe");
  EXPECT_EQ(children[1].meta["ole_class"], "Package");
  EXPECT_EQ(children[1].meta["src_path"], "C:\\Users\\victim\\Desktop\\invoice.exe");
  EXPECT_EQ(children[1].meta["tmp_path"], "C:\\Users\\victim\\AppData\\Local\\Temp\\invoice.exe");
}

TEST_F(RtfCarverTest, PackageObjectGivesTheEmbeddedFile) {
  check_package(harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "rtf"), build_pe32(6));
}

TEST_F(RtfCarverTest, PackageObjectWithTheOriginalConfig) {
  STOQ_NEED_PATH(original_config("carver", "rtf"));
  check_package(harness_.activate<stoq::Carver>(plugin_dir_with_original(dir_, "carver", "rtf"), "rtf"), build_pe32(7));
}

TEST_F(RtfCarverTest, OtherOle1ClassesGiveTheirNativeData) {
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "rtf");
  std::string native = std::string("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) + std::string(200, 'n');
  std::string object = std::string("\x01\x05\x00\x00\x02\x00\x00\x00", 8) + length_prefixed("Word.Document.8") +
                       length_prefixed("") + length_prefixed("") + u32_le(static_cast<std::uint32_t>(native.size())) +
                       native;
  auto children = carver.carve(payload_of(rtf_with_object(object)), Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(text_of(children[1].payload), native);
  EXPECT_EQ(children[1].meta["ole_class"], "Word.Document.8");
}

TEST_F(RtfCarverTest, ObjdataPatternAndMinimumSize) {
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "rtf",
                                                 {{"headers", R"((?<=\\objdata\s)(.*?)(?=}))"}, {"minimum_size", "8"}});
  std::string rtf = "{\\rtf1 deadbeefdeadbeefdeadbeef {\\*\\OBJDATA 41424344 45464748\n494a}{\\objdata 4142}}";
  auto children = carver.carve(payload_of(rtf), Json::object());
  ASSERT_EQ(children.size(), 1U);  // the loose hex run is not objdata; "4142" is too short
  EXPECT_EQ(text_of(children[0].payload), "ABCDEFGHIJ");
  EXPECT_THROW(harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "rtf", {{"headers", "[0-9a-f]+"}}), stoq::Error);
  EXPECT_THROW(carver.carve(payload_of("not rtf 41424344"), Json::object()), stoq::Error);
}

// The linear scanner finds exactly what Python's re.finditer finds with the original
// regex, on random text made of hex digits, whitespace and other characters.
TEST_F(RtfCarverTest, SameMatchesAsPythonRegex) {
  STOQ_NEED_TOOL("python3");
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "rtf", {{"minimum_size", "0"}});
  std::mt19937 random(1234);
  const std::string alphabets[] = {"0123456789abcdefABCDEF \n", "0a \t\r\n{}x", "ab \n", "0123456789abcdef g"};
  std::vector<std::string> inputs;
  for (int i = 0; i < 400; ++i) {
    const std::string& alphabet = alphabets[i % 4];
    std::string text = "{\\";
    std::size_t length = 20 + random() % 300;
    for (std::size_t k = 0; k < length; ++k) text.push_back(alphabet[random() % alphabet.size()]);
    inputs.push_back(text);
    dir_.write("inputs/" + std::to_string(1000 + i), text);
  }
  std::string script = dir_.write("spans.py", R"PY(
import os, re, sys
rx = re.compile(rb'(?:(?:[0-9A-Fa-f]{2})+\s*)*(?:[0-9A-Fa-f]{2}){4,}', re.I | re.M | re.S)
folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    data = open(os.path.join(folder, name), 'rb').read()
    print(' '.join('%d:%d' % (m.start(), m.end() - m.start()) for m in rx.finditer(data)))
)PY");
  std::istringstream expected(run("python3 '" + script + "' '" + dir_.path("inputs") + "'"));
  std::string line;
  std::size_t compared = 0;
  for (const std::string& text : inputs) {
    ASSERT_TRUE(std::getline(expected, line));
    std::string spans;
    try {
      for (const auto& child : carver.carve(payload_of(text), Json::object())) {
        if (!child.meta.contains("text_size")) continue;
        if (!spans.empty()) spans += ' ';
        spans += std::to_string(child.meta["offset"].get<std::size_t>()) + ":" +
                 std::to_string(child.meta["text_size"].get<std::size_t>());
      }
    } catch (const stoq::Error&) {
    }
    EXPECT_EQ(spans, line) << text;
    ++compared;
  }
  EXPECT_EQ(compared, inputs.size());
}

TEST_F(RtfCarverTest, HostileInputsStayLinear) {
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "rtf");
  auto repeat = [](std::string_view unit, std::size_t size) {
    std::string out = "{\\";
    while (out.size() < size) out.append(unit);
    return out;
  };
  // Chains of short runs with no run of 4 pairs: a backtracking regex goes quadratic.
  EXPECT_TRUE(carver.carve(payload_of(repeat("ab ", 8U << 20)), Json::object()).empty());
  EXPECT_TRUE(carver.carve(payload_of(repeat("abc ", 8U << 20)), Json::object()).empty());
  EXPECT_EQ(carver.carve(payload_of(repeat("a", 8U << 20) + "x"), Json::object()).size(), 1U);
  auto children = carver.carve(payload_of(repeat("abcdef12 ", 8U << 20)), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_GT(children[0].payload.size(), 3U << 20);
}

}  // namespace
