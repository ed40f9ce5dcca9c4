// worker:iocextract through the plugin harness (the reader comes from the harness's
// reader() lookup, as from the framework), and its templates rendered directly.
#include <gtest/gtest.h>

#include <string>

#include "stoq/template.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::Payload;
using stoq::testing::payload_of;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

TEST(IocExtractWorker, ReturnsTheReadersIndicators) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "iocextract");
  Json scan = worker.scan(payload_of("beacon to hxxp://evil[.]ru/gate.php from 203.0.113.5, ask bob@evil.ru"),
                          Json::parse(R"({"filename": "note.txt"})"));
  Json expected = Json::parse(R"({
    "ipv4": ["203.0.113.5"],
    "domain": ["evil.ru"],
    "url": ["http://evil.ru/gate.php"],
    "email": ["bob@evil.ru"]
  })");
  EXPECT_EQ(scan, expected) << scan.dump(2);
}

TEST(IocExtractWorker, NothingFoundIsNoResult) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "iocextract");
  EXPECT_TRUE(worker.scan(payload_of("nothing to see here, 999.1.1.1"), Json::object()).is_null());
  EXPECT_TRUE(worker.scan(Payload(stoq::Bytes{}), Json::object()).is_null());
}

TEST(IocExtractWorker, NoPayloadIsAnError) {
  TempDir dir;
  PluginHarness harness(dir.path());
  auto& worker = harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "iocextract");
  EXPECT_THROW((void)worker.scan(Payload(), Json::object()), stoq::Error);
}

TEST(IocExtractWorker, TheReaderIsLoadedAtActivation) {
  TempDir dir;
  PluginHarness harness(dir.path());
  (void)harness.activate<stoq::Worker>(STOQ_PLUGIN_DIR, "iocextract");
  // The same instance the worker uses: reader() returns this thread's one.
  auto& reader = harness.reader("iocregex");
  EXPECT_EQ(reader.name(), "iocregex");
  EXPECT_EQ(reader.read(payload_of("evil.ru"), Json::object()), Json::parse(R"({"domain": ["evil.ru"]})"));
}

// ---------------------------------------------------------------------------------
// Templates, rendered as `stoq iocextract -T NAME` renders them.

Json two_payloads() {
  return Json::parse(R"({
    "results": [
      {"filename": "report.txt", "sha1": "725338891764675e35596308c2bfc2020f0534fd", "plugin": "iocextract",
       "scan": {"ipv4": ["203.0.113.5", "198.51.100.7"], "domain": ["evil.ru"],
                "url": ["http://evil.ru/a", "http://evil.ru/b", "http://evil.ru/c", "http://evil.ru/d",
                        "http://evil.ru/e", "http://evil.ru/f", "http://evil.ru/g"],
                "md5": ["900150983cd24fb0d6963f7d28e17f72"]}},
      {"filename": "empty.bin", "sha1": "da39a3ee5e6b4b0d3255bfef95601890afd80709", "plugin": "iocextract"}
    ],
    "plugins": {"0": "iocextract"}, "date": "2026-11-29T09:29:13.955120", "tlp": "white", "payloads": 2,
    "errors": [{"plugin": "worker:iocextract", "payload_id": 1, "error": "boom"}]
  })");
}

std::string render(const std::string& name, const Json& document) {
  stoq::templating::Environment environment(std::string(STOQ_PLUGIN_DIR) + "/worker/iocextract/templates");
  return environment.get_template(name)->render({{"results", document}});
}

TEST(IocExtractTemplates, StdoutSummarizesCountsAndValues) {
  std::string expected =
      "report.txt\n"
      "    sha1    725338891764675e35596308c2bfc2020f0534fd\n"
      "    found   11 indicators\n"
      "    IPv4 addresses (2)\n"
      "        203.0.113.5\n"
      "        198.51.100.7\n"
      "    Domains (1)\n"
      "        evil.ru\n"
      "    URLs (7)\n"
      "        http://evil.ru/a\n"
      "        http://evil.ru/b\n"
      "        http://evil.ru/c\n"
      "        http://evil.ru/d\n"
      "        http://evil.ru/e\n"
      "        http://evil.ru/f\n"
      "        http://evil.ru/g\n"
      "    MD5 hashes (1)\n"
      "        900150983cd24fb0d6963f7d28e17f72\n"
      "\n"
      "empty.bin\n"
      "    sha1    da39a3ee5e6b4b0d3255bfef95601890afd80709\n"
      "    found   no indicators\n"
      "error   worker:iocextract: boom\n";
  EXPECT_EQ(render("stdout.tpl", two_payloads()), expected);
}

TEST(IocExtractTemplates, SlackIsCompactWithTheFirstValues) {
  std::string expected =
      "*IOCExtract results* for `report.txt` (sha1 `725338891764675e35596308c2bfc2020f0534fd`)\n"
      "• *IPv4* (2): `203.0.113.5` `198.51.100.7`\n"
      "• *Domains* (1): `evil.ru`\n"
      "• *URLs* (7): `http://evil.ru/a` `http://evil.ru/b` `http://evil.ru/c` `http://evil.ru/d` "
      "`http://evil.ru/e` and 2 more\n"
      "• *MD5* (1): `900150983cd24fb0d6963f7d28e17f72`\n"
      "\n"
      "*IOCExtract results* for `empty.bin` (sha1 `da39a3ee5e6b4b0d3255bfef95601890afd80709`)\n"
      "_no indicators found_\n"
      ":warning: `worker:iocextract`: boom\n";
  EXPECT_EQ(render("slack.tpl", two_payloads()), expected);
}

TEST(IocExtractTemplates, SplitDocumentsAreOneEntry) {
  // With --split, `results` is the entry itself.
  Json entry = two_payloads()["results"][0];
  std::string text = render("stdout.tpl", entry);
  EXPECT_EQ(text.substr(0, text.find('\n')), "report.txt");
  EXPECT_NE(text.find("    MD5 hashes (1)\n"), std::string::npos) << text;
  std::string slack = render("slack.tpl", entry);
  EXPECT_EQ(slack.substr(0, slack.find('\n')),
            "*IOCExtract results* for `report.txt` (sha1 `725338891764675e35596308c2bfc2020f0534fd`)");
}

}  // namespace
