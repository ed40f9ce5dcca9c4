#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../new_file.hpp"
#include "stoq/testing.hpp"

namespace {
namespace fs = std::filesystem;

using stoq::Content;
using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> files_under(const std::string& root) {
  std::vector<std::string> files;
  if (!fs::exists(root)) return files;
  for (const auto& item : fs::recursive_directory_iterator(root)) {
    if (item.is_regular_file()) files.push_back(item.path().string());
  }
  return files;
}

Json document_with_uuid(const std::string& uuid) {
  return {{"results", Json::array({Json{{"uuid", Json::array({"root", uuid})}, {"scan", {{"k", "v"}}}}})},
          {"payloads", 1}};
}

class FileConnectorTest : public ::testing::Test {
 protected:
  TempDir dir;
  PluginHarness harness{dir.path()};
  stoq::Connector& connector(const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
    return harness.activate<stoq::Connector>(STOQ_PLUGIN_DIR, "file", overrides);
  }
};

TEST_F(FileConnectorTest, SavesResultsUnderResultsDirIndexAndUuid) {
  Json document = document_with_uuid("0f1e2d3c-aaaa-4bbb-8ccc-123456789abc");
  Json path = connector().save(Content::results(document), Json{{"index", "hash"}});
  std::string expected = harness.config().results_dir + "/hash/0f1e2d3c-aaaa-4bbb-8ccc-123456789abc.stoq";
  EXPECT_EQ(path, expected);
  EXPECT_EQ(Json::parse(read_text(expected)), document);
  EXPECT_NE(read_text(expected).find("\n    \"results\""), std::string::npos);  // indented by default
}

TEST_F(FileConnectorTest, CompactlyWritesOneLine) {
  Json path =
      connector({{"compactly", "True"}}).save(Content::results(document_with_uuid("u1")), Json{{"index", "hash"}});
  std::string text = read_text(path.get<std::string>());
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST_F(FileConnectorTest, DocumentsSharingAUuidGetDistinctFiles) {
  auto& file = connector();
  Json first = file.save(Content::results(document_with_uuid("same")), Json{{"index", "hash"}});
  Json second = file.save(Content::results(document_with_uuid("same")), Json{{"index", "hash"}});
  EXPECT_NE(first, second);
  EXPECT_EQ(files_under(harness.config().results_dir).size(), 2U);
}

TEST_F(FileConnectorTest, HostileNamesNeverEscapeTheResultsDir) {
  auto& file = connector();
  EXPECT_THROW(file.save(Content::results(document_with_uuid("x")), Json{{"index", "../escape"}}), stoq::Error);
  Json path = file.save(Content::results(document_with_uuid("../../../../tmp/evil")), Json{{"index", "hash"}});
  EXPECT_EQ(fs::path(path.get<std::string>()).parent_path(), fs::path(harness.config().results_dir) / "hash");
  for (const std::string& written : files_under(dir.path())) {
    EXPECT_EQ(written.rfind(harness.config().results_dir, 0), 0U) << written;
  }
}

TEST_F(FileConnectorTest, UseDateAddsTheDatePath) {
  Json path =
      connector().save(Content::results(document_with_uuid("dated")), Json{{"index", "hash"}, {"use_date", true}});
  fs::path relative = fs::path(path.get<std::string>()).lexically_relative(harness.config().results_dir);
  std::vector<std::string> parts(relative.begin(), relative.end());
  ASSERT_EQ(parts.size(), 5U) << relative;  // hash/YYYY/MM/DD/dated.stoq
  EXPECT_EQ(parts[1].size(), 4U);
  EXPECT_EQ(parts[2].size(), 2U);
  EXPECT_EQ(parts[3].size(), 2U);
}

TEST_F(FileConnectorTest, OutfileDirectoryReplacesResultsDir) {
  std::string out = dir.path() + "/chosen";
  Json path = connector().save(Content::results(document_with_uuid("o1")), Json{{"index", "hash"}, {"outfile", out}});
  EXPECT_EQ(path, out + "/hash/o1.stoq");
}

TEST_F(FileConnectorTest, OutfileExistingFileGetsOneLinePerDocument) {
  std::string out = dir.write("appended.json", "");
  auto& file = connector();
  file.save(Content::results(document_with_uuid("a")), Json{{"outfile", out}});
  file.save(Content::results(document_with_uuid("b")), Json{{"outfile", out}});
  std::stringstream lines(read_text(out));
  std::string line;
  std::vector<Json> documents;
  while (std::getline(lines, line)) documents.push_back(Json::parse(line));
  ASSERT_EQ(documents.size(), 2U);
  EXPECT_EQ(documents[1]["results"][0]["uuid"][1], "b");
}

// -T: rendered text is written as it is (compactly or not), plus a newline: in a file
// of its own, or appended to an existing -O file.
TEST_F(FileConnectorTest, SavesRenderedTextAsItIs) {
  const std::string text = "fox.txt\n    sha1  abc\n";
  Json path = connector({{"compactly", "True"}}).save(Content::text(text), Json{{"index", "hash"}});
  EXPECT_EQ(fs::path(path.get<std::string>()).parent_path(), fs::path(harness.config().results_dir) / "hash");
  EXPECT_EQ(fs::path(path.get<std::string>()).extension(), ".stoq");
  EXPECT_EQ(read_text(path.get<std::string>()), text + "\n");

  std::string out = dir.write("summaries.txt", "earlier\n");
  auto& file = connector();
  EXPECT_EQ(file.save(Content::text(text), Json{{"outfile", out}}), out);
  file.save(Content::text("second"), Json{{"outfile", out}});
  EXPECT_EQ(read_text(out), "earlier\n" + text + "\nsecond\n");
}

TEST_F(FileConnectorTest, ArchivesBySha1AndRetrievesAgain) {
  auto& file = connector();
  std::string content = "archive me";
  stoq::ByteView bytes(content);
  std::string sha1 = stoq::compute_hashes(bytes).sha1;
  Json path = file.save(Content::bytes(bytes), Json{{"archive", true}, {"sha1", sha1}});
  std::string expected = harness.config().archive_base + "/" + sha1.substr(0, 1) + "/" + sha1.substr(1, 1) + "/" +
                         sha1.substr(2, 1) + "/" + sha1.substr(3, 1) + "/" + sha1.substr(4, 1) + "/" + sha1;
  EXPECT_EQ(path, expected);
  EXPECT_EQ(read_text(expected), content);
  EXPECT_EQ(file.save(Content::bytes(bytes), Json{{"archive", true}, {"sha1", sha1}}), path);  // idempotent
  stoq::Payload again = file.get_file(Json{{"sha1", sha1}});
  EXPECT_EQ(again.bytes().as_string_view(), content);
}

// A publisher's message (-A file) names both: the archive, which workers elsewhere
// share, wins; the path is the fallback while the archive does not hold it.
TEST_F(FileConnectorTest, GetFilePrefersTheArchivedCopyOverThePath) {
  auto& file = connector();
  std::string content = "archived copy";
  std::string sha1 = stoq::compute_hashes(stoq::ByteView(content)).sha1;
  std::string local = dir.write("in/local.bin", "the local file");
  EXPECT_EQ(file.get_file(Json{{"path", local}, {"sha1", sha1}}).bytes().as_string_view(), "the local file");
  file.save(Content::bytes(stoq::ByteView(content)), Json{{"archive", true}, {"sha1", sha1}});
  EXPECT_EQ(file.get_file(Json{{"path", local}, {"sha1", sha1}}).bytes().as_string_view(), content);
  EXPECT_EQ(file.get_file(Json{{"path", "/elsewhere/gone.bin"}, {"sha1", sha1}}).bytes().as_string_view(), content);
}

TEST_F(FileConnectorTest, GetFileByPathAndRefusals) {
  auto& file = connector();
  std::string path = dir.write("in/sample.bin", std::string("\x00\x01\x02", 3));
  EXPECT_EQ(file.get_file(Json{{"path", path}}).size(), 3U);
  EXPECT_THROW(file.get_file(Json{{"sha1", "../../etc/passwd"}}), stoq::Error);
  EXPECT_THROW(file.get_file(Json{{"path", dir.path() + "/missing"}}), stoq::Error);
  EXPECT_THROW(file.get_file(Json::object()), stoq::Error);
}

TEST_F(FileConnectorTest, GetFileHonoursSourceBaseTuple) {
  std::string inside = dir.write("allowed/ok.txt", "ok");
  std::string outside = dir.write("other/no.txt", "no");
  harness.mutable_config().source_base_tuple = {dir.path() + "/allowed"};
  auto& file = connector();
  EXPECT_EQ(file.get_file(Json{{"path", inside}}).size(), 2U);
  EXPECT_THROW(file.get_file(Json{{"path", outside}}), stoq::Error);
  EXPECT_THROW(file.get_file(Json{{"path", dir.path() + "/allowed/../other/no.txt"}}), stoq::Error);
}

// --- Files never seen half-written (new_file.hpp) ----------------------------------------

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& item : fs::directory_iterator(dir)) names.push_back(item.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class PublishNewFileTest : public ::testing::TestWithParam<stoq::plugins::connector::file::Staging> {};

TEST_P(PublishNewFileTest, NamesOnlyCompleteFilesAndNeverReplacesOne) {
  using stoq::plugins::connector::file::publish_new_file;
  TempDir dir;
  auto name_for = [](int attempt) { return "doc" + (attempt == 0 ? std::string() : "-" + std::to_string(attempt)); };
  std::string first = publish_new_file(dir.path(), name_for, "first\n", 1000, GetParam());
  std::string second = publish_new_file(dir.path(), name_for, "second\n", 1000, GetParam());
  EXPECT_EQ(first, dir.path() + "/doc");
  EXPECT_EQ(second, dir.path() + "/doc-1");
  EXPECT_EQ(read_text(first), "first\n");
  EXPECT_EQ(read_text(second), "second\n");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"doc", "doc-1"})) << "no staging file is left";
  mode_t umask_now = ::umask(0);
  ::umask(umask_now);
  EXPECT_EQ(static_cast<mode_t>(fs::status(first).permissions() & fs::perms::all), 0644 & ~umask_now)
      << "O_TMPFILE files get the same mode as the others";
}

