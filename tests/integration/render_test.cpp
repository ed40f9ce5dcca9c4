// `stoq render TEMPLATE [RESULTS.json]`: a template file rendered against saved results
// documents read from a file or stdin, one rendering per document, exactly as -T
// renders them in a run; errors name the template file, line and column.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "hashes.hpp"
#include "run_cli.hpp"

namespace {

namespace fs = std::filesystem;
using stoq_test::CliResult;
using stoq_test::contains;
using stoq_test::TempDir;

const std::string kFox = "The quick brown fox jumps over the lazy dog";
const std::string kHashTemplate = (fs::path(STOQ_SOURCE_DIR) / "plugins/worker/hash/templates/stdout.tpl").string();

class RenderCliTest : public ::testing::Test {
 protected:
  TempDir dir{"stoq-render"};

  static CliResult render(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"render"};
    full.insert(full.end(), args.begin(), args.end());
    return stoq_test::run_cli(full);
  }
  // `stoq render <args...> < stdin_file` (run_cli gives stoq /dev/null as stdin).
  static CliResult render_stdin(const std::vector<std::string>& args, const std::string& stdin_file) {
    std::vector<std::string> sh = {"-c", "exec \"$0\" render \"$@\" < \"$STOQ_RENDER_INPUT\"", STOQ_CLI};
    sh.insert(sh.end(), args.begin(), args.end());
    stoq_test::SpawnOptions options;
    options.env = {{"STOQ_RENDER_INPUT", stdin_file}};
    stoq_test::CliProcess process("/bin/sh", sh, options);
    return process.finish(std::chrono::seconds(60));
  }
  static void expect_error(const CliResult& result, int code, const std::vector<std::string>& parts) {
    EXPECT_EQ(result.exit_code, code) << result.describe();
    for (const std::string& part : parts) {
      EXPECT_TRUE(contains(result.err, part)) << "missing '" << part << "'\n" << result.describe();
    }
  }
};

// Results of `stoq hash -F fox.txt` as a run saves them, rendered with the hash template:
// the same text -T prints.
TEST_F(RenderCliTest, HashResultsFromAFileAndFromStdin) {
  stoq_test::StoqEnv env;
  std::string input = env.home().write("fox.txt", kFox);
  CliResult run = stoq_test::run_stoq(env, {"hash", "-F", input});
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  std::string results = dir.write("results.json", run.out);
  CliResult templated = stoq_test::run_stoq(env, {"hash", "-F", input, "-T", "stdout.tpl"});
  ASSERT_EQ(templated.exit_code, 0) << templated.describe();

  CliResult result = render({kHashTemplate, results});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_TRUE(contains(result.out, "    sha1    " + stoq_test::expected_hashes(kFox).sha1 + "\n")) << result.out;
  EXPECT_EQ(result.out, templated.out);
  EXPECT_EQ(result.err, "");

  CliResult piped = render_stdin({kHashTemplate}, results);
  ASSERT_EQ(piped.exit_code, 0) << piped.describe();
  EXPECT_EQ(piped.out, result.out);
  EXPECT_EQ(render_stdin({kHashTemplate, "-"}, results).out, result.out);
}

// Several documents: indented one after another (stdout), one per line (-O file), or
// glued together; each is rendered, in order.
TEST_F(RenderCliTest, EveryDocumentOfAStreamIsRendered) {
  std::string tpl = dir.write("t.tpl", "{{ results.n }}:{% for x in results.xs %}[{{ x }}]{% endfor %}\n");
  std::string stream = dir.write("stream.json",
                                 "{\n    \"n\": 1,\n    \"xs\": [\"a\"]\n}\n"
                                 "{\"n\": 2, \"xs\": []}\n"
                                 "{\"n\": 3, \"xs\": [\"b\", \"c\"]}{\"n\": 4}");
  CliResult result = render({tpl, stream});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "1:[a]\n2:\n3:[b][c]\n4:\n");
  EXPECT_EQ(render_stdin({tpl}, stream).out, result.out);

  std::string empty = dir.write("empty.json", " \n");
  result = render({tpl, empty});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "");
}

