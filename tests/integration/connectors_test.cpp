// -C is repeatable: every document goes to each connector, in order; with several, each
// -T goes to the connector it is named after and the others save JSON (the guide's "a
// template named after the connector plugin"). One connector failing does not keep the
// document from the others, but the message counts as not saved (it comes back).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::StoqEnv;

class ConnectorsTest : public ::testing::Test {
 protected:
  StoqEnv env;
  std::string input = env.home().mkdir("in");
  void SetUp() override {
    for (int i = 0; i < 3; ++i) env.home().write("in/f" + std::to_string(i), "payload " + std::to_string(i));
  }
  /// The documents -C file wrote under `out` (one file each).
  static std::vector<stoq::Json> saved_files(const std::string& out) {
    std::vector<stoq::Json> documents;
    for (const fs::path& file : stoq_test::files_under(out))
      documents.push_back(stoq::Json::parse(stoq_test::read_file(file)));
    return documents;
  }
};

TEST_F(ConnectorsTest, EveryConnectorGetsEveryDocument) {
  std::string out = env.home().path("out");
  CliResult result = stoq_test::run_stoq(env, {"hash", "-F", input, "-C", "stdout", "-C", "file", "-O", out});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(stoq_test::documents_of(result).size(), 3U);
  std::vector<stoq::Json> files = saved_files(out);
  ASSERT_EQ(files.size(), 3U);
  for (const stoq::Json& doc : files) EXPECT_EQ(doc["results"][0]["plugin"], "hash");
}

// stdout.tpl is named after stdout: stdout prints the text, file saves the JSON.
TEST_F(ConnectorsTest, EachTemplateGoesToTheConnectorItIsNamedAfter) {
  std::string out = env.home().path("out");
  CliResult result =
      stoq_test::run_stoq(env, {"hash", "-F", input, "-C", "file", "-C", "stdout", "-O", out, "-T", "stdout.tpl"});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_FALSE(contains(result.out, "{")) << "stdout got the rendered text\n" << result.describe();
  EXPECT_TRUE(contains(result.out, "sha1")) << result.describe();
  EXPECT_EQ(saved_files(out).size(), 3U) << "file got the JSON";
}

TEST_F(ConnectorsTest, ATemplateNamedAfterNoConnectorIsRefusedBeforeTheRun) {
  CliResult result = stoq_test::run_stoq(env, {"hash", "-F", input, "-C", "stdout", "-C", "file", "-T", "slack.tpl"});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  EXPECT_TRUE(contains(result.err, "each template goes to the connector it is named after, and none is named slack"))
      << result.describe();
  CliResult twice = stoq_test::run_stoq(env, {"hash", "-F", input, "-C", "stdout", "-C", "stdout"});
  EXPECT_EQ(twice.exit_code, 2) << twice.describe();
  EXPECT_TRUE(contains(twice.err, "-C stdout is given twice")) << twice.describe();
  CliResult two_for_one = stoq_test::run_stoq(env, {"hash", "-F", input, "-T", "stdout.tpl", "-T", "stdout.tpl"});
  EXPECT_EQ(two_for_one.exit_code, 2) << two_for_one.describe();
  EXPECT_TRUE(contains(two_for_one.err, "-T is given 2 times for one connector")) << two_for_one.describe();
}

// A connector that fails (its results folder is a file) does not keep the documents from
// stdout; the run says they were not all saved.
TEST_F(ConnectorsTest, OneFailingConnectorDoesNotStopTheOthers) {
  std::string out = env.home().mkdir("out");
  env.home().write("out/hash", "a file where the results folder of hash should be");
  CliResult result = stoq_test::run_stoq(env, {"hash", "-F", input, "-C", "file", "-O", out, "-C", "stdout"});
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_EQ(stoq_test::documents_of(result).size(), 3U) << result.describe();
  EXPECT_TRUE(contains(result.err, "connector file failed to save the results of")) << result.describe();
}

}  // namespace
