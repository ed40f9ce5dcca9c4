// Where Jinja2's lexer splits text and how whitespace control trims it.
#include "template/lexer.hpp"

#include <gtest/gtest.h>

#include "stoq/template.hpp"

namespace stoq::templating::detail {
namespace {

std::string data_of(std::string_view source, LexerOptions options = {}) {
  std::string out;
  for (const Token& t : tokenize(source, "t", options)) {
    if (t.type == Tok::Data) out += t.value;
  }
  return out;
}

TEST(Lexer, TrimBlocksEatsOneNewlineAfterBlockAndCommentTags) {
  EXPECT_EQ(data_of("{% if x %}\nA\n{% endif %}\nB"), "A\nB");
  EXPECT_EQ(data_of("{# c #}\nA"), "A");
  EXPECT_EQ(data_of("{{ x }}\nA"), "\nA");  // not after variables
  LexerOptions plain{false, false, true};
  EXPECT_EQ(data_of("{% if x %}\nA", plain), "\nA");
}

TEST(Lexer, LstripBlocksOnlyWhenTheTagStartsItsLine) {
  EXPECT_EQ(data_of("  {% if x %}A"), "A");
  EXPECT_EQ(data_of("B  {% if x %}A"), "B  A");
  EXPECT_EQ(data_of("B\n \t{% if x %}A"), "B\nA");
  EXPECT_EQ(data_of("B\n  {{ x }}"), "B\n  ");        // never before variables
  EXPECT_EQ(data_of("B\n  {%+ if x %}A"), "B\n  A");  // + keeps
}

TEST(Lexer, MinusStripsAllWhitespace) {
  EXPECT_EQ(data_of("A \n\t {%- if x -%} \n B"), "AB");
  EXPECT_EQ(data_of("A  {{- x -}}  B"), "AB");
}

TEST(Lexer, TrailingNewlineDroppedUnlessKept) {
  EXPECT_EQ(data_of("A\n"), "A");
  EXPECT_EQ(data_of("A\r\nB\r\n"), "A\nB");
  LexerOptions keep{true, true, true};
  EXPECT_EQ(data_of("A\n", keep), "A\n");
}

TEST(Lexer, RawBlocksAreData) {
  EXPECT_EQ(data_of("{% raw %}{{ x }}{% endraw %}"), "{{ x }}");
  EXPECT_EQ(data_of("a {% raw -%}  {{ x }}  {%- endraw %} b"), "a {{ x }} b");
}

TEST(Lexer, BracesInsideExpressionsDoNotCloseTheTag) {
  std::vector<Token> tokens = tokenize("{{ {'a': {'b': 1}} }}", "t", {});
  ASSERT_GE(tokens.size(), 3U);
  EXPECT_EQ(tokens[tokens.size() - 2].type, Tok::VarEnd);
}

TEST(Lexer, LiteralsAndEscapes) {
  std::vector<Token> tokens = tokenize("{{ 'a\\tb\\x41\\u00e9' 1_000 0x1f 1.5e3 }}", "t", {});
  EXPECT_EQ(tokens[1].value, "a\tbA\xc3\xa9");
  EXPECT_EQ(tokens[2].integer, 1000);
  EXPECT_EQ(tokens[3].integer, 31);
  EXPECT_DOUBLE_EQ(tokens[4].number, 1500.0);
}

TEST(Lexer, ErrorsNameTemplateLineAndColumn) {
  try {
    (void)tokenize("line one\n  {{ 'unterminated }}", "bad.tpl", {});
    FAIL() << "expected a TemplateError";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.template_name(), "bad.tpl");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 6);
  }
  EXPECT_THROW((void)tokenize("{# never closed", "t", {}), TemplateError);
  EXPECT_THROW((void)tokenize("{{ x ", "t", {}), TemplateError);
  EXPECT_THROW((void)tokenize("{{ x) }}", "t", {}), TemplateError);
}

}  // namespace
}  // namespace stoq::templating::detail
