// decorator:summary on realistic documents (stoQ's yara and iocextract shapes, a
// dispatched tree, Strelka-style shapes), on hostile shapes and on huge inputs.
#include <gtest/gtest.h>

#include <string>

#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

// stoq-1.0.2-output-example.json: the yara worker on a PE file, archived (-A file).
Json yara_document() {
  return Json::parse(R"({
    "results": [{
      "archive": "file", "path": "/ingest/test.exe", "filename": "test.exe",
      "md5": "f58ebb5ce3e07a9dfc6dcca556b58291", "sha1": "67198a3ca72c49fb263f4a9749b4b79c50510155",
      "content-type": "application/x-dosexec",
      "scan": [
        {"matches": true, "rule": "bar_mz_header", "namespace": "default", "tags": [], "meta": {}, "strings": []},
        {"matches": true, "rule": "bar_dos_stub", "namespace": "default", "tags": [], "meta": {},
         "strings": [["78", "$a", "b'This program cannot be run in DOS mode'"]]}
      ],
      "uuid": ["41eedf59-39b9-4d5f-99c8-bb7363af5845"], "plugin": "yara", "size": 4096,
      "source_meta": {}, "payload_id": 0
    }],
    "plugins": {"0": "yara"}, "date": "2026-11-29T06:54:36.064129", "tlp": "white", "payloads": 1
  })");
}

// A root payload, a payload dispatched from it, and a second worker's view: yara hits
// on two entries, iocextract output, the hash worker's scan, and two errors.
Json tree_document() {
  return Json::parse(R"({
    "results": [
      {"filename": "invoice.doc", "content-type": "application/msword", "magic": "Composite Document File V2",
       "scan": [{"rule": "office_macro", "meta": {"severity": "medium"}, "tags": ["macro"], "matches": true},
                {"rule": "suspicious_autoopen", "meta": {"score": 400}}],
       "uuid": ["a"], "plugin": "yara", "size": 55208, "payload_id": 0},
      {"filename": "macro.vba", "dispatcher": "decoder:xor", "content-type": "text/plain",
       "scan": [{"rule": "office_macro", "meta": {}}, {"rule": "office_macro", "meta": {}}],
       "uuid": ["a", "b"], "plugin": "yara", "size": 4096, "payload_id": 1},
      {"filename": "macro.vba", "content-type": "text/plain",
       "scan": {"ipv4": ["10.0.0.1", "192.0.2.7", "10.0.0.1"], "domain": ["evil.example"],
                "url": ["http://evil.example/a", "http://evil.example/b"], "md5": ["d41d8cd98f00b204e9800998ecf8427e"],
                "filename": ["not-an-ioc.exe"]},
       "uuid": ["a", "b"], "plugin": "iocextract", "payload_id": 1},
      {"filename": "invoice.doc", "scan": {"md5": "f58ebb5ce3e07a9dfc6dcca556b58291", "sha1": "67198a3c"},
       "uuid": ["a"], "plugin": "hash", "payload_id": 0}
    ],
    "plugins": {"0": "yara", "1": "decoder:xor"},
    "date": "2026-11-29T06:54:36.064129", "tlp": "amber", "payloads": 2,
    "errors": [{"plugin": "carver:ole", "payload_id": 0, "error": "truncated stream"},
               {"plugin": "carver:ole", "payload_id": 1, "error": "bad sector"}]
  })");
}

class SummaryTest : public ::testing::Test {
 protected:
  TempDir dir;
  PluginHarness harness{dir.path()};

  stoq::Decorator& summary(const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
    return harness.activate<stoq::Decorator>(STOQ_PLUGIN_DIR, "summary", overrides);
  }
};

TEST_F(SummaryTest, YaraDocumentOfTheReference) {
  Json document = yara_document();
  Json decorated = summary().decorate(document);
  Json expected = Json::parse(R"({
    "payloads": 1, "results": 1, "plugins": ["yara"], "file_types": {"application/x-dosexec": 1},
    "yara": {"hits": 2, "rules": {"bar_mz_header": 1, "bar_dos_stub": 1}}, "iocs": {},
    "errors": {"count": 0, "plugins": {}}})");
  EXPECT_EQ(decorated["summary"], expected);
  decorated.erase("summary");
  EXPECT_EQ(decorated, document);  // nothing else changed
  EXPECT_EQ(decorated.dump(), document.dump());
}

