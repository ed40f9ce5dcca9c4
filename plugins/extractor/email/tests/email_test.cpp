// extractor:email against Python's email package (message_from_bytes with
// policy.default, walk(), get_payload(decode=True)) and mailbox.mbox: the same leaf
// parts in the same order, with the same type, file name, disposition, charset,
// Content-ID and decoded bytes (sha256). Uuencoded blocks are checked with uudecode.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "codecs.hpp"
#include "mime.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

std::string run(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  int rc = pclose(pipe);
  if (status != nullptr) *status = rc;
  return out;
}

// One line per leaf part: type|filename|disposition|charset|content-id|size|sha256.
constexpr const char* kOracle = R"PY(
import email, sys, hashlib, mailbox
from email import policy
def show(msg):
    for part in msg.walk():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True) or b''
        cid = part.get('Content-ID')
        print('|'.join([part.get_content_type(), part.get_filename() or '', part.get_content_disposition() or '',
                        part.get_content_charset() or '', str(cid).strip() if cid is not None else '',
                        str(len(data)), hashlib.sha256(data).hexdigest()]))
# message_from_bytes, not message_from_binary_file: the latter reads through a text
# wrapper that turns CRLF into LF, and the plugin keeps bodies' bytes as they are.
path = sys.argv[1]
parse = lambda f: email.message_from_bytes(f.read(), policy=policy.default)
if sys.argv[2] == 'mbox':
    for message in mailbox.mbox(path, factory=parse):
        show(message)
else:
    with open(path, 'rb') as f:
        show(parse(f))
)PY";

std::vector<std::string> oracle_parts(const TempDir& dir, const std::string& path, bool mbox) {
  std::string script = dir.write("oracle.py", kOracle);
  std::string text = run("python3 '" + script + "' '" + path + "' " + (mbox ? "mbox" : "message"));
  std::vector<std::string> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    lines.push_back(text.substr(pos, end - pos));
    pos = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

std::string field(const Json& meta, const char* key) { return meta.contains(key) ? meta[key].get<std::string>() : ""; }

std::vector<std::string> plugin_parts(const stoq::ExtractedList& children) {
  std::vector<std::string> lines;
  for (const auto& child : children) {
    if (child.meta.contains("uuencoded")) continue;  // Python does not look inside text bodies
    lines.push_back(field(child.meta, "content_type") + "|" + field(child.meta, "filename") + "|" +
                    field(child.meta, "content_disposition") + "|" + field(child.meta, "charset") + "|" +
                    field(child.meta, "content_id") + "|" + std::to_string(child.payload.size()) + "|" +
                    child.payload.hashes().sha256);
  }
  return lines;
}

// A message using every transfer encoding and parameter encoding, a nested message,
// an unterminated inner multipart and a uuencoded block inside a text body.
std::string every_encoding_message(const std::string& uu_block) {
  return "From: Alice <alice@example.com>\r\n"
         "To: bob@example.com\r\n"
         "Subject: =?UTF-8?B?w6l0w6k=?=\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed;\r\n"
         " boundary=\"outer=_b\"\r\n"
         "\r\n"
         "This is the preamble.\r\n"
         "--outer=_b\r\n"
         "Content-Type: text/plain; charset=\"ISO-8859-1\"\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n"
         "\r\n"
         "Caf=E9 cr=C3=A8me, a soft=\r\n"
         " break, an equals =3D sign, ==, and a bare = sign.\r\n"
         "Tab\tand trailing  \r\n"
         "--outer=_b\r\n"
         "Content-Type: text/html; charset=utf-8\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "\r\n"
         "PGh0bWw+PGJvZHk+SGVsbG8sIDxiPndvcmxkPC9iPiE8L2JvZHk+PC9odG1sPgo=\r\n"
         "--outer=_b\r\n"
         "Content-Type: application/pdf; name=\"=?UTF-8?B?csOpc3Vtw6kucGRm?=\"\r\n"
         "Content-Disposition: attachment; filename=\"=?UTF-8?B?csOpc3Vtw6kucGRm?=\"\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "Content-ID: <pdf@example.com>\r\n"
         "\r\n"
         "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK\r\n"
         "--outer=_b\r\n"
         "Content-Type: application/octet-stream\r\n"
         "Content-Disposition: attachment;\r\n"
         " filename*0*=utf-8''%E2%82%AC%20rates%20;\r\n"
         " filename*1*=%C3%A9t%C3%A9;\r\n"
         " filename*2=\".xlsx\"\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "\r\n"
         "UEsDBBQAAAAIAA==\r\n"
         "--outer=_b\r\n"
         "Content-Type: application/octet-stream; name=\"uu.bin\"\r\n"
         "Content-Transfer-Encoding: x-uuencode\r\n"
         "\r\n" +
         uu_block +
         "--outer=_b\r\n"
         "Content-Type: text/plain; charset=us-ascii\r\n"
         "Content-Transfer-Encoding: 7bit\r\n"
         "\r\n"
         "Here is a file the old way:\r\n" +
         uu_block +
         "That was it.\r\n"
         "--outer=_b\r\n"
         "Content-Type: application/x-binary\r\n"
         "Content-Transfer-Encoding: binary\r\n"
         "Content-Disposition: inline; filename=raw.dat\r\n"
         "\r\n"
         "\x01\x02\x03\xff\xfe raw bytes\r\n"
         "--outer=_b\r\n"
         "Content-Type: message/rfc822\r\n"
         "\r\n"
         "From: carol@example.com\r\n"
         "Subject: inner\r\n"
         "Content-Type: multipart/alternative; boundary=inner\r\n"
         "\r\n"
         "--inner\r\n"
         "Content-Type: text/plain\r\n"
         "\r\n"
         "inner text\r\n"
         "--inner\r\n"
         "Content-Type: image/png; name=dot.png\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "\r\n"
         "iVBORw0KGgo=\r\n"
         "\r\n"
         "--outer=_b--\r\n"
         "epilogue\r\n";
}

class EmailExtractorTest : public ::testing::Test {
 protected:
  TempDir dir_;
  PluginHarness harness_{dir_.path("work")};
  stoq::Extractor& email_ = harness_.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "email");

  void expect_same_as_python(const std::string& path, bool mbox = false, std::size_t expected = 0) {
    stoq::ExtractedList children = email_.extract(harness_.get_file(path), Json::object());
    std::vector<std::string> mine = plugin_parts(children);
    EXPECT_EQ(mine, oracle_parts(dir_, path, mbox)) << path;
    if (expected > 0) {
      EXPECT_EQ(mine.size(), expected) << path;
    }
  }
};

