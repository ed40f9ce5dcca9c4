// worker:mimetype against file(1), run in the test on the same files: every file of
// the strelka corpus, a gzip larger than head_bytes (its trailer counts) and an ISO
// 9660 image (its volume descriptor sits at 32 KiB).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "stoq/testing.hpp"

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::shell_quote;
using stoq::testing::TempDir;

const std::string kFixtures = std::string(STOQ_SHARED_DIR) + "/corpus/strelka-fixtures";

// A command's stdout without its trailing newlines.
std::string output_line(const std::string& command) {
  std::string out = stoq::testing::run_command(command);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

struct FileAnswer {
  std::string mimetype;
  std::string description;
};

FileAnswer file_says(const std::string& path) {
  return {output_line("file -b --mime-type -- " + shell_quote(path)), output_line("file -b -- " + shell_quote(path))};
}

using Overrides = std::vector<std::pair<std::string, std::string>>;

class MimeType {
 public:
  explicit MimeType(const Overrides& overrides = {}) : harness_(dir_.path()) {
    worker_ = &harness_.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "mimetype", overrides);
  }
  Json scan_file(const std::string& path) { return worker_->scan(harness_.get_file(path), Json::object()); }
  Json scan(std::string_view bytes) { return worker_->scan(payload_of(bytes), Json::object()); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_{"stoq-mimetype"};
  PluginHarness harness_;
  stoq::Worker* worker_ = nullptr;
};

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  return bytes;
}

// The measured default: every corpus file, both answers, equal to file(1)'s.
TEST(MimeTypeWorker, EveryCorpusFileEqualsFile) {
  if (!fs::is_directory(kFixtures)) STOQ_MISSING("shared corpus not present: " << kFixtures);
  STOQ_NEED_TOOL("file");
  MimeType worker;
  std::size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    if (!entry.is_regular_file()) continue;
    std::string path = entry.path().string();
    FileAnswer expected = file_says(path);
    Json scan = worker.scan_file(path);
    EXPECT_EQ(scan["mimetype"], expected.mimetype) << path;
    EXPECT_EQ(scan["description"], expected.description) << path;
    ++checked;
  }
  EXPECT_GT(checked, 100U);
}

// Magic with negative offsets reads the trailer: a gzip's "original size".
TEST(MimeTypeWorker, LargeGzipKeepsItsTrailer) {
  STOQ_NEED_TOOL("file");
  STOQ_NEED_TOOL("gzip");
  MimeType worker;
  std::string raw = worker.dir().write("raw.bin", random_bytes(300000, 7));
  std::string gz = worker.dir().path("raw.bin.gz");
  ASSERT_EQ(std::system(("gzip -n -c " + shell_quote(raw) + " > " + shell_quote(gz)).c_str()), 0);
  ASSERT_GT(fs::file_size(gz), 2U * 65536U);
  FileAnswer expected = file_says(gz);
  ASSERT_NE(expected.description.find("300000"), std::string::npos) << expected.description;
  Json scan = worker.scan_file(gz);
  EXPECT_EQ(scan["mimetype"], expected.mimetype);
  EXPECT_EQ(scan["description"], expected.description);
}

// head_bytes is what libmagic sees: the ISO's volume descriptor at 32769 needs more
// than 32 KiB, and a larger payload than twice head_bytes is cut.
TEST(MimeTypeWorker, HeadBytesBoundsWhatLibmagicSees) {
  std::string iso = kFixtures + "/test.iso";
  if (!fs::exists(iso)) STOQ_MISSING("shared corpus not present: " << iso);
  STOQ_NEED_TOOL("file");
  FileAnswer expected = file_says(iso);
  EXPECT_EQ(MimeType().scan_file(iso)["mimetype"], expected.mimetype);
  EXPECT_EQ(MimeType(Overrides{{"head_bytes", "0"}}).scan_file(iso)["description"], expected.description);
  EXPECT_NE(MimeType(Overrides{{"head_bytes", "16384"}}).scan_file(iso)["mimetype"], expected.mimetype);
}

// ELF and OLE2 files are shown whole (their parsers read the section headers and
// the sector chains wherever they are), unless larger than max_whole_bytes.
TEST(MimeTypeWorker, ElfAndOle2AreShownWhole) {
  std::string elf = kFixtures + "/test.elf";
  std::string doc = kFixtures + "/test.doc";
  if (!fs::exists(elf) || !fs::exists(doc)) STOQ_MISSING("shared corpus not present: " << kFixtures);
  STOQ_NEED_TOOL("file");
  MimeType small_head(Overrides{{"head_bytes", "1024"}});
  for (const std::string& path : {elf, doc}) {
    FileAnswer expected = file_says(path);
    Json scan = small_head.scan_file(path);
    EXPECT_EQ(scan["mimetype"], expected.mimetype) << path;
    EXPECT_EQ(scan["description"], expected.description) << path;
  }
  Json cut = MimeType(Overrides{{"head_bytes", "1024"}, {"max_whole_bytes", "0"}}).scan_file(doc);
  EXPECT_NE(cut["description"], file_says(doc).description);
}

TEST(MimeTypeWorker, EmptyPayloadIsEmpty) {
  MimeType worker;
  Json scan = worker.scan("");
  EXPECT_EQ(scan["mimetype"], "inode/x-empty");
  EXPECT_EQ(scan["description"], "empty");
}

TEST(MimeTypeWorker, DescriptionCanBeLeftOut) {
  MimeType worker(Overrides{{"description", "False"}});
  Json scan = worker.scan("hello world\n");
  EXPECT_EQ(scan, Json({{"mimetype", "text/plain"}}));
}

TEST(MimeTypeWorker, ManyPayloadsReuseTheStagingFile) {
  MimeType worker;
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(worker.scan(random_bytes(200000, round))["mimetype"], "application/octet-stream");
    EXPECT_EQ(worker.scan("{\"a\": [1, 2, 3]}")["mimetype"], "application/json");
    EXPECT_EQ(worker.scan("%PDF-1.4\n")["mimetype"], "application/pdf");
  }
}

TEST(MimeTypeWorker, NoPayloadIsAnError) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& plugin = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "mimetype");
  EXPECT_THROW(plugin.scan(stoq::Payload(), Json::object()), stoq::Error);
}

TEST(MimeTypeWorker, NegativeHeadBytesRefusesActivation) {
  TempDir dir;
  PluginHarness harness(dir.path());
  EXPECT_THROW(harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "mimetype", {{"head_bytes", "-1"}}), stoq::Error);
}

}  // namespace
