// End to end: the real `stoq peinfo -F <file>`: its document, the stdout.tpl summary,
// `stoq list`, a directory holding a non-PE file, and the shared corpus' test.exe.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "pe_builder.hpp"
#include "run_cli.hpp"
#include "stoq/testing.hpp"

namespace {

using stoq_test::CliResult;
using stoq_test::OJson;
using stoq_test::StoqEnv;

TEST(PeInfoCli, DocumentOfABuiltPe) {
  StoqEnv env;
  std::string file =
      env.home().write("input/signed.exe", peinfo_test::build_pe({.pe32_plus = true, .certificate = true}));
  CliResult result = stoq_test::run_stoq(env, {"peinfo", "-F", file});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  const OJson& entry = documents[0]["results"][0];
  EXPECT_EQ(entry["plugin"], "peinfo");
  EXPECT_TRUE(entry.contains("sha256")) << "hashpayload = True";
  const OJson& scan = entry["scan"];
  EXPECT_EQ(scan["pe_type"], "PE32+");
  EXPECT_EQ(scan["imports"].size(), 2U);
  EXPECT_EQ(scan["signature"]["entries"][0]["certificates"][0]["subject"],
            std::string(peinfo_test::kCertificateSubject));
  EXPECT_FALSE(documents[0].contains("errors")) << documents[0].dump(2);
}

TEST(PeInfoCli, TemplateSummary) {
  StoqEnv env;
  std::string file = env.home().write("input/test.dll", peinfo_test::build_pe({.certificate = true}));
  CliResult result = stoq_test::run_stoq(env, {"peinfo", "-F", file, "-T", "stdout.tpl"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  for (const char* line :
       {"test.dll", "type        PE32 I386 DLL, WINDOWS_GUI", "imphash     ", "FileDescription:  peinfo test image",
        "KERNEL32.dll: GetProcAddress, LoadLibraryA", "WS2_32.dll: socket, WSAStartup, ord499",
        "exports     peinfo_test.dll: 3 functions", "pdb         C:\\build\\peinfo_test.pdb", "tls         2 callbacks",
        "signed by   CN=peinfo test signer,O=stoq", "rich        2 entries"}) {
    EXPECT_NE(result.out.find(line), std::string::npos) << line << "\n" << result.describe();
  }
}

TEST(PeInfoCli, ListedWithItsDescription) {
  StoqEnv env;
  CliResult result = stoq_test::run_stoq(env, {"list"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_NE(result.out.find("peinfo"), std::string::npos) << result.describe();
  EXPECT_NE(result.out.find("Gather relevant information about an executable"), std::string::npos) << result.describe();
}

TEST(PeInfoCli, ANonPeFileCostsOneErrorEntry) {
  StoqEnv env;
  env.home().write("input/a.exe", peinfo_test::build_pe({}));
  env.home().write("input/b.txt", "not a PE at all\n");
  CliResult result = stoq_test::run_stoq(env, {"peinfo", "-F", env.home().path("input")});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 2U) << result.describe();
  std::size_t with_errors = 0;
  for (const OJson& document : documents) {
    if (document.contains("errors")) {
      ++with_errors;
      EXPECT_NE(document["errors"][0]["error"].get<std::string>().find("not a PE file"), std::string::npos);
    }
  }
  EXPECT_EQ(with_errors, 1U);
}

TEST(PeInfoCli, TheSharedTestExe) {
  const std::string exe = std::string(STOQ_SHARED_DIR) + "/corpus/strelka-fixtures/test.exe";
  if (!std::filesystem::exists(exe)) STOQ_MISSING("shared corpus not present: " << exe);
  StoqEnv env;
  CliResult result = stoq_test::run_stoq(env, {"peinfo", "-F", exe});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U);
  const OJson& scan = documents[0]["results"][0]["scan"];
  EXPECT_EQ(scan["version_info"]["string_file_info"][0]["entries"]["OriginalFilename"], "HelloWorld.exe");
  EXPECT_EQ(scan["sections"].size(), 2U);
}

}  // namespace
