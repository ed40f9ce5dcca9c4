// `stoq hash` on files the tests write: the results document (keys, order, hashes),
// directories, the file connector (-C file -O, -A file), --split, --flatten,
// --metadata, --tlp, --use-date, and entries that cannot be read.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ctime>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "hashes.hpp"
#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::keys_of;
using stoq_test::OJson;
using stoq_test::StoqEnv;

const std::string kFox = "The quick brown fox jumps over the lazy dog";

class HashCliTest : public ::testing::Test {
 protected:
  StoqEnv env;

  CliResult stoq(const std::vector<std::string>& args) { return stoq_test::run_stoq(env, args); }

  std::vector<OJson> documents(const CliResult& result) { return stoq_test::documents_of(result); }

  // One successful run printing exactly `count` documents.
  std::vector<OJson> run_ok(const std::vector<std::string>& args, std::size_t count) {
    CliResult result = stoq(args);
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    std::vector<OJson> docs = documents(result);
    EXPECT_EQ(docs.size(), count) << result.describe();
    return docs;
  }
};

const std::vector<std::string> kEntryKeys = {"archive", "path",        "filename",  "md5",  "sha1",
                                             "sha256",  "sha512",      "scan",      "uuid", "plugin",
                                             "size",    "source_meta", "payload_id"};
const std::vector<std::string> kRootKeys = {"results", "plugins", "date", "tlp", "payloads"};

void expect_hashes(const OJson& entry, const std::string& data) {
  stoq_test::ExpectedHashes expected = stoq_test::expected_hashes(data);
  EXPECT_EQ(entry["md5"], expected.md5);
  EXPECT_EQ(entry["sha1"], expected.sha1);
  EXPECT_EQ(entry["sha256"], expected.sha256);
  EXPECT_EQ(entry["sha512"], expected.sha512);
  EXPECT_EQ(entry["size"], data.size());
  // hash's own scan reports the same four hashes.
  EXPECT_EQ(
      entry["scan"],
      OJson(
          {{"md5", expected.md5}, {"sha1", expected.sha1}, {"sha256", expected.sha256}, {"sha512", expected.sha512}}));
}

