// Real files: the strelka fixtures of the shared corpus (skipped when absent), and a
// generated set of the same kinds of file so a fresh clone runs the same checks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "hashes.hpp"
#include "run_cli.hpp"
#include "stoq/testing.hpp"

namespace {

namespace fs = std::filesystem;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::OJson;
using stoq_test::StoqEnv;

const fs::path kStrelka = fs::path(STOQ_SHARED_DIR) / "corpus" / "strelka-fixtures";

// A path as results report it: invalid UTF-8 replaced by U+FFFD.
std::string as_reported(const std::string& path) {
  return OJson::parse(OJson(path).dump(-1, ' ', false, OJson::error_handler_t::replace)).get<std::string>();
}

// The top-level, non-hidden regular files of `dir` (what filedir queues), by path as reported.
std::map<std::string, std::string> regular_files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& item : fs::directory_iterator(dir)) {
    if (item.path().filename().string().starts_with('.')) continue;
    if (item.is_regular_file()) files[as_reported(item.path().string())] = stoq_test::read_file(item.path());
  }
  return files;
}

// Runs hash over `dir` and checks one document per file, hashes from EVP, no errors.
void check_folder(const StoqEnv& env, const fs::path& dir, const std::vector<std::string>& extra = {}) {
  std::map<std::string, std::string> files = regular_files(dir);
  ASSERT_FALSE(files.empty());
  std::vector<std::string> args = {"hash", "-F", dir.string(), "-M", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  CliResult result = stoq_test::run_stoq(env, args, std::chrono::seconds(120));
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = stoq_test::parse_json_stream(result.out);
  ASSERT_EQ(docs.size(), files.size()) << result.describe();
  std::set<std::string> seen;
  for (const OJson& doc : docs) {
    EXPECT_FALSE(doc.contains("errors")) << doc.dump(2);
    const OJson& entry = doc["results"][0];
    std::string path = entry["path"];
    ASSERT_TRUE(files.count(path)) << path;
    EXPECT_TRUE(seen.insert(path).second) << path << " twice";
    const std::string& data = files[path];
    stoq_test::ExpectedHashes expected = stoq_test::expected_hashes(data);
    EXPECT_EQ(entry["md5"], expected.md5) << path;
    EXPECT_EQ(entry["sha1"], expected.sha1) << path;
    EXPECT_EQ(entry["sha256"], expected.sha256) << path;
    EXPECT_EQ(entry["sha512"], expected.sha512) << path;
    EXPECT_EQ(entry["size"], data.size()) << path;
    EXPECT_EQ(entry["scan"]["sha1"], expected.sha1) << path;
  }
}

class StrelkaFixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_regular_file(kStrelka / "test.exe")) {
      STOQ_MISSING("shared corpus not found at " << kStrelka << " (optional; generated fixtures cover the same)");
    }
  }
  StoqEnv env;
};

TEST_F(StrelkaFixtures, TestExe) {
  CliResult result = stoq_test::run_stoq(env, {"hash", "-F", (kStrelka / "test.exe").string()});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = stoq_test::parse_json_stream(result.out);
  ASSERT_EQ(docs.size(), 1U);
  const OJson& entry = docs[0]["results"][0];
  // Matches stoq-1.0.2-output-example.json for the same file.
  EXPECT_EQ(entry["sha1"], "67198a3ca72c49fb263f4a9749b4b79c50510155");
  EXPECT_EQ(entry["md5"], "f58ebb5ce3e07a9dfc6dcca556b58291");
  EXPECT_EQ(entry["sha256"], "f2f667e330da9f190eda77c74781963a0495c3953a653747fe475b99421efdda");
  EXPECT_EQ(entry["size"], 4096);
  EXPECT_EQ(entry["filename"], "test.exe");
}

