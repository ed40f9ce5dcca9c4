// worker:elfinfo against readelf (binutils), run in the test on the corpus' ELF, on a
// shared library and an executable the test compiles, and on small ELF files the test
// writes by hand (32/64-bit, little/big endian); then truncated and corrupted files.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "readelf_oracle.hpp"
#include "stoq/testing.hpp"
#include "synthetic_elf.hpp"

namespace {

namespace fs = std::filesystem;
using elfinfo_test::readelf;
using stoq::Json;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::read_file_bytes;
using stoq::testing::run_command;
using stoq::testing::shell_quote;
using stoq::testing::TempDir;

const std::string kElf = std::string(STOQ_SHARED_DIR) + "/corpus/strelka-fixtures/test.elf";

using Overrides = std::vector<std::pair<std::string, std::string>>;

class ElfInfo {
 public:
  explicit ElfInfo(const Overrides& overrides = {}) : harness_(dir_.path()) {
    worker_ = &harness_.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "elfinfo", overrides);
  }
  Json scan_file(const std::string& path) { return worker_->scan(harness_.get_file(path), Json::object()); }
  Json scan(std::string_view bytes) { return worker_->scan(payload_of(bytes), Json::object()); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_{"stoq-elfinfo"};
  PluginHarness harness_;
  stoq::Worker* worker_ = nullptr;
};

// Key order aside (readelf's parse and elfinfo add keys in different orders).
nlohmann::json unordered(const Json& value) { return nlohmann::json::parse(value.dump()); }

// Only the keys readelf shows, from each element of elfinfo's list.
Json project(const Json& ours, const Json& theirs) {
  Json out = Json::array();
  for (std::size_t i = 0; i < ours.size(); ++i) {
    Json item = Json::object();
    const Json& keys = theirs.size() > i ? theirs[i] : theirs.front();
    for (const auto& [key, value] : keys.items()) {
      if (ours[i].contains(key)) item[key] = ours[i][key];
    }
    out.push_back(item);
  }
  return out;
}

void expect_equals_readelf(const Json& scan, const std::string& path) {
  Json oracle = readelf(path);
  ASSERT_FALSE(oracle["header"].empty()) << "readelf said nothing about " << path;
  for (const auto& [key, value] : oracle["header"].items()) EXPECT_EQ(scan["header"][key], value) << path << " " << key;
  EXPECT_EQ(unordered(project(scan["sections"], oracle["sections"])), unordered(oracle["sections"])) << path;
  EXPECT_EQ(unordered(project(scan["segments"], oracle["segments"])), unordered(oracle["segments"])) << path;
  EXPECT_EQ(scan.value("interpreter", ""), oracle.value("interpreter", "")) << path;
  EXPECT_EQ(scan["needed"], oracle["needed"]) << path;
  for (const char* key : {"soname", "runpath", "rpath"}) EXPECT_EQ(scan.value(key, ""), oracle.value(key, "")) << key;
  Json tags = Json::array();
  for (const Json& entry : scan["dynamic"]) tags.push_back(entry["tag"]);
  EXPECT_EQ(tags, oracle["dynamic"]) << path;
  if (!oracle["dynamic_symbols"].empty()) {
    Json symbols = scan["dynamic_symbols"];
    for (Json& symbol : symbols) symbol.erase("version_default");
    EXPECT_EQ(unordered(symbols), unordered(oracle["dynamic_symbols"])) << path;
  } else {
    EXPECT_TRUE(scan["dynamic_symbols"].empty()) << path;
  }
  EXPECT_FALSE(scan.contains("errors")) << scan["errors"].dump();
}

TEST(ElfInfoWorker, CorpusElfEqualsReadelf) {
  if (!fs::exists(kElf)) STOQ_MISSING("shared corpus not present: " << kElf);
  STOQ_NEED_TOOL("readelf");
  ElfInfo worker;
  Json scan = worker.scan_file(kElf);
  expect_equals_readelf(scan, kElf);
  EXPECT_EQ(scan["needed"], Json::array({"libc.so.6"}));
  EXPECT_EQ(scan["interpreter"], "/lib64/ld-linux-x86-64.so.2");
  EXPECT_EQ(scan["header"]["machine"], "Advanced Micro Devices X86-64");
}

// A versioned shared library (soname, VERDEF) and an executable that needs it (runpath).
TEST(ElfInfoWorker, CompiledLibraryAndExecutableEqualReadelf) {
  STOQ_NEED_TOOL("readelf");
  STOQ_NEED_TOOL("cc");
  ElfInfo worker;
  const TempDir& dir = worker.dir();
  dir.write("lib.c", "int stoq_answer(void) { return 42; }\nint stoq_counter = 3;\n");
  dir.write("lib.map", "STOQ_1.0 { global: stoq_answer; stoq_counter; local: *; };\n");
  dir.write("main.c",
            "#include <stdio.h>\nint stoq_answer(void);\nint main(void) { printf(\"%d\\n\", stoq_answer()); }\n");
  std::string d = shell_quote(dir.path());
  std::string build =
      "cd " + d +
      " && cc -shared -fPIC -o libstoqtest.so -Wl,-soname,libstoqtest.so.1 -Wl,--version-script=lib.map "
      "lib.c && cc -o main main.c -L. -lstoqtest -Wl,-rpath,/opt/stoq-test/lib -lm 2>&1";
  std::string log = run_command(build + "; echo rc=$?");
  ASSERT_NE(log.find("rc=0"), std::string::npos) << log;
  Json lib = worker.scan_file(dir.path("libstoqtest.so"));
  expect_equals_readelf(lib, dir.path("libstoqtest.so"));
  EXPECT_EQ(lib["soname"], "libstoqtest.so.1");
  bool versioned = false;
  for (const Json& symbol : lib["dynamic_symbols"]) {
    if (symbol["name"] == "stoq_answer") versioned = symbol.value("version", "") == "STOQ_1.0";
  }
  EXPECT_TRUE(versioned) << lib["dynamic_symbols"].dump();
  Json exe = worker.scan_file(dir.path("main"));
  expect_equals_readelf(exe, dir.path("main"));
  EXPECT_EQ(exe["runpath"], "/opt/stoq-test/lib");
  EXPECT_NE(exe["needed"].dump().find("\"libstoqtest.so.1\""), std::string::npos) << exe["needed"].dump();
}

// Hand-made files: both classes, both byte orders, checked against readelf too.
TEST(ElfInfoWorker, ThirtyTwoAndSixtyFourBitBothEndiannessesEqualReadelf) {
  STOQ_NEED_TOOL("readelf");
  ElfInfo worker;
  for (bool is64 : {false, true}) {
    for (bool big : {false, true}) {
      std::string name = std::string("synthetic-") + (is64 ? "64" : "32") + (big ? "be" : "le");
      std::string path = worker.dir().write(name, elfinfo_test::synthetic_elf(is64, big));
      Json scan = worker.scan_file(path);
      expect_equals_readelf(scan, path);
      EXPECT_EQ(scan["interpreter"], "/lib/ld-stoq.so.1") << name;
      EXPECT_EQ(scan["header"]["class"], is64 ? "ELF64" : "ELF32") << name;
      EXPECT_EQ(scan["sections"].size(), 3U) << name;
    }
  }
}

TEST(ElfInfoWorker, TruncatedFilesGivePartialResultsAndErrors) {
  if (!fs::exists(kElf)) STOQ_MISSING("shared corpus not present: " << kElf);
  ElfInfo worker;
  std::string whole = read_file_bytes(kElf);
  Json full = worker.scan(whole);
  for (std::size_t size = 6; size < whole.size(); size += 61) {
    Json scan;
    try {
      scan = worker.scan(std::string_view(whole).substr(0, size));
    } catch (const stoq::Error& e) {
      FAIL() << "truncated at " << size << ": " << e.what();
    }
    ASSERT_TRUE(scan.contains("errors")) << "truncated at " << size;
    if (size >= 64) {
      // All but the type, whose PIE-ness comes from the dynamic section.
      Json header = scan["header"];
      Json expected = full["header"];
      header.erase("type");
      expected.erase("type");
      EXPECT_EQ(header, expected) << size;
    }
  }
}

TEST(ElfInfoWorker, CorruptedFilesNeverCrash) {
  if (!fs::exists(kElf)) STOQ_MISSING("shared corpus not present: " << kElf);
  ElfInfo worker(Overrides{{"max_symbols", "100"}, {"max_sections", "100"}});
  std::string whole = read_file_bytes(kElf);
  std::mt19937 rng(1234);
  for (int round = 0; round < 3000; ++round) {
    std::string copy = whole;
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < flips; ++i) {
      // Mostly the headers and tables, where offsets and counts live.
      std::size_t at = rng() % 2 == 0 ? rng() % 64 : rng() % copy.size();
      copy[at] = static_cast<char>(rng() & 0xff);
    }
    try {
      Json scan = worker.scan(copy);
      if (!scan.is_null()) {
        EXPECT_LE(scan["sections"].size(), 100U);
        EXPECT_LE(scan["dynamic_symbols"].size(), 100U);
      }
    } catch (const stoq::Error&) {
      // class or data encoding destroyed: not an ELF file any more
    }
  }
}

