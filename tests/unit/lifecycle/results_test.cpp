// lifecycle/results.hpp: uuids, dates, source_meta, --flatten and --split.
#include "lifecycle/results.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace {

using stoq::Json;
using stoq::lifecycle::flatten;
using stoq::lifecycle::iso_now;
using stoq::lifecycle::make_source_meta;
using stoq::lifecycle::new_uuid;
using stoq::lifecycle::split;

TEST(NewUuid, Version4Format) {
  const std::regex format("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 200; ++i) {
    std::string uuid = new_uuid();
    EXPECT_EQ(uuid.size(), 36u);
    EXPECT_TRUE(std::regex_match(uuid, format)) << uuid;
  }
}

TEST(NewUuid, Unique) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(new_uuid());
  EXPECT_EQ(seen.size(), 2000u);
}

TEST(IsoNow, Format) {
  const std::regex format(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$)");
  for (int i = 0; i < 20; ++i) {
    std::string now = iso_now();
    ASSERT_TRUE(std::regex_match(now, format)) << now;
    int month = std::stoi(now.substr(5, 2));
    int day = std::stoi(now.substr(8, 2));
    int hour = std::stoi(now.substr(11, 2));
    EXPECT_GE(month, 1);
    EXPECT_LE(month, 12);
    EXPECT_GE(day, 1);
    EXPECT_LE(day, 31);
    EXPECT_LE(hour, 23);
    EXPECT_GE(std::stoi(now.substr(0, 4)), 2020);
  }
}

TEST(SourceMeta, MessageKeysWinOverMetadata) {
  Json entry = {{"plugin", "hash"}};
  Json kept = make_source_meta(Json{{"analyst", "from-message"}, {"archive", "file"}},
                               Json{{"analyst", "from-metadata"}, {"campaign", "x"}}, entry);
  EXPECT_EQ(kept, (Json{{"analyst", "from-message"}, {"archive", "file"}, {"campaign", "x"}}));
}

TEST(SourceMeta, KeysEqualToTheEntryAreDropped) {
  Json entry = {{"plugin", "hash"}, {"uuid", Json::array({"u1"})}, {"scan", {{"a", 1}}}};
  Json message = {{"plugin", "hash"}, {"uuid", Json::array({"u1"})}, {"scan", "different"}, {"tlp", "red"}};
  Json kept = make_source_meta(message, Json::object(), entry);
  EXPECT_EQ(kept, (Json{{"scan", "different"}, {"tlp", "red"}}));
  EXPECT_EQ(entry.at("scan"), (Json{{"a", 1}}));  // not overwritten
}

TEST(SourceMeta, PromotedKeysMoveToTheEntry) {
  Json entry = {{"plugin", "hash"}};
  Json message = {{"path", "/in/a.exe"}, {"filename", "a.exe"}, {"size", 12}, {"archive", "file"}};
  Json metadata = {{"magic", "application/x-dosexec"}, {"ssdeep", "3::"}};
  Json kept = make_source_meta(message, metadata, entry);
  EXPECT_EQ(kept, (Json{{"archive", "file"}}));
  EXPECT_EQ(entry.at("path"), "/in/a.exe");
  EXPECT_EQ(entry.at("filename"), "a.exe");
  EXPECT_EQ(entry.at("size"), 12);
  EXPECT_EQ(entry.at("magic"), "application/x-dosexec");
  EXPECT_EQ(entry.at("ssdeep"), "3::");
  EXPECT_EQ(entry.at("plugin"), "hash");
}

TEST(SourceMeta, PromotionKeepsWhatTheEntryAlreadyHas) {
  Json entry = {{"filename", "real.bin"}, {"size", 99}};
  Json kept = make_source_meta(Json{{"filename", "claimed.bin"}, {"size", 1}}, Json::object(), entry);
  EXPECT_EQ(entry.at("filename"), "real.bin");
  EXPECT_EQ(entry.at("size"), 99);
  EXPECT_FALSE(kept.contains("filename"));
  EXPECT_FALSE(kept.contains("size"));
}

TEST(SourceMeta, NonObjectMessageUsesMetadataOnly) {
  Json entry = Json::object();
  Json kept = make_source_meta(Json(), Json{{"k", "v"}}, entry);
  EXPECT_EQ(kept, (Json{{"k", "v"}}));
  entry = Json::object();
  EXPECT_EQ(make_source_meta(Json::object(), Json::object(), entry), Json::object());
  EXPECT_TRUE(entry.empty());
}

TEST(SourceMeta, KeyOrderFollowsMessageThenMetadata) {
  Json entry = Json::object();
  Json kept = make_source_meta(Json{{"z", 1}, {"a", 2}}, Json{{"m", 3}, {"b", 4}}, entry);
  std::vector<std::string> keys;
  for (const auto& [key, value] : kept.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"z", "a", "m", "b"}));
}

