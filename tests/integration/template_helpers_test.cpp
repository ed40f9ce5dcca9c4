// The helpers behind -T and `stoq render`, called directly: the JSON document stream
// reader, load_output_template (where a worker's templates are, and its messages),
// template_error_text and render_results.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/json_stream.hpp"
#include "engine/pipeline.hpp"
#include "engine/run_state.hpp"
#include "run_cli.hpp"
#include "stoq/error.hpp"
#include "stoq/template.hpp"

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq_test::contains;
using stoq_test::TempDir;

// The documents of `text`; `problems` (when given) receives the bad documents' reports.
std::vector<Json> read_all(const std::string& text, std::vector<std::string>* problems = nullptr) {
  std::istringstream in(text);
  std::vector<Json> documents;
  std::vector<std::string> bad;
  std::size_t count = stoq::cli::read_json_documents(
      in, [&](Json& document) { documents.push_back(std::move(document)); },  // a copy would recurse
      [&](const std::string& problem) { bad.push_back(problem); });
  EXPECT_EQ(count, documents.size() + bad.size());
  if (problems != nullptr) {
    *problems = bad;
  } else {
    EXPECT_TRUE(bad.empty()) << bad.front();
  }
  return documents;
}

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const stoq::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no stoq::Error";
  return {};
}

TEST(JsonDocumentStream, ReadsEveryLayoutStoqPrints) {
  EXPECT_TRUE(read_all("").empty());
  EXPECT_TRUE(read_all(" \n\t\n").empty());
  std::vector<Json> documents = read_all(
      "{\n    \"a\": 1,\n    \"s\": \"} {\\\"\"\n}\n"  // indented, a string holding brackets
      "{\"a\": 2}\n{\"a\": 3}"                         // one per line
      "{\"a\": 4}[5, {\"a\": 6}]  \n");                // glued together; not only objects
  ASSERT_EQ(documents.size(), 5U);
  EXPECT_EQ(documents[0], Json::parse(R"({"a": 1, "s": "} {\""})"));
  EXPECT_EQ(documents[1]["a"], 2);
  EXPECT_EQ(documents[2]["a"], 3);
  EXPECT_EQ(documents[3]["a"], 4);
  EXPECT_EQ(documents[4], Json::parse(R"([5, {"a": 6}])"));
  // Key order is kept (stoq::Json is ordered), as the template iterates it.
  EXPECT_EQ(read_all(R"({"z": 1, "a": 2})")[0].begin().key(), "z");
}

TEST(JsonDocumentStream, ABadDocumentIsReportedAndTheNextOnesAreRead) {
  std::vector<std::string> problems;
  std::vector<Json> seen = read_all(
      "{\"a\": 1}\n"
      "{\"a\": }\n"              // document 2: a syntax error
      "{\"a\": 1e999}\n"         // 3: a number out of range
      "{\"a\": \"\xff\xfe\"}\n"  // 4: invalid UTF-8
      ", garbage {\"a\": 7}\n"   // 5 and 6: text between documents (7 is fine)
      "[[[[[[[[]]]]]]]]\n"       // 8: nested, fine
      "{\"a\": [1, 2",           // 9: cut short by the end of the input
      &problems);
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[0]["a"], 1);
  EXPECT_EQ(seen[1]["a"], 7);
  EXPECT_EQ(seen[2].dump(), "[[[[[[[[]]]]]]]]");
  ASSERT_EQ(problems.size(), 6U);
  EXPECT_EQ(problems[0].rfind("document 2, line 2, column 7: ", 0), 0U) << problems[0];
  EXPECT_EQ(problems[1], "document 3, line 3, column 1: number overflow parsing '1e999'");
  EXPECT_EQ(problems[2].rfind("document 4, line 4, column ", 0), 0U) << problems[2];
  EXPECT_TRUE(contains(problems[2], "UTF-8")) << problems[2];
  EXPECT_EQ(problems[3].rfind("document 5, line 5, column 1: ", 0), 0U) << problems[3];
  EXPECT_EQ(problems[4].rfind("document 6, line 5, column 3: ", 0), 0U) << problems[4];
  EXPECT_EQ(problems[5], "document 9, line 7, column 1: the input ends inside this document (cut short?)");
  for (const std::string& problem : problems) EXPECT_FALSE(contains(problem, "[json.exception")) << problem;
  std::vector<std::string> cut;
  EXPECT_TRUE(read_all("{\"a\": 1}\n{\"a\": [1, 2", &cut).size() == 1U);
  ASSERT_EQ(cut.size(), 1U);
  EXPECT_EQ(cut[0], "document 2, line 2, column 1: the input ends inside this document (cut short?)");
  std::vector<std::string> text;
  EXPECT_TRUE(read_all("hello", &text).empty());
  ASSERT_EQ(text.size(), 1U);
  EXPECT_EQ(text[0].rfind("document 1, line 1, column 1: ", 0), 0U) << text[0];
}

