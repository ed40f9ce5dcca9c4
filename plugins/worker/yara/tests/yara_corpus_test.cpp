// worker:yara against the shared corpus (../shared: Strelka's test.exe, stoQ's and
// ReversingLabs' rules, the 1.0.2 output example), and rules compiled ahead of time.
// Every corpus test skips when the shared folder is absent.
#include <gtest/gtest.h>
#include <yara/compiler.h>
#include <yara/error.h>
#include <yara/libyara.h>
#include <yara/rules.h>

#include <filesystem>
#include <string>
#include <vector>

#include "stoq/template.hpp"
#include "stoq/testing.hpp"
#include "yara_test_util.hpp"

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::testing::TempDir;
using yara_test::matches_of;
using yara_test::rule_names;
using yara_test::Scanner;

const fs::path kTestExe = yara_test::shared_dir() / "corpus" / "strelka-fixtures" / "test.exe";
const fs::path kExample = yara_test::shared_dir() / "reference" / "stoq-1.0.2-output-example.json";
const fs::path kStoqRules = yara_test::shared_dir() / "corpus" / "yara" / "stoq" / "dispatcher.yar";
const fs::path kReversingLabs = yara_test::shared_dir() / "corpus" / "yara" / "reversinglabs";

#define SKIP_WITHOUT(path) STOQ_NEED_PATH(path)

TEST(YaraCorpus, TestExeWithTheExampleRulesIsThe102Scan) {
  SKIP_WITHOUT(kTestExe);
  SKIP_WITHOUT(kExample);
  TempDir dir;
  Scanner scanner(dir.write("example.yar", yara_test::kExampleRules));
  Json scan = scanner.scan(scanner.harness().get_file(kTestExe.string()));
  Json expected = Json::parse(yara_test::read_text(kExample))["results"][0]["scan"];
  EXPECT_TRUE(yara_test::same_in_order(matches_of(scan), expected)) << matches_of(scan).dump(2);
}

TEST(YaraCorpus, TestExeWithTheShippedRules) {
  SKIP_WITHOUT(kTestExe);
  Scanner scanner("");
  Json scan = scanner.scan(scanner.harness().get_file(kTestExe.string()));
  EXPECT_EQ(rule_names(scan), (std::vector<std::string>{"pe_file", "dotnet_assembly"}));
  EXPECT_EQ(matches_of(scan)[1]["strings"][0], Json::parse(R"(["604", "$metadata", "b'BSJB\\x01\\x00\\x01\\x00'"])"));
}

TEST(YaraCorpus, TestExeWithStoqsDispatcherRules) {
  SKIP_WITHOUT(kTestExe);
  SKIP_WITHOUT(kStoqRules);
  Scanner scanner(kStoqRules.string());
  Json matches = matches_of(scanner.scan(scanner.harness().get_file(kTestExe.string())));
  ASSERT_EQ(matches.size(), 1U) << matches.dump(2);
  EXPECT_EQ(matches[0].dump(), Json::parse(R"({"matches": true, "rule": "exe_file", "namespace": "default",
      "tags": [], "meta": {"plugin": "carver:pe", "save": "True"},
      "strings": [["0", "$MZ", "b'MZ'"], ["78", "$dos_stub", "b'This program cannot be run in DOS mode'"]]})")
                                   .dump());
}

TEST(YaraCorpus, ReversingLabsDirectoryCompiles) {
  SKIP_WITHOUT(kReversingLabs);
  SKIP_WITHOUT(kTestExe);
  Scanner scanner(kReversingLabs.string());
  // None of ReversingLabs' malware rules fire on a hello-world .NET program.
  EXPECT_TRUE(scanner.scan(scanner.harness().get_file(kTestExe.string())).is_null());
  std::string pe = yara_test::pe_like();
  EXPECT_TRUE(scanner.scan(pe).is_null());
}