TEST_F(SummaryTest, WholeTree) {
  Json summary_of = summary().decorate(tree_document())["summary"];
  EXPECT_EQ(summary_of["payloads"], 2);
  EXPECT_EQ(summary_of["results"], 4);
  EXPECT_EQ(summary_of["plugins"], Json::parse(R"(["yara", "decoder:xor", "iocextract", "hash"])"));
  // Types counted once per entry, most frequent first.
  EXPECT_EQ(summary_of["file_types"].dump(),
            R"({"text/plain":2,"application/msword":1,"Composite Document File V2":1})");
  // office_macro hit two entries (twice in the second: counted once there).
  EXPECT_EQ(summary_of["yara"].dump(), R"({"hits":3,"rules":{"office_macro":2,"suspicious_autoopen":1}})");
  // Unique values per type; "filename" is no IOC type and the hash scan's md5 is no list.
  Json expected_iocs = Json::parse(R"({
    "ipv4": {"count": 2, "values": ["10.0.0.1", "192.0.2.7"]},
    "url": {"count": 2, "values": ["http://evil.example/a", "http://evil.example/b"]},
    "domain": {"count": 1, "values": ["evil.example"]},
    "md5": {"count": 1, "values": ["d41d8cd98f00b204e9800998ecf8427e"]}})");
  EXPECT_EQ(summary_of["iocs"], expected_iocs);
  EXPECT_EQ(summary_of["iocs"].begin().key(), "ipv4");
  EXPECT_EQ(summary_of["errors"], Json::parse(R"({"count": 2, "plugins": {"carver:ole": 2}})"));
}

TEST_F(SummaryTest, OtherScanShapes) {
  Json document = Json::parse(R"({"results": [
    {"scan": {"yara": {"matches": ["strelka_rule", "strelka_rule_2"]}, "MIMEType": "application/pdf"},
     "iocs": [{"ioc": "evil.example", "ioc_type": "domain", "scanner": "ScanUrl"},
              {"ioc": "203.0.113.9", "ioc_type": "IP"}, {"ioc": 5, "ioc_type": "ip"}]},
    {"scan": {"matches": [{"rule": "nested_hit", "meta": {}}, "named_rule"]}},
    {"scan": {"rule": "single_hit", "matches": true}},
    {"scan": [{"rule": "not_a_match", "matches": false}, "bare_string_is_no_rule"]},
    {"scan": {"iocs": {"url": ["http://a.example/"]}, "flavors": {"mime": ["x"]}}}
  ]})");
  Json summary_of = summary().decorate(document)["summary"];
  EXPECT_EQ(summary_of["payloads"], 5);  // no payload_id, no "payloads": one per entry
  EXPECT_EQ(summary_of["yara"]["hits"], 5);
  EXPECT_EQ(summary_of["yara"]["rules"],
            Json::parse(R"({"strelka_rule": 1, "strelka_rule_2": 1, "nested_hit": 1, "named_rule": 1,
                            "single_hit": 1})"));
  EXPECT_EQ(summary_of["file_types"], Json::parse(R"({"application/pdf": 1})"));
  EXPECT_EQ(summary_of["iocs"]["domain"]["count"], 1);
  EXPECT_EQ(summary_of["iocs"]["ip"]["values"], Json::parse(R"(["203.0.113.9"])"));
  EXPECT_EQ(summary_of["iocs"]["url"]["count"], 1);
}

