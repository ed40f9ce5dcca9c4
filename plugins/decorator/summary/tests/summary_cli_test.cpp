// End to end: `stoq hash -F <file> -P summary`, the real executable, the document it
// prints carries the summary.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "run_cli.hpp"

namespace {

using stoq_test::CliResult;
using stoq_test::OJson;
using stoq_test::StoqEnv;

TEST(SummaryCli, HashRunCarriesTheSummary) {
  StoqEnv env;
  std::string file = env.home().write("input/note.txt", "call home: http://evil.example/ from 192.0.2.7\n");
  CliResult result = stoq_test::run_stoq(env, {"hash", "-F", file, "-P", "summary"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  const OJson& document = documents[0];
  ASSERT_TRUE(document.contains("summary")) << result.describe();
  EXPECT_EQ(stoq_test::keys_of(document).back(), "summary");
  OJson expected = OJson::parse(R"({"payloads": 1, "results": 1, "plugins": ["hash"], "file_types": {},
    "yara": {"hits": 0, "rules": {}}, "iocs": {}, "errors": {"count": 0, "plugins": {}}})");
  EXPECT_EQ(document["summary"], expected);
  EXPECT_EQ(document["results"][0]["filename"], "note.txt");  // the rest is the usual document
}

// stoq scan's shape: the plugins are the listed workers, IOCs come from iocextract's
// part of `scan`, the mime type from mimetype's.
TEST(SummaryCli, ReadsTheCombinedShapeOfStoqScan) {
  StoqEnv env;
  std::string file = env.home().write("input/note.txt", "call home: http://evil.example/ from 192.0.2.7\n");
  CliResult result = stoq_test::run_stoq(
      env, {"scan", "-w", "hash", "-w", "iocextract", "-w", "mimetype", "-F", file, "-P", "summary", "--no-progress"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  const OJson& summary = documents[0]["summary"];
  EXPECT_EQ(summary["plugins"], OJson::parse(R"(["hash", "iocextract", "mimetype"])")) << summary.dump(2);
  EXPECT_EQ(summary["file_types"], OJson::parse(R"({"text/plain": 1})")) << summary.dump(2);
  ASSERT_TRUE(summary["iocs"].contains("ipv4")) << summary.dump(2);
  EXPECT_EQ(summary["iocs"]["ipv4"], OJson::parse(R"({"count": 1, "values": ["192.0.2.7"]})")) << summary.dump(2);
}

TEST(SummaryCli, ArchivedTypesAndErrors) {
  StoqEnv env({}, "max_payload_size = 64\n");
  env.home().write("input/a.txt", "plain text\n");
  env.home().write("input/b.txt", "more plain text\n");
  env.home().write("input/big.txt", std::string(1000, 'x'));
  CliResult result = stoq_test::run_stoq(env, {"hash", "-F", env.home().path("input"), "-P", "summary", "-A", "file",
                                               "--plugin-opt", "summary:max_items=1"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 3U) << result.describe();
  int with_error = 0;
  for (const OJson& document : documents) {
    const OJson& summary = document["summary"];
    EXPECT_EQ(summary["payloads"], 1) << document.dump(2);
    if (document.contains("errors")) {
      ++with_error;
      EXPECT_EQ(summary["errors"]["count"], document["errors"].size()) << document.dump(2);
      EXPECT_EQ(summary["file_types"], OJson::object()) << document.dump(2);
    } else {
      // -A file archives the payload and records its content-type (libmagic).
      EXPECT_EQ(summary["file_types"], OJson::parse(R"({"text/plain": 1})")) << document.dump(2);
      EXPECT_EQ(summary["errors"]["count"], 0);
    }
  }
  EXPECT_EQ(with_error, 1);
}

TEST(SummaryCli, BadOptionStopsTheRun) {
  StoqEnv env;
  std::string file = env.home().write("input/note.txt", "x\n");
  CliResult result =
      stoq_test::run_stoq(env, {"hash", "-F", file, "-P", "summary", "--plugin-opt", "summary:max_items=-5"});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(stoq_test::contains(result.err, "max_items must be 0 or more")) << result.describe();
}

}  // namespace
