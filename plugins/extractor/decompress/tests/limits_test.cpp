// Limits, hostile archives, passwords and the libmspack formats, on fixtures the test
// writes itself (python3's zipfile/tarfile/zlib, zip, 7zz, tar, or bytes by hand).
#include <sys/resource.h>

#include <chrono>

#include "support.hpp"

namespace decompress_test {
namespace {

using stoq::testing::PluginHarness;

/// A zip of `members` local members, each `megabytes` MiB of zeros deflated, whose
/// central directory lists every member `copies` times (copies > 1: overlapping entries,
/// all pointing at the same local data). python3 writes it with struct + zlib.
std::string zero_zip(const stoq::testing::TempDir& dir, int members, int copies, int megabytes) {
  std::string script = R"(
import struct, sys, zlib
members, copies, size, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) << 20, sys.argv[4]
c = zlib.compressobj(9, zlib.DEFLATED, -15); data = c.compress(bytes(size)) + c.flush()
crc = zlib.crc32(bytes(size))
body, central, count = b'', b'', 0
for m in range(members):
    offset = len(body)
    body += struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 8, 0, 0, crc, len(data), size, 4, 0) + b'zero' + data
    for i in range(copies):
        name = ('zero%d.%d.bin' % (m, i)).encode()
        central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 8, 0, 0, crc, len(data), size,
                               len(name), 0, 0, 0, 0, 0, offset) + name
        count += 1
end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, count, count, len(central), len(body), 0)
open(out, 'wb').write(body + central + end)
)";
  write_bytes(dir.path("zeros.py"), script);
  std::string out = dir.path("zeros.zip");
  must_run("python3 " + quote(dir.path("zeros.py")) + " " + std::to_string(members) + " " + std::to_string(copies) +
           " " + std::to_string(megabytes) + " " + quote(out));
  return out;
}

// 1000 central-directory entries over one local member: libarchive's seekable zip
// reader keys entries by local-header offset, so the data comes out once.
TEST(Limits, OverlappingZipBombYieldsItsDataOnce) {
  STOQ_NEED_TOOL("python3");
  stoq::testing::TempDir dir;
  std::string bomb = zero_zip(dir, 1, 1000, 4);
  Outcome outcome = extract(stoq::read_file_payload(bomb, 1 << 30));
  ASSERT_EQ(outcome.error, "");
  ASSERT_EQ(outcome.children.size(), 1U);
  EXPECT_EQ(outcome.children[0].size, 4U << 20);
}

TEST(Limits, ManyMembersStopAtMaxTotalBytes) {
  STOQ_NEED_TOOL("python3");
  stoq::testing::TempDir dir;
  std::string zip = zero_zip(dir, 20, 1, 4);
  Outcome outcome = extract(stoq::read_file_payload(zip, 1 << 30), {}, Json::object(),
                            [](PluginHarness& h) { h.mutable_limits().max_total_bytes = 10ULL << 20; });
  ASSERT_EQ(outcome.error, "");
  std::uint64_t total = 0;
  for (const Child& child : outcome.children) total += child.size;
  EXPECT_EQ(total, 10ULL << 20);
  ASSERT_EQ(outcome.children.size(), 3U);
  EXPECT_EQ(outcome.children.back().meta["error"], "max_total_bytes reached");
  EXPECT_EQ(outcome.children.back().meta["truncated"], true);
}

TEST(Limits, ManyMembersStopAtMaxChildren) {
  STOQ_NEED_TOOL("python3");
  stoq::testing::TempDir dir;
  std::string zip = zero_zip(dir, 30, 1, 0);
  Outcome outcome = extract(stoq::read_file_payload(zip, 1 << 30), {}, Json::object(),
                            [](PluginHarness& h) { h.mutable_limits().max_children = 10; });
  ASSERT_EQ(outcome.children.size(), 10U);
  EXPECT_NE(outcome.children.back().meta.value("stopped", "").find("max_children"), std::string::npos);
}

TEST(Limits, CompressionRatioStopsAMember) {
  STOQ_NEED_TOOL("python3");
  stoq::testing::TempDir dir;
  std::string zip = zero_zip(dir, 2, 1, 16);
  Outcome outcome = extract(stoq::read_file_payload(zip, 1 << 30), {}, Json::object(),
                            [](PluginHarness& h) { h.mutable_limits().max_ratio = 100; });
  ASSERT_EQ(outcome.children.size(), 2U);
  for (const Child& child : outcome.children) {
    EXPECT_EQ(child.meta["error"], "compression ratio limit");
    EXPECT_EQ(child.meta["truncated"], true);
    EXPECT_LT(child.size, 16U << 20);
  }
}

