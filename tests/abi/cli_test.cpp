// The CLI against the broken test plugins: `stoq <worker> --config <cfg>` whose cfg
// puts the test plugin tree first in plugin_dir_list. Each broken plugin must stop the
// run with a non-zero exit and ONE line on stderr naming the file and the reason,
// and nothing on stdout.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "run_cli.hpp"
#include "stoq/abi.h"

namespace {

namespace fs = std::filesystem;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::StoqEnv;

const std::string kTree = STOQ_TEST_PLUGIN_DIR;

std::string plugin_file(const std::string& category, const std::string& folder, const std::string& file) {
  return (fs::path(kTree) / category / folder / file).string();
}

class CliLoaderTest : public ::testing::Test {
 protected:
  StoqEnv env{{kTree}};
  std::string input = env.home().write("input/sample.txt", "a small payload\n");

  CliResult stoq(const std::vector<std::string>& args) { return stoq_test::run_stoq(env, args); }

  // A failed run: non-zero exit, nothing on stdout, exactly one line on stderr that
  // contains every one of `parts`.
  void expect_one_error(const CliResult& result, const std::vector<std::string>& parts) {
    EXPECT_NE(result.exit_code, 0) << result.describe();
    EXPECT_FALSE(result.timed_out) << result.describe();
    EXPECT_EQ(result.out, "") << result.describe();
    std::vector<std::string> lines = result.err_lines();
    ASSERT_EQ(lines.size(), 1U) << "expected one error line\n" << result.describe();
    for (const std::string& part : parts)
      EXPECT_TRUE(contains(lines[0], part)) << "missing '" << part << "' in\n" << lines[0];
  }
};

TEST_F(CliLoaderTest, WrongAbiMajor) {
  expect_one_error(stoq({"badmajor", "-F", input}), {plugin_file("worker", "badmajor", "badmajor.so"),
                                                     "ABI " + std::to_string(STOQ_ABI_VERSION_MAJOR + 98)});
}

TEST_F(CliLoaderTest, StructSizeTooSmall) {
  expect_one_error(stoq({"smallstruct", "-F", input}),
                   {plugin_file("worker", "smallstruct", "smallstruct.so"), "expected at least"});
}

TEST_F(CliLoaderTest, WrongAbiTag) {
  expect_one_error(stoq({"badtag", "-F", input}), {plugin_file("worker", "badtag", "badtag.so"), "itanium9999"});
}

TEST_F(CliLoaderTest, NoEntrySymbol) {
  expect_one_error(stoq({"noentry", "-F", input}),
                   {plugin_file("worker", "noentry", "noentry.so"), "no stoq_plugin_entry symbol"});
}

TEST_F(CliLoaderTest, NameDiffersFromDescriptor) {
  expect_one_error(stoq({"misnamed", "-F", input}),
                   {plugin_file("worker", "misnamed", "misnamed.so"), "othername", "misnamed.stoq"});
}

TEST_F(CliLoaderTest, PluginInWrongCategoryFolder) {
  expect_one_error(stoq({"echo", "-F", input, "-C", "wrongcat"}),
                   {plugin_file("connector", "wrongcat", "wrongcat.so"), "is a worker", "connector folder"});
}

TEST_F(CliLoaderTest, ModuleMissing) {
  expect_one_error(stoq({"ghost", "-F", input}), {plugin_file("worker", "ghost", "ghost.stoq"),
                                                  plugin_file("worker", "ghost", "ghost.so"), "not found"});
}

TEST_F(CliLoaderTest, MalformedStoqFile) {
  expect_one_error(stoq({"malformed", "-F", input}), {plugin_file("worker", "malformed", "malformed.stoq"), "[Core]"});
}

TEST_F(CliLoaderTest, WorkerWithoutHashpayloadAndSaveresults) {
  expect_one_error(stoq({"norequired", "-F", input}),
                   {plugin_file("worker", "norequired", "norequired.stoq"), "requires option"});
}

TEST_F(CliLoaderTest, SourceWithoutMultiprocess) {
  expect_one_error(stoq({"echo", "-F", input, "-I", "nomp"}),
                   {plugin_file("source", "nomp", "nomp.stoq"), "multiprocess"});
}

TEST_F(CliLoaderTest, UnknownOptionInStoqFile) {
  expect_one_error(stoq({"typo", "-F", input}),
                   {plugin_file("worker", "typo", "typo.stoq") + ":", "max_tpl", "did you mean 'max_tlp'"});
}

TEST_F(CliLoaderTest, BadOptionType) {
  expect_one_error(stoq({"badtype", "-F", input}),
                   {plugin_file("worker", "badtype", "badtype.stoq") + ":", "hashpayload", "maybe"});
}

TEST_F(CliLoaderTest, ListOptionDeclaredAsString) {
  expect_one_error(stoq({"badlist", "-F", input}), {plugin_file("worker", "badlist", "badlist.so"), "foo_list"});
}

TEST_F(CliLoaderTest, UnknownWorkerListsWhatExists) {
  expect_one_error(stoq({"nosuchworker", "-F", input}), {"nosuchworker", "echo", "thrower", "hash"});
}

TEST_F(CliLoaderTest, UnknownConnectorSourceAndDecoratorListWhatExists) {
  expect_one_error(stoq({"echo", "-F", input, "-C", "nosuchconnector"}), {"nosuchconnector", "hbconn", "stdout"});
  expect_one_error(stoq({"echo", "-F", input, "-A", "nosucharchive"}), {"nosucharchive", "file"});
  expect_one_error(stoq({"echo", "-F", input, "-I", "nosuchsource"}), {"nosuchsource", "filedir", "dirmon"});
  expect_one_error(stoq({"echo", "-F", input, "-P", "nosuchdecorator"}), {"nosuchdecorator", "addkey"});
}

TEST_F(CliLoaderTest, TooNewMinStoqVersionWarnsAndRuns) {
  CliResult result = stoq({"future", "-F", input});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(contains(result.err, "99.0")) << result.describe();
  EXPECT_TRUE(contains(result.err, "future")) << result.describe();
  auto documents = stoq_test::parse_json_stream(result.out);
  ASSERT_EQ(documents.size(), 1U) << result.describe();
  EXPECT_EQ(documents[0]["results"][0]["scan"]["worker"], "future");
  // The warning is on stderr only: stdout is results.
  EXPECT_FALSE(contains(result.out, "99.0"));
}

TEST_F(CliLoaderTest, BrokenPluginsDoNotBreakOtherWorkers) {
  CliResult result = stoq({"hash", "-F", input});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(stoq_test::parse_json_stream(result.out).size(), 1U) << result.describe();
}

TEST_F(CliLoaderTest, ListShowsTestPluginsAndBrokenStoqFiles) {
  CliResult result = stoq_test::run_stoq(env, {"list"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(contains(result.out, "echo")) << result.out;
  EXPECT_TRUE(contains(result.out, "v1.2.3") || contains(result.out, "v1.0")) << result.out;
  EXPECT_TRUE(contains(result.out, "hbconn")) << result.out;
  EXPECT_TRUE(contains(result.out, "hash")) << result.out;    // built-in plugins are still listed
  EXPECT_TRUE(contains(result.out, "broken")) << result.out;  // malformed.stoq
}

}  // namespace
