// decorator:verdict: scoring from YARA meta, per-rule overrides, IOC types and errors,
// the verdict bands, aggregation over payloads, bounds, hostile shapes, bad options.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "stoq/testing.hpp"

namespace {

using stoq::Json;
using stoq::testing::PluginHarness;
using stoq::testing::TempDir;

// stoq-1.0.2-output-example.json: two rule hits without meta.
Json yara_document() {
  return Json::parse(R"({
    "results": [{
      "archive": "file", "path": "/ingest/test.exe", "filename": "test.exe",
      "md5": "f58ebb5ce3e07a9dfc6dcca556b58291",
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

// One payload whose rules carry meta of every kind.
Json meta_document() {
  return Json::parse(R"({"results": [{"payload_id": 0, "plugin": "yara", "scan": [
    {"rule": "by_score", "meta": {"score": 250, "severity": "critical"}},
    {"rule": "by_weight", "meta": {"Weight": " 40 "}},
    {"rule": "by_float", "meta": {"score": 99.6}},
    {"rule": "by_severity", "meta": {"author": "x", "severity": "High"}},
    {"rule": "unknown_severity", "meta": {"severity": "spicy", "score": "n/a"}},
    {"rule": "known_good", "meta": {"score": -30}},
    {"rule": "informational", "meta": {"severity": "info"}},
    {"rule": "overridden", "meta": {"score": 999}},
    {"rule": "by_score", "meta": {"score": 250}}
  ]}]})");
}

Json document_with_score(std::int64_t score) {
  Json document = Json::object();
  document["results"] = Json::array({Json{{"payload_id", 0}, {"scan", Json::array()}}});
  document["results"][0]["scan"].push_back({{"rule", "r"}, {"meta", {{"score", score}}}});
  return document;
}

class VerdictTest : public ::testing::Test {
 protected:
  TempDir dir;
  PluginHarness harness{dir.path()};

  stoq::Decorator& verdict(const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
    return harness.activate<stoq::Decorator>(STOQ_PLUGIN_DIR, "verdict", overrides);
  }
};

TEST_F(VerdictTest, ReferenceDocumentWithDefaults) {
  Json document = yara_document();
  Json decorated = verdict().decorate(document);
  Json expected = Json::parse(R"json({"score": 200, "verdict": "clean", "reasons": [
    {"type": "yara", "name": "bar_mz_header", "score": 100, "payload_id": 0, "detail": "rule matched (rule_score)"},
    {"type": "yara", "name": "bar_dos_stub", "score": 100, "payload_id": 0, "detail": "rule matched (rule_score)"}]})json");
  EXPECT_EQ(decorated["verdict"], expected);
  decorated.erase("verdict");
  EXPECT_EQ(decorated.dump(), document.dump());  // nothing else changed
}

TEST_F(VerdictTest, ScoresFromMetaAndOverrides) {
  Json result =
      verdict({{"rule_scores_dict", R"({"overridden": 5, "informational": 0})"}}).decorate(meta_document())["verdict"];
  // 250 + 40 + 100 + 700 + 100 + (-30) + 0 + 5, by_score once.
  EXPECT_EQ(result["score"], 1165);
  EXPECT_EQ(result["verdict"], "malicious");
  std::vector<std::pair<std::string, std::string>> reasons;
  for (const Json& reason : result["reasons"]) reasons.emplace_back(reason["name"], reason["detail"]);
  std::vector<std::pair<std::string, std::string>> expected = {
      {"by_severity", "meta severity = high"}, {"by_score", "meta score = 250"},
      {"by_float", "meta score = 100"},        {"unknown_severity", "rule matched (rule_score)"},
      {"by_weight", "meta weight = 40"},       {"overridden", "rule_scores_dict"},
      {"known_good", "meta score = -30"}};  // highest first; "informational" scored 0: no reason
  EXPECT_EQ(reasons, expected);
}

TEST_F(VerdictTest, MetaKeysAndSeverityTableOptions) {
  Json result = verdict({{"score_meta_list", "weight"},
                         {"severity_meta_list", "threat, severity"},
                         {"severity_scores_dict", R"({"HIGH": 10, "spicy": 1})"},
                         {"rule_score", "0"}})
                    .decorate(meta_document())["verdict"];
  // by_score: severity critical is unknown now, rule_score 0; by_weight 40; by_severity 10;
  // unknown_severity ("spicy") 1; the others fall back to rule_score 0.
  EXPECT_EQ(result["score"], 51);
  EXPECT_EQ(result["verdict"], "clean");
  EXPECT_EQ(result["reasons"].size(), 3U);
}

