// worker:iocextract through its readers: PDFs through reader:pdftext, UTF-16 text through
// reader:text, and the STIX bundle of reader:stix (checked as reader:stix's tests check it).
#include <gtest/gtest.h>

#include <string>

#include "handmade_pdf.hpp"
#include "run_cli.hpp"
#include "stix_checker.hpp"
#include "stoq/template.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

std::string utf16le(std::string_view ascii) {
  std::string out;
  for (char c : ascii) out += std::string{c, '\0'};
  return out;
}

// The IP and the URL only in the page's text (a hex string), the e-mail in the raw bytes
// (a comment), where only a raw read finds it.
std::string pdf_with_an_ip() {
  return stoq_test::handmade_pdf({"BT /F1 12 Tf 72 712 Td " +
                                  stoq_test::pdf_hex("C2 at 198.51.100.23 and http://pdf-c2.ru/in") +
                                  " Tj ET\n% contact: soc@pdf-c2.ru"});
}

class IocExtractReaders : public ::testing::Test {
 protected:
  stoq::Worker& worker(const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
    return harness_.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "iocextract", overrides);
  }
  TempDir work_;
  PluginHarness harness_{work_.path()};
};

TEST_F(IocExtractReaders, Utf16TextWithAUrl) {
  auto& plugin = worker();
  std::string text = "Download from https://utf16-drop.ru/payload.bin now\r\n";
  Json expected = Json::parse(R"({"domain": ["utf16-drop.ru"], "url": ["https://utf16-drop.ru/payload.bin"]})");
  EXPECT_EQ(plugin.scan(payload_of("\xFF\xFE" + utf16le(text)), Json::object()), expected);
  EXPECT_EQ(plugin.scan(payload_of(utf16le(text)), Json::object()), expected);  // no BOM
  // Without the text reader the bytes are read as they are: nothing.
  auto& raw = worker({{"decode_text", "False"}});
  EXPECT_TRUE(raw.scan(payload_of(utf16le(text)), Json::object()).is_null());
}

TEST_F(IocExtractReaders, Utf16InABinaryKeepsItsAsciiIndicators) {
  // Decoded as UTF-16 and read raw too: the ASCII IP beside the UTF-16 text is kept.
  auto& plugin = worker();
  std::string mixed = utf16le("see http://wide-c2.ru/a and more text here") + "203.0.113.77";
  Json scan = plugin.scan(payload_of(mixed), Json::object());
  EXPECT_EQ(scan["url"], Json::array({"http://wide-c2.ru/a"})) << scan.dump(2);
  EXPECT_EQ(scan["ipv4"], Json::array({"203.0.113.77"})) << scan.dump(2);
}

TEST_F(IocExtractReaders, APdfsTextAndRawBytes) {
  std::string pdf = pdf_with_an_ip();
  ASSERT_EQ(pdf.find("198.51.100.23"), std::string::npos);
  Json scan = worker().scan(payload_of(pdf), Json{{"filename", "c2.pdf"}});
  EXPECT_EQ(scan["ipv4"], Json::array({"198.51.100.23"})) << scan.dump(2);
  EXPECT_EQ(scan["url"], Json::array({"http://pdf-c2.ru/in"})) << scan.dump(2);
  EXPECT_EQ(scan["email"], Json::array({"soc@pdf-c2.ru"})) << scan.dump(2);
  // pdf_text off: the raw bytes only.
  Json raw = worker({{"pdf_text", "False"}}).scan(payload_of(pdf), Json::object());
  EXPECT_FALSE(raw.contains("ipv4")) << raw.dump(2);
  EXPECT_TRUE(raw.contains("email")) << raw.dump(2);
}

TEST_F(IocExtractReaders, ABrokenPdfIsReadRaw) {
  Json scan = worker().scan(payload_of("%PDF-1.7\nnot really a PDF, beacon 203.0.113.9\n"), Json::object());
  EXPECT_EQ(scan, Json::parse(R"({"ipv4": ["203.0.113.9"]})"));
}

TEST_F(IocExtractReaders, StixBundleOfTheIndicators) {
  auto& plugin = worker({{"stix", "True"}});
  std::string_view report = "beacon to hxxp://evil[.]ru/gate.php from 203.0.113.5, ask bob@evil.ru";
  Json scan = plugin.scan(payload_of(report), Json{{"filename", "note.txt"}});
  ASSERT_TRUE(scan.contains("stix")) << scan.dump(2);
  const Json& bundle = scan["stix"];
  stix_checker::Problems problems = stix_checker::check_bundle(bundle);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems) << bundle.dump(2);
  ASSERT_EQ(bundle["objects"].size(), 5U) << bundle.dump(2);  // the file, then 4 indicators
  EXPECT_EQ(bundle["objects"][0]["name"], "note.txt");
  EXPECT_EQ(bundle["objects"][0]["hashes"]["SHA-256"], stoq::compute_hashes(stoq::ByteView(report)).sha256);
  EXPECT_EQ(bundle["objects"][1]["pattern"], "[ipv4-addr:value = '203.0.113.5']");
  // The same bundle as reader:stix gives on its own, and the same every time.
  Json direct = harness_.reader("stix").read(payload_of(report), Json{{"filename", "note.txt"}});
  EXPECT_EQ(direct.dump(), bundle.dump());
  EXPECT_EQ(plugin.scan(payload_of(report), Json{{"filename", "note.txt"}})["stix"].dump(), bundle.dump());
  // Nothing found: still no result.
  EXPECT_TRUE(plugin.scan(payload_of("nothing"), Json::object()).is_null());
  // The templates list the indicators, not the bundle.
  Json document = {{"results", Json::array({{{"filename", "note.txt"}, {"scan", scan}}})}};
  stoq::templating::Environment environment(std::string(STOQ_PLUGIN_DIR) + "/worker/iocextract/templates");
  std::string text = environment.get_template("stdout.tpl")->render({{"results", document}});
  EXPECT_TRUE(stoq_test::contains(text, "    found   4 indicators\n")) << text;
  EXPECT_TRUE(stoq_test::contains(text, "    STIX 2.1 bundle bundle--")) << text;
  std::string slack = environment.get_template("slack.tpl")->render({{"results", document}});
  EXPECT_FALSE(stoq_test::contains(slack, "stix")) << slack;
}

