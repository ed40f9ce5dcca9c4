// extractor:ole against python3-olefile: the same stream paths, sizes and bytes (sha256)
// for files made here (gsf createole, the v3/v4 writer in cfb_writer.hpp) and for the
// Strelka fixtures.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "cfb.hpp"
#include "cfb_writer.hpp"
#include "oracle.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

// path -> "size sha256", from olefile.
std::map<std::string, std::string> olefile_streams(const std::string& python, const std::string& path) {
  const char* script =
      "import olefile,sys,json,hashlib\n"
      "o=olefile.OleFileIO(sys.argv[1])\n"
      "out={}\n"
      "for s in o.listdir(streams=True,storages=False):\n"
      "  p='/'.join(s); d=o.openstream(p).read()\n"
      "  out[p]='%d %s'%(len(d),hashlib.sha256(d).hexdigest())\n"
      "print(json.dumps(out))\n";
  TempDir dir;
  std::string script_path = dir.write("list.py", script);
  std::string text = ole_test::run(python + " " + script_path + " '" + path + "'");
  std::map<std::string, std::string> out;
  Json listing = Json::parse(text);
  for (const auto& [key, value] : listing.items()) out[key] = value.get<std::string>();
  return out;
}

std::map<std::string, std::string> plugin_streams(const stoq::ExtractedList& children) {
  std::map<std::string, std::string> out;
  for (const auto& child : children) {
    if (child.meta.contains("vba_module")) continue;
    out[child.meta["filename"].get<std::string>()] =
        std::to_string(child.payload.size()) + " " + child.payload.hashes().sha256;
  }
  return out;
}

std::string write_file(const TempDir& dir, const std::string& name, const std::string& bytes) {
  return dir.write(name, bytes);
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    seed = seed * 1103515245U + 12345U;
    out[i] = static_cast<char>(seed >> 16);
  }
  return out;
}

class OleExtractorTest : public ::testing::Test {
 protected:
  TempDir dir_;
  PluginHarness harness_{dir_.path("work")};
  stoq::Extractor& ole_ = harness_.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "ole");
  std::string python_ = ole_test::olefile_python();

  void expect_same_as_olefile(const std::string& path, std::size_t expected_streams = 0) {
    stoq::ExtractedList children = ole_.extract(harness_.get_file(path), Json::object());
    std::map<std::string, std::string> mine = plugin_streams(children);
    std::map<std::string, std::string> oracle = olefile_streams(python_, path);
    EXPECT_EQ(mine, oracle) << path;
    if (expected_streams > 0) {
      EXPECT_EQ(mine.size(), expected_streams) << path;
    }
  }
};

TEST_F(OleExtractorTest, GsfCreatedFileMatchesOlefile) {
  STOQ_NEED_TOOL("gsf");
  NEED_OLEFILE(python_);
  std::string base = dir_.mkdir("in");
  dir_.write("in/d/big.bin", random_bytes(10000, 1));
  dir_.write("in/d/sub/x.txt", "tiny\n");
  dir_.write("in/small.txt", "hello, mini stream\n");
  dir_.write("in/exact4096", random_bytes(4096, 2));
  dir_.write("in/just_under", random_bytes(4095, 3));
  dir_.write("in/empty", "");
  std::string out = dir_.path("made.ole");
  int status = -1;
  ole_test::run(
      "cd '" + base + "' && gsf createole '" + out + "' d small.txt exact4096 just_under empty >/dev/null 2>&1",
      &status);
  ASSERT_EQ(status, 0);
  expect_same_as_olefile(out, 6);
  stoq::ExtractedList children = ole_.extract(harness_.get_file(out), Json::object());
  auto found =
      std::find_if(children.begin(), children.end(), [](const auto& c) { return c.meta["filename"] == "d/sub/x.txt"; });
  ASSERT_NE(found, children.end());
  EXPECT_EQ(found->payload.bytes().as_string_view(), "tiny\n");
  EXPECT_EQ(found->meta["size"], 5);
}

TEST_F(OleExtractorTest, Version3And4FilesFromTheTestWriterMatchOlefile) {
  NEED_OLEFILE(python_);
  for (int version : {3, 4}) {
    // Version 3 holds 4 directory entries per sector (the writer uses one sector).
    std::vector<cfb_test::Stream> top = {{"Alpha", random_bytes(5000, 4)}};
    if (version == 4) top.emplace_back("Beta", random_bytes(9000, 5));
    cfb_test::Layout layout = cfb_test::write_cfb(version, top, "Folder", {{"Inner", random_bytes(4096 * 3 + 7, 6)}});
    ASSERT_FALSE(layout.file.empty());
    std::string path = write_file(dir_, "v" + std::to_string(version) + ".ole", layout.file);
    expect_same_as_olefile(path, top.size() + 1);
    stoq::cfb::File file = stoq::cfb::File::parse(stoq::ByteView(layout.file));
    EXPECT_EQ(file.major_version(), version);
    EXPECT_EQ(file.sector_size(), version == 4 ? 4096U : 512U);
    ASSERT_NE(file.find("folder/INNER"), nullptr);  // names compare case-insensitively
    EXPECT_TRUE(file.warnings().empty());
  }
}

