// worker:hash's fuzzy hashes against the command-line tools, run in the test on the
// same files: `ssdeep` (libfuzzy) and Debian's `tlsh` (tlsh-tools 3.4.4, which prints
// the digits without the "T1" that current TLSH and Strelka print, and nothing for a
// file it cannot hash, where current TLSH prints TNULL).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "stoq/testing.hpp"

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::run_command;
using stoq::testing::shell_quote;
using stoq::testing::TempDir;

const std::string kFixtures = std::string(STOQ_SHARED_DIR) + "/corpus/strelka-fixtures";

// `ssdeep -s FILE...`: a header line, then `hash,"path"` per file.
std::map<std::string, std::string> ssdeep_tool(const std::vector<std::string>& paths) {
  std::string command = "ssdeep -s";
  for (const std::string& path : paths) command += " " + shell_quote(path);
  std::istringstream lines(run_command(command));
  std::map<std::string, std::string> hashes;
  std::string line;
  while (std::getline(lines, line)) {
    std::size_t comma = line.find(",\"");
    if (comma == std::string::npos || line.back() != '"') continue;
    hashes[line.substr(comma + 2, line.size() - comma - 3)] = line.substr(0, comma);
  }
  return hashes;
}

// `tlsh -f FILE`: `DIGITS<tab>path`, or nothing (a message on stderr) when it cannot hash.
std::string tlsh_tool(const std::string& path) {
  std::string out = run_command("tlsh -f " + shell_quote(path) + " 2>/dev/null");
  std::size_t tab = out.find('\t');
  if (tab == std::string::npos) return "TNULL";
  return "T1" + out.substr(0, tab);
}

class Fuzzy {
 public:
  Fuzzy() : harness_(dir_.path()) {
    worker_ = &harness_.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "hash", {{"hashes_list", "ssdeep, tlsh"}});
  }
  Json scan_file(const std::string& path) { return worker_->scan(harness_.get_file(path), Json::object()); }
  Json scan(std::string_view bytes) { return worker_->scan(payload_of(bytes), Json::object()); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_{"stoq-hash-fuzzy"};
  PluginHarness harness_;
  stoq::Worker* worker_ = nullptr;
};

// Deterministic text with enough variety for both hashes.
std::string sample_text(std::size_t size, unsigned seed) {
  static constexpr const char* kWords[] = {
      "payload", "worker", "scan", "results", "archive", "stoq", "10.1.2.3", "connector", "http://example.com/",
      "queue",   "\n"};
  std::mt19937 rng(seed);
  std::string text;
  while (text.size() < size) {
    text += kWords[rng() % (sizeof kWords / sizeof kWords[0])];
    text += ' ';
  }
  text.resize(size);
  return text;
}

TEST(HashFuzzy, EveryCorpusFileEqualsSsdeepAndTlsh) {
  if (!fs::is_directory(kFixtures)) STOQ_MISSING("shared corpus not present: " << kFixtures);
  STOQ_NEED_TOOL("ssdeep");
  STOQ_NEED_TOOL("tlsh");
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    if (entry.is_regular_file()) paths.push_back(entry.path().string());
  }
  ASSERT_GT(paths.size(), 100U);
  std::map<std::string, std::string> ssdeep = ssdeep_tool(paths);
  ASSERT_EQ(ssdeep.size(), paths.size());
  Fuzzy worker;
  std::size_t tnull = 0;
  for (const std::string& path : paths) {
    Json scan = worker.scan_file(path);
    EXPECT_EQ(scan["ssdeep"], ssdeep[path]) << path;
    std::string expected = tlsh_tool(path);
    EXPECT_EQ(scan["tlsh"], expected) << path;
    if (expected == "TNULL") ++tnull;
  }
  EXPECT_LT(tnull, 10U);  // test.empty and the few files under 256 bytes
}

TEST(HashFuzzy, AFileTheTestWritesEqualsTheTools) {
  STOQ_NEED_TOOL("ssdeep");
  STOQ_NEED_TOOL("tlsh");
  Fuzzy worker;
  for (std::size_t size : {300U, 5000U, 123457U, 3000000U}) {
    std::string path = worker.dir().write("sample-" + std::to_string(size) + ".txt", sample_text(size, size));
    Json scan = worker.scan_file(path);
    EXPECT_EQ(scan["ssdeep"], ssdeep_tool({path})[path]) << size;
    EXPECT_EQ(scan["tlsh"], tlsh_tool(path)) << size;
    EXPECT_EQ(scan["tlsh"].get<std::string>().size(), 72U) << size;
  }
}

TEST(HashFuzzy, TlshIsPrefixedWithItsVersion) {
  Fuzzy worker;
  std::string tlsh = worker.scan(sample_text(4096, 1))["tlsh"];
  ASSERT_EQ(tlsh.size(), 72U);
  EXPECT_EQ(tlsh.substr(0, 2), "T1");
  EXPECT_EQ(tlsh.find_first_not_of("0123456789ABCDEF", 2), std::string::npos) << tlsh;
}

// libtlsh 3.4.4 needs 256 bytes with some variety; what it cannot hash is TNULL.
TEST(HashFuzzy, TooShortOrUniformIsTnull) {
  Fuzzy worker;
  EXPECT_EQ(worker.scan("")["tlsh"], "TNULL");
  EXPECT_EQ(worker.scan(sample_text(200, 2))["tlsh"], "TNULL");
  EXPECT_EQ(worker.scan(std::string(100000, '\0'))["tlsh"], "TNULL");
  EXPECT_EQ(worker.scan("")["ssdeep"], "3::");
}

TEST(HashFuzzy, SameBytesSameHashAcrossPayloads) {
  Fuzzy worker;
  std::string text = sample_text(70000, 3);
  Json first = worker.scan(text);
  worker.scan(sample_text(9000, 4));
  EXPECT_EQ(worker.scan(text), first);
}

}  // namespace
