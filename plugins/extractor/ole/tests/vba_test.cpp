// MS-OVBA decompression against the examples of [MS-OVBA] section 3.2, and VBA source
// recovered from a real workbook (Strelka's test.xls).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cfb_writer.hpp"
#include "ovba.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;

stoq::Bytes hex(const std::string& text) {
  stoq::Bytes out;
  for (std::size_t i = 0; i + 1 < text.size();) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<std::uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
    i += 2;
  }
  return out;
}

std::string decompressed(const std::string& hex_container, std::size_t cap = 1 << 20) {
  stoq::ovba::Decompressed out = stoq::ovba::decompress(hex(hex_container), cap);
  EXPECT_EQ(out.error, "");
  return {out.data.begin(), out.data.end()};
}

// [MS-OVBA] 3.2.1 "No Compression Example".
TEST(Ovba, SpecExampleNoCompression) {
  EXPECT_EQ(decompressed("01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"),
            "abcdefghijklmnopqrstuv.");
}

// [MS-OVBA] 3.2.2 "Normal Compression Example".
TEST(Ovba, SpecExampleNormalCompression) {
  const std::string text = "#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa";
  EXPECT_EQ(decompressed("01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D "
                         "6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"),
            text);
  // Another valid encoding of the same text (longer copy tokens where the spec's uses literals).
  EXPECT_EQ(decompressed("01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D "
                         "6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C"),
            text);
}

// One literal, then a copy token at distance 1 with the largest length of a 4-bit
// offset (0x045 + 3 = 72): the overlapping copy repeats the literal byte by byte.
TEST(Ovba, OverlappingCopyRepeatsBytes) { EXPECT_EQ(decompressed("01 03 B0 02 61 45 00"), std::string(73, 'a')); }

TEST(Ovba, RawChunkIsCopiedAsIs) {
  std::string container = "01 FF 3F";  // flag 0: 4096 raw bytes follow
  std::string expected;
  for (int i = 0; i < 4096; ++i) {
    container += " 41";
    expected += 'A';
  }
  EXPECT_EQ(decompressed(container), expected);
}

TEST(Ovba, OutputCapAndMalformedInput) {
  stoq::ovba::Decompressed capped = stoq::ovba::decompress(hex("01 03 B0 02 61 45 00"), 5);
  EXPECT_EQ(std::string(capped.data.begin(), capped.data.end()), "aaaaa");
  EXPECT_TRUE(capped.truncated);
  EXPECT_NE(stoq::ovba::decompress(hex("02 03 B0"), 100).error, "");  // bad signature
  // A copy token at the very start of a chunk points before it.
  stoq::ovba::Decompressed bad = stoq::ovba::decompress(hex("01 03 B0 01 00 00"), 100);
  EXPECT_NE(bad.error, "");
  EXPECT_TRUE(bad.data.empty());
}

TEST(Ovba, DirRecordsGiveModules) {
  // PROJECTVERSION (size says 4, 6 bytes follow), a module with both names, terminators.
  stoq::Bytes dir =
      hex("09 00 04 00 00 00 01 00 00 00 02 00 "  // PROJECTVERSION
          "03 00 02 00 00 00 E4 04 "              // PROJECTCODEPAGE 1252
          "19 00 03 00 00 00 4D 6F 64 "           // MODULENAME "Mod"
          "47 00 06 00 00 00 4D 00 6F 00 64 00 "  // MODULENAMEUNICODE
          "1A 00 03 00 00 00 4D 6F 64 "           // MODULESTREAMNAME
          "32 00 06 00 00 00 4D 00 6F 00 64 00 "  // its Unicode form
          "31 00 04 00 00 00 10 02 00 00 "        // MODULEOFFSET 0x210
          "21 00 00 00 00 00 2B 00 00 00 00 00 "  // MODULETYPE, terminator
          "10 00 00 00 00 00");                   // dir terminator
  stoq::ovba::Project project = stoq::ovba::parse_dir(dir);
  EXPECT_EQ(project.error, "");
  EXPECT_EQ(project.code_page, 1252);
  ASSERT_EQ(project.modules.size(), 1U);
  EXPECT_EQ(project.modules[0].name, "Mod");
  EXPECT_EQ(project.modules[0].stream_name, "Mod");
  EXPECT_EQ(project.modules[0].text_offset, 0x210U);
  EXPECT_TRUE(project.modules[0].procedural);
}

