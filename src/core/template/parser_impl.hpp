// The recursive-descent parser behind parse_template (internal to src/core/template):
// statements in parser.cpp, expressions and the token stream in parser_expressions.cpp.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "template/ast.hpp"
#include "template/lexer.hpp"

namespace stoq::templating::detail {

// Deep nesting in hostile templates must not exhaust the stack.
constexpr int kMaxNesting = 200;
// Nor deep expression trees (a.b.c... or 1+1+1... are built by loops, not recursion):
// evaluating, checking and freeing them recurses once per level.
constexpr int kMaxExprDepth = 200;

/// How a token reads in an error message.
std::string describe(const Token& t);

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::string& name) : tokens_(std::move(tokens)), name_(name) {}
  Body parse();

 private:
  struct Depth {
    explicit Depth(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxNesting) parser.fail(parser.cur(), "template nested too deeply");
    }
    ~Depth() { --parser.depth_; }
    Depth(const Depth&) = delete;
    Depth& operator=(const Depth&) = delete;
    Parser& parser;
  };
  const Token& cur() const { return tokens_[pos_]; }
  const Token& peek(std::size_t ahead = 1) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  const Token& next();

  [[noreturn]] void fail(const Token& at, const std::string& message) const;
  bool is_op(std::string_view op) const { return cur().type == Tok::Operator && cur().value == op; }
  bool is_name(std::string_view n) const { return cur().type == Tok::Name && cur().value == n; }
  bool skip_op(std::string_view op);
  bool skip_name(std::string_view n);
  void expect_op(std::string_view op);
  void expect_name(std::string_view n);
  std::string expect_identifier();
  void expect_block_end();
  ExprPtr make(ExprKind kind, const Token& at);
  // Records e's depth (1 + its deepest child) and refuses trees deeper than kMaxExprDepth.
  ExprPtr deepen(ExprPtr e);
  StmtPtr make_stmt(StmtKind kind, const Token& at);

  // ---- statements ------------------------------------------------------------------

  // Parses until a block whose tag name is one of end_tags (left as the current token).
  Body subparse(std::initializer_list<std::string_view> end_tags);

  // The body of a block statement, consuming the end tag `end`.
  Body block_body(std::string_view end);
  StmtPtr parse_statement();
  StmtPtr parse_if();
  StmtPtr parse_for();
  StmtPtr parse_set();
  StmtPtr parse_macro();
  void parse_signature(Stmt& s);
  StmtPtr parse_call_block();
  void parse_context_modifier(Stmt& s);
  StmtPtr parse_include();
  StmtPtr parse_import();
  StmtPtr parse_from();
  StmtPtr parse_filter_block();
  StmtPtr parse_with();
  StmtPtr parse_block();
  StmtPtr parse_extends();

  // A name or a tuple of names (for/set/with targets).
  ExprPtr parse_assign_target(std::initializer_list<std::string_view> extra_end);

  // ---- expressions -----------------------------------------------------------------

  // Comma-separated expressions: one without a trailing comma is itself, more form a tuple.
  ExprPtr parse_tuple(bool with_condexpr, std::initializer_list<std::string_view> extra_end,
                      bool explicit_parens = false);
  ExprPtr parse_expression(bool with_condexpr);
  ExprPtr binary(const Token& at, std::string op, ExprPtr left, ExprPtr right);
  ExprPtr parse_or();
  ExprPtr parse_and();
  ExprPtr parse_not();
  ExprPtr parse_compare();
  ExprPtr parse_math1();
  ExprPtr parse_concat();
  ExprPtr parse_math2();
  ExprPtr parse_pow();
  ExprPtr parse_unary(bool with_filter);
  ExprPtr parse_primary();
  ExprPtr parse_postfix(ExprPtr node);
  ExprPtr parse_subscribed();
  void parse_call_args(Expr& call);
  ExprPtr parse_call(ExprPtr callee);
  ExprPtr parse_filter_expr(ExprPtr node);

  // `| name(.name)* [(args)]`, repeated when start_inline.
  ExprPtr parse_filter(ExprPtr node, bool start_inline);
  ExprPtr parse_test(ExprPtr node);

  struct MacroRefs {
    bool caller = false;
    bool varargs = false;
    bool kwargs = false;
  };
  void note_name(const std::string& name);
  std::vector<Token> tokens_;
  const std::string& name_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::vector<MacroRefs> macro_names_;

 public:
  // The {% block %}s seen, by name (parse_template moves them into the ParsedTemplate).
  std::map<std::string, const Stmt*, std::less<>> blocks;
};

}  // namespace stoq::templating::detail