TEST_P(PublishNewFileTest, FailuresNameTheFileAndLeaveNothing) {
  using stoq::plugins::connector::file::publish_new_file;
  TempDir dir;
  auto taken = [](int) { return std::string("taken"); };
  dir.write("taken", "already here");
  try {
    publish_new_file(dir.path(), taken, "new", 3, GetParam());
    FAIL() << "every name was taken";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path() + "/taken"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_text(dir.path() + "/taken"), "already here");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"taken"});
  try {
    publish_new_file(dir.path() + "/gone", taken, "new", 3, GetParam());
    FAIL() << "the directory does not exist";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Staging, PublishNewFileTest,
                         ::testing::Values(stoq::plugins::connector::file::Staging::Unnamed,
                                           stoq::plugins::connector::file::Staging::Hidden),
                         [](const auto& param) {
                           return param.param == stoq::plugins::connector::file::Staging::Unnamed ? "Unnamed"
                                                                                                  : "Hidden";
                         });

TEST(AppendRecord, AFileNotEndingWithANewlineGetsOneFirst) {
  using stoq::plugins::connector::file::append_record;
  TempDir dir;
  std::string path = dir.write("out.jsonl", "{\"cut\": ");  // a record cut short, e.g. by kill -9
  append_record(path, "{\"a\": 1}\n");
  append_record(path, "{\"b\": 2}\n");
  EXPECT_EQ(read_text(path), "{\"cut\": \n{\"a\": 1}\n{\"b\": 2}\n");
  std::string empty = dir.write("empty.jsonl", "");
  append_record(empty, "x\n");
  EXPECT_EQ(read_text(empty), "x\n");
}