// The template's folder is its template directory: includes resolve beside it.
TEST_F(RenderCliTest, IncludesResolveBesideTheTemplate) {
  dir.write("tpl/parts/name.tpl", "<{{ results.name }}>");
  std::string tpl = dir.write("tpl/main.tpl", "{% include 'parts/name.tpl' %}!\n");
  std::string doc = dir.write("doc.json", R"({"name": "fox"})");
  CliResult result = render({tpl, doc});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "<fox>!\n");
  // From the template's own folder, by a bare name.
  stoq_test::SpawnOptions options;
  options.cwd = dir.path("tpl");
  result = stoq_test::run_cli({"render", "main.tpl", doc}, options);
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, "<fox>!\n");
}

TEST_F(RenderCliTest, SyntaxErrorNamesFileLineAndColumn) {
  std::string tpl = dir.write("bad.tpl", "fine\n{% for x in %}\n{% endfor %}\n");
  std::string doc = dir.write("doc.json", "{}");
  CliResult result = render({tpl, doc});
  expect_error(result, 1, {"stoq render: error: "});
  EXPECT_EQ(result.out, "");
  std::regex located(R"(stoq render: error: .*/bad\.tpl:2:[0-9]+: \S)");
  EXPECT_TRUE(std::regex_search(result.err, located)) << result.describe();
  EXPECT_EQ(result.err_lines().size(), 1U) << result.describe();
}

// A document that does not render is reported (document number, file:line:column);
// the others are still rendered, and the exit status is 1.
TEST_F(RenderCliTest, RenderErrorOfOneDocument) {
  std::string tpl = dir.write("t.tpl", "{{ results.a.b }}\n");
  std::string docs = dir.write("docs.json", R"({"a": {"b": 1}} {"c": 2} {"a": {"b": 3}})");
  CliResult result = render({tpl, docs});
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_EQ(result.out, "1\n3\n");
  ASSERT_EQ(result.err_lines().size(), 1U) << result.describe();
  std::regex located(R"(stoq render: error: .*docs\.json, document 2: .*t\.tpl:1:[0-9]+: \S)");
  EXPECT_TRUE(std::regex_search(result.err, located)) << result.describe();
}

TEST_F(RenderCliTest, InputThatIsNotJson) {
  std::string tpl = dir.write("t.tpl", "{{ results.n }}\n");
  std::string docs = dir.write("docs.json", "{\"n\": 1}\nnot json\n");
  CliResult result = render({tpl, docs});
  expect_error(result, 1, {"docs.json, document 2: "});
  EXPECT_EQ(result.out, "1\n");  // what came before was rendered
  std::string cut = dir.write("cut.json", "{\"n\": 1");
  expect_error(render({tpl, cut}), 1, {"cut.json, document 1: "});
  expect_error(render_stdin({tpl}, cut), 1, {"<stdin>, document 1: "});
}

TEST_F(RenderCliTest, ArgumentsAndMissingFiles) {
  std::string tpl = dir.write("t.tpl", "x\n");
  expect_error(render({}), 2, {"TEMPLATE", "stoq render -h"});
  expect_error(render({tpl, "a.json", "b.json"}), 2, {"stoq render -h"});
  expect_error(render({dir.path("nope.tpl")}), 1, {"no template file " + dir.path("nope.tpl")});
  expect_error(render({tpl, dir.path("nope.json")}), 1, {"cannot read " + dir.path("nope.json")});
  expect_error(render({tpl, dir.path()}), 1, {dir.path() + " is a directory"});
  CliResult help = render({"-h"});
  EXPECT_EQ(help.exit_code, 0) << help.describe();
  EXPECT_TRUE(contains(help.out, "results")) << help.out;
  CliResult general = stoq_test::run_cli({"help"});
  EXPECT_TRUE(contains(general.out, "stoq render TEMPLATE [RESULTS.json]")) << general.out;
}

}  // namespace
