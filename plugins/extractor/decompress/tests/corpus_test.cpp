// The strelka fixtures (real files), checked against 7-Zip (7zz) as the oracle: 7zz
// extracts each fixture into a folder and every file it produces must come out of the
// plugin with the same name and sha256. Members 7zz or libarchive cannot decrypt must
// be listed as encrypted, with an empty payload.
#include <sys/resource.h>

#include "support.hpp"

namespace decompress_test {
namespace {

const std::string kPasswords = STOQ_SHARED_DIR "/corpus/passwords.txt";

/// The oracle's extraction of `archive` (with `password`): relative path -> sha256.
/// 7zz by default; `ar x` for .deb (7zz unpacks a .deb's data.tar itself), unar for
/// RAR (Debian's 7zz has no RAR codec). 7zz's xar pseudo-file "[TOC].xml" is dropped.
std::map<std::string, std::string> oracle(const std::string& archive, const std::string& password) {
  stoq::testing::TempDir out;
  std::string extension = fs::path(archive).extension().string();
  if (extension == ".deb") {
    run("cd " + quote(out.path()) + " && ar x " + quote(archive));
  } else if (extension == ".rar") {
    run("unar -q -D -f -p " + quote(password) + " -o " + quote(out.path()) + " " + quote(archive) + " >/dev/null 2>&1");
  } else {
    run("7zz x -bd -y -p" + quote(password) + " -o" + quote(out.path()) + " " + quote(archive) + " >/dev/null 2>&1");
  }
  auto hashes = tree_hashes(out.path());
  hashes.erase("[TOC].xml");
  return hashes;
}

/// 7zz's listing of regular files (`7zz l -slt`): Path of each entry with Folder = -.
std::vector<std::string> oracle_listing(const std::string& archive) {
  std::vector<std::string> files;
  std::istringstream lines(must_run("7zz l -slt -ba " + quote(archive)));
  std::string line;
  std::string path;
  while (std::getline(lines, line)) {
    if (line.rfind("Path = ", 0) == 0) path = line.substr(7);
    if (line == "Folder = -") files.push_back(path);
  }
  std::sort(files.begin(), files.end());
  return files;
}

class CorpusArchive : public ::testing::TestWithParam<const char*> {};

TEST_P(CorpusArchive, MatchesSevenZip) {
  std::string path = std::string(STOQ_SHARED_DIR "/corpus/strelka-fixtures/") + GetParam();
  STOQ_NEED_PATH(path);
  STOQ_NEED_TOOL("7zz");
  if (fs::path(path).extension() == ".rar") STOQ_NEED_TOOL("unar");
  Outcome outcome = extract_file(path, {{"password_file", kPasswords}});
  ASSERT_EQ(outcome.error, "");
  std::map<std::string, std::string> expected = oracle(path, "password");
  ASSERT_FALSE(expected.empty());
  // Single streams: 7zz names the child after the file; compare the bytes only.
  if (expected.size() == 1 && outcome.children.size() == 1) {
    EXPECT_EQ(outcome.children[0].sha256, expected.begin()->second);
    return;
  }
  EXPECT_EQ(child_hashes(outcome), expected);
}

INSTANTIATE_TEST_SUITE_P(Strelka, CorpusArchive,
                         ::testing::Values("test.zip", "test.7z", "test.rar", "test.tar", "test.gz", "test.bz2",
                                           "test.xz", "test.cpio", "test.deb", "test.iso", "test.xar", "test_lzx.cab",
                                           "test_zip.cab", "test_empty.zip", "test_aes256_password.zip",
                                           "test_zip_password.zip"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST(CorpusArchive, TestZipListsFourMembersLikeSevenZip) {
  std::string path = FIXTURE("test.zip");
  STOQ_NEED_PATH(path);
  STOQ_NEED_TOOL("7zz");
  Outcome outcome = extract_file(path);
  std::vector<std::string> names;
  for (const Child& child : outcome.children) names.push_back(child.meta["filename"].get<std::string>());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names.size(), 4U);
  EXPECT_EQ(names, oracle_listing(path));
  for (const Child& child : outcome.children) {
    EXPECT_EQ(child.meta["size"], 4015);
    EXPECT_TRUE(child.meta.contains("compressed_size"));
    EXPECT_EQ(child.meta["mtime"].get<std::string>().size(), 20U) << child.meta.dump();  // 2022-12-11T10:00:00Z
  }
}

TEST(CorpusArchive, SevenZipPasswordMembersAreListedAsEncrypted) {
  std::string path = FIXTURE("test_password.7z");
  STOQ_NEED_PATH(path);
  Outcome outcome = extract_file(path);
  ASSERT_EQ(outcome.error, "");
  ASSERT_EQ(outcome.children.size(), 4U);
  for (const Child& child : outcome.children) {
    EXPECT_EQ(child.meta["encrypted"], true) << child.meta.dump();
    EXPECT_TRUE(child.meta.contains("error"));
    EXPECT_TRUE(child.bytes.empty());
  }
}

TEST(CorpusArchive, MixedCryptoZipOpensWhatThePasswordsOpen) {
  std::string path = FIXTURE("test_mixedcrypto.zip");
  STOQ_NEED_PATH(path);
  STOQ_NEED_TOOL("7zz");
  Outcome outcome = extract_file(path);
  ASSERT_EQ(outcome.error, "");
  std::map<std::string, std::string> expected = oracle(path, "password");
  ASSERT_EQ(outcome.children.size(), 4U);
  for (const Child& child : outcome.children) {
    std::string name = child.meta["filename"];
    if (name == "test_zipcrypto_badpw.txt") {
      EXPECT_EQ(child.meta["encrypted"], true);
      EXPECT_EQ(child.meta["error"], "no password in password_list opens it");
      EXPECT_TRUE(child.bytes.empty());
    } else {
      EXPECT_EQ(child.sha256, expected[name]) << name;
    }
  }
}

TEST(CorpusArchive, EncryptedZipWithoutItsPasswordIsListed) {
  std::string path = FIXTURE("test_aes256_password.zip");
  STOQ_NEED_PATH(path);
  Outcome outcome = extract_file(path, {{"password_list", "-, infected"}});
  ASSERT_EQ(outcome.children.size(), 4U);
  for (const Child& child : outcome.children) {
    EXPECT_EQ(child.meta["encrypted"], true);
    EXPECT_EQ(child.meta["error"], "no password in password_list opens it");
  }
  // The message (e.g. a YARA rule's meta) can bring the password.
  Outcome opened = extract_file(path, {{"password_list", "-, infected"}}, Json{{"password", "password"}});
  for (const Child& child : opened.children) EXPECT_FALSE(child.meta.contains("error")) << child.meta.dump();
}

// test_big.zip and test_big.rar hold a 512,000,000-byte member: it streams through
// the ChildWriter (spilled to disk past 1 MiB) and peak RSS grows by far less.
TEST(CorpusArchive, BigMembersStreamWithinBoundedMemory) {
  STOQ_SKIP_RSS_CHECK_UNDER_ASAN();
  std::string zip = FIXTURE("test_big.zip");
  std::string rar = FIXTURE("test_big.rar");
  STOQ_NEED_PATH(zip);
  STOQ_NEED_TOOL("7zz");
  std::string expected = must_run("7zz x -so " + quote(zip) + " 2>/dev/null | sha256sum").substr(0, 64);
  for (const std::string& path : {zip, rar}) {
    rusage before{};
    getrusage(RUSAGE_SELF, &before);
    stoq::testing::TempDir work;
    stoq::testing::PluginHarness harness(work.path());
    harness.set_child_memory_limit(1 << 20);
    auto& plugin = harness.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "decompress");
    auto children = plugin.extract(stoq::read_file_payload(path, 1 << 30), Json::object());
    ASSERT_EQ(children.size(), 1U) << path;
    EXPECT_EQ(children[0].payload.size(), 512000000U);
    EXPECT_EQ(children[0].payload.hashes().sha256, expected) << path;
    EXPECT_EQ(children[0].meta["filename"], "test_big.zero");
    rusage after{};
    getrusage(RUSAGE_SELF, &after);
    EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 64L << 10) << "KiB of peak RSS growth for " << path;
  }
}

// Archives whose headers are encrypted: libarchive cannot list them; an error, no crash.
TEST(CorpusArchive, EncryptedHeadersAreAnError) {
  for (const char* name : {"test_password_encrypted_headers.rar", "test_password_filenames.7z"}) {
    std::string path = std::string(STOQ_SHARED_DIR "/corpus/strelka-fixtures/") + name;
    STOQ_NEED_PATH(path);
    Outcome outcome = extract_file(path);
    EXPECT_TRUE(outcome.children.empty()) << name;
    EXPECT_FALSE(outcome.error.empty()) << name;
  }
}

// RAR5 with encrypted data: libarchive 3.6 neither flags nor reads such members, and
// its error is fatal: the member is listed with that error and no bytes, and the
// extraction ends there (noted as "stopped").
TEST(CorpusArchive, EncryptedRar5MemberEndsTheExtractionCleanly) {
  for (const char* name : {"test_password.rar", "test_mixed.rar"}) {
    std::string path = std::string(STOQ_SHARED_DIR "/corpus/strelka-fixtures/") + name;
    STOQ_NEED_PATH(path);
    Outcome outcome = extract_file(path);
    ASSERT_EQ(outcome.error, "") << name;
    ASSERT_FALSE(outcome.children.empty()) << name;
    const Child& last = outcome.children.back();
    EXPECT_TRUE(last.meta.contains("error")) << last.meta.dump();
    EXPECT_TRUE(last.bytes.empty()) << name;
  }
}

// The original stoQ decompress.stoq, unchanged, beside the built module.
TEST(CorpusArchive, LoadsTheOriginalStoqFile) {
  std::string original = STOQ_SHARED_DIR "/corpus/stoq-configs/extractor/decompress.stoq";
  STOQ_NEED_PATH(original);
  stoq::testing::TempDir plugins;
  std::string folder = plugins.mkdir("extractor/decompress");
  fs::copy_file(std::string(STOQ_PLUGIN_DIR) + "/extractor/decompress/decompress.so", folder + "/decompress.so");
  fs::copy_file(original, folder + "/decompress.stoq");
  stoq::testing::TempDir work;
  stoq::testing::PluginHarness harness(work.path());
  auto& plugin = harness.activate<stoq::Extractor>(plugins.path(), "decompress");
  EXPECT_EQ(plugin.options().get_list("password_list"), (std::vector<std::string>{"-", "infected", "password"}));
  EXPECT_EQ(plugin.options().get_int("maximum_size"), 50000000);
  std::string path = FIXTURE("test_aes256_password.zip");
  if (fs::exists(path)) {
    auto children = plugin.extract(stoq::read_file_payload(path, 1 << 30), Json::object());
    EXPECT_EQ(children.size(), 4U);
    for (const auto& child : children) EXPECT_FALSE(child.meta.contains("error")) << child.meta.dump();
  }
  // maximum_size keeps its meaning: bigger payloads are refused.
  const std::string too_big(50000001, 'x');  // NOLINT(bugprone-string-constructor): one byte above the limit
  EXPECT_THROW(plugin.extract(stoq::testing::payload_of(too_big), Json::object()), std::exception);
}

}  // namespace
}  // namespace decompress_test