const std::string kUuBlock =
    "begin 644 data.bin\r\n"
    "4:&5L;&\\@=V]R;&0@8FEN87)Y``$`\r\n"
    "`\r\n"
    "end\r\n";

TEST_F(EmailExtractorTest, EveryEncodingMatchesPython) {
  STOQ_NEED_TOOL("python3");
  std::string path = dir_.write("every.eml", every_encoding_message(kUuBlock));
  expect_same_as_python(path, false, 9);
  stoq::ExtractedList children = email_.extract(harness_.get_file(path), Json::object());
  std::vector<std::string> names;
  for (const auto& child : children) names.push_back(field(child.meta, "filename"));
  EXPECT_EQ(names[2], "r\xC3\xA9sum\xC3\xA9.pdf");                   // RFC 2047 in a quoted parameter
  EXPECT_EQ(names[3], "\xE2\x82\xAC rates \xC3\xA9t\xC3\xA9.xlsx");  // RFC 2231 continuations + charset
  EXPECT_EQ(children[0].meta["charset"], "iso-8859-1");
  EXPECT_EQ(children[2].meta["content_id"], "<pdf@example.com>");
  EXPECT_EQ(children[9].meta["filename"], "dot.png");
  EXPECT_EQ(children[9].meta["attached_message_depth"], 1);
}

TEST_F(EmailExtractorTest, UuencodedBlockInATextBodyMatchesUudecode) {
  STOQ_NEED_TOOL("uudecode");
  std::string block_path = dir_.write("block.uu", kUuBlock);
  std::string expected = run("uudecode -o /dev/stdout '" + block_path + "'");
  ASSERT_EQ(expected, std::string("hello world binary\x00\x01", 20));
  std::string path = dir_.write("every.eml", every_encoding_message(kUuBlock));
  stoq::ExtractedList children = email_.extract(harness_.get_file(path), Json::object());
  int blocks = 0;
  for (const auto& child : children) {
    if (!child.meta.contains("uuencoded")) continue;
    ++blocks;
    EXPECT_EQ(child.meta["filename"], "data.bin");
    EXPECT_EQ(child.meta["parent_part"], 5);
    EXPECT_EQ(child.payload.bytes().as_string_view(), expected);
  }
  EXPECT_EQ(blocks, 1);
  // The x-uuencode part decodes to the same bytes.
  EXPECT_EQ(children[4].payload.bytes().as_string_view(), expected);
}

TEST_F(EmailExtractorTest, MboxMessagesMatchPython) {
  STOQ_NEED_TOOL("python3");
  std::string mbox =
      "From alice@example.com Mon Jan  1 00:00:00 2024\n"
      "Subject: one\n\nfirst body\n>From quoted line stays\n\n"
      "From bob@example.com Mon Jan  1 00:00:01 2024\n"
      "Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nsecond\n--x\n"
      "Content-Type: application/zip; name=a.zip\nContent-Transfer-Encoding: "
      "base64\n\nUEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\n"
      "--x--\n\n"
      "From carol@example.com Mon Jan  1 00:00:02 2024\n"
      "Subject: three\n\nthird\n";
  std::string path = dir_.write("box.mbox", mbox);
  expect_same_as_python(path, true, 4);
  stoq::ExtractedList children = email_.extract(harness_.get_file(path), Json::object());
  EXPECT_EQ(children[0].meta["message"], 0);
  EXPECT_EQ(children[2].meta["message"], 1);
  EXPECT_EQ(children[3].meta["message"], 2);
}

