// `stoq hash -D` end to end with the bundled rules and plugins: containers yield what an
// independent tool finds in them (7zz, Python's email module, olefile), hostile inputs
// (deep nesting, a high-ratio stream, names that climb out, links, a zip bomb of entries
// sharing one body) each stop at their limit, are reported, and write nothing outside
// the temp directory; the demo's nested sample unpacks to the PE at its bottom.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::OJson;
using stoq_test::StoqEnv;

const std::string kFixtures = STOQ_SHARED_DIR "/corpus/strelka-fixtures/";

// Output of a shell command (a test failure when it fails).
std::string command_output(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, got);
  int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << command << "\n" << out;
  return out;
}

// Lines of text, without empty ones.
std::multiset<std::string> lines_of(const std::string& text) {
  std::multiset<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.insert(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The Python 3 that has olefile (Debian's, when a pyenv python3 comes first on PATH).
std::string python_with(const std::string& module) {
  for (const char* python : {"python3", "/usr/bin/python3"}) {
    if (std::system(("'" + std::string(python) + "' -c 'import " + module + "' 2>/dev/null").c_str()) == 0) {
      return python;
    }
  }
  return "";
}

class DispatchEndToEnd : public ::testing::Test {
 protected:
  OJson run(const std::string& path, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"hash", "-D", "-F", path, "-M", "1"};
    args.insert(args.end(), more.begin(), more.end());
    CliResult result = stoq_test::run_stoq(env, args, std::chrono::seconds(120));
    EXPECT_EQ(result.exit_code, 0) << result.describe();
    std::vector<OJson> docs = stoq_test::documents_of(result);
    EXPECT_EQ(docs.size(), 1U) << result.describe();
    return docs.empty() ? OJson::object() : docs[0];
  }

  // sha256 of the children at depth 1 with a payload (links and encrypted members are listed empty).
  static std::multiset<std::string> child_names(const OJson& doc, std::size_t depth = 1) {
    std::multiset<std::string> names;
    for (const OJson& entry : doc["results"]) {
      if (entry["uuid"].size() == depth + 1) names.insert(entry.value("filename", std::string("?")));
    }
    return names;
  }

  static bool any_error(const OJson& doc, std::string_view part) {
    for (const OJson& error : doc.value("errors", OJson::array())) {
      if (contains(error.dump(), part)) return true;
    }
    return false;
  }

  // Nothing but what the test wrote (and logs) under the home, and the temp dir empty again.
  void expect_nothing_written(const std::set<std::string>& expected) {
    for (const fs::path& file : stoq_test::files_under(env.home().root())) {
      if (file.extension() == ".log") continue;
      EXPECT_TRUE(expected.count(file.filename().string()) == 1) << "unexpected file " << file;
    }
    fs::path temp = env.home().root() / "temp";
    if (fs::exists(temp)) EXPECT_TRUE(fs::is_empty(temp)) << temp;
  }

  void python(const std::string& script) {
    ASSERT_EQ(std::system(("cd '" + env.home().path() + "' && python3 -c \"" + script + "\"").c_str()), 0) << script;
  }

  StoqEnv env;
};

TEST_F(DispatchEndToEnd, StrelkaZipYieldsWhat7zipLists) {
  STOQ_NEED_PATH(kFixtures + "test.zip");
  STOQ_NEED_TOOL("7zz");
  OJson doc = run(kFixtures + "test.zip");
  // Files only: 7-Zip lists the folder "hidden" too (Folder = +).
  std::string listing = command_output("7zz l -slt -ba '" + kFixtures +
                                       "test.zip' | awk '/^Path = /{p = substr($0, 8)} /^Folder = -/{print p}'");
  std::multiset<std::string> expected = lines_of(listing);
  EXPECT_EQ(expected.size(), 4U);
  EXPECT_EQ(child_names(doc), expected) << doc.dump(2);
}

TEST_F(DispatchEndToEnd, StrelkaEmailYieldsThePartsPythonFinds) {
  STOQ_NEED_PATH(kFixtures + "test.eml");
  OJson doc = run(kFixtures + "test.eml");
  // Leaf parts and their decoded sizes, by Python's email module (policy.default).
  std::string sizes = command_output(
      "python3 -c \"import email, email.policy, sys; m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), "
      "policy=email.policy.default); [print(len(p.get_payload(decode=True) or b'')) for p in m.walk() "
      "if not p.is_multipart()]\" '" +
      kFixtures + "test.eml'");
  std::multiset<std::string> found;
  for (const OJson& entry : doc["results"]) {
    if (entry["uuid"].size() == 2) found.insert(std::to_string(entry["size"].get<std::size_t>()));
  }
  EXPECT_EQ(found, lines_of(sizes)) << doc.dump(2);
  std::multiset<std::string> names = child_names(doc);
  EXPECT_EQ(names.count("test.doc"), 1U);
  EXPECT_EQ(names.count("image001.jpg"), 1U);
  // The attached document is expanded too: its OLE streams are at depth 2.
  EXPECT_GE(child_names(doc, 2).size(), 6U);
}

TEST_F(DispatchEndToEnd, StrelkaDocYieldsTheStreamsOlefileLists) {
  STOQ_NEED_PATH(kFixtures + "test.doc");
  std::string python = python_with("olefile");
  if (python.empty()) {
    if (stoq::testing::oracles_required()) FAIL() << "python3-olefile missing";
    GTEST_SKIP() << "python3-olefile not installed";
  }
  OJson doc = run(kFixtures + "test.doc");
  std::string listing = command_output(python +
                                       " -c \"import olefile, sys; f = olefile.OleFileIO(sys.argv[1]); "
                                       "[print('/'.join(s)) for s in f.listdir()]\" '" +
                                       kFixtures + "test.doc'");
  EXPECT_EQ(lines_of(listing).size(), 6U);
  EXPECT_EQ(child_names(doc), lines_of(listing)) << doc.dump(2);
}

TEST_F(DispatchEndToEnd, DeepNestingStopsAtMaxRecursion) {
  // 12 zips, each inside the next, around one text file.
  python(
      "import io, zipfile\n"
      "data = b'the bottom\\n'; name = 'bottom.txt'\n"
      "for level in range(12):\n"
      "    buf = io.BytesIO(); z = zipfile.ZipFile(buf, 'w'); z.writestr(name, data); z.close()\n"
      "    data = buf.getvalue(); name = 'level%d.zip' % level\n"
      "open('deep.zip', 'wb').write(data)\n");
  OJson doc = run(env.home().path("deep.zip"));
  EXPECT_EQ(doc["results"].size(), 9U) << "the root and 8 levels";
  EXPECT_TRUE(any_error(doc, "max_recursion (8) reached")) << doc.dump(2);
  OJson all = run(env.home().path("deep.zip"), {"-R", "20"});
  EXPECT_EQ(all["results"].size(), 13U);
  EXPECT_EQ(all["results"][12]["filename"], "bottom.txt");
  EXPECT_EQ(all["results"][12]["md5"], "c4bdb04938f1981bff50ddc4afcf2240");  // md5(b"the bottom\n"), Python's hashlib
  expect_nothing_written({"stoq.cfg", "deep.zip"});
}

TEST_F(DispatchEndToEnd, AHighRatioStreamIsCutAtTheRatioLimit) {
  // 64 MiB of zeros in a gzip stream of about 64 KiB: a ratio near 1000.
  python("import gzip; open('zeros.gz', 'wb').write(gzip.compress(bytes(64 << 20), 9))");
  env.write_config("max_compression_ratio = 100\n");
  OJson doc = run(env.home().path("zeros.gz"));
  ASSERT_EQ(doc["results"].size(), 2U) << doc.dump(2);
  const OJson& child = doc["results"][1];
  EXPECT_LT(child["size"].get<std::uint64_t>(), 64U << 20);
  EXPECT_EQ(child["source_meta"]["truncated"], true) << child.dump(2);
  EXPECT_TRUE(contains(child["source_meta"].dump(), "ratio")) << child.dump(2);
}

TEST_F(DispatchEndToEnd, NamesLinksAndDevicesFromAnArchiveAreOnlyRecorded) {
  python(
      "import io, tarfile\n"
      "t = tarfile.open('hostile.tar', 'w')\n"
      "def add(name, data=b'x', kind=tarfile.REGTYPE, link=''):\n"
      "    info = tarfile.TarInfo(name); info.type = kind; info.linkname = link; info.size = len(data) if kind == "
      "tarfile.REGTYPE else 0\n"
      "    t.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)\n"
      "add('../../etc/x', b'climb')\n"
      "add('/tmp/stoq-absolute-name', b'absolute')\n"
      "add('link-to-passwd', kind=tarfile.SYMTYPE, link='/etc/passwd')\n"
      "add('hard', kind=tarfile.LNKTYPE, link='../../etc/x')\n"
      "add('device', kind=tarfile.CHRTYPE)\n"
      "t.close()\n");
  OJson doc = run(env.home().path("hostile.tar"));
  std::multiset<std::string> names = child_names(doc);
  EXPECT_EQ(names.count("../../etc/x"), 1U) << doc.dump(2);
  EXPECT_EQ(names.count("/tmp/stoq-absolute-name"), 1U);
  EXPECT_EQ(names.count("link-to-passwd"), 1U);
  for (const OJson& entry : doc["results"]) {
    if (entry.value("filename", "") == "link-to-passwd") EXPECT_EQ(entry["size"], 0) << "a link is not followed";
  }
  EXPECT_FALSE(fs::exists("/tmp/stoq-absolute-name"));
  EXPECT_FALSE(fs::exists(env.home().root().parent_path().parent_path() / "etc" / "x"));
  expect_nothing_written({"stoq.cfg", "hostile.tar"});
}

TEST_F(DispatchEndToEnd, AZipBombOfEntriesSharingOneBodyIsBounded) {
  // 2000 central-directory entries pointing at the same 1 MiB compressed body
  // (David Fifield's overlapping-entry construction, reduced).
  python(
      "import struct, zlib\n"
      "body = zlib.compress(bytes(8 << 20), 9)[2:-4]; crc = zlib.crc32(bytes(8 << 20))\n"
      "local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 8, 0, 0, crc, len(body), 8 << 20, 1, 0) + b'a'\n"
      "central = b''\n"
      "for i in range(2000):\n"
      "    name = b'f%d' % i\n"
      "    central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 8, 0, 0, crc, len(body), 8 << 20, "
      "len(name), 0, 0, 0, 0, 0, 0) + name\n"
      "data = local + body\n"
      "end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 2000, 2000, len(central), len(data), 0)\n"
      "open('bomb.zip', 'wb').write(data + central + end)\n");
  env.write_config("max_extracted_bytes = 100000000\nmax_children = 50\n");
  OJson doc = run(env.home().path("bomb.zip"));
  std::uint64_t total = 0;
  for (const OJson& entry : doc["results"]) {
    if (entry["payload_id"] != 0) total += entry["size"].get<std::uint64_t>();
  }
  EXPECT_LE(total, 100000000U) << "extracted bytes stay under max_extracted_bytes";
  EXPECT_LE(doc["results"].size(), 51U) << "children stay under max_children";
  expect_nothing_written({"stoq.cfg", "bomb.zip"});
}

TEST_F(DispatchEndToEnd, TheDemoSampleUnpacksToThePeAtItsBottom) {
  std::string out =
      command_output("python3 '" STOQ_SOURCE_DIR "/scripts/make-nested-sample.py' '" + env.home().path("nested") + "'");
  std::string zip = env.home().path("nested/invoice.zip");
  OJson doc = run(zip);
  const OJson& results = doc["results"];
  ASSERT_GE(results.size(), 4U) << doc.dump(2);
  const OJson& last = results[results.size() - 1];
  EXPECT_EQ(last["uuid"].size(), 4U) << "zip -> rtf -> package file -> PE";
  EXPECT_EQ(last["dispatcher"], "decoder:b64");
  // The PE the script wrote, hashed by Python.
  std::string pe_sha256 = command_output(
      "python3 -c \"import hashlib, runpy; m = runpy.run_path('" STOQ_SOURCE_DIR
      "/scripts/make-nested-sample.py', run_name='sample'); print(hashlib.sha256(m['minimal_pe']()).hexdigest())\"");
  EXPECT_EQ(last["sha256"].get<std::string>() + "\n", pe_sha256);
  EXPECT_FALSE(doc.contains("errors")) << doc.dump(2);
}

}  // namespace

namespace {

// test.msi holds a cabinet libarchive refuses ("Invalid CAB header") and cabextract
// reads: decompress falls back to libmspack and finds the same file.
TEST_F(DispatchEndToEnd, TheCabinetInsideAnMsiIsReadAsCabextractReadsIt) {
  STOQ_NEED_PATH(kFixtures + "test.msi");
  STOQ_NEED_TOOL("cabextract");
  std::string python = python_with("olefile");
  if (python.empty()) {
    if (stoq::testing::oracles_required()) FAIL() << "python3-olefile missing";
    GTEST_SKIP() << "python3-olefile not installed";
  }
  std::string cab = env.home().path("msi.cab");
  command_output(python +
                 " -c \"import olefile, sys; f = olefile.OleFileIO(sys.argv[1]); "
                 "[open(sys.argv[2], 'wb').write(d) for d in (f.openstream(s).read() for s in f.listdir()) "
                 "if d[:4] == b'MSCF']\" '" +
                 kFixtures + "test.msi' '" + cab + "'");
  std::string listing =
      command_output("cabextract -l '" + cab + "' | awk -F' [|] ' 'NF == 3 && $3 != \"Name\" {print $3}'");
  std::multiset<std::string> expected = lines_of(listing);
  ASSERT_FALSE(expected.empty()) << listing;
  OJson doc = run(cab);
  EXPECT_EQ(child_names(doc), expected) << doc.dump(2);
  EXPECT_FALSE(doc.contains("errors")) << doc.dump(2);
}

}  // namespace