TEST(ElfInfoWorker, HugeClaimedCountsAreCapped) {
  ElfInfo worker(Overrides{{"max_sections", "10"}, {"max_segments", "5"}});
  std::string elf = elfinfo_test::synthetic_elf(true, false);
  elfinfo_test::put(elf, 56, 2, 0xffff, false);  // e_phnum = PN_XNUM: the count is in section 0
  elfinfo_test::put(elf, 60, 2, 0, false);       // e_shnum = 0: the count is section 0's size
  std::size_t shoff = elfinfo_test::get(elf, 40, 8, false);
  elfinfo_test::put(elf, shoff + 32, 8, 0xffffffffffULL, false);
  elfinfo_test::put(elf, shoff + 44, 4, 0xfffffff, false);
  Json scan = worker.scan(elf);
  EXPECT_EQ(scan["sections"].size(), 3U);  // the rest lie past the end of the file
  EXPECT_LE(scan["segments"].size(), 5U);
  ASSERT_TRUE(scan.contains("errors"));
  EXPECT_NE(scan["errors"].dump().find("only the first 10"), std::string::npos) << scan["errors"].dump();
}

TEST(ElfInfoWorker, NotElfGivesNoResultsAndNoPayloadIsAnError) {
  ElfInfo worker;
  EXPECT_TRUE(worker.scan("MZ\x90\x00 not an ELF file").is_null());
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& plugin = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "elfinfo");
  EXPECT_THROW(plugin.scan(stoq::Payload(), Json::object()), stoq::Error);
  EXPECT_THROW(harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "elfinfo", {{"max_symbols", "0"}}), stoq::Error);
}

}  // namespace