TEST(Limits, MaxChildSizeTruncatesAMember) {
  STOQ_NEED_TOOL("python3");
  stoq::testing::TempDir dir;
  std::string bomb = zero_zip(dir, 1, 1, 3);
  Outcome outcome = extract(stoq::read_file_payload(bomb, 1 << 30), {}, Json::object(),
                            [](PluginHarness& h) { h.mutable_limits().max_child_size = 1 << 20; });
  ASSERT_EQ(outcome.children.size(), 1U);
  EXPECT_EQ(outcome.children[0].size, 1U << 20);
  EXPECT_EQ(outcome.children[0].meta["error"], "max_child_size reached");
}

TEST(Limits, ExpiredDeadlineIsAnError) {
  STOQ_NEED_TOOL("python3");
  stoq::testing::TempDir dir;
  std::string bomb = zero_zip(dir, 3, 1, 1);
  Outcome outcome = extract(stoq::read_file_payload(bomb, 1 << 30), {}, Json::object(), [](PluginHarness& h) {
    h.mutable_limits().deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  });
  EXPECT_TRUE(outcome.children.empty());
  EXPECT_NE(outcome.error.find("deadline"), std::string::npos) << outcome.error;
}

// A 64 MiB member of a tar.gz streams through the ChildWriter (spilled past 1 MiB):
// the process never holds it whole.
TEST(Limits, LargeMemberIsStreamedNotHeld) {
  STOQ_SKIP_RSS_CHECK_UNDER_ASAN();
  STOQ_NEED_TOOL("tar");
  stoq::testing::TempDir dir;
  must_run("cd " + quote(dir.path()) + " && head -c 67108864 /dev/zero > big.bin && tar -czf big.tgz big.bin" +
           " && rm big.bin");
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  stoq::testing::TempDir work;
  PluginHarness harness(work.path());
  harness.set_child_memory_limit(1 << 20);
  auto& plugin = harness.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "decompress");
  auto children = plugin.extract(stoq::read_file_payload(dir.path("big.tgz"), 1 << 30), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].payload.size(), 64U << 20);
  EXPECT_TRUE(children[0].payload.is_mapped());
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 40L << 10) << "KiB of peak RSS growth";
}

// Hostile names and links: recorded as metadata, never touched on disk.
TEST(Safety, TraversalNamesAndLinksAreOnlyMetadata) {
  STOQ_NEED_TOOL("python3");
  stoq::testing::TempDir dir;
  std::string script = R"(
import io, sys, tarfile, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr('../../escape-zip.txt', 'up')
    z.writestr('/tmp/absolute-zip.txt', 'abs')
with tarfile.open(sys.argv[2], 'w') as t:
    for name, kind, target in [('link', tarfile.SYMTYPE, '/etc/passwd'), ('hard', tarfile.LNKTYPE, 'link'),
                               ('dev', tarfile.CHRTYPE, '')]:
        info = tarfile.TarInfo(name); info.type = kind; info.linkname = target; t.addfile(info)
    info = tarfile.TarInfo('../escape-tar.txt'); info.size = 3; t.addfile(info, io.BytesIO(b'abc'))
)";
  write_bytes(dir.path("make.py"), script);
  std::string inner = dir.mkdir("deep/inner");
  must_run("python3 " + quote(dir.path("make.py")) + " " + quote(inner + "/x.zip") + " " + quote(inner + "/x.tar"));
  auto before = tree_hashes(dir.path());
  Outcome zip = extract_file(inner + "/x.zip");
  Outcome tar = extract_file(inner + "/x.tar");
  EXPECT_EQ(tree_hashes(dir.path()), before);
  EXPECT_FALSE(fs::exists("/tmp/absolute-zip.txt"));
  ASSERT_NE(find_child(zip, "../../escape-zip.txt"), nullptr);
  EXPECT_EQ(find_child(zip, "../../escape-zip.txt")->bytes, "up");
  ASSERT_NE(find_child(zip, "/tmp/absolute-zip.txt"), nullptr);
  ASSERT_EQ(tar.children.size(), 4U);
  EXPECT_EQ(find_child(tar, "link")->meta["type"], "symlink");
  EXPECT_EQ(find_child(tar, "link")->meta["link_target"], "/etc/passwd");
  EXPECT_TRUE(find_child(tar, "link")->bytes.empty());
  EXPECT_EQ(find_child(tar, "hard")->meta["type"], "hardlink");
  EXPECT_EQ(find_child(tar, "dev")->meta["type"], "character_device");
  EXPECT_EQ(find_child(tar, "../escape-tar.txt")->bytes, "abc");
}