TEST_F(SummaryTest, HostileShapesNeverThrow) {
  stoq::Decorator& decorator = summary();
  Json deep = "bottom";
  for (int i = 0; i < 5000; ++i) {
    Json level = Json::object();
    level[i % 2 == 0 ? "matches" : "yara"] = std::move(deep);
    deep = std::move(level);
  }
  Json document = Json::parse(R"({"results": [
    "a string entry", 42, null, [1, 2], {},
    {"scan": "just text", "payload_id": "p-1", "plugin": 7, "content-type": 12},
    {"scan": 3.5, "payload_id": null}, {"scan": null}, {"scan": true}, {"scan": []}, {"scan": {}},
    {"scan": [null, 1, "x", [], {"rule": 5}, {"rule": null, "meta": "m"}, {"rule": "ok", "meta": [1]}]},
    {"scan": {"matches": "yes", "yara": 5, "iocs": "none", "ipv4": "10.0.0.1", "url": [1, null, {}, []]}},
    {"scan": {"ipv4": {"a": 1}, "domain": [["nested.example"]]}, "iocs": {"ioc": "x"},
     "content-type": [null, 3, "", "application/zip"], "magic": {}}
  ], "plugins": ["not", "an", "object"], "payloads": "two", "errors": {"plugin": "x"}})");
  document["results"].push_back({{"scan", std::move(deep)}, {"payload_id", 9}});
  Json decorated;
  ASSERT_NO_THROW(decorated = decorator.decorate(std::move(document)));
  const Json& summary_of = decorated["summary"];
  EXPECT_EQ(summary_of["results"], 15);
  EXPECT_EQ(summary_of["payloads"], 15);  // "p-1", 9 and 13 entries without a usable id
  EXPECT_EQ(summary_of["plugins"], Json::array());
  EXPECT_EQ(summary_of["yara"]["rules"], Json::parse(R"({"ok": 1})"));
  EXPECT_EQ(summary_of["file_types"], Json::parse(R"({"application/zip": 1})"));
  EXPECT_EQ(summary_of["iocs"], Json::object());
  EXPECT_EQ(summary_of["errors"]["count"], 0);

  // Not an object: nothing to add to, returned as it came.
  for (const char* text : {R"([1, 2])", R"("text")", "null", "7"}) {
    EXPECT_EQ(decorator.decorate(Json::parse(text)), Json::parse(text)) << text;
  }
  // No results at all, or results of the wrong type.
  Json empty = decorator.decorate(Json::object())["summary"];
  EXPECT_EQ(empty["payloads"], 0);
  EXPECT_EQ(empty["results"], 0);
  EXPECT_EQ(decorator.decorate(Json{{"results", "x"}, {"payloads", 3}})["summary"]["payloads"], 3);
  // A summary already there is replaced.
  EXPECT_EQ(decorator.decorate(Json{{"summary", "old"}})["summary"]["results"], 0);
}

TEST_F(SummaryTest, HugeListsAreBounded) {
  stoq::Decorator& decorator = summary({{"max_items", "3"}});
  Json hits = Json::array();
  for (int i = 0; i < 2000; ++i) hits.push_back({{"rule", "rule_" + std::to_string(i)}, {"meta", Json::object()}});
  Json ipv4 = Json::array();
  for (int i = 0; i < 100000; ++i) {
    ipv4.push_back("10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "." +
                   std::to_string(i % 256));
  }
  Json ioc_scan = {{"ipv4", std::move(ipv4)},
                   {"url", {"http://a.example/"}},
                   {"domain", {"a.example"}},
                   {"email", {"x@a.example"}},
                   {"mac", {"00:11:22:33:44:55"}}};
  Json document = Json::object();
  document["results"] = Json::array();
  for (int i = 0; i < 50; ++i) {
    document["results"].push_back({{"scan", hits}, {"payload_id", i}, {"plugin", "yara_" + std::to_string(i)}});
  }
  document["results"].push_back({{"scan", std::move(ioc_scan)}, {"payload_id", 0}, {"plugin", "iocextract"}});
  document["results"][0]["scan"].push_back({{"rule", "rule_7"}});  // a duplicate: still once for that entry
  document["results"][1]["scan"].push_back({{"rule", std::string(10000, 'r')}});
  document["errors"] = Json::array();
  for (int i = 0; i < 10; ++i) document["errors"].push_back({{"plugin", "p" + std::to_string(i)}, {"error", "e"}});

  Json summary_of = decorator.decorate(std::move(document))["summary"];
  EXPECT_EQ(summary_of["results"], 51);
  EXPECT_EQ(summary_of["payloads"], 50);
  EXPECT_EQ(summary_of["plugins"].size(), 3U);
  EXPECT_EQ(summary_of["plugins_omitted"], 48);
  EXPECT_EQ(summary_of["yara"]["hits"], 100001);
  EXPECT_EQ(summary_of["yara"]["rules"].dump(), R"({"rule_0":50,"rule_1":50,"rule_2":50})");
  EXPECT_EQ(summary_of["yara"]["rules_omitted"], 1998);  // 2000 rules and the long one
  const Json& iocs = summary_of["iocs"];
  EXPECT_EQ(iocs.size(), 3U);
  EXPECT_EQ(summary_of["iocs_omitted"], 2);
  EXPECT_EQ(iocs.begin().key(), "ipv4");
  EXPECT_EQ(iocs["ipv4"]["count"], 100000);
  EXPECT_EQ(iocs["ipv4"]["values"], Json::parse(R"(["10.0.0.0", "10.0.0.1", "10.0.0.2"])"));
  EXPECT_EQ(iocs["ipv4"]["values_omitted"], 99997);
  EXPECT_EQ(summary_of["errors"]["count"], 10);
  EXPECT_EQ(summary_of["errors"]["plugins"].size(), 3U);
  EXPECT_EQ(summary_of["errors"]["plugins_omitted"], 7);
}