TEST(YaraPrecompiled, RulesSavedByYrRulesSaveAreLoaded) {
  TempDir dir;
  std::string compiled = dir.path("example.yarc");
  ASSERT_EQ(yr_initialize(), ERROR_SUCCESS);
  YR_COMPILER* compiler = nullptr;
  ASSERT_EQ(yr_compiler_create(&compiler), ERROR_SUCCESS);
  ASSERT_EQ(yr_compiler_define_string_variable(compiler, "wanted", "default"), ERROR_SUCCESS);
  std::string source = std::string(yara_test::kExampleRules) + "rule wanted_rule { condition: wanted == \"yes\" }\n";
  ASSERT_EQ(yr_compiler_add_string(compiler, source.c_str(), nullptr), 0);
  YR_RULES* rules = nullptr;
  ASSERT_EQ(yr_compiler_get_rules(compiler, &rules), ERROR_SUCCESS);
  ASSERT_EQ(yr_rules_save(rules, compiled.c_str()), ERROR_SUCCESS);
  yr_rules_destroy(rules);
  yr_compiler_destroy(compiler);
  yr_finalize();

  Scanner scanner(compiled, {{"externals_dict", R"({"wanted": "yes"})"}});
  EXPECT_EQ(rule_names(scanner.scan(yara_test::pe_like())),
            (std::vector<std::string>{"bar_mz_header", "bar_dos_stub", "wanted_rule"}));
  Scanner without(compiled);
  EXPECT_EQ(matches_of(without.scan(yara_test::pe_like())), yara_test::example_scan());
}

TEST(YaraPrecompiled, NotRulesAtAllIsAnActivationError) {
  TempDir dir;
  std::string fake = dir.write("fake.yarc", std::string("YARA") + std::string(64, '\x01'));
  try {
    Scanner scanner(fake);
    FAIL() << "activation should fail";
  } catch (const stoq::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot load compiled rules"), std::string::npos) << e.what();
  }
}

// The bundled template, rendered by the engine stoq uses for -T.
TEST(YaraTemplate, StdoutSummaryListsRulesTagsMetaAndStrings) {
  TempDir dir;
  Scanner scanner(dir.write("example.yar", std::string(yara_test::kExampleRules) + R"(
rule tagged : pe demo
{
    meta:
        description = "many strings"
        score = 5
    strings:
        $zero = { 00 00 00 00 }
    condition:
        $zero
}
)"));
  Json scan = scanner.scan(yara_test::pe_like());
  Json document = {{"results", Json::array({{{"filename", "sample.exe"},
                                             {"sha1", "0123456789abcdef0123456789abcdef01234567"},
                                             {"scan", matches_of(scan)},
                                             {"size", 1024}}})}};
  stoq::templating::Environment environment(fs::path(STOQ_PLUGIN_DIR) / "worker" / "yara" / "templates");
  std::string text = environment.get_template("stdout.tpl")->render({{"results", document}});
  EXPECT_EQ(text.substr(0, text.find("    rule    tagged")),
            "sample.exe\n"
            "    sha1    0123456789abcdef0123456789abcdef01234567\n"
            "    size    1024 bytes\n"
            "    yara    3 rules matched\n"
            "    rule    bar_mz_header\n"
            "    rule    bar_dos_stub\n"
            "            at 78  $a  b'This program cannot be run in DOS mode'\n");
  EXPECT_NE(text.find("    rule    tagged  [pe, demo]\n"
                      "            description = many strings\n"
                      "            score = 5\n"
                      "            at 2  $zero  b'\\x00\\x00\\x00\\x00'\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(" more string matches\n"), std::string::npos) << text;

  Json failed = {{"results", Json::array({{{"filename", "bad.bin"}, {"scan", nullptr}}})},
                 {"errors", Json::array({{{"plugin", "worker:yara"}, {"error", "yara: the scan timed out"}}})}};
  EXPECT_EQ(environment.get_template("stdout.tpl")->render({{"results", failed}}),
            "bad.bin\nerror   worker:yara: yara: the scan timed out\n");
}

}  // namespace
