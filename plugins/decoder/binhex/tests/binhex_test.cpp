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

// A BinHex 4.0 encoder written from the format description (Python 3.11 removed the
// binhex module); its CRC is binascii.crc_hqx, independent of the decoder's.
// argv: name, resource-fork text; stdin: data fork.
constexpr const char* kEncoder = R"PY(
import binascii, struct, sys
name = sys.argv[1].encode(); data = sys.stdin.buffer.read(); rsrc = sys.argv[2].encode()
def crc(b): return struct.pack('>H', binascii.crc_hqx(b, 0))
hdr = bytes([len(name)]) + name + b'\0' + b'TEXT' + b'ttxt' + b'\0\0' + struct.pack('>II', len(data), len(rsrc))
raw = hdr + crc(hdr) + data + crc(data) + rsrc + crc(rsrc)
rle = bytearray(); i = 0
while i < len(raw):
    b = raw[i]; n = 1
    while i + n < len(raw) and raw[i + n] == b and n < 255: n += 1
    if b == 0x90: rle += b'\x90\x00'; n = 1
    elif n >= 3: rle += bytes([b, 0x90, n])
    else: rle += bytes([b]) * n
    i += n
alpha = b'!"#$%&\'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr'
out = bytearray(); bits = 0; nbits = 0
for b in rle:
    bits = (bits << 8) | b; nbits += 8
    while nbits >= 6:
        nbits -= 6; out.append(alpha[(bits >> nbits) & 63])
if nbits: out.append(alpha[(bits << (6 - nbits)) & 63])
text = b':' + out + b':'
lines = [text[i:i + 64] for i in range(0, len(text), 64)]
sys.stdout.buffer.write(b'(This file must be converted with BinHex 4.0)\r\n' + b'\r\n'.join(lines) + b'\r\n')
)PY";

class BinhexDecoderTest : public ::testing::Test {
 protected:
  std::string encode(const std::string& name, const std::string& data, const std::string& resource) {
    std::string script = dir_.write("encode.py", kEncoder);
    int status = 0;
    std::string text =
        run_with_input(dir_, "python3 '" + script + "' '" + name + "' '" + resource + "'", data, &status);
    EXPECT_EQ(status, 0);
    return text;
  }
  TempDir dir_;
  PluginHarness harness_{dir_.path()};
  stoq::Decoder& decoder_ = harness_.activate<stoq::Decoder>(STOQ_PLUGIN_DIR, "binhex");
};

TEST_F(BinhexDecoderTest, DecodesBothForksWithRunsAndMarkerBytes) {
  STOQ_NEED_TOOL("python3");
  std::string data = build_pe32(4) + std::string(600, 'A') + std::string(3, '\x90') + "tail";
  std::string text = encode("hello.exe", data, "resource fork");
  auto children = decoder_.decode(payload_of("mail text\n" + text), Json::object());
  ASSERT_EQ(children.size(), 2U);
  EXPECT_EQ(text_of(children[0].payload), data);
  EXPECT_EQ(children[0].meta["filename"], "hello.exe");
  EXPECT_EQ(children[0].meta["type"], "TEXT");
  EXPECT_EQ(children[0].meta["fork"], "data");
  EXPECT_EQ(text_of(children[1].payload), "resource fork");
  EXPECT_EQ(children[1].meta["fork"], "resource");
}

TEST_F(BinhexDecoderTest, EmptyResourceForkGivesOneChild) {
  STOQ_NEED_TOOL("python3");
  auto children = decoder_.decode(payload_of(encode("a.txt", "hello", "")), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(text_of(children[0].payload), "hello");
}

TEST_F(BinhexDecoderTest, CrcMismatchAndDamageAreRefused) {
  STOQ_NEED_TOOL("python3");
  std::string text = encode("a.txt", std::string(200, 'x') + "hello world", "");
  // Flip one character inside the encoded data (after the header): a CRC must catch it.
  std::size_t at = text.rfind(':') - 10;
  text[at] = text[at] == 'A' ? 'B' : 'A';
  EXPECT_THROW(decoder_.decode(payload_of(text), Json::object()), stoq::Error);
  for (std::string_view bad : {"no binhex here", "(This file must be converted with BinHex 4.0)\n:!!!!", ":zzzz:"}) {
    EXPECT_THROW(decoder_.decode(payload_of(bad), Json::object()), stoq::Error) << bad;
  }
  std::string cut = encode("a.txt", std::string(300, 'y'), "");
  EXPECT_THROW(decoder_.decode(payload_of(cut.substr(0, cut.size() / 2)), Json::object()), stoq::Error);
}

}  // namespace
