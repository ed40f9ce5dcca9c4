// End to end: `stoq iocextract -F <file>`, the real executable, with the reader found
// and configured by the framework (its .stoq file, stoq.cfg, --plugin-opt) and the
// worker's templates rendered with -T.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "run_cli.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq_test::CliResult;
using stoq_test::OJson;
using stoq_test::StoqEnv;

constexpr std::string_view kReport =
    "Incident 4471: implant beaconed to hxxps://update-check[.]ru/api?id=7 and 203.0.113.5.\n"
    "Dropper sha256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad from billing@evil-corp.net.\n"
    "Ignore 127.0.0.1, www.example.com and 999.1.1.1.\n";

TEST(IocExtractCli, PrintsTheIndicatorsOfAFile) {
  StoqEnv env;
  std::string file = env.home().write("input/report.txt", kReport);
  CliResult result = stoq_test::run_stoq(env, {"iocextract", "-F", file});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  const OJson& entry = documents[0]["results"][0];
  EXPECT_EQ(entry["plugin"], "iocextract");
  EXPECT_EQ(entry["filename"], "report.txt");
  OJson expected = OJson::parse(R"({
    "ipv4": ["203.0.113.5"],
    "domain": ["update-check.ru", "evil-corp.net"],
    "url": ["https://update-check.ru/api?id=7"],
    "email": ["billing@evil-corp.net"],
    "sha256": ["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"]
  })");
  EXPECT_EQ(entry["scan"], expected) << entry.dump(2);
  EXPECT_FALSE(documents[0].contains("errors")) << documents[0].dump(2);
}

TEST(IocExtractCli, NothingFoundSavesNothing) {
  StoqEnv env;
  std::string file = env.home().write("input/plain.txt", "no indicators in here\n");
  CliResult result = stoq_test::run_stoq(env, {"iocextract", "-F", file});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
}

TEST(IocExtractCli, ReaderOptionsFromPluginOptAndConfig) {
  StoqEnv env({}, "\n[iocregex]\nioc_types_list = ipv4, sha256\n");
  std::string file = env.home().write("input/report.txt", kReport);
  CliResult from_config = stoq_test::run_stoq(env, {"iocextract", "-F", file});
  ASSERT_EQ(from_config.exit_code, 0) << from_config.describe();
  std::vector<OJson> documents = stoq_test::documents_of(from_config);
  ASSERT_EQ(documents.size(), 1U) << from_config.describe();
  EXPECT_EQ(stoq_test::keys_of(documents[0]["results"][0]["scan"]), (std::vector<std::string>{"ipv4", "sha256"}));

  CliResult from_flag =
      stoq_test::run_stoq(env, {"iocextract", "-F", file, "--plugin-opt", "iocregex:ioc_types_list=email"});
  ASSERT_EQ(from_flag.exit_code, 0) << from_flag.describe();
  documents = stoq_test::documents_of(from_flag);
  ASSERT_EQ(documents.size(), 1U) << from_flag.describe();
  EXPECT_EQ(documents[0]["results"][0]["scan"], OJson::parse(R"({"email": ["billing@evil-corp.net"]})"));
}

TEST(IocExtractCli, ABrokenReaderStopsTheRunAtStartup) {
  StoqEnv env;
  std::string file = env.home().write("input/report.txt", kReport);
  CliResult result = stoq_test::run_stoq(
      env, {"iocextract", "-F", file, "--plugin-opt", "iocregex:iana_tld_file=/nonexistent/tlds.txt"});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_EQ(result.out, "") << result.describe();
  EXPECT_TRUE(stoq_test::contains(result.err, "iana_tld_file")) << result.describe();
}

TEST(IocExtractCli, StdoutTemplate) {
  StoqEnv env;
  std::string file = env.home().write("input/report.txt", kReport);
  CliResult result = stoq_test::run_stoq(env, {"iocextract", "-F", file, "-T", "stdout.tpl"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  for (const char* line :
       {"report.txt\n", "    found   6 indicators\n", "    IPv4 addresses (1)\n", "        203.0.113.5\n",
        "    Domains (2)\n", "        update-check.ru\n", "        evil-corp.net\n", "    URLs (1)\n",
        "        https://update-check.ru/api?id=7\n", "    E-mail addresses (1)\n", "    SHA256 hashes (1)\n"}) {
    EXPECT_TRUE(stoq_test::contains(result.out, line)) << line << "\n" << result.describe();
  }
}

TEST(IocExtractCli, SlackTemplate) {
  StoqEnv env;
  std::string file = env.home().write("input/report.txt", kReport);
  CliResult result = stoq_test::run_stoq(env, {"iocextract", "-F", file, "-T", "slack.tpl"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(result.out.starts_with("*IOCExtract results* for `report.txt` (sha1 `")) << result.describe();
  EXPECT_TRUE(stoq_test::contains(result.out, "• *Domains* (2): `update-check.ru` `evil-corp.net`\n"))
      << result.describe();
}

TEST(IocExtractCli, StrelkaEml) {
  std::string eml = std::string(STOQ_SHARED_DIR) + "/corpus/strelka-fixtures/test.eml";
  if (!stoq_test::fs::exists(eml)) STOQ_MISSING("shared corpus not present: " << eml);
  StoqEnv env;
  CliResult result = stoq_test::run_stoq(env, {"iocextract", "-F", eml});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  const OJson& scan = documents[0]["results"][0]["scan"];
  ASSERT_TRUE(scan.contains("domain")) << scan.dump(2);
  // The shipped whitelist drops example.com and schemas.microsoft.com.
  for (const auto& domain : scan["domain"]) {
    EXPECT_FALSE(stoq_test::contains(domain.get<std::string>(), "example.com")) << scan.dump(2);
  }
  EXPECT_FALSE(scan.contains("url") && stoq_test::contains(scan["url"].dump(), "schemas.microsoft.com"))
      << scan.dump(2);
}

}  // namespace
