// extractor:tnef against the Debian `tnef` tool: a TNEF stream written here byte by byte
// (signature, key, attributes with checksums, MAPI property lists) gives the attachments
// `tnef --list` names, with the bytes `tnef -C dir` writes.
#include "tnef.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

std::string run(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  int rc = pclose(pipe);
  if (status != nullptr) *status = rc;
  return out;
}

// Little-endian writers for the TNEF byte structure.
std::string u16(std::uint32_t v) { return {static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF)}; }
std::string u32(std::uint32_t v) { return u16(v & 0xFFFF) + u16(v >> 16); }
std::string pad4(std::string s) { return s.append((4 - s.size() % 4) % 4, '\0'); }

// One attribute: level, tag (type << 16 | id), length, data, checksum (sum of bytes).
std::string attribute(int level, std::uint32_t tag, const std::string& data) {
  std::uint32_t sum = 0;
  for (char c : data) sum += static_cast<unsigned char>(c);
  return std::string(1, static_cast<char>(level)) + u32(tag) + u32(static_cast<std::uint32_t>(data.size())) + data +
         u16(sum & 0xFFFF);
}
std::string variable_prop(std::uint16_t type, std::uint16_t id, const std::string& value) {
  return u16(type) + u16(id) + u32(1) + u32(static_cast<std::uint32_t>(value.size())) + pad4(value);
}
std::string string8_prop(std::uint16_t id, const std::string& text) { return variable_prop(0x001E, id, text + '\0'); }
std::string unicode_prop(std::uint16_t id, const std::u16string& text) {
  std::string bytes;
  for (char16_t c : text) bytes += u16(c);
  return variable_prop(0x001F, id, bytes + u16(0));
}
std::string long_prop(std::uint16_t id, std::uint32_t value) { return u16(0x0003) + u16(id) + u32(value); }
std::string props(const std::vector<std::string>& list) {
  std::string out = u32(static_cast<std::uint32_t>(list.size()));
  for (const auto& p : list) out += p;
  return out;
}

constexpr std::uint32_t kRendData = 0x00069002;
constexpr std::uint32_t kTitle = 0x00018010;
constexpr std::uint32_t kData = 0x0006800F;
constexpr std::uint32_t kAttachment = 0x00069005;

std::string binary_bytes() {
  std::string out;
  for (int i = 0; i < 768; ++i) out += static_cast<char>(i & 0xFF);
  return out;
}

// Two attachments: one with attAttachData and an 8-bit long file name, one whose bytes
// and (Unicode) long name are only in the MAPI properties; a named property and a
// fixed-size property in between exercise the property walk.
std::string winmail() {
  std::string out = u32(stoq::tnef::kSignature) + u16(0x1234);
  out += attribute(1, 0x00089006, u32(0x00010000));     // attTnefVersion
  out += attribute(1, 0x00069007, u32(1252) + u32(0));  // attOemCodepage
  out += attribute(1, 0x00078008, std::string("IPM.Microsoft Mail.Note") + '\0');
  out += attribute(2, kRendData, u32(1) + std::string(10, '\xff'));
  out += attribute(2, kTitle, std::string("REPORT~1.TXT") + '\0');
  out += attribute(2, kData, "first attachment body\n");
  std::string named = u16(0x0003) + u16(0x8001) + std::string(16, '\x11') + u32(0) + u32(0x1234) + u32(7);
  out += attribute(2, kAttachment,
                   props({string8_prop(0x3707, "quarterly report.txt"), named, long_prop(0x0E20, 22),
                          string8_prop(0x370E, "text/plain")}));
  out += attribute(2, kRendData, u32(1) + std::string(10, '\xff'));
  out += attribute(2, kTitle, std::string("IMAGE.BIN") + '\0');
  out += attribute(
      2, kAttachment,
      props({unicode_prop(0x3707, u"image \u00e9t\u00e9.bin"), variable_prop(0x0102, 0x3701, binary_bytes())}));
  return out;
}

// name -> sha256 of the files `tnef -C dir -f file` writes.
std::map<std::string, std::string> tnef_tool_files(const TempDir& dir, const std::string& path) {
  std::string out_dir = dir.mkdir("tool-out");
  int status = -1;
  run("tnef -C '" + out_dir + "' -f '" + path + "' 2>/dev/null", &status);
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(out_dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    files[entry.path().filename().string()] = stoq::compute_hashes(stoq::ByteView(bytes.str())).sha256;
  }
  return files;
}