TEST_F(HashCliTest, OneFileGivesTheOriginalDocumentShape) {
  std::string input = env.home().write("in/fox.txt", kFox);
  CliResult result = stoq({"hash", "-F", input});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  // Printed as Python's json.dumps(indent=4) would: one document, 4-space indent.
  EXPECT_EQ(result.out.rfind("{\n    \"results\": [\n        {\n            \"archive\": \"file\",\n", 0), 0U)
      << result.out;
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 1U);
  const OJson& doc = docs[0];
  EXPECT_EQ(keys_of(doc), kRootKeys);
  ASSERT_EQ(doc["results"].size(), 1U);
  const OJson& entry = doc["results"][0];
  EXPECT_EQ(keys_of(entry), kEntryKeys);
  EXPECT_EQ(entry["archive"], "file");
  EXPECT_EQ(entry["path"], input);
  EXPECT_EQ(entry["filename"], "fox.txt");
  // Known vectors for the fox, and EVP for all four.
  EXPECT_EQ(entry["md5"], "9e107d9d372bb6826bd81d3542a419d6");
  EXPECT_EQ(entry["sha1"], "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
  EXPECT_EQ(entry["sha256"], "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592");
  expect_hashes(entry, kFox);
  ASSERT_TRUE(entry["uuid"].is_array());
  ASSERT_EQ(entry["uuid"].size(), 1U);
  EXPECT_TRUE(std::regex_match(entry["uuid"][0].get<std::string>(),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << entry["uuid"];
  EXPECT_EQ(entry["plugin"], "hash");
  EXPECT_EQ(entry["source_meta"], OJson::object());
  EXPECT_EQ(entry["payload_id"], 0);
  EXPECT_EQ(doc["plugins"], OJson({{"0", "hash"}}));
  EXPECT_TRUE(std::regex_match(doc["date"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})")))
      << doc["date"];
  EXPECT_EQ(doc["tlp"], "white");
  EXPECT_EQ(doc["payloads"], 1);
  EXPECT_FALSE(doc.contains("errors"));
}

TEST_F(HashCliTest, RelativePathIsReportedAbsolute) {
  env.home().write("in/rel.txt", "relative");
  stoq_test::SpawnOptions options;
  options.env = env.env();
  options.cwd = env.home().path("in");
  CliResult result = stoq_test::run_cli(env.args({"hash", "-F", "rel.txt"}), options);
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 1U);
  EXPECT_EQ(docs[0]["results"][0]["path"], env.home().path("in/rel.txt"));
}

TEST_F(HashCliTest, HashesListChoosesWhatScanReports) {
  std::string input = env.home().write("in/fox.txt", kFox);
  std::vector<OJson> docs = run_ok({"hash", "-F", input, "--hashes-list", "sha1, ssdeep"}, 1);
  ASSERT_EQ(docs.size(), 1U);
  const OJson& scan = docs[0]["results"][0]["scan"];
  EXPECT_EQ(keys_of(scan), (std::vector<std::string>{"sha1", "ssdeep"}));
  EXPECT_EQ(scan["sha1"], "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");

  CliResult bad = stoq({"hash", "-F", input, "--hashes-list", "crc32"});
  EXPECT_NE(bad.exit_code, 0) << bad.describe();
  EXPECT_TRUE(contains(bad.err, "crc32")) << bad.describe();
  EXPECT_EQ(bad.out, "");
}

TEST_F(HashCliTest, DirectoryOfFiles) {
  std::map<std::string, std::string> files = {{"empty.bin", ""},
                                              {"fox.txt", kFox},
                                              {"one.bin", "1"},
                                              {"nul.bin", std::string("a\0b\0c", 5)},
                                              {"z.txt", "zzz\n"}};
  for (const auto& [name, content] : files) env.home().write("dir/" + name, content);
  env.home().write("dir/.hidden", "hidden files are skipped");
  env.home().write("dir/sub/nested.txt", "not recursive by default");
  std::vector<OJson> docs = run_ok({"hash", "-F", env.home().path("dir"), "-M", "2"}, files.size());
  std::set<std::string> seen;
  for (const OJson& doc : docs) {
    const OJson& entry = doc["results"][0];
    std::string name = entry["filename"];
    ASSERT_TRUE(files.count(name)) << name;
    EXPECT_TRUE(seen.insert(name).second) << name << " twice";
    EXPECT_EQ(entry["path"], env.home().path("dir/" + name));
    expect_hashes(entry, files[name]);
    EXPECT_FALSE(doc.contains("errors")) << doc.dump(2);
  }
  EXPECT_EQ(seen.size(), files.size());
}

TEST_F(HashCliTest, EmptyFileHasTheEmptyHashes) {
  std::string input = env.home().write("in/empty", "");
  std::vector<OJson> docs = run_ok({"hash", "-F", input}, 1);
  ASSERT_EQ(docs.size(), 1U);
  const OJson& entry = docs[0]["results"][0];
  EXPECT_EQ(entry["md5"], "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(entry["sha1"], "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(entry["size"], 0);
}

// A FIFO given directly: read without blocking, refused as not a regular file, and the
// refusal is an errors entry in a document that still names the path.
TEST_F(HashCliTest, UnreadableFileGivenDirectlyBecomesAnErrorsEntry) {
  std::string fifo = env.home().path("in/pipe");
  fs::create_directories(env.home().path("in"));
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  CliResult result = stoq({"hash", "-F", fifo});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_FALSE(result.timed_out);
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 1U) << result.describe();
  const OJson& doc = docs[0];
  ASSERT_TRUE(doc.contains("errors")) << doc.dump(2);
  ASSERT_EQ(doc["errors"].size(), 1U);
  EXPECT_EQ(doc["errors"][0]["plugin"], "connector:file");
  EXPECT_EQ(doc["errors"][0]["payload_id"], 0);
  EXPECT_TRUE(contains(doc["errors"][0]["error"].get<std::string>(), fifo)) << doc.dump(2);
  const OJson& entry = doc["results"][0];
  EXPECT_EQ(entry["path"], fifo);
  EXPECT_EQ(entry["filename"], "pipe");
  EXPECT_TRUE(entry["scan"].is_null());
  EXPECT_FALSE(entry.contains("sha1"));
}

// Entries of a directory that cannot be read (tests may run as root, where chmod 000
// does not stop reads): a file over max_payload_size and a symlink leaving
// source_base_tuple. Each gives an errors entry; the other files succeed.
TEST_F(HashCliTest, UnreadableEntriesInADirectoryBecomeErrorsEntries) {
  std::string dir = env.home().mkdir("dir");
  env.write_config("max_payload_size = 64\nsource_base_tuple = " + dir + "\n");
  env.home().write("dir/a.txt", "small a");
  env.home().write("dir/b.txt", "small b");
  env.home().write("dir/big.bin", std::string(100, 'x'));
  std::string outside = env.home().write("elsewhere/secret.txt", "outside the source base");
  fs::create_symlink(outside, env.home().path("dir/link.txt"));
  CliResult result = stoq({"hash", "-F", dir, "-M", "1"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 4U) << result.describe();
  std::map<std::string, OJson> by_name;
  for (const OJson& doc : docs) by_name[doc["results"][0]["filename"]] = doc;
  for (const char* good : {"a.txt", "b.txt"}) {
    ASSERT_TRUE(by_name.count(good)) << good;
    EXPECT_FALSE(by_name[good].contains("errors")) << by_name[good].dump(2);
    EXPECT_TRUE(by_name[good]["results"][0].contains("sha1"));
  }
  for (const char* bad : {"big.bin", "link.txt"}) {
    ASSERT_TRUE(by_name.count(bad)) << bad;
    const OJson& doc = by_name[bad];
    ASSERT_TRUE(doc.contains("errors")) << doc.dump(2);
    EXPECT_EQ(doc["errors"][0]["plugin"], "connector:file") << doc.dump(2);
    EXPECT_TRUE(doc["results"][0]["scan"].is_null()) << doc.dump(2);
  }
  EXPECT_TRUE(contains(by_name["big.bin"]["errors"][0]["error"].get<std::string>(), "max_payload_size"));
  EXPECT_TRUE(contains(by_name["link.txt"]["errors"][0]["error"].get<std::string>(), "source_base_tuple"));
}

// A dangling symlink and a FIFO inside a directory: the original stoQ's filedir
// (os.walk) queued every non-directory entry, so each of them produced an error, and
// the project rule is "nothing is lost silently".
TEST_F(HashCliTest, DanglingSymlinkAndFifoInADirectoryAreReported) {
  std::string dir = env.home().mkdir("dir");
  env.home().write("dir/good.txt", "good");
  fs::create_symlink(env.home().path("dir/nowhere"), env.home().path("dir/dangling"));
  ASSERT_EQ(::mkfifo(env.home().path("dir/fifo").c_str(), 0600), 0);
  CliResult result = stoq({"hash", "-F", dir, "-M", "1"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = documents(result);
  ASSERT_EQ(docs.size(), 3U) << result.describe();
  int errors = 0;
  for (const OJson& doc : docs) errors += doc.contains("errors") ? 1 : 0;
  EXPECT_EQ(errors, 2) << result.describe();
}

TEST_F(HashCliTest, FileConnectorWritesOneFilePerPayload) {
  std::map<std::string, std::string> files = {{"a.txt", "alpha"}, {"b.txt", "beta"}, {"c.txt", "gamma"}};
  for (const auto& [name, content] : files) env.home().write("in/" + name, content);
  std::string outdir = env.home().path("out");
  CliResult result = stoq({"hash", "-F", env.home().path("in"), "-C", "file", "-O", outdir});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "") << "results go to files, not stdout";
  std::vector<fs::path> written = stoq_test::files_under(fs::path(outdir) / "hash");
  ASSERT_EQ(written.size(), files.size());
  std::set<std::string> names;
  for (const fs::path& file : written) {
    EXPECT_EQ(file.parent_path(), fs::path(outdir) / "hash");
    EXPECT_EQ(file.extension(), ".stoq");
    OJson doc = OJson::parse(stoq_test::read_file(file));
    EXPECT_EQ(keys_of(doc), kRootKeys);
    const OJson& entry = doc["results"][0];
    EXPECT_EQ(file.stem().string(), entry["uuid"].back().get<std::string>()) << "named by the payload's uuid";
    names.insert(entry["filename"]);
    expect_hashes(entry, files[entry["filename"]]);
  }
  EXPECT_EQ(names.size(), files.size());
  EXPECT_TRUE(stoq_test::files_under(env.results_dir()).empty()) << "-O replaces results_dir";
}

TEST_F(HashCliTest, FileConnectorDefaultsToResultsDir) {
  std::string input = env.home().write("in/a.txt", "alpha");
  CliResult result = stoq({"hash", "-F", input, "-C", "file"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<fs::path> written = stoq_test::files_under(env.results_dir() / "hash");
  ASSERT_EQ(written.size(), 1U);
  // Indented like stdout unless the connector's compactly option is set.
  EXPECT_EQ(stoq_test::read_file(written[0]).rfind("{\n    \"results\"", 0), 0U);
}

TEST_F(HashCliTest, OutfileThatExistsGetsOneCompactLinePerDocument) {
  std::map<std::string, std::string> files = {{"a.txt", "alpha"}, {"b.txt", "beta"}, {"c.txt", "gamma"}};
  for (const auto& [name, content] : files) env.home().write("in/" + name, content);
  std::string outfile = env.home().write("out.jsonl", "");
  CliResult result = stoq({"hash", "-F", env.home().path("in"), "-C", "file", "-O", outfile});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  // Appending again keeps what is there.
  result = stoq({"hash", "-F", env.home().path("in/a.txt"), "-C", "file", "-O", outfile});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::string text = stoq_test::read_file(outfile);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4U) << text;
  EXPECT_EQ(text.back(), '\n');
  std::multiset<std::string> names;
  for (const std::string& line : lines) {
    OJson doc = OJson::parse(line);
    EXPECT_EQ(keys_of(doc), kRootKeys);
    EXPECT_EQ(line, doc.dump()) << "compact, one line";
    names.insert(doc["results"][0]["filename"]);
    expect_hashes(doc["results"][0], files[doc["results"][0]["filename"]]);
  }
  EXPECT_EQ(names, (std::multiset<std::string>{"a.txt", "a.txt", "b.txt", "c.txt"}));
}

TEST_F(HashCliTest, ArchiveStoresThePayloadBySha1) {
  std::string input = env.home().write("in/fox.txt", kFox);
  std::vector<OJson> docs = run_ok({"hash", "-F", input, "-A", "file"}, 1);
  ASSERT_EQ(docs.size(), 1U);
  const OJson& entry = docs[0]["results"][0];
  EXPECT_EQ(keys_of(entry), (std::vector<std::string>{"archive", "path", "filename", "md5", "sha1", "sha256", "sha512",
                                                      "ssdeep", "content-type", "conn_id", "scan", "uuid", "plugin",
                                                      "size", "source_meta", "payload_id"}));
  std::string sha1 = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12";
  fs::path archived = env.archive_base() / "2" / "f" / "d" / "4" / "e" / sha1;
  EXPECT_EQ(entry["conn_id"], archived.string());
  EXPECT_EQ(stoq_test::read_file(archived), kFox);
  EXPECT_EQ(entry["content-type"], "text/plain");
  EXPECT_TRUE(std::regex_match(entry["ssdeep"].get<std::string>(), std::regex(R"(\d+:[^:]+:[^:]+)")))
      << entry["ssdeep"];
  // Archiving twice is content-addressed: same place, one file.
  std::string copy = env.home().write("in/copy.txt", kFox);
  docs = run_ok({"hash", "-F", copy, "-A", "file"}, 1);
  ASSERT_EQ(docs.size(), 1U);
  EXPECT_EQ(docs[0]["results"][0]["conn_id"], archived.string());
  EXPECT_EQ(stoq_test::files_under(env.archive_base()).size(), 1U);
}

TEST_F(HashCliTest, SplitSavesEachEntryAsItsOwnDocument) {
  std::string input = env.home().write("in/fox.txt", kFox);
  std::vector<OJson> docs = run_ok({"hash", "-F", input, "--split"}, 1);
  ASSERT_EQ(docs.size(), 1U);
  std::vector<std::string> keys = kEntryKeys;
  for (const char* key : {"date", "payloads", "plugins", "tlp"}) keys.push_back(key);
  EXPECT_EQ(keys_of(docs[0]), keys);
  EXPECT_EQ(docs[0]["sha1"], "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
  EXPECT_EQ(docs[0]["plugins"], OJson({{"0", "hash"}}));
  EXPECT_EQ(docs[0]["payloads"], 1);
  docs = run_ok({"hash", "-F", input, "-S"}, 1);
  ASSERT_EQ(docs.size(), 1U);
  EXPECT_FALSE(docs[0].contains("results"));
}

TEST_F(HashCliTest, FlattenWithDelimiter) {
  std::string input = env.home().write("in/fox.txt", kFox);
  std::vector<OJson> docs = run_ok({"hash", "-F", input, "--flatten", "--delimiter", "."}, 1);
  ASSERT_EQ(docs.size(), 1U);
  const OJson& flat = docs[0];
  for (const auto& item : flat.items()) {
    EXPECT_FALSE(item.value().is_object() && !item.value().empty()) << item.key() << " is still nested";
  }
  EXPECT_EQ(flat["results.0.sha1"], "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
  EXPECT_EQ(flat["results.0.scan.md5"], "9e107d9d372bb6826bd81d3542a419d6");
  EXPECT_EQ(flat["results.0.filename"], "fox.txt");
  EXPECT_TRUE(flat["results.0.uuid"].is_array()) << "lists of scalars are kept";
  EXPECT_EQ(flat["plugins.0"], "hash");
  EXPECT_EQ(flat["tlp"], "white");
  EXPECT_EQ(flat["payloads"], 1);
  EXPECT_EQ(keys_of(flat).front(), "results.0.archive");  // document order is kept

  docs = run_ok({"hash", "-F", input, "--flatten"}, 1);
  ASSERT_EQ(docs.size(), 1U);
  EXPECT_EQ(docs[0]["results:0:scan:sha1"], "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12") << "default delimiter ':'";
}

TEST_F(HashCliTest, MetadataGoesToSourceMeta) {
  std::string input = env.home().write("in/fox.txt", kFox);
  std::vector<OJson> docs =
      run_ok({"hash", "-F", input, "--metadata", "case:1234", "analyst:jo", "url:http://example.com/x", "case:dup"}, 1);
  ASSERT_EQ(docs.size(), 1U);
  const OJson& meta = docs[0]["results"][0]["source_meta"];
  EXPECT_EQ(meta["case"], "1234") << "the first of duplicate keys wins";
  EXPECT_EQ(meta["analyst"], "jo");
  EXPECT_EQ(meta["url"], "http://example.com/x") << "split at the first colon only";
  EXPECT_EQ(meta.size(), 3U) << meta.dump();
  // Keys that are promoted to the entry do not stay in source_meta.
  docs = run_ok({"hash", "-F", input, "--metadata", "filename:other.txt"}, 1);
  ASSERT_EQ(docs.size(), 1U);
  EXPECT_EQ(docs[0]["results"][0]["filename"], "fox.txt");
  EXPECT_FALSE(docs[0]["results"][0]["source_meta"].contains("filename"));
}

TEST_F(HashCliTest, TlpIsRecorded) {
  std::string input = env.home().write("in/fox.txt", kFox);
  std::vector<OJson> docs = run_ok({"hash", "-F", input, "--tlp", "red"}, 1);
  ASSERT_EQ(docs.size(), 1U);
  EXPECT_EQ(docs[0]["tlp"], "red");
  env.write_config("default_tlp = amber\n");
  docs = run_ok({"hash", "-F", input}, 1);
  ASSERT_EQ(docs.size(), 1U);
  EXPECT_EQ(docs[0]["tlp"], "amber") << "default_tlp from stoq.cfg";
}

std::string today(const char* format) {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[64];
  std::strftime(text, sizeof(text), format, &local);
  return text;
}

TEST_F(HashCliTest, UseDateAddsTheDateToTheResultsPath) {
  std::string input = env.home().write("in/fox.txt", kFox);
  std::string before = today("%Y/%m/%d");
  CliResult result = stoq({"hash", "-F", input, "-C", "file", "--use-date"});
  std::string after = today("%Y/%m/%d");
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<fs::path> written = stoq_test::files_under(env.results_dir());
  ASSERT_EQ(written.size(), 1U);
  fs::path dir = written[0].parent_path();
  EXPECT_TRUE(dir == env.results_dir() / "hash" / before || dir == env.results_dir() / "hash" / after) << dir;
}

TEST_F(HashCliTest, RateLimitSpacesPayloads) {
  for (int i = 0; i < 3; ++i) env.home().write("in/f" + std::to_string(i), "payload " + std::to_string(i));
  auto start = stoq_test::Clock::now();
  std::vector<OJson> docs = run_ok({"hash", "-F", env.home().path("in"), "--rate-limit", "5/1"}, 3);
  auto elapsed = stoq_test::Clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(380)) << "3 payloads at 5/s are at least 2 x 200 ms apart";
}

// A connector that cannot archive is refused before the first payload, not once per payload.
TEST_F(HashCliTest, ArchiveConnectorThatCannotArchiveIsRefusedBeforeTheRun) {
  std::string input = env.home().write("in/fox.txt", kFox);
  CliResult result = stoq({"hash", "-F", input, "-A", "stdout"});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
  EXPECT_TRUE(contains(result.err, "-A stdout: stdout cannot archive payloads")) << result.describe();
}

TEST_F(HashCliTest, EmptyDirectoryPrintsNothing) {
  CliResult result = stoq({"hash", "-F", env.home().mkdir("empty")});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
}

// More files than max_queue: the source blocks on the full queue and every file is
// still processed exactly once.
TEST_F(HashCliTest, MoreFilesThanTheQueueHolds) {
  env.write_config("max_queue = 3\n");
  constexpr int kFiles = 200;
  for (int i = 0; i < kFiles; ++i) env.home().write("in/f" + std::to_string(1000 + i), "file " + std::to_string(i));
  std::vector<OJson> docs = run_ok({"hash", "-F", env.home().path("in"), "-M", "2", "--split"}, kFiles);
  std::set<std::string> names;
  for (const OJson& doc : docs) names.insert(doc["filename"]);
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kFiles));
}

TEST_F(HashCliTest, FailedSaveIsLoggedWithThePath) {
  std::string input = env.home().write("in/fox.txt", kFox);
  // -O is a writable folder (checked before the run), but its index folder (out/hash) is a file.
  std::string blocker = env.home().write("out/hash", "a file where a directory should be");
  CliResult result = stoq({"hash", "-F", input, "-C", "file", "-O", env.home().path("out")});
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
  EXPECT_TRUE(contains(result.err, "connector file failed to save the results of " + input)) << result.describe();
  EXPECT_TRUE(contains(result.err, blocker)) << result.describe();
}

// --plugin-opt name:option=value and stoq.cfg [name] sections reach any plugin.
TEST_F(HashCliTest, PluginOptionOverrides) {
  env.home().write("tree/top.txt", "top");
  env.home().write("tree/a/b/deep.txt", "deep");
  std::vector<OJson> docs = run_ok(
      {"hash", "-F", env.home().path("tree"), "--plugin-opt", "filedir:recursive=true", "hash:hashes_list=md5"}, 2);
  std::set<std::string> names;
  for (const OJson& doc : docs) {
    names.insert(doc["results"][0]["filename"]);
    EXPECT_EQ(keys_of(doc["results"][0]["scan"]), std::vector<std::string>{"md5"});
  }
  EXPECT_EQ(names, (std::set<std::string>{"top.txt", "deep.txt"}));

  std::string outdir = env.home().path("out");
  env.write_config("[file]\ncompactly = True\n");
  CliResult result = stoq({"hash", "-F", env.home().path("tree/top.txt"), "-C", "file", "-O", outdir});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<fs::path> written = stoq_test::files_under(fs::path(outdir) / "hash");
  ASSERT_EQ(written.size(), 1U);
  std::string text = stoq_test::read_file(written[0]);
  EXPECT_EQ(text, OJson::parse(text).dump() + "\n") << "compactly from the [file] section of stoq.cfg";

  for (const std::vector<std::string>& bad : {std::vector<std::string>{"--plugin-opt", "nosuchplugin:x=1"},
                                              std::vector<std::string>{"--plugin-opt", "stdout:bogus=1"},
                                              std::vector<std::string>{"--plugin-opt", "filedir:recursive=maybe"},
                                              std::vector<std::string>{"--plugin-opt", "no-colon"}}) {
    std::vector<std::string> args = {"hash", "-F", env.home().path("tree")};
    args.insert(args.end(), bad.begin(), bad.end());
    CliResult failed = stoq(args);
    EXPECT_NE(failed.exit_code, 0) << bad[1] << "\n" << failed.describe();
    EXPECT_EQ(failed.out, "") << failed.describe();
    EXPECT_EQ(failed.err_lines().size(), 1U) << failed.describe();
  }
}

}  // namespace
