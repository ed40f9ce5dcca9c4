// worker:strings: its own cases, and GNU strings (`strings -a -n N -t d`, with `-e l`
// for UTF-16LE) as the oracle on the shared corpus and on generated buffers: the same
// strings at the same offsets, in the same order.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "stoq/template.hpp"
#include "stoq/testing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::run_command;
using stoq::testing::TempDir;
using Overrides = std::vector<std::pair<std::string, std::string>>;
using OffsetAndText = std::pair<std::size_t, std::string>;

class Strings {
 public:
  explicit Strings(const Overrides& overrides = {}) : harness_(dir_.path()) {
    try {
      worker_ = &harness_.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "strings", overrides);
    } catch (const stoq::Error& e) {
      throw stoq::Error(e.what());  // copied while the module is still loaded
    }
  }
  Json scan(std::string_view bytes) { return worker_->scan(payload_of(bytes), Json::object()); }
  Json scan_file(const std::string& path) { return worker_->scan(harness_.get_file(path), Json::object()); }

 private:
  TempDir dir_{"stoq-strings"};
  PluginHarness harness_;
  stoq::Worker* worker_ = nullptr;
};

// GNU strings with decimal offsets: each line is "%7ld " then the string (no newline
// can be part of a string).
std::vector<OffsetAndText> gnu_strings(const std::string& path, std::size_t min_length, bool utf16le) {
  std::string command = std::string("strings -a -t d ") + (utf16le ? "-e l " : "") + "-n " +
                        std::to_string(min_length) + " '" + path + "'";
  std::vector<OffsetAndText> found;
  std::istringstream lines(run_command(command));
  std::string line;
  while (std::getline(lines, line)) {
    std::size_t digits = line.find_first_not_of(' ');
    std::size_t space = line.find(' ', digits);
    found.emplace_back(std::stoull(line.substr(digits, space - digits)), line.substr(space + 1));
  }
  return found;
}

std::vector<OffsetAndText> of_encoding(const Json& scan, std::string_view encoding) {
  std::vector<OffsetAndText> found;
  for (const Json& string : scan["strings"]) {
    if (string["encoding"] == encoding) found.emplace_back(string["offset"], string["string"]);
  }
  return found;
}

std::string utf16le(std::string_view text) {
  std::string out;
  for (char c : text) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

TEST(StringsWorker, AsciiRunsWithTabsAtLeastMinLength) {
  Strings strings;
  Json scan = strings.scan(std::string("abc\0defg\thij\x01xy\x80zzzz", 20));
  EXPECT_EQ(scan["strings"], Json::parse(R"([
      {"offset": 4, "encoding": "ascii", "length": 8, "string": "defg\thij"},
      {"offset": 16, "encoding": "ascii", "length": 4, "string": "zzzz"}])"));
  EXPECT_EQ(scan["count"], 2);
  EXPECT_EQ(scan["truncated"], false);
  EXPECT_EQ(scan["min_length"], 4);
}

TEST(StringsWorker, Utf16leAtAnyAlignmentMergedByOffset) {
  Strings strings;
  std::string bytes = "\x01" + utf16le("Hello") + "\xff\xff" + "ascii text" + "\x01\x02\x03" + utf16le("wide!");
  Json scan = strings.scan(bytes);
  EXPECT_EQ(scan["strings"], Json::parse(R"([
      {"offset": 1, "encoding": "utf-16le", "length": 5, "string": "Hello"},
      {"offset": 13, "encoding": "ascii", "length": 10, "string": "ascii text"},
      {"offset": 26, "encoding": "utf-16le", "length": 5, "string": "wide!"}])"));
}

TEST(StringsWorker, LimitsCountAndLength) {
  Strings strings(Overrides{{"max_strings", "2"}, {"max_string_length", "3"}, {"encodings_list", "ascii"}});
  Json scan = strings.scan(std::string("first\0second\0third\0", 19) + utf16le("wide string"));
  EXPECT_EQ(scan["strings"], Json::parse(R"([
      {"offset": 0, "encoding": "ascii", "length": 5, "string": "fir"},
      {"offset": 6, "encoding": "ascii", "length": 6, "string": "sec"}])"));
  EXPECT_EQ(scan["truncated"], true);
}

TEST(StringsWorker, MinLengthAndMaxBytes) {
  Strings strings(Overrides{{"min_length", "2"}, {"max_bytes", "6"}});
  Json scan = strings.scan(std::string("ab\0c\0de\0fg", 10));  // only "ab\0c\0d" is read
  EXPECT_EQ(of_encoding(scan, "ascii"), (std::vector<OffsetAndText>{{0, "ab"}}));
  EXPECT_EQ(of_encoding(scan, "utf-16le"), (std::vector<OffsetAndText>{{1, "bc"}}));
  EXPECT_EQ(scan["truncated"], true);
}

TEST(StringsWorker, BadOptionsRefuseActivation) {
  EXPECT_THROW(Strings(Overrides{{"min_length", "0"}}), stoq::Error);
  EXPECT_THROW(Strings(Overrides{{"encodings_list", "ascii, ebcdic"}}), stoq::Error);
  EXPECT_THROW(Strings(Overrides{{"max_strings", "-1"}}), stoq::Error);
}

TEST(StringsWorker, NoPayloadIsAnError) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "strings");
  EXPECT_THROW(worker.scan(stoq::Payload(), Json::object()), stoq::Error);
}