TEST(Flatten, NestedObjectsJoinedByDelimiter) {
  Json document = Json::parse(R"({"a": {"b": 1, "c": {"d": "x"}}, "top": true})");
  EXPECT_EQ(flatten(document, "."), Json::parse(R"({"a.b": 1, "a.c.d": "x", "top": true})"));
  EXPECT_EQ(flatten(document, "_"), Json::parse(R"({"a_b": 1, "a_c_d": "x", "top": true})"));
  EXPECT_EQ(flatten(document, "::"), Json::parse(R"({"a::b": 1, "a::c::d": "x", "top": true})"));
}

TEST(Flatten, ListsOfObjectsAreIndexed) {
  Json document = Json::parse(R"({"results": [{"scan": {"n": 1}}, {"scan": {"n": 2}, "id": "b"}]})");
  EXPECT_EQ(flatten(document, "."),
            Json::parse(R"({"results.0.scan.n": 1, "results.1.scan.n": 2, "results.1.id": "b"})"));
}

TEST(Flatten, MixedListsIndexEveryElement) {
  Json document = Json::parse(R"({"m": [7, {"a": 2}, [1, 2]]})");
  EXPECT_EQ(flatten(document, "."), Json::parse(R"({"m.0": 7, "m.1.a": 2, "m.2": [1, 2]})"));
}

TEST(Flatten, ScalarListsKept) {
  Json document = Json::parse(R"({"uuid": ["u1", "u2"], "nested": {"ids": [1, 2, 3]}, "none": []})");
  EXPECT_EQ(flatten(document, "."), Json::parse(R"({"uuid": ["u1", "u2"], "nested.ids": [1, 2, 3], "none": []})"));
}

TEST(Flatten, EmptyObjectsAndNullsKeptAsLeaves) {
  Json document = Json::parse(R"({"scan": {}, "deep": {"x": {}}, "n": null})");
  EXPECT_EQ(flatten(document, "."), Json::parse(R"({"scan": {}, "deep.x": {}, "n": null})"));
}

TEST(Flatten, KeyOrderPreserved) {
  Json document = Json::parse(R"({"z": {"b": 1, "a": 2}, "y": 3})");
  std::vector<std::string> keys;
  Json flat = flatten(document, ".");
  for (const auto& [key, value] : flat.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"z.b", "z.a", "y"}));
}

TEST(Flatten, NonObjectDocumentUnchanged) {
  EXPECT_EQ(flatten(Json::array({1, 2}), "."), Json::array({1, 2}));
  EXPECT_EQ(flatten(Json("text"), "."), Json("text"));
}

// Regression: an empty document flattens to an empty document.
TEST(Flatten, EmptyDocumentStaysEmpty) { EXPECT_EQ(flatten(Json::object(), "."), Json::object()); }

Json combined() {
  return Json::parse(R"({
    "results": [{"plugin": "w", "payload_id": 0}, {"plugin": "w", "payload_id": 1}],
    "plugins": {"0": "w", "1": "extractor:decompress"},
    "date": "2024-01-02T03:04:05.000006",
    "tlp": "white",
    "payloads": 2
  })");
}

TEST(Split, OneDocumentPerResult) {
  std::vector<Json> documents = split(combined());
  ASSERT_EQ(documents.size(), 2u);
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const Json& one = documents[i];
    EXPECT_EQ(one.at("payload_id"), static_cast<int>(i));
    EXPECT_EQ(one.at("plugin"), "w");
    EXPECT_EQ(one.at("date"), "2024-01-02T03:04:05.000006");
    EXPECT_EQ(one.at("payloads"), 2);
    EXPECT_EQ(one.at("plugins"), combined().at("plugins"));
    EXPECT_FALSE(one.contains("results"));
    EXPECT_FALSE(one.contains("errors"));
  }
}

TEST(Split, ErrorsCopiedWhenPresent) {
  Json document = combined();
  document["errors"] = Json::array({"worker:w: boom"});
  for (const Json& one : split(document)) EXPECT_EQ(one.at("errors"), Json::array({"worker:w: boom"}));
}

TEST(Split, WithoutResultsListReturnsDocumentAsIs) {
  Json plain = {{"a", 1}};
  EXPECT_EQ(split(plain), std::vector<Json>{plain});
  Json odd = {{"results", "not a list"}};
  EXPECT_EQ(split(odd), std::vector<Json>{odd});
  EXPECT_TRUE(split(Json{{"results", Json::array()}}).empty());
}

}  // namespace
