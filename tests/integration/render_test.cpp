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

// A document that is not JSON (1e999, invalid UTF-8, a syntax error, text between
// documents, a last document cut short) is reported with its position and skipped:
// every other document is rendered, and the exit status is 1.
TEST_F(RenderCliTest, DocumentsThatAreNotJsonAreReportedAndSkipped) {
  std::string tpl = dir.write("t.tpl", "{{ results.n }}\n");
  std::string docs = dir.write("docs.json",
                               "{\"n\": 1}\n"
                               "{\"n\": 1e999}\n"
                               "{\"n\": 3}\n"
                               "{\"n\": \"\xc3\x28\"}\n"
                               "{\"n\": 5}\n"
                               "not json\n"
                               "{\"n\": 8, }\n"
                               "{\"n\": 9}\n"
                               "{\"n\": 10");
  CliResult result = render({tpl, docs});
  EXPECT_EQ(result.exit_code, 1) << result.describe();
  EXPECT_EQ(result.out, "1\n3\n5\n9\n");
  expect_error(result, 1,
               {"stoq render: error: " + dir.path("docs.json") +
                    ", document 2, line 2, column 1: number overflow parsing '1e999'",
                "docs.json, document 4, line 4, column ", "UTF-8", "docs.json, document 6, line 6, column 2: ",
                "docs.json, document 7, line 6, column 5: ", "docs.json, document 8, line 7, column ",
                "docs.json, document 10, line 9, column 1: the input ends inside this document"});
  EXPECT_EQ(result.err_lines().size(), 6U) << result.describe();
  EXPECT_FALSE(contains(result.err, "internal error")) << result.describe();
  CliResult piped = render_stdin({tpl}, docs);
  EXPECT_EQ(piped.exit_code, 1) << piped.describe();
  EXPECT_EQ(piped.out, result.out);
  EXPECT_TRUE(contains(piped.err, "<stdin>, document 2, line 2, column 1: number overflow")) << piped.describe();
}

// Documents nested 50,000 and 1,000,000 deep are read (without recursion); printing or
// comparing them stops with the nesting error, and the next document is rendered.
TEST_F(RenderCliTest, DeeplyNestedDocuments) {
  for (std::size_t depth : {50'000U, 1'000'000U}) {
    SCOPED_TRACE(depth);
    std::string deep = std::string(depth, '[') + std::string(depth, ']');
    std::string docs = dir.write("deep.json", deep + "\n[\"next\"]\n" + deep);
    for (const char* source :
         {"{{ results }}", "{{ results|string }}", "{{ results ~ '' }}", "{{ results|e }}", "{{ results|tojson }}",
          "{{ results|pprint }}", "{{ [results, results]|sort }}", "{{ results == [results] }}"}) {
      SCOPED_TRACE(source);
      std::string tpl = dir.write("t.tpl", std::string(source) + "|{{ results|first }}\n");
      CliResult result = render({tpl, docs});
      EXPECT_EQ(result.exit_code, 1) << result.describe();
      EXPECT_TRUE(contains(result.out, "|next\n")) << result.describe();
      EXPECT_TRUE(contains(result.err, "document 1: ")) << result.describe();
      EXPECT_TRUE(contains(result.err, "document 3: ")) << result.describe();
      EXPECT_TRUE(contains(result.err, "value nested deeper than 500 levels")) << result.describe();
    }
    std::string length = dir.write("length.tpl", "{{ results|length }}\n");
    CliResult counted = render({length, docs});
    EXPECT_EQ(counted.exit_code, 0) << counted.describe();
    EXPECT_EQ(counted.out, "1\n1\n1\n");
  }
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
