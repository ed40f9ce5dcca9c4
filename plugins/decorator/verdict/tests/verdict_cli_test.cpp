// End to end: `stoq hash -F <file> -P verdict`, the real executable, the document it
// prints carries the verdict, and its options come from --plugin-opt and stoq.cfg.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "run_cli.hpp"

namespace {

using stoq_test::CliResult;
using stoq_test::OJson;
using stoq_test::StoqEnv;

TEST(VerdictCli, HashRunIsClean) {
  StoqEnv env;
  std::string file = env.home().write("input/note.txt", "nothing to see\n");
  CliResult result = stoq_test::run_stoq(env, {"hash", "-F", file, "-P", "verdict"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  const OJson& document = documents[0];
  EXPECT_EQ(stoq_test::keys_of(document).back(), "verdict");
  EXPECT_EQ(document["verdict"], OJson::parse(R"({"score": 0, "verdict": "clean", "reasons": []})"));
  EXPECT_EQ(document["results"][0]["plugin"], "hash");
}

TEST(VerdictCli, ErrorsScoreThroughPluginOptions) {
  StoqEnv env({}, "max_payload_size = 16\n");
  std::string file = env.home().write("input/big.txt", std::string(100, 'x'));
  CliResult result = stoq_test::run_stoq(
      env, {"hash", "-F", file, "-P", "verdict", "--plugin-opt", "verdict:error_score=60", "--plugin-opt",
            "verdict:suspicious_threshold=50", "--plugin-opt", "verdict:malicious_threshold=100"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  const OJson& document = documents[0];
  ASSERT_TRUE(document.contains("errors")) << document.dump(2);
  const OJson& verdict = document["verdict"];
  EXPECT_EQ(verdict["score"], 60 * static_cast<int>(document["errors"].size())) << document.dump(2);
  EXPECT_EQ(verdict["verdict"], document["errors"].size() == 1 ? "suspicious" : "malicious") << document.dump(2);
  ASSERT_FALSE(verdict["reasons"].empty());
  EXPECT_EQ(verdict["reasons"][0]["type"], "error");
  EXPECT_TRUE(stoq_test::contains(verdict["reasons"][0]["detail"].get<std::string>(), "max_payload_size"))
      << document.dump(2);
}

TEST(VerdictCli, OptionsFromTheConfigSection) {
  StoqEnv env({}, "max_payload_size = 16\n\n[verdict]\nerror_score = 1000\n");
  std::string file = env.home().write("input/big.txt", std::string(100, 'x'));
  CliResult result = stoq_test::run_stoq(env, {"hash", "-F", file, "-P", "verdict"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  EXPECT_EQ(documents[0]["verdict"]["verdict"], "malicious") << documents[0].dump(2);
}

// stoq scan's shape (`scan` keyed by worker, `plugin` the list): the yara worker's hits
// are found under its name, on the root and on a dispatched child alike.
TEST(VerdictCli, ReadsTheCombinedShapeOfStoqScan) {
  StoqEnv env;
  std::string rules = env.home().write("rules/score.yar",
                                       "rule planted_marker { meta: score = 70 strings: $a = \"PLANTED-MARKER\" "
                                       "condition: $a }\n");
  std::string file = env.home().write("input/note.txt", "text with PLANTED-MARKER inside\n");
  CliResult result = stoq_test::run_stoq(env, {"scan", "-w", "hash", "-w", "yara", "-F", file, "-P", "verdict",
                                               "--plugin-opt", "yara:yararules=" + rules, "--no-progress"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  std::vector<OJson> documents = stoq_test::documents_of(result);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  const OJson& document = documents[0];
  EXPECT_EQ(document["results"][0]["plugin"], OJson::parse(R"(["hash", "yara"])"));
  EXPECT_EQ(document["verdict"]["score"], 70) << document.dump(2);
  ASSERT_EQ(document["verdict"]["reasons"].size(), 1U) << document.dump(2);
  EXPECT_EQ(document["verdict"]["reasons"][0]["name"], "planted_marker") << document.dump(2);
}

TEST(VerdictCli, BadOptionStopsTheRun) {
  StoqEnv env;
  std::string file = env.home().write("input/note.txt", "x\n");
  for (const char* option : {"verdict:aggregate=mean", R"(verdict:severity_scores_dict={"high": "x"})"}) {
    CliResult result = stoq_test::run_stoq(env, {"hash", "-F", file, "-P", "verdict", "--plugin-opt", option});
    EXPECT_EQ(result.exit_code, 2) << option << "\n" << result.describe();
    EXPECT_EQ(result.out, "") << option;
    EXPECT_TRUE(stoq_test::contains(result.err, "verdict")) << result.describe();
  }
}

}  // namespace