TEST_F(SummaryTest, LongTextIsCutOnCharacterBoundaries) {
  stoq::Decorator& decorator = summary({{"max_value_length", "4"}});
  // "a" then two 2-byte characters: byte 4 is inside the second one, so 3 bytes are kept.
  Json hit = Json::object();
  hit["rule"] = "a\xc3\xa9\xc3\xa9";
  Json entry = Json::object();
  entry["scan"] = Json::array({hit});
  entry["content-type"] = "\xe2\x82\xac\xe2\x82\xac";
  Json document = Json::object();
  document["results"] = Json::array({entry});
  Json summary_of = decorator.decorate(std::move(document))["summary"];
  EXPECT_EQ(summary_of["yara"]["rules"], Json::parse("{\"a\xc3\xa9\": 1}"));
  EXPECT_EQ(summary_of["file_types"], Json::parse("{\"\xe2\x82\xac\": 1}"));
  EXPECT_NO_THROW((void)summary_of.dump());  // strict UTF-8: would throw on a cut character
}

TEST_F(SummaryTest, ZeroItemsListsCountsOnly) {
  Json summary_of = summary({{"max_items", "0"}}).decorate(tree_document())["summary"];
  EXPECT_EQ(summary_of["plugins"], Json::array());
  EXPECT_EQ(summary_of["plugins_omitted"], 4);
  EXPECT_EQ(summary_of["yara"]["hits"], 3);
  EXPECT_EQ(summary_of["yara"]["rules"], Json::object());
  EXPECT_EQ(summary_of["iocs_omitted"], 4);
}

TEST_F(SummaryTest, TypeAndIocKeysOptions) {
  Json summary_of =
      summary({{"type_keys_list", "Magic"}, {"ioc_types_list", "URL, filename"}}).decorate(tree_document())["summary"];
  EXPECT_EQ(summary_of["file_types"], Json::parse(R"({"Composite Document File V2": 1})"));
  EXPECT_EQ(summary_of["iocs"].dump(),
            R"({"url":{"count":2,"values":["http://evil.example/a","http://evil.example/b"]},)"
            R"("filename":{"count":1,"values":["not-an-ioc.exe"]}})");
  summary_of = summary({{"type_keys_list", ""}, {"ioc_types_list", ""}}).decorate(tree_document())["summary"];
  EXPECT_EQ(summary_of["file_types"], Json::object());
  EXPECT_EQ(summary_of["iocs"], Json::object());
}

TEST_F(SummaryTest, BadOptionsRefusedAtActivate) {
  EXPECT_THROW(summary({{"max_items", "-1"}}), stoq::Error);
  EXPECT_THROW(summary({{"max_value_length", "0"}}), stoq::Error);
  EXPECT_THROW(summary({{"max_items", "many"}}), stoq::Error);
  EXPECT_THROW(summary({{"max_itemz", "3"}}), stoq::Error);
}

}  // namespace
