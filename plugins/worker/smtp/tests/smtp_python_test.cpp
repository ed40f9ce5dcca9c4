// worker:smtp against Python's email package (message_from_bytes, policy.default):
// subject, from/to/cc/bcc/reply-to addresses (display name, addr-spec), message id,
// the text and HTML bodies get_body() chooses (get_content()), and the attachment list
// (walk() leaves with a file name or Content-Disposition: attachment: name, type,
// decoded size, sha256), on every .eml of the corpus and on generated messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtp_test_util.hpp"

namespace {

using stoq::Json;
using stoq::testing::TempDir;

// One JSON object per message. Strings Python holds with surrogate escapes (raw 8-bit
// header bytes) are turned back into their bytes and read as UTF-8.
constexpr const char* kOracle = R"PY(
import email, sys, json, hashlib, mailbox
from email import policy
def fix(s):
    return s.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')
def content(part):
    if part is None:
        return ''
    try:
        return fix(part.get_content())
    except (LookupError, UnicodeError):
        return None
def show(msg):
    out = {}
    for name, key in (('subject', 'subject'), ('message-id', 'message_id')):
        value = msg[name]
        out[key] = None if value is None else fix(str(value))
    for name, key in (('from', 'from'), ('to', 'to'), ('cc', 'cc'), ('bcc', 'bcc'), ('reply-to', 'reply_to')):
        value = msg[name]
        out[key] = None if value is None else [[fix(a.display_name), fix(a.addr_spec)] for a in value.addresses]
    out['body'] = content(msg.get_body(preferencelist=('plain',)))
    out['body_html'] = content(msg.get_body(preferencelist=('html',)))
    att = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        if name or part.is_attachment():
            data = part.get_payload(decode=True) or b''
            att.append([fix(name or ''), part.get_content_type(), len(data), hashlib.sha256(data).hexdigest()])
    out['att'] = att
    print(json.dumps(out))
parse = lambda f: email.message_from_bytes(f.read(), policy=policy.default)
if sys.argv[2] == 'mbox':
    for message in mailbox.mbox(sys.argv[1], factory=parse):
        show(message)
else:
    with open(sys.argv[1], 'rb') as f:
        show(parse(f))
)PY";

std::vector<Json> oracle(const std::string& path, bool mbox = false) {
  TempDir dir;
  std::string script = dir.write("oracle.py", kOracle);
  std::string text =
      stoq::testing::run_command("python3 '" + script + "' '" + path + "' " + (mbox ? "mbox" : "message"));
  std::vector<Json> messages;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    messages.push_back(Json::parse(text.substr(pos, end - pos)));
    pos = end == std::string::npos ? text.size() : end + 1;
  }
  return messages;
}

// The plugin's result in the oracle's shape.
Json mine(const Json& scan) {
  Json out = Json::object();
  for (const char* key : {"subject", "message_id"}) out[key] = scan.contains(key) ? scan[key] : Json();
  for (const char* key : {"from", "to", "cc", "bcc", "reply_to"}) {
    if (!scan.contains(key)) {
      out[key] = nullptr;
      continue;
    }
    out[key] = Json::array();
    for (const Json& address : scan[key]) out[key].push_back(Json::array({address["name"], address["address"]}));
  }
  out["body"] = scan["body"];
  out["body_html"] = scan["body_html"];
  out["att"] = Json::array();
  for (const Json& entry : scan["att"]) {
    if (entry.contains("uuencoded")) continue;  // Python does not look inside text bodies
    out["att"].push_back(Json::array({entry["filename"], entry["type"], entry["size"], entry["sha256"]}));
  }
  return out;
}

// Python decodes a part labelled (or defaulting to) US-ASCII strictly, each byte over
// 0x7F becoming U+FFFD; the plugin keeps such bytes as the UTF-8 (or Windows-1252)
// they are, as mail clients show them. The same text with Python's replacement:
std::string ascii_replaced(const std::string& text) {
  std::string out;
  for (char c : text) out += static_cast<unsigned char>(c) < 0x80 ? std::string(1, c) : "\xEF\xBF\xBD";
  return out;
}

void expect_same(const Json& python, const Json& scan, const std::string& what) {
  Json plugin = mine(scan);
  for (const auto& [key, value] : python.items()) {
    if (key == "body" || key == "body_html") {
      if (value.is_null()) continue;  // a charset Python cannot decode
      std::string text = plugin[key].get<std::string>();
      if (value.get<std::string>().find("\xEF\xBF\xBD") != std::string::npos && text != value) {
        text = ascii_replaced(text);
      }
      EXPECT_EQ(text, value.get<std::string>()) << what << ": " << key;
      continue;
    }
    EXPECT_EQ(plugin[key], value) << what << ": " << key;
  }
}

TEST(SmtpPython, EveryCorpusMessageAgrees) {
  STOQ_NEED_TOOL("python3");
  STOQ_NEED_PATH(smtp_test::corpus("test.eml"));
  smtp_test::Smtp smtp;
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(STOQ_SHARED_DIR "/corpus/strelka-fixtures")) {
    if (entry.path().extension() != ".eml") continue;
    std::vector<Json> python = oracle(entry.path().string());
    ASSERT_EQ(python.size(), 1U) << entry.path();
    Json scan = smtp.scan_file(entry.path().string());
    EXPECT_EQ(scan["container"], "message");
    expect_same(python[0], scan, entry.path().filename().string());
    ++compared;
  }
  EXPECT_GE(compared, 12);
}