TEST_F(OleExtractorTest, OccupiedSizeFindsTheEndOfAnEmbeddedFile) {
  for (int version : {3, 4}) {
    cfb_test::Layout layout = cfb_test::write_cfb(version, {{"Alpha", random_bytes(7000, 7)}});
    std::string buffer = layout.file + random_bytes(3000, 8);
    std::optional<std::uint64_t> size = stoq::cfb::occupied_size(stoq::ByteView(buffer));
    ASSERT_TRUE(size.has_value());
    EXPECT_EQ(*size, layout.file.size()) << "version " << version;
  }
  EXPECT_FALSE(stoq::cfb::occupied_size(stoq::ByteView(std::string_view("not an ole file"))).has_value());
}

TEST_F(OleExtractorTest, StrelkaFixturesMatchOlefile) {
  NEED_OLEFILE(python_);
  const std::string corpus = STOQ_SHARED_DIR "/corpus/strelka-fixtures/";
  STOQ_NEED_PATH(corpus + "test.doc");
  // Stream counts as Strelka's scan_ole reports them.
  expect_same_as_olefile(corpus + "test.doc", 6);
  expect_same_as_olefile(corpus + "test_classic.doc", 7);
  expect_same_as_olefile(corpus + "test_pe_object.doc", 10);
  expect_same_as_olefile(corpus + "test_pe_object_classic.doc", 13);
  for (const char* name : {"test.xls", "test.msi", "test_password.doc", "test_password.docx"}) {
    expect_same_as_olefile(corpus + name);
  }
}

TEST_F(OleExtractorTest, StorageMetadataAndRootClass) {
  const std::string path = STOQ_SHARED_DIR "/corpus/strelka-fixtures/test_pe_object.doc";
  STOQ_NEED_PATH(path);
  stoq::Payload payload = harness_.get_file(path);
  stoq::cfb::File file = stoq::cfb::File::parse(payload.bytes());
  EXPECT_EQ(file.root_clsid(), "00020906-0000-0000-C000-000000000046");  // Word document
  const stoq::cfb::Entry* storage = file.find("ObjectPool/_1735466229");
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->type, stoq::cfb::EntryType::Storage);
  NEED_OLEFILE(python_);
  std::string expected = ole_test::run(
      python_ + " -c \"import olefile,sys; o=olefile.OleFileIO(sys.argv[1]); " +
      "e=o.direntries[o._find('ObjectPool/_1735466229')]; " +
      "print(e.clsid, (e.getmtime() or '').strftime('%Y-%m-%dT%H:%M:%SZ') if e.getmtime() else '')\" '" + path + "'");
  EXPECT_EQ(storage->clsid + " " + stoq::cfb::filetime_to_iso8601(storage->modified) + "\n", expected);
}

TEST_F(OleExtractorTest, NotAnOleFileIsAClearError) {
  try {
    ole_.extract(stoq::testing::payload_of("PK\x03\x04 nothing like a compound file"), Json::object());
    FAIL() << "expected an error";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("signature"), std::string::npos) << e.what();
  }
}

TEST_F(OleExtractorTest, MaxChildrenStopsAndSaysSo) {
  cfb_test::Layout layout = cfb_test::write_cfb(
      3, {{"A", random_bytes(4096, 9)}, {"B", random_bytes(4096, 10)}, {"C", random_bytes(4096, 11)}});
  harness_.mutable_limits().max_children = 2;
  stoq::ExtractedList children =
      ole_.extract(stoq::Payload(stoq::Bytes(layout.file.begin(), layout.file.end())), Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(children.back().meta["limit_reached"], "max_children");
}

TEST_F(OleExtractorTest, MaxTotalBytesTruncatesTheStreamThatCrossesIt) {
  cfb_test::Layout layout = cfb_test::write_cfb(3, {{"A", random_bytes(5000, 12)}, {"B", random_bytes(5000, 13)}});
  harness_.mutable_limits().max_total_bytes = 6000;
  stoq::ExtractedList children =
      ole_.extract(stoq::Payload(stoq::Bytes(layout.file.begin(), layout.file.end())), Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(children[1].payload.size(), 1000U);
  EXPECT_EQ(children[1].meta["truncated"], true);
}

}  // namespace
