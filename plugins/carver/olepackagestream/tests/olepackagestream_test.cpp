#include <gtest/gtest.h>

#include <string>

#include "carve_test_support.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using namespace stoq::carve::testing;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

std::string utf16(const std::string& ascii) {
  std::string out;
  for (char c : ascii) out += std::string{c, '\0'};
  return out;
}

// An \x01Ole10Native stream as Packager writes it, built here from the format notes.
std::string package_stream(const std::string& label, const std::string& file, bool unicode) {
  std::string src = R"(C:\temp\)" + label;
  std::string tmp = R"(C:\Users\x\AppData\Local\Temp\{1234}\)" + label;
  std::string body = std::string("\x02\x00", 2) + label + '\0' + src + '\0' + std::string("\x00\x00\x03\x00", 4) +
                     u32_le(static_cast<std::uint32_t>(tmp.size() + 1)) + tmp + '\0' +
                     u32_le(static_cast<std::uint32_t>(file.size())) + file;
  if (unicode) {
    for (const std::string& text : {tmp, label, src}) {
      body += u32_le(static_cast<std::uint32_t>(text.size())) + utf16(text);
    }
  }
  return u32_le(static_cast<std::uint32_t>(body.size())) + body;
}

class OlePackageStreamTest : public ::testing::Test {
 protected:
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
};

TEST_F(OlePackageStreamTest, CarvesTheEmbeddedFileWithTheOriginalConfig) {
  STOQ_NEED_PATH(original_config("carver", "olepackagestream"));
  auto& carver =
      harness_.activate<stoq::Carver>(plugin_dir_with_original(dir_, "carver", "olepackagestream"), "olepackagestream");
  std::string exe = build_pe32(8);
  std::string stream = package_stream("payload.exe", exe, true);
  ASSERT_EQ(stream.substr(4, 2), std::string("\x02\x00", 2));  // what the dispatcher rule matches
  auto children = carver.carve(payload_of(stream), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].payload.hashes().sha256, sha256_of(exe));
  EXPECT_EQ(children[0].meta["filename"], "payload.exe");
  EXPECT_EQ(children[0].meta["src_path"], "C:\\temp\\payload.exe");
  EXPECT_EQ(children[0].meta["tmp_path"], "C:\\Users\\x\\AppData\\Local\\Temp\\{1234}\\payload.exe");
  EXPECT_EQ(children[0].meta["src_path_w"], "C:\\temp\\payload.exe");
  EXPECT_EQ(children[0].meta["size"], exe.size());
}

TEST_F(OlePackageStreamTest, TruncatedAndInvalidStreams) {
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "olepackagestream");
  std::string stream = package_stream("a.txt", std::string(1000, 'a'), false);
  auto children = carver.carve(payload_of(stream.substr(0, stream.size() - 100)), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].payload.size(), 900U);
  EXPECT_EQ(children[0].meta["truncated"], true);
  for (const std::string& bad : {std::string("abc"), std::string("\x10\x00\x00\x00\x02\x00no terminator", 19),
                                 std::string("\x10\x00\x00\x00\x03\x00"
                                             "a\0b\0",
                                             10),
                                 stream.substr(0, 20)}) {
    EXPECT_THROW(carver.carve(payload_of(bad), Json::object()), stoq::Error) << bad;
  }
}

// A real stream: the Ole10Native of test_pe_object.doc, read out with python3-olefile;
// a few lines of Python (oletools' reading of the format) give the expected file.
TEST_F(OlePackageStreamTest, CorpusDocStreamMatchesPython) {
  const std::string doc = STOQ_SHARED_DIR "/corpus/strelka-fixtures/test_pe_object.doc";
  STOQ_NEED_PATH(doc);
  std::string python;
  for (const char* candidate : {"python3", "/usr/bin/python3"}) {
    int status = 0;
    run(std::string(candidate) + " -c 'import olefile' 2>/dev/null", &status);
    if (status == 0) python = candidate;
  }
  if (python.empty()) {
    if (stoq::testing::oracles_required()) FAIL() << "python3 with olefile required";
    GTEST_SKIP() << "python3-olefile not installed";
  }
  std::string stream_path = dir_.path("stream.bin");
  std::string script = dir_.write("oracle.py", R"PY(
import hashlib, olefile, struct, sys
ole = olefile.OleFileIO(sys.argv[1])
name = [s for s in ole.listdir() if s[-1] == '\x01Ole10Native'][0]
d = ole.openstream(name).read()
open(sys.argv[2], 'wb').write(d)
i = 6
label_end = d.index(b'\0', i); label = d[i:label_end]; i = d.index(b'\0', label_end + 1) + 1 + 8
i = d.index(b'\0', i) + 1
n = struct.unpack_from('<I', d, i)[0]
print(label.decode(), hashlib.sha256(d[i + 4:i + 4 + n]).hexdigest())
)PY");
  std::string expected = run(python + " '" + script + "' '" + doc + "' '" + stream_path + "'");
  auto& carver = harness_.activate<stoq::Carver>(STOQ_PLUGIN_DIR, "olepackagestream");
  auto children = carver.carve(harness_.get_file(stream_path), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].meta["filename"].get<std::string>() + " " + children[0].payload.hashes().sha256 + "\n",
            expected);
  EXPECT_EQ(text_of(children[0].payload).substr(0, 2), "MZ");
}

}  // namespace
