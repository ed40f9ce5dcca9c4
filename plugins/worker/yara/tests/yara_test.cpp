// worker:yara with rules and payloads written by the tests: the 1.0.2 shape, meta of
// every type, string encodings, the bounds, the errors and the options.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "yara_test_util.hpp"

namespace {

using namespace std::string_view_literals;
using stoq::Json;
using stoq::testing::TempDir;
using yara_test::matches_of;
using yara_test::rule_names;
using yara_test::Scanner;

std::string what_of_activation(const std::string& rules,
                               std::vector<std::pair<std::string, std::string>> overrides = {}) {
  try {
    Scanner scanner(rules, std::move(overrides));
  } catch (const stoq::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "activation should have failed";
  return "";
}

std::string what_of_scan(Scanner& scanner, std::string_view bytes) {
  try {
    scanner.scan(bytes);
  } catch (const stoq::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "the scan should have failed";
  return "";
}

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

TEST(YaraWorker, MatchIsKeyForKeyThe102Example) {
  TempDir dir;
  Scanner scanner(dir.write("example.yar", yara_test::kExampleRules));
  Json scan = scanner.scan(yara_test::pe_like());
  Json matches = matches_of(scan);
  EXPECT_TRUE(yara_test::same_in_order(matches, yara_test::example_scan())) << matches.dump(2);
  ASSERT_EQ(matches.size(), 2U);
  EXPECT_EQ(yara_test::keys_of(matches[1]),
            (std::vector<std::string>{"matches", "rule", "namespace", "tags", "meta", "strings"}));
}

TEST(YaraWorker, CleanPayloadIsNull) {
  TempDir dir;
  Scanner scanner(dir.write("example.yar", yara_test::kExampleRules));
  EXPECT_TRUE(scanner.scan("just some text\n").is_null());
  EXPECT_TRUE(scanner.scan("").is_null());
}

TEST(YaraWorker, ShippedRulesKnowAPeFile) {
  Scanner scanner("");  // the default: rules/stoq.yar beside the plugin
  Json scan = scanner.scan(yara_test::pe_like());
  EXPECT_EQ(rule_names(scan), std::vector<std::string>{"pe_file"});
  Json pe = matches_of(scan)[0];
  EXPECT_EQ(pe["tags"], Json::parse(R"(["executable", "windows"])"));
  EXPECT_EQ(pe["meta"]["severity"], "info");
  EXPECT_EQ(pe["meta"]["score"], 0);
  EXPECT_EQ(pe["meta"]["filetype"], true);
  EXPECT_TRUE(pe["meta"]["description"].is_string());
  // The private helper rule (mz_header) is never reported.
  EXPECT_TRUE(scanner.scan("MZ" + std::string(100, '\0')).is_null());
}

TEST(YaraWorker, ShippedRulesOnFileTypesWrittenByTheTest) {
  Scanner scanner("");
  EXPECT_EQ(rule_names(scanner.scan(std::string("\x7f"
                                                "ELF\x02\x01\x01",
                                                7) +
                                    std::string(64, '\0'))),
            std::vector<std::string>{"elf_file"});
  EXPECT_EQ(rule_names(scanner.scan(std::string("PK\x03\x04", 4) + "[Content_Types].xml")),
            (std::vector<std::string>{"zip_archive", "office_openxml"}));
  EXPECT_EQ(rule_names(scanner.scan("%PDF-1.7\n1 0 obj << /OpenAction 2 0 R >>\n2 0 obj << /JS (app.alert(1)) >>")),
            (std::vector<std::string>{"pdf_document", "pdf_auto_action_javascript"}));
  EXPECT_EQ(rule_names(scanner.scan("{\\rtf1\\ansi hello}")), std::vector<std::string>{"rtf_document"});
  EXPECT_EQ(rule_names(scanner.scan(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(504, '\0'))),
            std::vector<std::string>{"ole_compound_file"});
  EXPECT_EQ(rule_names(scanner.scan("attachment:\nTVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=\n")),
            std::vector<std::string>{"base64_encoded_executable"});
  EXPECT_EQ(rule_names(scanner.scan("GIF89a...." + yara_test::pe_like().substr(64))),
            std::vector<std::string>{"embedded_executable"});
  EXPECT_EQ(rule_names(scanner.scan("cmd /c powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA")),
            std::vector<std::string>{"powershell_encoded_command"});
}

TEST(YaraWorker, MetaOfEveryTypeInOrder) {
  TempDir dir;
  Scanner scanner(dir.write("meta.yar", R"(
rule with_meta : first second
{
    meta:
        text = "plain \"quoted\" text"
        number = 42
        negative = -7
        yes = true
        no = false
        escaped = "tab\there"
    condition:
        true
}
)"));
  Json match = matches_of(scanner.scan("x"))[0];
  EXPECT_EQ(match["tags"], Json::parse(R"(["first", "second"])"));
  EXPECT_EQ(
      match["meta"].dump(),
      R"({"text":"plain \"quoted\" text","number":42,"negative":-7,"yes":true,"no":false,"escaped":"tab\there"})");
  EXPECT_EQ(match["strings"], Json::array());
}

TEST(YaraWorker, HexRegexAndTextStringsSortedByOffset) {
  TempDir dir;
  Scanner scanner(dir.write("strings.yar", R"(
rule strings_of_every_kind
{
    strings:
        $hex = { 4D 5A ?? 00 [2-4] FF }
        $re = /ab+c/
        $text = "hello" nocase
        $wide = "hi" wide
        $private = "secret" private
    condition:
        all of them
}
)"));
  std::string payload(std::string_view("MZ\x90\x00\x01\x02\xFF HeLLo abbbc h\0i\0 secret"sv));
  Json strings = matches_of(scanner.scan(payload))[0]["strings"];
  EXPECT_EQ(strings, Json::parse(R"([
      ["0", "$hex", "b'MZ\\x90\\x00\\x01\\x02\\xff'"],
      ["8", "$text", "b'HeLLo'"],
      ["14", "$re", "b'abbbc'"],
      ["20", "$wide", "b'h\\x00i\\x00'"]
  ])"))
      << strings.dump(2);
}

TEST(YaraWorker, DataIsPythonsBytesRepr) {
  TempDir dir;
  Scanner scanner(dir.write("repr.yar", R"(
rule repr
{
    strings:
        $single = { 09 0A 0D 5C 27 7F FF 41 }
        $both = { 3C 27 22 3E }
        $plain = "plain"
    condition:
        any of them
}
)"));
  std::string payload(
      std::string_view("\t\n\r\\'\x7f\xff"
                       "A <'\"> plain"sv));
  Json strings = matches_of(scanner.scan(payload))[0]["strings"];
  ASSERT_EQ(strings.size(), 3U) << strings.dump(2);
  EXPECT_EQ(strings[0][2], R"(b"\t\n\r\\'\x7f\xffA")");
  EXPECT_EQ(strings[1][2], R"(b'<\'">')");
  EXPECT_EQ(strings[2][2], "b'plain'");
}

TEST(YaraWorker, MaxStringsPerRuleKeepsTheFirstByOffset) {
  TempDir dir;
  std::string rules = dir.write("many.yar", "rule many { strings: $b = \"yb\" $a = \"xa\" condition: any of them }\n");
  std::string payload;
  for (int i = 0; i < 2000; ++i) payload += "xayb";
  Scanner bounded(rules, {{"max_strings_per_rule", "3"}});
  EXPECT_EQ(matches_of(bounded.scan(payload))[0]["strings"],
            Json::parse(R"([["0", "$a", "b'xa'"], ["2", "$b", "b'yb'"], ["4", "$a", "b'xa'"]])"));
  Scanner by_default(rules);
  EXPECT_EQ(matches_of(by_default.scan(payload))[0]["strings"].size(), 100U);
  Scanner none(rules, {{"max_strings_per_rule", "0"}});
  EXPECT_EQ(matches_of(none.scan(payload))[0]["strings"], Json::array());
}

TEST(YaraWorker, MaxMatchDataCutsTheData) {
  TempDir dir;
  std::string rules = dir.write("long.yar", "rule long { strings: $a = /A{100}/ condition: $a }\n");
  std::string payload(100, 'A');
  Scanner by_default(rules);
  EXPECT_EQ(matches_of(by_default.scan(payload))[0]["strings"][0][2], "b'" + std::string(64, 'A') + "'");
  Scanner short_data(rules, {{"max_match_data", "5"}});
  EXPECT_EQ(matches_of(short_data.scan(payload))[0]["strings"][0][2], "b'AAAAA'");
  Scanner no_data(rules, {{"max_match_data", "0"}});
  EXPECT_EQ(matches_of(no_data.scan(payload))[0]["strings"][0][2], "b''");
  EXPECT_TRUE(has(what_of_activation(rules, {{"max_match_data", "513"}}), "max_match_data must be between 0 and 512"));
}

TEST(YaraWorker, FastModeStopsAtTheFirstMatchOfAString) {
  TempDir dir;
  std::string rules = dir.write("fast.yar", "rule fast { strings: $a = \"abc\" condition: $a }\n");
  Scanner fast(rules, {{"fast_mode", "True"}});
  EXPECT_EQ(matches_of(fast.scan("abc abc abc"))[0]["strings"].size(), 1U);
  Scanner full(rules);
  EXPECT_EQ(matches_of(full.scan("abc abc abc"))[0]["strings"].size(), 3U);
}

TEST(YaraWorker, SyntaxErrorNamesTheFileAndLine) {
  TempDir dir;
  std::string rules = dir.write("broken.yar", "rule fine { condition: true }\n\nrule broken {\n  condition: (\n}\n");
  std::string what = what_of_activation(rules);
  EXPECT_TRUE(has(what, rules + ":5: ")) << what;
  EXPECT_TRUE(has(what, "syntax error")) << what;
}

TEST(YaraWorker, UndefinedStringAndMissingFileAreActivationErrors) {
  TempDir dir;
  std::string what = what_of_activation(dir.write("undefined.yar", "rule u {\n  condition:\n    $nope\n}\n"));
  EXPECT_TRUE(has(what, "undefined.yar:")) << what;
  EXPECT_TRUE(has(what, "$nope")) << what;
  what = what_of_activation(dir.path("missing.yar"));
  EXPECT_TRUE(has(what, "missing.yar does not exist")) << what;
  what = what_of_activation(dir.mkdir("empty"));
  EXPECT_TRUE(has(what, "no .yar or .yara file")) << what;
}

TEST(YaraWorker, BadOptionValuesAreRefused) {
  TempDir dir;
  std::string rules = dir.write("ok.yar", "rule ok { condition: true }\n");
  EXPECT_TRUE(has(what_of_activation(rules, {{"timeout", "-1"}}), "timeout must be between 0"));
  EXPECT_TRUE(has(what_of_activation(rules, {{"max_strings_per_rule", "-2"}}), "max_strings_per_rule"));
  EXPECT_TRUE(has(what_of_activation(rules, {{"externals_dict", R"({"list": [1]})"}}), "'list' must be"));
}

TEST(YaraWorker, TimeoutIsAScanError) {
  TempDir dir;
  std::string rules = dir.write("slow.yar", R"(
rule slow
{
    condition:
        for all i in (0..filesize) : (for all j in (0..filesize) : (uint8(i) != 0x41 or j < 0))
}
)");
  Scanner scanner(rules, {{"timeout", "1"}});
  auto start = std::chrono::steady_clock::now();
  std::string what = what_of_scan(scanner, std::string(200000, 'x'));
  EXPECT_TRUE(has(what, "timed out after 1 s")) << what;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  // The scanner is usable again afterwards.
  EXPECT_EQ(rule_names(scanner.scan("A")), std::vector<std::string>{});
}

TEST(YaraWorker, TooManyMatchesIsAScanError) {
  TempDir dir;
  Scanner scanner(dir.write("dense.yar", "rule dense { strings: $one = { 61 61 } condition: $one }\n"));
  std::string what = what_of_scan(scanner, std::string(1'100'000, 'a'));
  EXPECT_TRUE(has(what, "string $one of rule dense matched more than 1000000 times")) << what;
}

TEST(YaraWorker, ExternalsFromTheOption) {
  TempDir dir;
  std::string rules = dir.write("ext.yar", R"(
rule with_externals
{
    condition:
        ext_name == "sample" and ext_count > 3 and ext_flag and ext_ratio < 1.0
}
)");
  Scanner scanner(rules, {{"externals_dict", R"({"ext_name": "sample", "ext_count": 4, "ext_flag": true,
                                                  "ext_ratio": 0.5})"}});
  EXPECT_EQ(rule_names(scanner.scan("x")), std::vector<std::string>{"with_externals"});
  std::string what = what_of_activation(rules);  // undeclared identifiers without externals
  EXPECT_TRUE(has(what, "ext.yar:")) << what;
}

TEST(YaraWorker, DirectoryOfRulesOneNamespacePerFile) {
  TempDir dir;
  dir.write("rules/a.yar", "rule same { condition: true }\n");
  dir.write("rules/sub/b.yara", "rule same { meta: from = \"b\" condition: true }\n");
  dir.write("rules/notes.txt", "not rules {");
  Scanner scanner(dir.path("rules"));
  Json matches = matches_of(scanner.scan("x"));
  ASSERT_EQ(matches.size(), 2U) << matches.dump(2);
  EXPECT_EQ(matches[0]["namespace"], "a.yar");
  EXPECT_EQ(matches[1]["namespace"], "sub/b.yara");
  EXPECT_EQ(matches[1]["meta"]["from"], "b");
}

TEST(YaraWorker, InstancesShareRulesAndOutliveEachOther) {
  TempDir dir;
  std::string rules = dir.write("example.yar", yara_test::kExampleRules);
  std::string pe = yara_test::pe_like();
  auto first = std::make_unique<Scanner>(rules);
  std::vector<std::unique_ptr<Scanner>> others;
  others.reserve(4);
  for (int i = 0; i < 4; ++i) others.push_back(std::make_unique<Scanner>(rules));
  first.reset();  // the shared rules stay alive for the others
  std::vector<std::thread> threads;
  std::vector<Json> results(others.size());
  for (std::size_t i = 0; i < others.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 50; ++round) results[i] = others[i]->scan(pe);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Json& result : results) EXPECT_EQ(matches_of(result), yara_test::example_scan());
  others.clear();
  Scanner again(rules);  // libyara finalised and initialised again
  EXPECT_EQ(matches_of(again.scan(pe)), yara_test::example_scan());
}

TEST(YaraWorker, EmptyPayloadCanMatchAndNoPayloadIsAnError) {
  TempDir dir;
  Scanner scanner(dir.write("empty.yar", "rule empty_file { condition: filesize == 0 }\n"));
  EXPECT_EQ(rule_names(scanner.scan("")), std::vector<std::string>{"empty_file"});
  EXPECT_THROW(scanner.scan(stoq::Payload()), stoq::Error);
}

}  // namespace