TEST(Passwords, EncryptedZipsOpenWithTheRightSource) {
  STOQ_NEED_TOOL("7zz");
  STOQ_NEED_TOOL("zip");
  stoq::testing::TempDir dir;
  write_bytes(dir.path("src/secret.txt"), "the secret content\n");
  std::string src = quote(dir.path("src"));
  must_run("cd " + src + " && 7zz a -bd -tzip -pinfected -mem=AES256 ../aes.zip secret.txt >/dev/null");
  must_run("cd " + src + " && zip -q -P infected ../zipcrypto.zip secret.txt");
  must_run("cd " + src + " && zip -q -P s3cr3t-from-file ../filepw.zip secret.txt");
  must_run("cd " + src + " && zip -q -P from-kwargs ../kwargspw.zip secret.txt");
  must_run("cd " + src + " && 7zz a -bd -t7z -pinfected ../encrypted.7z secret.txt >/dev/null");
  std::string expected = sha256_of("the secret content\n");
  for (const char* name : {"aes.zip", "zipcrypto.zip"}) {
    Outcome outcome = extract_file(dir.path(name));
    ASSERT_EQ(outcome.children.size(), 1U) << name;
    EXPECT_EQ(outcome.children[0].sha256, expected) << name;
    EXPECT_EQ(outcome.children[0].meta["encrypted"], true);
  }
  Outcome locked = extract_file(dir.path("filepw.zip"));
  ASSERT_EQ(locked.children.size(), 1U);
  EXPECT_EQ(locked.children[0].meta["error"], "no password in password_list opens it");
  EXPECT_TRUE(locked.children[0].bytes.empty());
  std::string list = dir.write("passwords.txt", "first\r\ns3cr3t-from-file\n\n");
  EXPECT_EQ(extract_file(dir.path("filepw.zip"), {{"password_file", list}}).children.at(0).sha256, expected);
  Outcome kwargs =
      extract_file(dir.path("kwargspw.zip"), {}, Json{{"password_list", Json::array({"x", "from-kwargs"})}});
  EXPECT_EQ(kwargs.children.at(0).sha256, expected);
  Outcome seven = extract_file(dir.path("encrypted.7z"));
  ASSERT_EQ(seven.children.size(), 1U);
  EXPECT_EQ(seven.children[0].meta["encrypted"], true);
  EXPECT_TRUE(seven.children[0].meta.contains("error"));
}

// SZDD and KWAJ (MS-DOS COMPRESS.EXE): no Debian tool writes them; the bytes are written
// by hand. An SZDD control byte's set bits are literals (LSB first): 0xFF + 8 literals.
TEST(MsPack, SzddAndKwajByHand) {
  std::string text = "HELLO, SZDD WORLD";  // 17 bytes: three control bytes
  std::string szdd(
      "SZDD\x88\xf0\x27\x33"
      "A"
      "T",
      10);
  szdd += std::string("\x11\x00\x00\x00", 4);
  for (std::size_t at = 0; at < text.size(); at += 8) szdd += "\xFF" + text.substr(at, 8);
  Outcome outcome = extract(stoq::testing::payload_of(szdd), {}, Json{{"filename", "dir/HELLO.TX_"}});
  ASSERT_EQ(outcome.children.size(), 1U) << outcome.error;
  EXPECT_EQ(outcome.children[0].bytes, text);
  EXPECT_EQ(outcome.children[0].meta["filename"], "HELLO.TXT");
  EXPECT_EQ(outcome.children[0].meta["archive_format"], "szdd");

  // KWAJ, method 0 (stored), no optional headers: data right after the 14-byte header.
  std::string kwaj("KWAJ\x88\xf0\x27\xd1\x00\x00\x0e\x00\x00\x00", 14);
  outcome = extract(stoq::testing::payload_of(kwaj + text), {}, Json{{"filename", "HELLO.TX_"}});
  ASSERT_EQ(outcome.children.size(), 1U) << outcome.error;
  EXPECT_EQ(outcome.children[0].bytes, text);

  // Truncated headers: an error, no crash.
  EXPECT_FALSE(extract(stoq::testing::payload_of(szdd.substr(0, 12))).error.empty());
  EXPECT_FALSE(extract(stoq::testing::payload_of("ITSF\x03\x00\x00\x00garbage")).error.empty());
}

}  // namespace
}  // namespace decompress_test
