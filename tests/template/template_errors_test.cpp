// The template engine's own contract, beyond what Jinja2 can be compared with:
// TemplateError locations, the template directory as a jail (.., absolute names,
// symlinks), render limits (an error, never a hang or an exhausted machine) and the
// lenient Undefined.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "stoq/error.hpp"
#include "stoq/json.hpp"
#include "stoq/template.hpp"
#include "stoq/testing.hpp"

namespace {

namespace fs = std::filesystem;
using stoq::Json;
using stoq::templating::Environment;
using stoq::templating::TemplateError;
using stoq::templating::TemplateOptions;

const Json kVars = Json::parse(R"({"results": {"results": [{"plugin": "yara", "size": 10}], "payloads": 1}})");

// The TemplateError `action` throws; a test failure when it throws anything else or nothing.
std::unique_ptr<TemplateError> template_error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const TemplateError& e) {
    return std::make_unique<TemplateError>(e);
  } catch (const stoq::Error& e) {
    ADD_FAILURE() << "expected a TemplateError, got a plain stoq::Error: " << e.what();
    return nullptr;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected a TemplateError, got another exception: " << e.what();
    return nullptr;
  }
  ADD_FAILURE() << "expected a TemplateError, nothing was thrown";
  return nullptr;
}

// True when `action` throws stoq::Error (TemplateError included); a failure for other exceptions.
bool throws_stoq_error(const std::function<void()>& action, std::string* message = nullptr) {
  try {
    action();
  } catch (const stoq::Error& e) {
    if (message != nullptr) *message = e.what();
    return true;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected stoq::Error, got another exception: " << e.what();
    return true;
  }
  return false;
}

std::string render_source(const Environment& environment, const std::string& source, const Json& vars = kVars,
                          const std::string& name = "<template>") {
  return environment.from_string(source, name)->render(vars);
}

// ---------------------------------------------------------------- error locations

struct SyntaxCase {
  const char* source;
  int line;          // as Jinja2 3.1 reports it
  int column_limit;  // the column must be in 1..column_limit (0: any column, 0 included)
};

TEST(TemplateErrors, SyntaxErrorsCarryNameLineAndColumn) {
  const SyntaxCase cases[] = {
      {"header\n  {{ 1 + }}\n", 2, 12},                 // unexpected end of the print tag
      {"x\ny\n{% frobnicate %}\n", 3, 16},              // unknown tag
      {"a\n{{ 'abc }}\n", 2, 11},                       // unterminated string
      {"one\n{% for x in y %}\n{% endif %}\n", 3, 11},  // mismatched end tag
      {"a\r\nb\r\n{{ 1 + }}", 3, 9},                    // CRLF lines count as lines
      {"{% if true %}\nbody\n", 2, 0},                  // unclosed block: Jinja2 blames the last line
  };
  Environment environment("");
  for (const SyntaxCase& c : cases) {
    SCOPED_TRACE(c.source);
    auto error = template_error_of([&] { (void)environment.from_string(c.source, "report.tpl"); });
    if (!error) continue;
    EXPECT_EQ(error->template_name(), "report.tpl");
    EXPECT_EQ(error->line(), c.line);
    if (c.column_limit > 0) {
      EXPECT_GE(error->column(), 1) << "a token is at fault: its column is known";
      EXPECT_LE(error->column(), c.column_limit);
    } else {
      EXPECT_GE(error->column(), 0);
    }
    EXPECT_FALSE(error->message().empty());
    const std::string prefix =
        "report.tpl:" + std::to_string(error->line()) + ":" + std::to_string(error->column()) + ": ";
    EXPECT_EQ(std::string(error->what()).rfind(prefix, 0), 0U) << error->what();
  }
}

