// reader:text: encoding detection and conversion, checked against Python's codecs
// (python3 run in the test decodes the same bytes with the codec the reader names).
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "decode.hpp"
#include "stoq/testing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using namespace std::string_literals;
using stoq::Json;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::read_file_bytes;
using stoq::testing::run_command;
using stoq::testing::TempDir;

std::string utf16le(std::string_view ascii) {
  std::string out;
  for (char c : ascii) out += std::string{c, '\0'};
  return out;
}

std::string utf16be(std::string_view ascii) {
  std::string out;
  for (char c : ascii) out += std::string{'\0', c};
  return out;
}

struct Case {
  std::string name;
  std::string bytes;
  std::string encoding;  // what the reader must detect
  bool bom = false;
};

std::vector<Case> cases() {
  std::mt19937 random(7);  // NOLINT(cert-msc32-c,cert-msc51-cpp): fixed seed, reproducible inputs
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise.push_back(static_cast<char>(random() & 0xFFU));
  std::string pe_like = "MZ\x90";
  pe_like += std::string(60, '\0') + "This program cannot be run in DOS mode." + std::string(200, '\0');
  pe_like += "\xff\xfe\x81\x00\x00\x00http://pe.example.com/\x00"s;
  return {
      {"empty", "", "ascii"},
      {"ascii", "plain ascii text, http://example.com/\n", "ascii"},
      {"utf8", "h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80 \xE4\xB8\xAD\xE6\x96\x87", "utf-8"},
      {"utf8_bom", "\xEF\xBB\xBFwith a BOM \xC3\xA9", "utf-8", true},
      {"utf8_bom_invalid", "\xEF\xBB\xBF\xE0\x80\x80|\xF0\x90\x80\xED\xA0\x80|\xC3", "utf-8", true},
      {"utf16le_bom", "\xFF\xFE" + utf16le("see http://evil.example/x ") + "\x13\x27", "utf-16-le", true},
      {"utf16be_bom", "\xFE\xFF" + utf16be("see http://evil.example/x ") + "\x27\x13", "utf-16-be", true},
      {"utf32le_bom", std::string("\xFF\xFE\x00\x00", 4) + "a\0\0\0\x00\xF6\x01\x00"s, "utf-32-le", true},
      {"utf32be_bom", std::string("\x00\x00\xFE\xFF", 4) + std::string("\0\0\0b\0\x01\xF6\x00", 8), "utf-32-be", true},
      {"utf16le_nobom", utf16le("Visit http://203.0.113.7/a now\r\n"), "utf-16-le"},
      {"utf16be_nobom", utf16be("Visit http://203.0.113.7/a now\r\n"), "utf-16-be"},
      {"utf16le_surrogates",
       "\xFF\xFE" + utf16le("a") + std::string("\x00\xD8", 2) + utf16le("b") + std::string("\x00\xDC", 2) +
           std::string("\x3D\xD8\x00\xDE", 4) + std::string("\x00\xD8x", 3),
       "utf-16-le", true},
      {"utf16be_odd", "\xFE\xFF" + utf16be("odd") + "x", "utf-16-be", true},
      {"utf32le_invalid", std::string("\xFF\xFE\x00\x00", 4) + std::string("a\0\0\0\0\0\x11\0\0\xD8\0\0xy", 14),
       "utf-32-le", true},
      {"cp1252", "\x93quoted\x94 \x80 5 caf\xE9 \x85", "cp1252"},
      {"latin1", "caf\xE9 \x81 na\xEFve", "latin-1"},
      {"latin1_plain", "caf\xE9", "latin-1"},
      {"pe_like", pe_like, "latin-1"},
      {"noise", noise, "latin-1"},
  };
}

Json read_with(const std::vector<std::pair<std::string, std::string>>& overrides, std::string_view bytes,
               const Json& kwargs = Json::object()) {
  TempDir work;
  PluginHarness harness(work.path());
  auto& reader = harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "text", overrides);
  return reader.read(payload_of(bytes), kwargs);
}