TEST_F(EmailExtractorTest, StrelkaFixturesMatchPython) {
  STOQ_NEED_TOOL("python3");
  const std::string corpus = STOQ_SHARED_DIR "/corpus/strelka-fixtures/";
  STOQ_NEED_PATH(corpus + "test.eml");
  expect_same_as_python(corpus + "test.eml", false, 4);
  for (const char* name : {"test_broken.eml", "test_email_complex_recipients.eml", "test_email_encoded_headers.eml",
                           "test_email_gateway_links.eml", "test_email_group_syntax.eml", "test_email_link_stress.eml",
                           "test_email_malformed_addresses.eml", "test_email_special_cases.eml", "test_headers.eml",
                           "test_headers_multihop.eml", "test_links.eml"}) {
    expect_same_as_python(corpus + name);
  }
}

TEST_F(EmailExtractorTest, AttachmentsOnlyGivesStrelkasTwoForTestEml) {
  const std::string path = STOQ_SHARED_DIR "/corpus/strelka-fixtures/test.eml";
  STOQ_NEED_PATH(path);
  auto& attachments = harness_.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "email", {{"attachments_only", "True"}});
  stoq::ExtractedList children = attachments.extract(harness_.get_file(path), Json::object());
  ASSERT_EQ(children.size(), 2U);  // Strelka: scan_email attachments 2
  EXPECT_EQ(children[0].meta["filename"], "image001.jpg");
  EXPECT_EQ(children[1].meta["filename"], "test.doc");
  EXPECT_EQ(children[1].payload.size(), 51200U);
}

TEST_F(EmailExtractorTest, MaxChildrenStopsAndSaysSo) {
  harness_.mutable_limits().max_children = 3;
  stoq::ExtractedList children =
      email_.extract(stoq::testing::payload_of(every_encoding_message(kUuBlock)), Json::object());
  ASSERT_EQ(children.size(), 3U);
  EXPECT_EQ(children.back().meta["limit_reached"], "max_children");
}

TEST_F(EmailExtractorTest, DeepNestingIsBounded) {
  std::string message;
  for (int i = 0; i < 200; ++i) message += "Content-Type: message/rfc822\n\n";
  message += "Subject: bottom\n\nbody\n";
  stoq::ExtractedList children = email_.extract(stoq::testing::payload_of(message), Json::object());
  ASSERT_EQ(children.size(), 1U);
  EXPECT_EQ(children[0].meta["content_type"], "message/rfc822");
}

TEST(MimeRobustness, RandomDamageNeverCrashesOrGrows) {
  const std::string message = every_encoding_message(kUuBlock);
  unsigned seed = 4242;
  for (int round = 0; round < 3000; ++round) {
    std::string mutated = message;
    for (int i = 0; i < 8; ++i) {
      seed = seed * 1103515245U + 12345U;
      mutated[(seed >> 8) % mutated.size()] = "-=\r\n:;\"*'%?bB"[(seed >> 20) % 14];
    }
    if (round % 7 == 0) mutated.resize((seed >> 4) % mutated.size());
    stoq::mime::Settings settings;
    settings.max_nesting = 4;
    stoq::mime::parse(stoq::ByteView(mutated), settings, [&](stoq::mime::Part&& part) {
      EXPECT_LE(part.data.size(), mutated.size());
      return true;
    });
  }
}

TEST(MimeParams, Rfc2231AndQuoting) {
  EXPECT_EQ(stoq::mime::header_param("attachment; filename=\"a \\\"b\\\" c.txt\"", "filename"), "a \"b\" c.txt");
  EXPECT_EQ(stoq::mime::header_param("attachment; filename*=iso-8859-1'en'caf%E9.txt", "filename"), "caf\xC3\xA9.txt");
  EXPECT_EQ(stoq::mime::header_param("x; FileName*1=\"b\"; filename*0=\"a\"", "filename"), "ab");
  bool found = true;
  EXPECT_EQ(stoq::mime::header_param("attachment", "filename", &found), "");
  EXPECT_FALSE(found);
}

// A charset iconv does not know is read as UTF-8 when the bytes are, else as
// windows-1252, like an unlabelled part (Python: b'\xf0\xd2\xc9\xf7'.decode('cp1252')):
// never kept raw, which is not UTF-8 (fuzz_smtp found it: fuzz/corpus/fuzz_smtp/regression-*).
TEST(MimeCharsets, UnknownCharsetIsNeverKeptRaw) {
  EXPECT_EQ(stoq::mime::to_utf8("\xf0\xd2\xc9\xf7", "koi4-r"), "\xc3\xb0\xc3\x92\xc3\x89\xc3\xb7");
  EXPECT_EQ(stoq::mime::to_utf8("caf\xc3\xa9", "no-such-charset"), "caf\xc3\xa9");
  EXPECT_EQ(stoq::mime::to_utf8("caf\xe9", "iso-8859-1"), "caf\xc3\xa9");
  EXPECT_EQ(stoq::mime::to_utf8("\xf6\x91", ""), "\xc3\xb6\xe2\x80\x98");  // cp1252: 0x91 is U+2018
}

}  // namespace