TEST_F(VerdictTest, DefaultBandsFollowAssemblyline) {
  stoq::Decorator& decorator = verdict();
  std::vector<std::pair<std::int64_t, std::string>> bands = {
      {-50, "clean"},      {0, "clean"},        {299, "clean"},      {300, "suspicious"},
      {700, "suspicious"}, {999, "suspicious"}, {1000, "malicious"}, {50000, "malicious"}};
  for (const auto& [score, band] : bands) {
    Json result = decorator.decorate(document_with_score(score))["verdict"];
    EXPECT_EQ(result["verdict"], band) << score;
    EXPECT_EQ(result["score"], std::max<std::int64_t>(score, 0)) << score;  // max over payloads, from 0
  }
  // Assemblyline's fourth band, when asked for.
  stoq::Decorator& four = verdict({{"highly_suspicious_threshold", "700"}});
  bands = {{699, "suspicious"}, {700, "highly_suspicious"}, {999, "highly_suspicious"}, {1000, "malicious"}};
  for (const auto& [score, band] : bands) {
    EXPECT_EQ(four.decorate(document_with_score(score))["verdict"]["verdict"], band) << score;
  }
}

TEST_F(VerdictTest, CustomThresholds) {
  stoq::Decorator& decorator =
      verdict({{"suspicious_threshold", "50"}, {"highly_suspicious_threshold", "0"}, {"malicious_threshold", "100"}});
  std::vector<std::pair<std::int64_t, std::string>> bands = {
      {49, "clean"}, {50, "suspicious"}, {99, "suspicious"}, {100, "malicious"}, {800, "malicious"}};
  for (const auto& [score, band] : bands) {
    EXPECT_EQ(decorator.decorate(document_with_score(score))["verdict"]["verdict"], band) << score;
  }
}

TEST_F(VerdictTest, AggregateMaxOrSum) {
  Json document = Json::parse(R"({"results": [
    {"payload_id": 0, "scan": [{"rule": "a", "meta": {"score": 200}}, {"rule": "a", "meta": {"score": 200}}]},
    {"payload_id": 1, "scan": [{"rule": "a", "meta": {"score": 200}}, {"rule": "b", "meta": {"score": 150}}]},
    {"payload_id": 2, "scan": [{"rule": "c", "meta": {"score": -500}}]}]})");
  Json by_max = verdict().decorate(document)["verdict"];
  EXPECT_EQ(by_max["score"], 350);  // payload 1; a rule counts once per payload
  EXPECT_EQ(by_max["verdict"], "suspicious");
  EXPECT_EQ(by_max["reasons"].size(), 4U);
  EXPECT_EQ(by_max["reasons"][0]["payload_id"], 0);
  Json by_sum = verdict({{"aggregate", "sum"}}).decorate(document)["verdict"];
  EXPECT_EQ(by_sum["score"], 50);
  EXPECT_EQ(by_sum["verdict"], "clean");
}

TEST_F(VerdictTest, EntriesOfOnePayloadScoreTogether) {
  // Two workers on payload 0 (and a rule both report), one on payload 1.
  Json document = Json::parse(R"({"results": [
    {"payload_id": 0, "plugin": "yara", "scan": [{"rule": "a", "meta": {"score": 200}}]},
    {"payload_id": 1, "plugin": "yara", "scan": [{"rule": "a", "meta": {"score": 200}}]},
    {"payload_id": 0, "plugin": "other_yara", "scan": {"matches": [{"rule": "a"}, {"rule": "b", "meta": {}}]}},
    {"payload_id": 0, "plugin": "iocextract", "scan": {"url": ["http://evil.example/"]}},
    {"payload_id": 0, "plugin": "iocextract2", "scan": {"url": ["http://evil.example/", "http://x.example/"]}}]})");
  Json result = verdict({{"ioc_scores_dict", R"({"url": 50})"}}).decorate(document)["verdict"];
  EXPECT_EQ(result["score"], 350);  // payload 0: a 200 + b 100 + url 50 (each once)
  EXPECT_EQ(result["verdict"], "suspicious");
  ASSERT_EQ(result["reasons"].size(), 4U);
  EXPECT_EQ(result["reasons"][3], Json::parse(R"({"type": "ioc", "name": "url", "score": 50, "payload_id": 0,
                                                  "detail": "2 unique values"})"));
  EXPECT_EQ(
      verdict({{"ioc_scores_dict", R"({"url": 50})"}, {"aggregate", "sum"}}).decorate(document)["verdict"]["score"],
      550);
}