TEST(JsonDocumentStream, AnyDepthIsReadWithoutRecursion) {
  const std::size_t depth = 1'000'000;
  std::vector<Json> seen = read_all(std::string(depth, '[') + std::string(depth, ']') + "\n{\"a\": 2}");
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[1]["a"], 2);
  seen.clear();  // frees the deep document: nlohmann::json's destructor does not recurse
}

TEST(TemplateErrorText, LocatesTheErrorByThePathOfItsFile) {
  stoq::templating::TemplateError error("parts/x.tpl", 3, 7, "unexpected '}'");
  EXPECT_EQ(stoq::engine::template_error_text(error, "/p/worker/w/templates"),
            "/p/worker/w/templates/parts/x.tpl:3:7: unexpected '}'");
  EXPECT_EQ(stoq::engine::template_error_text(error, "."), "parts/x.tpl:3:7: unexpected '}'");
  EXPECT_EQ(stoq::engine::template_error_text(error, ""), "parts/x.tpl:3:7: unexpected '}'");
}

TEST(LoadOutputTemplate, MissingTemplatesAreNamedWithWhatExists) {
  TempDir plugin("stoq-plugin");
  std::string dir = plugin.path("templates");
  std::string message = error_of([&] { (void)stoq::engine::load_output_template(plugin.root(), "x.tpl"); });
  EXPECT_TRUE(contains(message, "-T x.tpl: no template " + dir + "/x.tpl")) << message;
  EXPECT_TRUE(contains(message, "no templates/ folder")) << message;

  plugin.mkdir("templates");
  message = error_of([&] { (void)stoq::engine::load_output_template(plugin.root(), "x.tpl"); });
  EXPECT_TRUE(contains(message, "templates/ folder is empty")) << message;

  plugin.write("templates/stdout.tpl", "x");
  plugin.write("templates/parts/a.tpl", "x");
  message = error_of([&] { (void)stoq::engine::load_output_template(plugin.root(), "x.tpl"); });
  EXPECT_TRUE(contains(message, "templates there: parts/a.tpl stdout.tpl")) << message;
}

TEST(LoadOutputTemplate, OnlyNamesUnderTheTemplatesFolder) {
  TempDir plugin("stoq-plugin");
  plugin.write("secret.txt", "x");
  plugin.write("templates/ok.tpl", "x");
  for (const char* name : {"../secret.txt", "parts/../../secret.txt", "/etc/hostname", ""}) {
    std::string message = error_of([&] { (void)stoq::engine::load_output_template(plugin.root(), name); });
    EXPECT_TRUE(contains(message, "no absolute path, no '..'")) << name << ": " << message;
  }
}

// Needs the template engine.
TEST(LoadOutputTemplate, ParsesOnceAndLocatesSyntaxErrors) {
  TempDir plugin("stoq-plugin");
  plugin.write("templates/good.tpl", "{{ results.a }}\n");
  plugin.write("templates/bad.tpl", "ok\n{% if %}\n");
  stoq::engine::OutputTemplate loaded = stoq::engine::load_output_template(plugin.root(), "good.tpl");
  EXPECT_EQ(loaded.name, "good.tpl");
  ASSERT_TRUE(loaded.environment && loaded.parsed);
  EXPECT_EQ(loaded.environment->template_dir(), fs::path(plugin.path("templates")));
  EXPECT_TRUE(loaded.environment->options().trim_blocks);
  EXPECT_TRUE(loaded.environment->options().lstrip_blocks);
  Json document = {{"a", "fox"}};
  EXPECT_EQ(stoq::engine::render_results(*loaded.parsed, document), "fox");
  std::string message = error_of([&] { (void)stoq::engine::load_output_template(plugin.root(), "bad.tpl"); });
  EXPECT_EQ(message.rfind("-T bad.tpl: " + plugin.path("templates/bad.tpl") + ":2:", 0), 0U) << message;
}

// Needs the template engine. The document is lent to the template: it comes back as it was, even when rendering fails.
TEST(RenderResults, GivesTheDocumentBack) {
  stoq::templating::Environment environment("");
  Json document = {{"results", Json::array({{{"sha1", "abc"}}})}, {"tlp", "white"}};
  const Json before = document;
  auto failing = environment.from_string("{{ results.nope.deeper }}", "failing.tpl");
  EXPECT_THROW((void)stoq::engine::render_results(*failing, document), stoq::templating::TemplateError);
  EXPECT_EQ(document, before);
  auto lister = environment.from_string("{% for r in results.results %}{{ r.sha1 }}{% endfor %} {{ results.tlp }}");
  EXPECT_EQ(stoq::engine::render_results(*lister, document), "abc white");
  EXPECT_EQ(document, before);
}

}  // namespace