// Writes each case's bytes and the codec to use; python3 decodes every one with
// errors="replace" (the BOM-aware codec when there is a mark) into <name>.expected.
class PythonOracle {
 public:
  void add(const std::string& name, std::string_view bytes, const std::string& codec) {
    std::ofstream(dir_.path(name + ".bin"), std::ios::binary) << bytes;
    list_ += name + " " + codec + "\n";
  }
  void run_python() {
    dir_.write("cases.txt", list_);
    dir_.write("oracle.py",
               "import sys, os\n"
               "d = sys.argv[1]\n"
               "for line in open(os.path.join(d, 'cases.txt')):\n"
               "    name, codec = line.split()\n"
               "    data = open(os.path.join(d, name + '.bin'), 'rb').read()\n"
               "    text = data.decode(codec, 'replace')\n"
               "    open(os.path.join(d, name + '.expected'), 'wb').write(text.encode('utf-8'))\n");
    int status = 0;
    std::string out = run_command("python3 '" + dir_.path("oracle.py") + "' '" + dir_.path() + "' 2>&1", &status);
    ASSERT_EQ(status, 0) << out;
  }
  std::string expected(const std::string& name) const { return read_file_bytes(dir_.path(name + ".expected")); }

 private:
  TempDir dir_;
  std::string list_;
};

std::string python_codec(const Case& item) {
  if (!item.bom) return item.encoding;
  if (item.encoding == "utf-8") return "utf-8-sig";
  return item.encoding.substr(0, 6);  // utf-16 / utf-32: Python reads the mark itself
}

TEST(TextReader, DetectsAndConvertsLikePythonsCodecs) {
  STOQ_NEED_TOOL("python3");
  TempDir work;
  PluginHarness harness(work.path());
  auto& reader = harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "text");
  PythonOracle oracle;
  std::vector<std::pair<Case, Json>> results;
  for (const Case& item : cases()) {
    Json result = reader.read(payload_of(item.bytes), Json::object());
    oracle.add(item.name, item.bytes, python_codec(item));
    results.emplace_back(item, std::move(result));
  }
  oracle.run_python();
  for (const auto& [item, result] : results) {
    EXPECT_EQ(result["encoding"], item.encoding) << item.name;
    EXPECT_EQ(result["bom"], item.bom) << item.name;
    EXPECT_EQ(result["truncated"], false) << item.name;
    std::string expected = oracle.expected(item.name);
    EXPECT_EQ(result["text"].get<std::string>(), expected) << item.name;
    std::size_t fffd = 0;
    for (std::size_t at = expected.find("\xEF\xBF\xBD"); at != std::string::npos;
         at = expected.find("\xEF\xBF\xBD", at + 1)) {
      ++fffd;
    }
    EXPECT_EQ(result["replacements"], fffd) << item.name;
  }
}