// End to end, with the stoq executable.
TEST(IocExtractReadersCli, CorpusPdf) {
  std::string pdf = std::string(STOQ_SHARED_DIR) + "/corpus/strelka-fixtures/test.pdf";
  STOQ_NEED_PATH(pdf);
  stoq_test::StoqEnv env;
  stoq_test::CliResult result = stoq_test::run_stoq(env, {"iocextract", "-F", pdf});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<stoq_test::OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  // Its last line of text: "... https://duckduckgo.com".
  const stoq_test::OJson& scan = documents[0]["results"][0]["scan"];
  EXPECT_TRUE(stoq_test::contains(scan.dump(), "duckduckgo.com")) << scan.dump(2);
  EXPECT_FALSE(documents[0].contains("errors")) << documents[0].dump(2);
}

TEST(IocExtractReadersCli, IsolatedPdfWithStix) {
  stoq_test::StoqEnv env;
  std::string file = env.home().write("input/c2.pdf", pdf_with_an_ip());
  stoq_test::CliResult result =
      stoq_test::run_stoq(env, {"iocextract", "-F", file, "--isolation", "--plugin-opt", "iocextract:stix=True"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<stoq_test::OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  const stoq_test::OJson& scan = documents[0]["results"][0]["scan"];
  EXPECT_EQ(scan["ipv4"], stoq_test::OJson::array({"198.51.100.23"})) << scan.dump(2);
  EXPECT_TRUE(stix_checker::check_bundle(Json::parse(scan["stix"].dump())).empty()) << scan.dump(2);
}

}  // namespace