TEST_F(StrelkaFixtures, TestExeArchived) {
  CliResult result = stoq_test::run_stoq(env, {"hash", "-F", (kStrelka / "test.exe").string(), "-A", "file"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> docs = stoq_test::parse_json_stream(result.out);
  ASSERT_EQ(docs.size(), 1U);
  const OJson& entry = docs[0]["results"][0];
  // libmagic names PE files differently across versions.
  EXPECT_TRUE(entry["content-type"] == "application/x-dosexec" ||
              entry["content-type"] == "application/vnd.microsoft.portable-executable")
      << entry["content-type"];
  fs::path archived = env.archive_base() / "6" / "7" / "1" / "9" / "8" / "67198a3ca72c49fb263f4a9749b4b79c50510155";
  EXPECT_EQ(entry["conn_id"], archived.string());
  EXPECT_EQ(stoq_test::read_file(archived), stoq_test::read_file(kStrelka / "test.exe"));
}

TEST_F(StrelkaFixtures, WholeFolder) { check_folder(env, kStrelka); }

TEST_F(StrelkaFixtures, WholeFolderArchivedToFiles) {
  std::string outdir = env.home().path("out");
  std::map<std::string, std::string> files = regular_files(kStrelka);
  CliResult result =
      stoq_test::run_stoq(env, {"hash", "-F", kStrelka.string(), "-M", "2", "-A", "file", "-C", "file", "-O", outdir},
                          std::chrono::seconds(120));
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(stoq_test::files_under(fs::path(outdir) / "hash").size(), files.size());
  std::set<std::string> sha1s;
  for (const auto& [path, data] : files) sha1s.insert(stoq_test::digest_hex(EVP_sha1(), data));
  EXPECT_EQ(stoq_test::files_under(env.archive_base()).size(), sha1s.size());
}

// --- Generated fixtures: the same checks without the shared corpus ---------------------

// A 4096-byte file shaped like test.exe: MZ header, DOS stub text, PE header offset.
std::string fake_pe() {
  std::string data(4096, '\0');
  data[0] = 'M';
  data[1] = 'Z';
  data[0x3c] = static_cast<char>(0x80);
  std::string stub = "This program cannot be run in DOS mode.\r\r\n$";
  data.replace(0x4e, stub.size(), stub);
  data.replace(0x80, 4, std::string("PE\0\0", 4));
  return data;
}

// A stored (uncompressed) zip with one member, written byte by byte.
std::string handmade_zip() {
  auto le16 = [](unsigned v) { return std::string{static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff)}; };
  auto le32 = [&](unsigned long v) { return le16(v & 0xffff) + le16((v >> 16) & 0xffff); };
  std::string name = "hello.txt";
  std::string content = "hello, zip\n";
  unsigned long crc = 0xffffffffUL;
  for (unsigned char c : content) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320UL & (0UL - (crc & 1)));
  }
  crc ^= 0xffffffffUL;
  std::string local = "PK\x03\x04" + le16(10) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(crc) +
                      le32(content.size()) + le32(content.size()) + le16(name.size()) + le16(0) + name + content;
  std::string central = "PK\x01\x02" + le16(20) + le16(10) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(crc) +
                        le32(content.size()) + le32(content.size()) + le16(name.size()) + le16(0) + le16(0) + le16(0) +
                        le16(0) + le32(0) + le32(0) + name;
  std::string end =
      "PK\x05\x06" + le16(0) + le16(0) + le16(1) + le16(1) + le32(central.size()) + le32(local.size()) + le16(0);
  return local + central + end;
}

class GeneratedFixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = env.home().mkdir("fixtures");
    env.home().write("fixtures/test.exe", fake_pe());
    env.home().write("fixtures/test.empty", "");
    env.home().write("fixtures/test.txt", "Lorem ipsum dolor sit amet.\n");
    env.home().write("fixtures/test.json", R"({"key": ["value", 1, true]})");
    std::string all_bytes;
    for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
    env.home().write("fixtures/test.bin", all_bytes);
    // Large enough for the memory-mapped read path (>= 256 KiB).
    std::string large(300 * 1024, '\0');
    for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>((i * 7919) % 251);
    env.home().write("fixtures/test.large", large);
    // Names that must be escaped (quote, newline) or are not UTF-8 (latin-1 e-acute).
    env.home().write("fixtures/we\"ird\nname.txt", "weird name");
    env.home().write("fixtures/caf\xe9.txt", "latin-1 file name");
    // A zip made by `zip` when it is installed, else by hand.
    std::string zip_path = env.home().path("fixtures/test.zip");
    std::string member = env.home().write("zip-src/hello.txt", "hello, zip\n");
    std::string command = "cd '" + env.home().path("zip-src") + "' && zip -q -X '" + zip_path + "' hello.txt";
    if (std::system("command -v zip >/dev/null 2>&1") != 0 || std::system(command.c_str()) != 0 ||
        !fs::exists(zip_path)) {
      env.home().write("fixtures/test.zip", handmade_zip());
    }
  }
  StoqEnv env;
  std::string dir;
};

TEST_F(GeneratedFixtures, WholeFolder) { check_folder(env, dir); }

TEST_F(GeneratedFixtures, OddFileNamesStayValidJson) {
  CliResult result = stoq_test::run_stoq(env, {"hash", "-F", dir, "-M", "1"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::set<std::string> names;
  for (const OJson& doc : stoq_test::parse_json_stream(result.out)) names.insert(doc["results"][0]["filename"]);
  EXPECT_TRUE(names.count("we\"ird\nname.txt")) << "quote and newline escaped, then parsed back";
  EXPECT_TRUE(names.count("caf\xef\xbf\xbd.txt")) << "invalid UTF-8 replaced with U+FFFD";
}

TEST_F(GeneratedFixtures, ContentTypesWhenArchived) {
  CliResult result = stoq_test::run_stoq(env, {"hash", "-F", dir, "-A", "file"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::map<std::string, std::string> types;
  for (const OJson& doc : stoq_test::parse_json_stream(result.out)) {
    const OJson& entry = doc["results"][0];
    types[entry["filename"]] = entry["content-type"];
    EXPECT_TRUE(fs::exists(entry["conn_id"].get<std::string>())) << entry.dump(2);
  }
  EXPECT_EQ(types["test.zip"], "application/zip");
  EXPECT_EQ(types["test.txt"], "text/plain");
  EXPECT_EQ(types["test.json"], "application/json");
  EXPECT_EQ(types["test.empty"], "application/x-empty");
  EXPECT_EQ(types.size(), regular_files(dir).size());
}

}  // namespace
