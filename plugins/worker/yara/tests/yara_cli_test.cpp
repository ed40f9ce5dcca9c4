// End to end: the real `stoq yara -F <file>`, its JSON document (key for key and in
// order against the 1.0.2 example), -T stdout.tpl, and a rules syntax error (exit 2).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "run_cli.hpp"
#include "stoq/testing.hpp"
#include "yara_test_util.hpp"

namespace {

using stoq_test::CliResult;
using stoq_test::OJson;
using stoq_test::StoqEnv;

TEST(YaraCli, DocumentHasThe102ShapeAndOrder) {
  StoqEnv env;
  std::string file = env.home().write("input/test.exe", yara_test::pe_like(4096));
  std::string rules = env.home().write("example.yar", yara_test::kExampleRules);
  CliResult result = stoq_test::run_stoq(env, {"yara", "-F", file, "-r", rules});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  const OJson& document = documents[0];

  // The example as saved by stoQ 1.0.2, with this run's uuid, date and path.
  OJson example = OJson::parse(R"({"results": [{"archive": "file", "path": "", "filename": "test.exe",
      "md5": "", "sha1": "", "sha256": "", "sha512": "", "scan": [], "uuid": [], "plugin": "yara",
      "size": 4096, "source_meta": {}, "payload_id": 0}], "plugins": {"0": "yara"}, "date": "",
      "tlp": "white", "payloads": 1})");
  EXPECT_EQ(stoq_test::keys_of(document), stoq_test::keys_of(example));
  const OJson& entry = document["results"][0];
  EXPECT_EQ(stoq_test::keys_of(entry), stoq_test::keys_of(example["results"][0])) << entry.dump(2);
  EXPECT_EQ(entry["plugin"], "yara");
  EXPECT_EQ(entry["filename"], "test.exe");
  EXPECT_EQ(entry["size"], 4096);
  EXPECT_EQ(entry["scan"].dump(), yara_test::example_scan().dump()) << entry["scan"].dump(2);
}

TEST(YaraCli, TheSharedTestExeWithTheShippedRules) {
  std::string exe = (yara_test::shared_dir() / "corpus" / "strelka-fixtures" / "test.exe").string();
  if (!std::filesystem::exists(exe)) STOQ_MISSING("shared corpus not present: " << exe);
  StoqEnv env;
  CliResult result = stoq_test::run_stoq(env, {"yara", "-F", exe});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  const OJson& scan = documents[0]["results"][0]["scan"];
  ASSERT_EQ(scan.size(), 2U) << scan.dump(2);
  EXPECT_EQ(scan[0]["rule"], "pe_file");
  EXPECT_EQ(scan[1]["rule"], "dotnet_assembly");
}

TEST(YaraCli, NothingMatchedSavesNothing) {
  StoqEnv env;
  std::string file = env.home().write("input/clean.txt", "nothing to see here\n");
  CliResult result = stoq_test::run_stoq(env, {"yara", "-F", file});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
}

TEST(YaraCli, SyntaxErrorInTheRulesExits2NamingFileAndLine) {
  StoqEnv env;
  std::string file = env.home().write("input/clean.txt", "x");
  std::string rules = env.home().write("broken.yar", "rule a { condition: true }\nrule b { condition: nope }\n");
  CliResult result = stoq_test::run_stoq(env, {"yara", "-F", file, "--yararules", rules});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
  EXPECT_TRUE(stoq_test::contains(result.err, "worker:yara")) << result.describe();
  EXPECT_TRUE(stoq_test::contains(result.err, rules + ":2: undefined identifier \"nope\"")) << result.describe();
}

TEST(YaraCli, ScanErrorBecomesAnErrorsEntry) {
  StoqEnv env;
  std::string file = env.home().write("input/dense.bin", std::string(1'100'000, 'a'));
  std::string rules = env.home().write("dense.yar", "rule dense { strings: $aa = { 61 61 } condition: $aa }\n");
  CliResult result = stoq_test::run_stoq(env, {"yara", "-F", file, "-r", rules});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  ASSERT_TRUE(documents[0].contains("errors")) << documents[0].dump(2);
  EXPECT_EQ(documents[0]["errors"][0]["plugin"], "worker:yara");
  EXPECT_TRUE(stoq_test::contains(documents[0]["errors"][0]["error"].get<std::string>(), "matched more than"))
      << documents[0].dump(2);
}

TEST(YaraCli, StdoutTemplateSummary) {
  StoqEnv env;
  std::string file = env.home().write("input/sample.exe", yara_test::pe_like());
  std::string rules = env.home().write("example.yar", yara_test::kExampleRules);
  CliResult result = stoq_test::run_stoq(env, {"yara", "-F", file, "-r", rules, "-T", "stdout.tpl"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(stoq_test::contains(result.out, "sample.exe\n    sha1    ")) << result.describe();
  EXPECT_TRUE(stoq_test::contains(result.out,
                                  "    yara    2 rules matched\n"
                                  "    rule    bar_mz_header\n"
                                  "    rule    bar_dos_stub\n"
                                  "            at 78  $a  b'This program cannot be run in DOS mode'\n"))
      << result.describe();
}

}  // namespace