TEST_F(VerdictTest, IocTypesScoreOncePerPayload) {
  Json document = Json::parse(R"({"results": [
    {"payload_id": 0, "plugin": "iocextract", "scan": {
      "url": ["http://evil.example/a", "http://evil.example/b", "http://evil.example/a"],
      "IPv4": ["192.0.2.7"], "domain": ["evil.example"], "md5": "d41d8cd98f00b204e9800998ecf8427e", "email": []}},
    {"payload_id": 1, "scan": {"iocs": {"url": ["http://other.example/"]}},
     "iocs": [{"ioc": "203.0.113.9", "ioc_type": "ipv4"}, {"ioc": "x", "ioc_type": "mutex"}]},
    {"payload_id": 2, "scan": {"md5": "d41d8cd98f00b204e9800998ecf8427e"}}]})");
  stoq::Decorator& decorator = verdict({{"ioc_scores_dict", R"({"url": 300, "ipv4": 50, "md5": 1000, "email": 1000})"},
                                        {"aggregate", "sum"},
                                        {"highly_suspicious_threshold", "700"}});
  Json result = decorator.decorate(document)["verdict"];
  EXPECT_EQ(result["score"], 700);  // payload 0: url + ipv4; payload 1: url + ipv4 (Strelka list)
  EXPECT_EQ(result["verdict"], "highly_suspicious");
  ASSERT_EQ(result["reasons"].size(), 4U);
  EXPECT_EQ(result["reasons"][0], Json::parse(R"({"type": "ioc", "name": "url", "score": 300, "payload_id": 0,
                                                  "detail": "2 unique values"})"));
  EXPECT_EQ(result["reasons"][3]["detail"], "1 unique value");
  // Without ioc_scores_dict, IOCs do not count.
  EXPECT_EQ(verdict().decorate(document)["verdict"]["score"], 0);
}

TEST_F(VerdictTest, ErrorsScoreWhenAsked) {
  Json document = yara_document();
  document["errors"] = Json::parse(R"([
    {"plugin": "worker:yara", "payload_id": 0, "error": "rules failed to compile"},
    "not an object", {"plugin": 5}])");
  EXPECT_EQ(verdict().decorate(document)["verdict"]["score"], 200);  // error_score 0 by default
  Json result = verdict({{"error_score", "150"}}).decorate(document)["verdict"];
  EXPECT_EQ(result["score"], 650);
  EXPECT_EQ(result["verdict"], "suspicious");
  ASSERT_EQ(result["reasons"].size(), 5U);
  EXPECT_EQ(result["reasons"][0], Json::parse(R"({"type": "error", "name": "worker:yara", "score": 150,
                                                  "payload_id": 0, "detail": "rules failed to compile"})"));
  EXPECT_EQ(result["reasons"][1], Json::parse(R"({"type": "error", "name": "unknown", "score": 150, "detail": ""})"));
}