TEST(SmtpPython, TestEmlInDetail) {
  STOQ_NEED_PATH(smtp_test::corpus("test.eml"));
  smtp_test::Smtp smtp;
  Json scan = smtp.scan_file(smtp_test::corpus("test.eml"));
  ASSERT_EQ(scan["from"].size(), 1U);
  EXPECT_EQ(scan["from"][0]["name"], "Foo Bar");
  EXPECT_EQ(scan["from"][0]["address"], "foo.bar@example.com");
  ASSERT_EQ(scan["att"].size(), 2U) << scan["att"].dump(2);  // Strelka: image001.jpg, test.doc
  EXPECT_EQ(scan["att"][1]["filename"], "test.doc");
  EXPECT_EQ(scan["att"][1]["size"], 51200);
  EXPECT_EQ(scan["att"][1]["md5"].get<std::string>().size(), 32U);
  EXPECT_NE(scan["body"].get<std::string>(), "");
  EXPECT_TRUE(scan["headers"].contains("received"));
}

TEST(SmtpPython, GeneratedMessageAgrees) {
  STOQ_NEED_TOOL("python3");
  TempDir dir;
  std::string path = dir.write("sample.eml", smtp_test::sample_message());
  smtp_test::Smtp smtp;
  Json scan = smtp.scan_file(path);
  expect_same(oracle(path)[0], scan, "sample.eml");
  EXPECT_EQ(scan["subject"], "\xC3\xA9t\xC3\xA9 report");
  EXPECT_EQ(scan["from"][0]["name"], "Fran\xC3\xA7ois");
  EXPECT_EQ(scan["to"].size(), 4U);
  EXPECT_EQ(scan["to"][2]["group"], "team");
  EXPECT_EQ(scan["body"], "Caf\xC3\xA9 cr\xC3\xA8me at noon.\r\n.a line starting with a dot");
  EXPECT_EQ(scan["body_html"], "<p>Caf\xC3\xA9 cr\xC3\xA8me</p>\n");
  ASSERT_EQ(scan["att"].size(), 1U);
  EXPECT_EQ(scan["att"][0]["filename"], "r\xC3\xA9sum\xC3\xA9.bin");
  EXPECT_EQ(scan["att"][0]["md5"], "c56bd5480f6e5413cb62a0ad9666613a");  // md5 of bytes 0..9
  EXPECT_EQ(scan["headers"]["received"].get<std::string>().find('\n') != std::string::npos, true);
}

TEST(SmtpPython, MboxMessagesAgree) {
  STOQ_NEED_TOOL("python3");
  TempDir dir;
  std::string mbox = "From alice@example.org Tue Jan  2 10:00:00 2024\n" + smtp_test::sample_message("first") +
                     "\nFrom bob@example.org Tue Jan  2 10:00:01 2024\n"
                     "From: Bob <bob@example.org>\nTo: x@example.com\nSubject: second\n\n"
                     "plain body\n>From quoted\n\n"
                     "From carol@example.org Tue Jan  2 10:00:02 2024\n"
                     "From: carol@example.org\nSubject: =?utf-8?q?third_=E2=9C=93?=\n\nthird\n";
  std::string path = dir.write("box.mbox", mbox);
  std::vector<Json> python = oracle(path, true);
  ASSERT_EQ(python.size(), 3U);
  smtp_test::Smtp smtp;
  Json scan = smtp.scan_file(path);
  ASSERT_TRUE(scan.is_array()) << scan.dump(2);
  ASSERT_EQ(scan.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(scan[i]["container"], "mbox");
    EXPECT_EQ(scan[i]["message_index"], i);
    EXPECT_EQ(scan[i]["messages"], 3);
    expect_same(python[i], scan[i], "mbox message " + std::to_string(i));
  }
  EXPECT_EQ(scan[2]["subject"], "third \xE2\x9C\x93");
}

// A session's messages are the messages the client sent: dot-stuffing undone, they
// agree with Python on the unstuffed bytes.
TEST(SmtpPython, SessionMessageAgreesWithTheMessageItCarries) {
  STOQ_NEED_TOOL("python3");
  TempDir dir;
  const std::string message = smtp_test::sample_message();
  std::string path = dir.write("plain.eml", message);
  std::string session =
      "220 mx ESMTP\r\nEHLO c\r\n250 ok\r\nMAIL FROM:<f@example.org>\r\nRCPT TO:<j@example.com>\r\n"
      "DATA\r\n354 go\r\n" +
      smtp_test::dot_stuffed(message) + ".\r\n250 queued\r\nQUIT\r\n";
  smtp_test::Smtp smtp;
  Json scan = smtp.scan(session);
  EXPECT_EQ(scan["container"], "smtp_session");
  expect_same(oracle(path)[0], scan, "session");
}

}  // namespace