class TnefExtractorTest : public ::testing::Test {
 protected:
  TempDir dir_;
  PluginHarness harness_{dir_.path("work")};
  stoq::Extractor& tnef_ = harness_.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "tnef");
};

TEST_F(TnefExtractorTest, AttachmentsMatchTheTnefTool) {
  STOQ_NEED_TOOL("tnef");
  std::string path = dir_.write("winmail.dat", winmail());
  stoq::ExtractedList children = tnef_.extract(harness_.get_file(path), Json::object());
  std::map<std::string, std::string> mine;
  for (const auto& child : children) mine[child.meta["filename"].get<std::string>()] = child.payload.hashes().sha256;
  EXPECT_EQ(mine, tnef_tool_files(dir_, path));
  std::string listing = run("tnef --list -f '" + path + "'");
  for (const auto& [name, hash] : mine) EXPECT_NE(listing.find(name), std::string::npos) << listing;
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(children[0].meta["filename"], "quarterly report.txt");
  EXPECT_EQ(children[0].meta["title"], "REPORT~1.TXT");
  EXPECT_EQ(children[0].meta["content_type"], "text/plain");
  EXPECT_EQ(children[0].payload.bytes().as_string_view(), "first attachment body\n");
  EXPECT_EQ(children[1].meta["filename"], "image \xC3\xA9t\xC3\xA9.bin");
  EXPECT_EQ(children[1].payload.bytes().as_string_view(), binary_bytes());
}

TEST_F(TnefExtractorTest, BadChecksumIsReportedButTheDataKept) {
  std::string bytes = winmail();
  std::size_t at = bytes.find("first attachment body");
  bytes[at] = 'F';  // the checksum no longer matches
  stoq::tnef::Message message = stoq::tnef::parse(stoq::ByteView(bytes));
  ASSERT_EQ(message.warnings.size(), 1U);
  EXPECT_NE(message.warnings[0].find("checksum"), std::string::npos);
  stoq::ExtractedList children = tnef_.extract(stoq::testing::payload_of(bytes), Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(children[0].payload.bytes().as_string_view(), "First attachment body\n");
  EXPECT_TRUE(children[0].meta.contains("tnef_warnings"));
}

TEST_F(TnefExtractorTest, TruncationKeepsEarlierAttachments) {
  std::string bytes = winmail();
  std::string cut = bytes.substr(0, bytes.size() - 100);  // inside the second attachment's properties
  stoq::tnef::Message message = stoq::tnef::parse(stoq::ByteView(cut));
  EXPECT_FALSE(message.warnings.empty());
  stoq::ExtractedList children = tnef_.extract(stoq::testing::payload_of(cut), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].meta["filename"], "quarterly report.txt");
}

TEST_F(TnefExtractorTest, EmbeddedMessageObjectDropsTheInterfaceId) {
  std::string inner = u32(stoq::tnef::kSignature) + u16(1);
  std::string object = std::string(16, '\x07') + inner;  // IID, then the embedded TNEF stream
  std::string bytes = u32(stoq::tnef::kSignature) + u16(0) + attribute(2, kRendData, u32(1)) +
                      attribute(2, kAttachment, props({variable_prop(0x000D, 0x3701, object)}));
  stoq::ExtractedList children = tnef_.extract(stoq::testing::payload_of(bytes), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].meta["embedded_object"], true);
  EXPECT_EQ(children[0].payload.bytes().as_string_view(), inner);
}

TEST_F(TnefExtractorTest, NotTnefAndLimits) {
  EXPECT_THROW(tnef_.extract(stoq::testing::payload_of("PK\x03\x04"), Json::object()), stoq::Error);
  harness_.mutable_limits().max_children = 1;
  stoq::ExtractedList children = tnef_.extract(stoq::testing::payload_of(winmail()), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].meta["limit_reached"], "max_children");
}

TEST_F(TnefExtractorTest, RandomDamageNeverCrashes) {
  std::string bytes = winmail();
  unsigned seed = 99;
  for (int round = 0; round < 5000; ++round) {
    std::string mutated = bytes;
    for (int i = 0; i < 6; ++i) {
      seed = seed * 1103515245U + 12345U;
      mutated[4 + (seed >> 8) % (mutated.size() - 4)] = static_cast<char>(seed >> 20);
    }
    stoq::tnef::Message message = stoq::tnef::parse(stoq::ByteView(mutated));
    for (const auto& attachment : message.attachments) ASSERT_LE(attachment.data.size(), mutated.size());
  }
}

}  // namespace