TEST_F(VerdictTest, HostileShapesNeverThrow) {
  stoq::Decorator& decorator = verdict({{"ioc_scores_dict", R"({"url": 10})"}, {"error_score", "1"}});
  Json deep = Json::array({Json{{"rule", "too_deep"}}});  // below the depth hits are looked for
  for (int i = 0; i < 5000; ++i) {
    Json level = Json::object();
    level["yara"] = std::move(deep);
    deep = std::move(level);
  }
  Json document = Json::parse(R"({"results": [
    "text", 1, null, [], {"scan": "text"}, {"scan": 3}, {"scan": null}, {"scan": false},
    {"payload_id": "x", "scan": [null, 1, {"rule": 7}, {"rule": "r", "meta": "m"}, {"rule": "f", "matches": false}]},
    {"scan": {"matches": "yes", "url": "http://a/", "iocs": 5}, "iocs": {"ioc": "x"}},
    {"scan": [{"rule": "odd_meta", "meta": {"score": [1], "weight": {"a": 1}, "severity": 3}}]},
    {"scan": [{"rule": "inf", "meta": {"score": "inf"}}, {"rule": "nan", "meta": {"score": "nan"}}]},
    {"scan": [{"rule": "huge", "meta": {"score": 18446744073709551615}},
              {"rule": "huge_float", "meta": {"score": -1e300}}, {"rule": "hex", "meta": {"score": "0x10"}}]}
  ], "errors": "not a list"})");
  document["results"].push_back({{"scan", std::move(deep)}});
  Json result;
  ASSERT_NO_THROW(result = decorator.decorate(std::move(document))["verdict"]);
  // Scored with rule_score (100): r (entry 8), odd_meta (10), inf and nan (11), hex (12), where
  // huge (+1e9, clamped) and huge_float (-1e9) cancel out. The worst payload is entry 11.
  EXPECT_EQ(result["score"], 200);
  EXPECT_EQ(result["reasons"].size(), 7U);
  EXPECT_EQ(result["reasons"][0]["name"], "huge");
  EXPECT_EQ(result["reasons"][0]["score"], 1000000000);
  EXPECT_EQ(result["reasons"][0]["payload_id"], 12);  // the entry's index when it has no integer id
  for (const char* text : {R"([1])", R"("x")", "null"}) {
    EXPECT_EQ(decorator.decorate(Json::parse(text)), Json::parse(text)) << text;
  }
  Json empty = decorator.decorate(Json::object())["verdict"];
  EXPECT_EQ(empty, Json::parse(R"({"score": 0, "verdict": "clean", "reasons": []})"));
}

TEST_F(VerdictTest, ManyHitsAreBounded) {
  Json scan = Json::array();
  for (int i = 0; i < 20000; ++i) {
    scan.push_back({{"rule", "rule_" + std::to_string(i)}, {"meta", {{"score", i % 7 == 0 ? 500 : 1}}}});
  }
  scan.push_back({{"rule", std::string(5000, 'x')}, {"meta", {{"score", 2000000000}}}});
  Json document = Json::object();
  document["results"] = Json::array();
  for (int payload = 0; payload < 5; ++payload)
    document["results"].push_back({{"payload_id", payload}, {"scan", scan}});
  Json result = verdict({{"max_reasons", "4"}, {"aggregate", "sum"}}).decorate(std::move(document))["verdict"];
  EXPECT_EQ(result["verdict"], "malicious");
  EXPECT_GT(result["score"].get<std::int64_t>(), 0);  // large, never wrapped around
  ASSERT_EQ(result["reasons"].size(), 4U);
  EXPECT_EQ(result["reasons_omitted"], 5 * 20001 - 4);
  EXPECT_EQ(result["reasons"][0]["score"], 1000000000);                     // 2e9 clamped
  EXPECT_EQ(result["reasons"][0]["name"].get<std::string>().size(), 256U);  // long names are cut
  EXPECT_EQ(result["reasons"][1]["score"], 1000000000);
  EXPECT_EQ(result["reasons"][1]["payload_id"], 1);
  EXPECT_EQ(result["reasons"][3]["payload_id"], 3);  // one per payload, in document order
  EXPECT_EQ(verdict({{"max_reasons", "0"}}).decorate(yara_document())["verdict"]["reasons_omitted"], 2);
}

TEST_F(VerdictTest, BadOptionsRefusedAtActivate) {
  const std::vector<std::vector<std::pair<std::string, std::string>>> bad = {
      {{"aggregate", "avg"}},
      {{"suspicious_threshold", "0"}},
      {{"suspicious_threshold", "500"}, {"malicious_threshold", "400"}},
      {{"highly_suspicious_threshold", "200"}},
      {{"highly_suspicious_threshold", "2000"}},
      {{"highly_suspicious_threshold", "-1"}},
      {{"max_reasons", "-1"}},
      {{"severity_scores_dict", R"({"high": "lots"})"}},
      {{"rule_scores_dict", R"({"r": 1.5})"}},
      {{"ioc_scores_dict", R"(["url"])"}},
      {{"ioc_scores_dict", "{not json"}},
      {{"error_score", "high"}},
      {{"thresholds", "1"}},
  };
  for (const auto& overrides : bad) {
    EXPECT_THROW(verdict(overrides), stoq::Error) << overrides[0].first << " = " << overrides[0].second;
  }
  EXPECT_NO_THROW(
      verdict({{"suspicious_threshold", "10"}, {"highly_suspicious_threshold", "10"}, {"malicious_threshold", "10"}}));
}

}  // namespace