void expect_equals_gnu(const std::string& path, std::size_t min_length) {
  Strings strings(Overrides{
      {"min_length", std::to_string(min_length)}, {"max_strings", "10000000"}, {"max_string_length", "100000000"}});
  Json scan = strings.scan_file(path);
  EXPECT_EQ(of_encoding(scan, "ascii"), gnu_strings(path, min_length, false)) << path << " -n " << min_length;
  EXPECT_EQ(of_encoding(scan, "utf-16le"), gnu_strings(path, min_length, true)) << path << " -e l -n " << min_length;
}

TEST(StringsOracle, CorpusFilesEqualGnuStrings) {
  STOQ_NEED_TOOL("strings");
  const std::string fixtures = std::string(STOQ_SHARED_DIR) + "/corpus/strelka-fixtures/";
  for (const char* name : {"test.exe", "test.elf", "test.doc", "test.pdf", "test.msi", "test.lnk", "test.empty"}) {
    STOQ_NEED_PATH(fixtures + name);
    for (std::size_t min_length : {4, 1, 8}) expect_equals_gnu(fixtures + name, min_length);
  }
}

// Buffers made to stress the UTF-16LE alignment rules: printable bytes, zeros and
// other bytes in short runs, so strings start at odd and even offsets and overlap.
TEST(StringsOracle, GeneratedBuffersEqualGnuStrings) {
  STOQ_NEED_TOOL("strings");
  TempDir dir;
  std::uint32_t state = 7;
  auto random = [&state] {
    state = state * 1664525U + 1013904223U;
    return state >> 8;
  };
  for (int round = 0; round < 20; ++round) {
    std::string bytes;
    for (int i = 0; i < 20000; ++i) {
      std::uint32_t pick = random() % 10;
      char byte = pick < 4 ? static_cast<char>(0x20 + random() % 95) : pick < 8 ? '\0' : pick == 8 ? '\t' : '\x90';
      bytes.push_back(byte);
    }
    std::string path = dir.write("generated" + std::to_string(round) + ".bin", bytes);
    expect_equals_gnu(path, 1 + round % 5);
  }
}

// Random inputs through the fuzz target's checks (flags, then bytes).
TEST(StringsFuzz, TargetOnRandomInputs) {
  std::uint32_t state = 99;
  for (int round = 0; round < 300; ++round) {
    std::string data;
    std::size_t size = 2 + round * 7 % 600;
    for (std::size_t i = 0; i < size; ++i) {
      state = state * 1664525U + 1013904223U;
      std::uint32_t pick = state >> 24;
      data.push_back(static_cast<char>(pick % 3 == 0 ? 0 : pick % 3 == 1 ? 'A' + pick % 20 : pick));
    }
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0);
  }
}

TEST(StringsFuzz, TargetReplaysItsSeeds) {
  std::vector<std::string> rejected;
  EXPECT_GE(stoq::testing::replay_seeds(STRINGS_FUZZ_CORPUS, LLVMFuzzerTestOneInput, &rejected), 3U);
  EXPECT_EQ(rejected, std::vector<std::string>{});
}

TEST(StringsTemplate, StdoutSummary) {
  Strings strings(Overrides{{"max_strings", "2"}});
  Json scan = strings.scan("\x01" + utf16le("Hello") +
                           "\x02"
                           "ascii\there\x03"
                           "more text");
  Json document = {{"results", Json::array({{{"filename", "sample.bin"}, {"size", 40}, {"scan", scan}}})}};
  stoq::templating::Environment environment(fs::path(STOQ_PLUGIN_DIR) / "worker" / "strings" / "templates");
  std::string text = environment.get_template("stdout.tpl")->render({{"results", document}});
  EXPECT_EQ(text,
            "sample.bin\n"
            "    size      40 bytes\n"
            "    strings   2 of at least 4 characters (truncated: max_strings or max_bytes reached)\n"
            "      0x00000001  utf-16le  Hello\n"
            "      0x0000000c  ascii     ascii\\there\n");
}

}  // namespace