// A version 4 file with a VBA storage made here: `dir` as one raw chunk (records, then
// padding past the terminator), the module's source compressed as in 3.2.2 at offset 4096.
TEST(OleVba, SelfBuiltProjectYieldsTheModuleSource) {
  stoq::Bytes records =
      hex("19 00 05 00 00 00 4D 61 63 72 6F "  // MODULENAME "Macro"
          "1A 00 05 00 00 00 4D 61 63 72 6F "  // MODULESTREAMNAME "Macro"
          "31 00 04 00 00 00 00 10 00 00 "     // MODULEOFFSET 4096
          "2B 00 00 00 00 00 10 00 00 00 00 00");
  std::string dir_stream = "\x01\xFF\x3F";
  dir_stream.append(records.begin(), records.end());
  dir_stream.resize(3 + 4096, '\0');
  stoq::Bytes code =
      hex("01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D "
          "6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C");
  std::string module_stream(4096, 'P');
  module_stream.append(code.begin(), code.end());
  cfb_test::Layout layout =
      cfb_test::write_cfb(4, {{"WordDocument", std::string(5000, 'W')}}, "VBA",
                          {{"dir", dir_stream}, {"_VBA_PROJECT", std::string(4096, 'V')}, {"Macro", module_stream}});
  ASSERT_FALSE(layout.file.empty());
  stoq::testing::TempDir dir;
  stoq::testing::PluginHarness harness(dir.path());
  auto& ole = harness.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "ole");
  stoq::ExtractedList children =
      ole.extract(stoq::Payload(stoq::Bytes(layout.file.begin(), layout.file.end())), Json::object());
  ASSERT_EQ(children.size(), 5U);
  const stoq::Extracted& source = children.back();
  EXPECT_EQ(source.meta["vba_module"], "Macro");
  EXPECT_EQ(source.meta["filename"], "Macro.vba");
  EXPECT_EQ(source.meta["vba_stream"], "VBA/Macro");
  EXPECT_EQ(source.payload.bytes().as_string_view(), "#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa");
}

TEST(OleVba, WorkbookModulesAreDecompressed) {
  const std::string path = STOQ_SHARED_DIR "/corpus/strelka-fixtures/test.xls";
  STOQ_NEED_PATH(path);
  stoq::testing::TempDir dir;
  stoq::testing::PluginHarness harness(dir.path());
  auto& ole = harness.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "ole");
  stoq::ExtractedList children = ole.extract(harness.get_file(path), Json::object());
  std::vector<std::string> modules;
  for (const auto& child : children) {
    if (!child.meta.contains("vba_module")) continue;
    std::string name = child.meta["vba_module"].get<std::string>();
    modules.push_back(name);
    EXPECT_EQ(child.meta["filename"], name + ".vba");
    EXPECT_FALSE(child.meta.contains("error")) << child.meta.dump();
    // Every module's source starts with its own name attribute, as the VBA editor saves it.
    std::string source(child.payload.bytes().as_string_view());
    EXPECT_EQ(source.rfind("Attribute VB_Name = \"" + name + "\"", 0), 0U) << source.substr(0, 80);
  }
  std::sort(modules.begin(), modules.end());
  EXPECT_EQ(modules, (std::vector<std::string>{"Module1", "Sheet1", "ThisWorkbook"}));
}

TEST(OleVba, ExtractVbaOffEmitsStreamsOnly) {
  const std::string path = STOQ_SHARED_DIR "/corpus/strelka-fixtures/test.xls";
  STOQ_NEED_PATH(path);
  stoq::testing::TempDir dir;
  stoq::testing::PluginHarness harness(dir.path());
  auto& ole = harness.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "ole", {{"extract_vba", "False"}});
  stoq::ExtractedList children = ole.extract(harness.get_file(path), Json::object());
  EXPECT_EQ(children.size(), 15U);
  for (const auto& child : children) EXPECT_FALSE(child.meta.contains("vba_module"));
}

}  // namespace