TEST(AppendRecord, AMissingFileIsAnError) {
  TempDir dir;
  EXPECT_THROW(stoq::plugins::connector::file::append_record(dir.path() + "/missing", "x\n"), stoq::Error);
  EXPECT_FALSE(fs::exists(dir.path() + "/missing"));
}

// The connector appends through append_record: two documents glued to a line without
// a newline stay two lines.
TEST_F(FileConnectorTest, AppendingAfterACutLineStartsANewLine) {
  std::string out = dir.write("appended.json", "{\"truncated\": tr");
  auto& file = connector();
  file.save(Content::results(document_with_uuid("a")), Json{{"outfile", out}});
  std::stringstream lines(read_text(out));
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "{\"truncated\": tr");
  std::getline(lines, line);
  EXPECT_EQ(Json::parse(line)["results"][0]["uuid"][1], "a");
}

// A results directory removed mid-run is made again; one that cannot be made (a file took
// its place) is a clear error per document, and nothing is written elsewhere.
TEST_F(FileConnectorTest, ResultsDirectoryRemovedMidRun) {
  auto& file = connector();
  std::string index_dir = harness.config().results_dir + "/hash";
  file.save(Content::results(document_with_uuid("before")), Json{{"index", "hash"}});
  fs::remove_all(harness.config().results_dir);
  Json path = file.save(Content::results(document_with_uuid("after")), Json{{"index", "hash"}});
  EXPECT_EQ(path, index_dir + "/after.stoq");
  EXPECT_TRUE(fs::is_regular_file(path.get<std::string>()));

  fs::remove_all(harness.config().results_dir);
  dir.write(fs::path(harness.config().results_dir).lexically_relative(dir.path()).string(), "a file now");
  try {
    file.save(Content::results(document_with_uuid("lost")), Json{{"index", "hash"}});
    FAIL() << "saved where there is no directory";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find(index_dir), std::string::npos) << e.what();
  }
}

}  // namespace