TEST(TextReader, ForcedEncodingsAndFallbacksMatchPython) {
  STOQ_NEED_TOOL("python3");
  PythonOracle oracle;
  std::vector<std::pair<std::string, Json>> results;
  std::string sample = "\xFF\xFE\x93q\x94 \x81\x8D caf\xE9 \xC3\xA9\x00"s;
  for (const char* codec : {"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "latin-1", "cp1252"}) {
    std::string name = std::string("forced_") + codec;
    oracle.add(name, sample, codec);
    results.emplace_back(name, read_with({}, sample, Json{{"encoding", codec}}));
  }
  std::string c1 = "\x80\x81 caf\xE9";
  oracle.add("fallback_cp1252", c1, "cp1252");
  results.emplace_back("fallback_cp1252", read_with({{"fallback", "cp1252"}}, c1));
  oracle.add("fallback_latin1", "\x80\x93 caf\xE9", "latin-1");
  results.emplace_back("fallback_latin1", read_with({{"fallback", "latin-1"}}, "\x80\x93 caf\xE9"));
  oracle.run_python();
  for (const auto& [name, result] : results) {
    EXPECT_EQ(result["text"].get<std::string>(), oracle.expected(name)) << name;
  }
  EXPECT_EQ(results.back().second["encoding"], "latin-1");
}

TEST(TextReader, BomLessUtf16NeedsText) {
  using stoq::plugins::reader::text::looks_like_utf16;
  auto view = [](const std::string& s) { return stoq::ByteView(std::string_view(s)); };
  std::string le = utf16le("a short line of text");
  EXPECT_TRUE(looks_like_utf16(view(le), true));
  EXPECT_FALSE(looks_like_utf16(view(le), false));
  EXPECT_FALSE(looks_like_utf16(view(std::string(64, '\0')), true));            // all NUL
  EXPECT_FALSE(looks_like_utf16(view(utf16le("\x01\x02\x03\x04\x05")), true));  // controls
  EXPECT_FALSE(looks_like_utf16(view("ab"), true));                             // one unit
  EXPECT_FALSE(looks_like_utf16(view("plain ascii, no zero bytes"), true));
  // Without detection, the same bytes are UTF-8 (NULs are well-formed).
  Json off = read_with({{"detect_utf16", "False"}}, le);
  EXPECT_EQ(off["encoding"], "ascii");
}

TEST(TextReader, MaxBytesCutsBetweenCharacters) {
  // "é" is C3 A9: a cut after C3 drops it rather than falling back to a single-byte code page.
  Json cut = read_with({{"max_bytes", "4"}}, "ab\xC3\xA9\xC3\xA9");
  EXPECT_EQ(cut["encoding"], "utf-8");
  EXPECT_EQ(cut["text"], "ab\xC3\xA9");
  EXPECT_EQ(cut["truncated"], true);
  Json cut3 = read_with({{"max_bytes", "3"}}, "ab\xC3\xA9");
  EXPECT_EQ(cut3["text"], "ab");
  EXPECT_EQ(cut3["replacements"], 0);
  // UTF-16: an odd cut, and a cut inside a surrogate pair, lose nothing but the partial character.
  Json odd = read_with({{"max_bytes", "7"}}, "\xFF\xFE" + utf16le("abcd"));
  EXPECT_EQ(odd["text"], "ab");
  EXPECT_EQ(odd["replacements"], 0);
  Json pair = read_with({{"max_bytes", "8"}}, "\xFF\xFE" + utf16le("ab") + std::string("\x3D\xD8\x00\xDE", 4));
  EXPECT_EQ(pair["text"], "ab");
  EXPECT_EQ(pair["replacements"], 0);
  // A short input is not truncated; invalid UTF-8 is not mistaken for a cut.
  EXPECT_EQ(read_with({{"max_bytes", "100"}}, "ab")["truncated"], false);
  EXPECT_EQ(read_with({{"max_bytes", "3"}}, "a\xFF\xC3\xA9")["encoding"], "latin-1");
}

TEST(TextReader, OptionsAndArgumentsAreChecked) {
  TempDir work;
  PluginHarness harness(work.path());
  EXPECT_THROW(harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "text", {{"fallback", "ebcdic"}}), stoq::Error);
  EXPECT_THROW(harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "text", {{"max_bytes", "0"}}), stoq::Error);
  auto& reader = harness.activate<stoq::Reader>(STOQ_PLUGIN_DIR, "text");
  EXPECT_THROW((void)reader.read(stoq::Payload(), Json::object()), stoq::Error);
  EXPECT_THROW((void)reader.read(payload_of("x"), Json{{"encoding", "koi8-r"}}), stoq::Error);
  EXPECT_THROW((void)reader.read(payload_of("x"), Json{{"encoding", 5}}), stoq::Error);
}

TEST(TextReader, HostileInputsStayWellFormed) {
  std::mt19937 random(11);  // NOLINT(cert-msc32-c,cert-msc51-cpp): fixed seed, reproducible inputs
  for (int round = 0; round < 300; ++round) {
    std::string bytes;
    std::size_t size = random() % 300;
    for (std::size_t i = 0; i < size; ++i) {
      // Mostly NULs, ASCII and surrogate-ish bytes: the interesting part of the space.
      static constexpr std::array<std::uint8_t, 10> kPool = {0, 0, 'a', ' ', 0xD8, 0xDC, 0xFF, 0xFE, 0xC3, 0x80};
      bytes.push_back(static_cast<char>(random() % 2 == 0 ? kPool[random() % kPool.size()] : random() & 0xFFU));
    }
    std::string input = std::string(1, static_cast<char>(random() & 0xFFU)) + bytes;
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()), 0);
  }
}

TEST(TextReader, FuzzTargetReplaysItsSeeds) {
  std::vector<std::string> rejected;
  EXPECT_GE(stoq::testing::replay_seeds(TEXT_FUZZ_CORPUS, LLVMFuzzerTestOneInput, &rejected), 5U);
  EXPECT_EQ(rejected, std::vector<std::string>{});
}

}  // namespace