TEST(TemplateErrors, UnknownFilterIsAnErrorAtItsLine) {
  Environment environment("");
  auto error = template_error_of(
      [&] { (void)render_source(environment, "a\nb\n{{ results|nosuchfilter }}\n", kVars, "f.tpl"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->template_name(), "f.tpl");
  EXPECT_EQ(error->line(), 3);
}

TEST(TemplateErrors, RenderErrorsCarryTheirLine) {
  Environment environment("");
  auto division = template_error_of([&] { (void)render_source(environment, "a\n\n{{ 1 / 0 }}\n", kVars, "div.tpl"); });
  ASSERT_TRUE(division);
  EXPECT_EQ(division->template_name(), "div.tpl");
  EXPECT_EQ(division->line(), 3);
  auto undefined = template_error_of([&] { (void)render_source(environment, "ok\n{{ missing.x }}", kVars, "u.tpl"); });
  ASSERT_TRUE(undefined);
  EXPECT_EQ(undefined->line(), 2);
}

TEST(TemplateErrors, ErrorsInAnIncludedTemplateNameThatTemplate) {
  stoq::testing::TempDir dir("stoq-template-errors");
  dir.write("templates/main.tpl", "line one\n{% include 'parts/broken.tpl' %}\n");
  dir.write("templates/parts/broken.tpl", "fine\n{% if %}\n");
  Environment environment(dir.root() / "templates");
  auto error = template_error_of([&] { (void)environment.get_template("main.tpl")->render(kVars); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->template_name(), "parts/broken.tpl");
  EXPECT_EQ(error->line(), 2);
}

TEST(TemplateErrors, GetTemplateReportsSyntaxErrorsWithTheFileName) {
  stoq::testing::TempDir dir("stoq-template-errors");
  dir.write("templates/sub/bad.tpl", "{{ results.tlp }}\n{{ results.payloads + }}\n");
  Environment environment(dir.root() / "templates");
  auto error = template_error_of([&] { (void)environment.get_template("sub/bad.tpl"); });
  ASSERT_TRUE(error);
  EXPECT_EQ(error->template_name(), "sub/bad.tpl");
  EXPECT_EQ(error->line(), 2);
}

TEST(TemplateErrors, MissingTemplateIsAStoqError) {
  stoq::testing::TempDir dir("stoq-template-errors");
  dir.mkdir("templates");
  Environment environment(dir.root() / "templates");
  EXPECT_TRUE(throws_stoq_error([&] { (void)environment.get_template("nope.tpl"); }));
}

// ---------------------------------------------------------------- the template directory is a jail

class TemplateJail : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("templates/ok.tpl", "inside");
    dir_.write("templates/sub/ok.tpl", "inside sub");
    dir_.write("secret.txt", "TOP-SECRET-OUTSIDE");
    dir_.write("secret_dir/data.tpl", "TOP-SECRET-DIR");
    std::error_code error;
    fs::create_symlink(dir_.root() / "secret.txt", dir_.root() / "templates" / "link.tpl", error);
    symlinks_ = !error;
    fs::create_directory_symlink(dir_.root() / "secret_dir", dir_.root() / "templates" / "linkdir", error);
    symlinks_ = symlinks_ && !error;
  }

  // The template must fail with a stoq::Error and never show the outside file.
  void expect_refused(const std::string& source) {
    SCOPED_TRACE(source);
    std::string output;
    std::string message;
    bool threw = throws_stoq_error([&] { output = render_source(environment_, source); }, &message);
    EXPECT_TRUE(threw) << "rendered: " << output;
    EXPECT_EQ(output.find("TOP-SECRET"), std::string::npos);
    EXPECT_EQ(message.find("TOP-SECRET"), std::string::npos);
  }

  stoq::testing::TempDir dir_{"stoq-template-jail"};
  Environment environment_{dir_.root() / "templates"};
  bool symlinks_ = false;
};

TEST_F(TemplateJail, IncludesInsideWork) {
  EXPECT_EQ(render_source(environment_, "{% include 'ok.tpl' %}|{% include 'sub/ok.tpl' %}"), "inside|inside sub");
}

TEST_F(TemplateJail, DotDotIsRefused) {
  expect_refused("{% include '../secret.txt' %}");
  expect_refused("{% include 'sub/../../secret.txt' %}");
  expect_refused("{% include 'sub/../ok.tpl' %}");  // any '..' segment, as Jinja2's loader
  expect_refused("{% import '../secret.txt' as s %}{{ s }}");
  expect_refused("{% from '../secret.txt' import x %}{{ x }}");
  expect_refused("{% include ['../secret.txt'] %}");
  EXPECT_TRUE(throws_stoq_error([&] { (void)environment_.get_template("../secret.txt"); }));
}

TEST_F(TemplateJail, AbsolutePathsAreRefused) {
  const std::string secret = (dir_.root() / "secret.txt").string();
  expect_refused("{% include '" + secret + "' %}");
  expect_refused("{% include '/etc/passwd' %}");
  EXPECT_TRUE(throws_stoq_error([&] { (void)environment_.get_template(secret); }));
}

TEST_F(TemplateJail, SymlinksPointingOutsideAreRefused) {
  if (!symlinks_) GTEST_SKIP() << "cannot create symlinks in " << dir_.path();
  expect_refused("{% include 'link.tpl' %}");
  expect_refused("{% include 'linkdir/data.tpl' %}");
  EXPECT_TRUE(throws_stoq_error([&] { (void)environment_.get_template("link.tpl")->render(kVars); }));
  EXPECT_TRUE(throws_stoq_error([&] { (void)environment_.get_template("linkdir/data.tpl")->render(kVars); }));
}

TEST_F(TemplateJail, IgnoreMissingDoesNotOpenTheJail) {
  // Refused names may be skipped like missing ones, but never read.
  std::string output;
  (void)throws_stoq_error(
      [&] { output = render_source(environment_, "{% include '../secret.txt' ignore missing %}"); });
  EXPECT_EQ(output.find("TOP-SECRET"), std::string::npos);
}

TEST(TemplateJailEmptyDir, NoDirectoryMeansNoIncludes) {
  Environment environment("");
  EXPECT_TRUE(throws_stoq_error([&] { (void)render_source(environment, "{% include 'x.tpl' %}"); }));
  EXPECT_TRUE(throws_stoq_error([&] { (void)render_source(environment, "{% import 'x.tpl' as x %}"); }));
}

// ---------------------------------------------------------------- limits

TemplateOptions limited(const std::function<void(stoq::templating::TemplateLimits&)>& change) {
  TemplateOptions options;
  change(options.limits);
  return options;
}

Json numbers(int count) {
  Json list = Json::array();
  for (int i = 0; i < count; ++i) list.push_back(i);
  return Json{{"xs", list}, {"line", std::string(100, 'x')}};
}

TEST(TemplateLimits, OutputSizeIsBounded) {
  Environment environment("", limited([](auto& l) { l.max_output_bytes = 1000; }));
  // 100 x 100 lines of 100 bytes: 1 MB against a 1000-byte limit.
  auto error = template_error_of([&] {
    (void)render_source(environment, "{% for a in xs %}{% for b in xs %}{{ line }}\n{% endfor %}{% endfor %}",
                        numbers(100));
  });
  EXPECT_TRUE(error);
  // Within the limit it renders.
  EXPECT_EQ(render_source(environment, "{{ xs|length }}", numbers(100)), "100");
}

TEST(TemplateLimits, StepsAreBoundedQuickly) {
  Environment environment("", limited([](auto& l) { l.max_steps = 10000; }));
  const auto start = std::chrono::steady_clock::now();
  // 1000^3 = 1e9 iterations producing no output: only the step limit stops it.
  auto error = template_error_of([&] {
    (void)render_source(environment,
                        "{% for a in xs %}{% for b in xs %}{% for c in xs %}{% endfor %}{% endfor %}{% endfor %}",
                        numbers(1000));
  });
  EXPECT_TRUE(error);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(TemplateLimits, RecursionDepthIsBounded) {
  Environment environment("", limited([](auto& l) { l.max_depth = 16; }));
  auto error = template_error_of(
      [&] { (void)render_source(environment, "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"); });
  EXPECT_TRUE(error);
}

TEST(TemplateLimits, SelfIncludeIsBounded) {
  stoq::testing::TempDir dir("stoq-template-limits");
  dir.write("templates/loop.tpl", "x{% include 'loop.tpl' %}");
  Environment environment(dir.root() / "templates", limited([](auto& l) { l.max_depth = 16; }));
  auto error = template_error_of([&] { (void)environment.get_template("loop.tpl")->render(kVars); });
  EXPECT_TRUE(error);
}

TEST(TemplateLimits, ValueSizeIsBounded) {
  Environment environment("", limited([](auto& l) { l.max_value_bytes = 1 << 20; }));
  EXPECT_TRUE(template_error_of([&] { (void)render_source(environment, "{{ 'x' * 10000000 }}"); }));
  // Doubling a string (to 32 MB) or a list (to 4M items) must stop at the 1 MB limit.
  // (Kept small so an unbounded engine fails the test without exhausting the machine.)
  EXPECT_TRUE(template_error_of([&] {
    (void)render_source(environment,
                        "{% set ns = namespace(s='ab') %}{% for i in xs %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
                        "{{ ns.s|length }}",
                        numbers(24));
  }));
  EXPECT_TRUE(template_error_of([&] {
    (void)render_source(environment,
                        "{% set ns = namespace(l=[1]) %}{% for i in xs %}{% set ns.l = ns.l + ns.l %}{% endfor %}"
                        "{{ ns.l|length }}",
                        numbers(22));
  }));
}

// Nothing is clamped: a width or count over max_value_bytes is an error naming the limit,
// raised before anything is allocated; under it, the result is exactly Jinja2's.
TEST(TemplateLimits, HugeWidthsAndCountsAreErrorsNotClamps) {
  Environment environment("", limited([](auto& l) { l.max_value_bytes = 1 << 20; }));
  for (const char* source : {
           "{{ 'x'|center(10**12) }}",
           "{{ 'x'|center(2000000) }}",
           "{{ 'a\nb'|indent(10**12) }}",
           "{{ 'a\nb'|indent(2000000, true) }}",
           "{{ 'x'.center(10**12) }}",
           "{{ 'x'.ljust(2000000) }}",
           "{{ 'x'.rjust(10**12, '-') }}",
           "{{ '1'.zfill(10**12) }}",
           "{{ '%1000000000d' % 1 }}",
           "{{ '%2000000s' % 'x' }}",
           "{{ '%*d' % (10**30, 1) }}",
           "{{ '%-*d' % (2000000, 1) }}",
           "{{ '%.2000000f' % 1.5 }}",
           "{{ '%.1000000000d' % 1 }}",
           "{{ '%1000000000d'|format(1) }}",
           "{{ [1]|batch(10**12, 0)|list }}",
           "{{ [1]|tojson(indent=10**12) }}",
           "{{ [[1, 2], [3]]|tojson(indent=400000) }}",
           "{{ range(10**12)|length }}",
           "{{ 'x' * 10**12 }}",
           "{% set big = [results] * 10000 %}{{ [big, big] }}",
           "{% set big = [results] * 10000 %}{{ [big, big]|string|length }}",
       }) {
    SCOPED_TRACE(source);
    std::string message;
    EXPECT_TRUE(throws_stoq_error([&] { (void)render_source(environment, source); }, &message));
    EXPECT_TRUE(message.find("max_value_bytes") != std::string::npos || message.find("max_steps") != std::string::npos)
        << message;
  }
  // Under the limit: exact (the old clamps cut center at 2^20, indent at 2^16, tojson
  // indents at 64 and float precision at 100 digits).
  EXPECT_EQ(render_source(environment, "{{ 'x'|center(70001)|length }}"), "70001");
  EXPECT_EQ(render_source(environment, "{{ 'a\nb'|indent(70000)|length }}"), "70003");
  EXPECT_EQ(render_source(environment, "{{ [1]|tojson(indent=100)|length }}"), "105");
  EXPECT_EQ(render_source(environment, "{{ [1]|tojson(indent=-2) }}"), "[\n1\n]");
  EXPECT_EQ(render_source(environment, "{{ ('%.150f' % 0.5)|length }}"), "152");
  EXPECT_EQ(render_source(environment, "{{ ('%.20f' % 1e300)|length }}"), "322");
  EXPECT_EQ(render_source(environment, "{{ ('%300000d' % 1)|length }}"), "300000");
  // Widths that allocate nothing are not limited, as in Jinja2.
  EXPECT_EQ(render_source(environment, "{{ 'abc def'|truncate(10**30) }}|{{ 'abc def'|wordwrap(10**30) }}"),
            "abc def|abc def");
  EXPECT_EQ(render_source(environment, "{{ '%.1000000000s' % 'abc' }}"), "abc");
  EXPECT_EQ(render_source(environment, "{{ [1, 2]|batch(0)|list }}"), "[[], [1, 2]]");
}

TEST(TemplateLimits, TemplateFileSizeIsBounded) {
  stoq::testing::TempDir dir("stoq-template-limits");
  dir.write("templates/big.tpl", std::string(4096, 'x'));
  Environment environment(dir.root() / "templates", limited([](auto& l) { l.max_template_bytes = 1024; }));
  EXPECT_TRUE(throws_stoq_error([&] { (void)environment.get_template("big.tpl"); }));
}

TEST(TemplateLimits, TheEnvironmentStaysUsableAfterALimit) {
  Environment environment("", limited([](auto& l) { l.max_output_bytes = 100; }));
  EXPECT_TRUE(template_error_of([&] { (void)render_source(environment, "{{ 'y' * 1000 }}"); }));
  EXPECT_EQ(render_source(environment, "{{ results.payloads }}"), "1");
}

// ---------------------------------------------------------------- robustness
// Whatever a template builds or however deep it nests, the engine renders it or throws
// stoq::Error; a stack overflow here crashes the test (fuzz/crashes/fuzz_template/).

// The output, or "<error>" when the render threw stoq::Error.
std::string render_or_error(const std::string& source) {
  try {
    return stoq::templating::render_string(source, kVars);
  } catch (const stoq::Error&) {
    return "<error>";
  }
}

std::string repeat(const std::string& text, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += text;
  return out;
}

TEST(TemplateRobustness, CyclicNamespacePrintsLikePython) {
  const std::string out = render_or_error("{% set ns = namespace(a=1) %}{% set ns.s = ns %}{{ ns.s }}");
  if (out != "<error>") {
    EXPECT_EQ(out, "<Namespace {'a': 1, 's': <Namespace {...}>}>");
  }
  const std::string list = render_or_error("{% set ns = namespace(l=[]) %}{% set ns.l = [ns] %}{{ ns.l }}");
  if (list != "<error>") {
    EXPECT_EQ(list, "[<Namespace {'l': [...]}>]");
  }
}

TEST(TemplateRobustness, DeepAttributeAndSubscriptChains) {
  // Jinja2: `x` is undefined, so `x.a` is an error however long the chain.
  EXPECT_EQ(render_or_error("{{ x" + repeat(".a", 20000) + " }}"), "<error>");
  EXPECT_EQ(render_or_error("{{ x" + repeat("[0]", 20000) + " }}"), "<error>");
}

TEST(TemplateRobustness, DeepSyntaxNesting) {
  for (const std::string& source : {"{{ " + repeat("(", 20000) + "1" + repeat(")", 20000) + " }}",
                                    "{{ " + repeat("[", 20000) + repeat("]", 20000) + "|length }}",
                                    repeat("{% if true %}", 20000) + "x" + repeat("{% endif %}", 20000),
                                    "{{ " + repeat("not ", 20000) + "1 }}", "{{ " + repeat("-", 20000) + "1 }}"}) {
    const std::string out = render_or_error(source);
    EXPECT_TRUE(out == "<error>" || !out.empty());
  }
}

TEST(TemplateRobustness, DeeplyNestedValuesBuiltByALoop) {
  const std::string out = render_or_error(
      "{% set ns = namespace(l=[]) %}{% for i in range(200000) %}{% set ns.l = [ns.l] %}{% endfor %}"
      "{{ ns.l|length }}");
  EXPECT_TRUE(out == "1" || out == "<error>") << out;
}

// ---------------------------------------------------------------- Undefined

TEST(TemplateUndefined, PrintsEmpty) {
  Environment environment("");
  EXPECT_EQ(render_source(environment, "[{{ nothing }}][{{ results.missing }}][{{ results.results[7] }}]"), "[][][]");
  EXPECT_EQ(render_source(environment, "{{ nothing|default('d') }} {{ nothing is defined }}"), "d False");
  EXPECT_EQ(render_source(environment, "{% for x in nothing %}x{% else %}empty{% endfor %}"), "empty");
  EXPECT_EQ(stoq::templating::render_string("[{{ missing }}]", kVars), "[]");
}

TEST(TemplateUndefined, AttributeOfUndefinedIsAnError) {
  Environment environment("");
  EXPECT_TRUE(template_error_of([&] { (void)render_source(environment, "{{ missing.x }}"); }));
  EXPECT_TRUE(template_error_of([&] { (void)render_source(environment, "{{ results.nothing.deeper }}"); }));
}

}  // namespace
