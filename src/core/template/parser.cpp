#include "template/parser.hpp"

#include <initializer_list>

#include "stoq/template.hpp"

namespace stoq::templating::detail {
namespace {

// Deep nesting in hostile templates must not exhaust the stack.
constexpr int kMaxNesting = 200;

std::string describe(const Token& t) {
  switch (t.type) {
    case Tok::Eof: return "end of template";
    case Tok::BlockEnd: return "end of statement block";
    case Tok::VarEnd: return "end of print statement";
    case Tok::BlockBegin: return "begin of statement block";
    case Tok::VarBegin: return "begin of print statement";
    case Tok::Data: return "template data";
    case Tok::String: return "string";
    case Tok::Integer: return "integer";
    case Tok::Float: return "float";
    default: return "'" + t.value + "'";
  }
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::string& name) : tokens_(std::move(tokens)), name_(name) {}

  Body parse() {
    Body body = subparse({});
    if (cur().type != Tok::Eof) fail(cur(), "unexpected " + describe(cur()));
    return body;
  }

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
  const Token& next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }

  [[noreturn]] void fail(const Token& at, const std::string& message) const {
    throw TemplateError(name_, at.line, at.column, message);
  }

  bool is_op(std::string_view op) const { return cur().type == Tok::Operator && cur().value == op; }
  bool is_name(std::string_view n) const { return cur().type == Tok::Name && cur().value == n; }
  bool skip_op(std::string_view op) {
    if (!is_op(op)) return false;
    next();
    return true;
  }
  bool skip_name(std::string_view n) {
    if (!is_name(n)) return false;
    next();
    return true;
  }
  void expect_op(std::string_view op) {
    if (!is_op(op)) fail(cur(), "expected token '" + std::string(op) + "', got " + describe(cur()));
    next();
  }
  void expect_name(std::string_view n) {
    if (!is_name(n)) fail(cur(), "expected token '" + std::string(n) + "', got " + describe(cur()));
    next();
  }
  std::string expect_identifier() {
    if (cur().type != Tok::Name) fail(cur(), "expected token 'name', got " + describe(cur()));
    return next().value;
  }
  void expect_block_end() {
    if (cur().type != Tok::BlockEnd) fail(cur(), "expected token 'end of statement block', got " + describe(cur()));
    next();
  }

  ExprPtr make(ExprKind kind, const Token& at) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->line = at.line;
    e->column = at.column;
    return e;
  }

  StmtPtr make_stmt(StmtKind kind, const Token& at) {
    auto s = std::make_unique<Stmt>();
    s->kind = kind;
    s->line = at.line;
    s->column = at.column;
    return s;
  }

  // ---- statements ------------------------------------------------------------------

  // Parses until a block whose tag name is one of end_tags (left as the current token).
  Body subparse(std::initializer_list<std::string_view> end_tags) {
    Depth depth(*this);
    Body body;
    while (cur().type != Tok::Eof) {
      const Token& t = cur();
      if (t.type == Tok::Data) {
        auto s = make_stmt(StmtKind::Output, t);
        s->text = t.value;
        next();
        body.push_back(std::move(s));
      } else if (t.type == Tok::VarBegin) {
        auto s = make_stmt(StmtKind::Print, t);
        next();
        s->expr = parse_tuple(true, {});
        if (cur().type != Tok::VarEnd) fail(cur(), "expected token 'end of print statement', got " + describe(cur()));
        next();
        body.push_back(std::move(s));
      } else if (t.type == Tok::BlockBegin) {
        next();
        if (cur().type != Tok::Name) fail(cur(), "tag name expected");
        for (std::string_view end : end_tags) {
          if (cur().value == end) return body;
        }
        body.push_back(parse_statement());
      } else {
        fail(t, "unexpected " + describe(t));
      }
    }
    if (end_tags.size() > 0) {
      std::string expected;
      for (std::string_view end : end_tags) expected += (expected.empty() ? "'" : " or '") + std::string(end) + "'";
      fail(cur(), "Unexpected end of template. Jinja was looking for the following tags: " + expected + ".");
    }
    return body;
  }

  // The body of a block statement, consuming the end tag `end`.
  Body block_body(std::string_view end) {
    expect_block_end();
    Body body = subparse({end});
    next();  // the end tag name
    expect_block_end();
    return body;
  }

  StmtPtr parse_statement() {
    Depth depth(*this);
    const Token& t = cur();
    const std::string& tag = t.value;
    if (tag == "if") return parse_if();
    if (tag == "for") return parse_for();
    if (tag == "set") return parse_set();
    if (tag == "macro") return parse_macro();
    if (tag == "call") return parse_call_block();
    if (tag == "include") return parse_include();
    if (tag == "import") return parse_import();
    if (tag == "from") return parse_from();
    if (tag == "filter") return parse_filter_block();
    if (tag == "with") return parse_with();
    if (tag == "print") {
      auto s = make_stmt(StmtKind::Print, t);
      next();
      s->expr = parse_tuple(true, {});
      expect_block_end();
      return s;
    }
    if (tag == "extends" || tag == "block" || tag == "autoescape") {
      fail(t, "the '" + tag + "' tag is not supported by stoq's template engine");
    }
    fail(t, "Encountered unknown tag '" + tag + "'.");
  }

  StmtPtr parse_if() {
    auto s = make_stmt(StmtKind::If, cur());
    next();
    while (true) {
      s->conditions.push_back(parse_tuple(false, {}));
      expect_block_end();
      s->bodies.push_back(subparse({"elif", "else", "endif"}));
      if (skip_name("elif")) continue;
      if (skip_name("else")) {
        expect_block_end();
        s->else_body = subparse({"endif"});
        next();
        break;
      }
      next();  // endif
      break;
    }
    expect_block_end();
    return s;
  }

  StmtPtr parse_for() {
    auto s = make_stmt(StmtKind::For, cur());
    next();
    s->target = parse_assign_target({"in"});
    expect_name("in");
    s->expr = parse_tuple(false, {"recursive"});
    if (skip_name("if")) s->condition = parse_expression(true);
    if (skip_name("recursive")) s->recursive = true;
    expect_block_end();
    s->body = subparse({"endfor", "else"});
    if (skip_name("else")) {
      expect_block_end();
      s->else_body = subparse({"endfor"});
    }
    next();
    expect_block_end();
    return s;
  }

  StmtPtr parse_set() {
    const Token& at = cur();
    next();
    ExprPtr target;
    if (cur().type == Tok::Name && peek().type == Tok::Operator && peek().value == ".") {
      target = make(ExprKind::Getattr, cur());
      auto ns = make(ExprKind::Name, cur());
      ns->name = next().value;
      next();  // '.'
      target->name = expect_identifier();
      target->operand = std::move(ns);
    } else {
      target = parse_assign_target({});
    }
    if (skip_op("=")) {
      auto s = make_stmt(StmtKind::Set, at);
      s->target = std::move(target);
      s->expr = parse_tuple(true, {});
      expect_block_end();
      return s;
    }
    auto s = make_stmt(StmtKind::SetBlock, at);
    s->target = std::move(target);
    if (is_op("|")) s->expr = parse_filter(nullptr, false);
    s->body = block_body("endset");
    return s;
  }

  StmtPtr parse_macro() {
    auto s = make_stmt(StmtKind::Macro, cur());
    next();
    s->text = expect_identifier();
    parse_signature(*s);
    macro_names_.emplace_back();
    s->body = block_body("endmacro");
    MacroRefs refs = macro_names_.back();
    s->uses_caller = refs.caller;
    s->accepts_varargs = refs.varargs;
    s->accepts_kwargs = refs.kwargs;
    macro_names_.pop_back();
    if (!macro_names_.empty()) {
      macro_names_.back().caller |= refs.caller;
      macro_names_.back().varargs |= refs.varargs;
      macro_names_.back().kwargs |= refs.kwargs;
    }
    return s;
  }

  void parse_signature(Stmt& s) {
    expect_op("(");
    while (!is_op(")")) {
      if (!s.params.empty()) expect_op(",");
      if (is_op(")")) break;
      MacroParam param;
      const Token& at = cur();
      param.name = expect_identifier();
      if (skip_op("=")) {
        param.default_value = parse_expression(true);
      } else if (!s.params.empty() && s.params.back().default_value) {
        fail(at, "non-default argument follows default argument");
      }
      s.params.push_back(std::move(param));
    }
    next();
  }

  StmtPtr parse_call_block() {
    auto s = make_stmt(StmtKind::CallBlock, cur());
    next();
    if (is_op("(")) parse_signature(*s);
    const Token& at = cur();
    s->expr = parse_expression(true);
    if (s->expr->kind != ExprKind::Call) fail(at, "expected call");
    macro_names_.emplace_back();
    s->body = block_body("endcall");
    MacroRefs refs = macro_names_.back();
    macro_names_.pop_back();
    s->accepts_varargs = refs.varargs;
    s->accepts_kwargs = refs.kwargs;
    s->uses_caller = refs.caller;
    return s;
  }

  void parse_context_modifier(Stmt& s) {
    if ((is_name("with") || is_name("without")) && peek().type == Tok::Name && peek().value == "context") {
      s.with_context = next().value == "with";
      next();
    }
  }

  StmtPtr parse_include() {
    auto s = make_stmt(StmtKind::Include, cur());
    next();
    s->expr = parse_expression(true);
    if (is_name("ignore") && peek().type == Tok::Name && peek().value == "missing") {
      next();
      next();
      s->ignore_missing = true;
    }
    parse_context_modifier(*s);
    expect_block_end();
    return s;
  }

  StmtPtr parse_import() {
    auto s = make_stmt(StmtKind::Import, cur());
    next();
    s->with_context = false;
    s->expr = parse_expression(true);
    expect_name("as");
    s->text = expect_identifier();
    parse_context_modifier(*s);
    expect_block_end();
    return s;
  }

  StmtPtr parse_from() {
    auto s = make_stmt(StmtKind::FromImport, cur());
    next();
    s->with_context = false;
    s->expr = parse_expression(true);
    expect_name("import");
    while (true) {
      if (!s->names.empty()) {
        if (!skip_op(",")) break;
      }
      if ((is_name("with") || is_name("without")) && peek().type == Tok::Name && peek().value == "context") break;
      if (cur().type != Tok::Name) {
        if (s->names.empty()) fail(cur(), "expected token 'name', got " + describe(cur()));
        break;
      }
      const Token& at = cur();
      std::string name = next().value;
      if (name.starts_with('_')) fail(at, "names starting with an underline can not be imported");
      std::string alias = name;
      if (skip_name("as")) alias = expect_identifier();
      s->names.emplace_back(std::move(name), std::move(alias));
    }
    parse_context_modifier(*s);
    expect_block_end();
    return s;
  }

  StmtPtr parse_filter_block() {
    auto s = make_stmt(StmtKind::FilterBlock, cur());
    next();
    s->expr = parse_filter(nullptr, true);
    s->body = block_body("endfilter");
    return s;
  }

  StmtPtr parse_with() {
    auto s = make_stmt(StmtKind::With, cur());
    next();
    while (cur().type != Tok::BlockEnd) {
      if (!s->assigns.empty()) expect_op(",");
      ExprPtr target = parse_assign_target({});
      expect_op("=");
      s->assigns.emplace_back(std::move(target), parse_expression(true));
    }
    s->body = block_body("endwith");
    return s;
  }

  // A name or a tuple of names (for/set/with targets).
  ExprPtr parse_assign_target(std::initializer_list<std::string_view> extra_end) {
    const Token& at = cur();
    std::vector<ExprPtr> names;
    bool trailing_comma = false;
    while (true) {
      if (!names.empty()) {
        if (!skip_op(",")) break;
        trailing_comma = true;
      }
      bool ended = cur().type == Tok::BlockEnd || is_op("=") || is_op(")");
      for (std::string_view end : extra_end) ended = ended || is_name(end);
      if (ended) break;
      if (is_op("(")) {
        next();
        names.push_back(parse_assign_target({}));
        expect_op(")");
      } else {
        const Token& t = cur();
        auto name = make(ExprKind::Name, t);
        name->name = expect_identifier();
        if (name->name == "true" || name->name == "false" || name->name == "none" || name->name == "True" ||
            name->name == "False" || name->name == "None") {
          fail(t, "can't assign to '" + name->name + "'");
        }
        names.push_back(std::move(name));
      }
      trailing_comma = false;
      if (!is_op(",")) break;
    }
    if (names.empty()) fail(at, "expected token 'name', got " + describe(cur()));
    if (names.size() == 1 && !trailing_comma && names[0]->kind == ExprKind::Name) return std::move(names[0]);
    auto tuple = make(ExprKind::Tuple, at);
    tuple->items = std::move(names);
    return tuple;
  }

  // ---- expressions -----------------------------------------------------------------

  // Comma-separated expressions: one without a trailing comma is itself, more form a tuple.
  ExprPtr parse_tuple(bool with_condexpr, std::initializer_list<std::string_view> extra_end,
                      bool explicit_parens = false) {
    const Token& at = cur();
    std::vector<ExprPtr> items;
    bool is_tuple = false;
    while (true) {
      if (!items.empty()) expect_op(",");
      bool ended = cur().type == Tok::VarEnd || cur().type == Tok::BlockEnd || is_op(")");
      for (std::string_view end : extra_end) ended = ended || is_name(end);
      if (ended) break;
      items.push_back(parse_expression(with_condexpr));
      if (is_op(",")) {
        is_tuple = true;
      } else {
        break;
      }
    }
    if (!is_tuple) {
      if (!items.empty()) return std::move(items[0]);
      if (!explicit_parens) fail(cur(), "Expected an expression, got " + describe(cur()));
    }
    auto tuple = make(ExprKind::Tuple, at);
    tuple->items = std::move(items);
    return tuple;
  }

  ExprPtr parse_expression(bool with_condexpr) {
    Depth depth(*this);
    if (!with_condexpr) return parse_or();
    const Token& at = cur();
    ExprPtr expr = parse_or();
    while (skip_name("if")) {
      auto cond = make(ExprKind::CondExpr, at);
      cond->items.push_back(parse_or());
      cond->items.push_back(std::move(expr));
      cond->items.push_back(skip_name("else") ? parse_expression(true) : nullptr);
      expr = std::move(cond);
    }
    return expr;
  }

  ExprPtr binary(const Token& at, std::string op, ExprPtr left, ExprPtr right) {
    auto e = make(ExprKind::Binary, at);
    e->name = std::move(op);
    e->operand = std::move(left);
    e->items.push_back(std::move(right));
    return e;
  }

  ExprPtr parse_or() {
    ExprPtr left = parse_and();
    while (is_name("or")) {
      const Token& at = next();
      left = binary(at, "or", std::move(left), parse_and());
    }
    return left;
  }

  ExprPtr parse_and() {
    ExprPtr left = parse_not();
    while (is_name("and")) {
      const Token& at = next();
      left = binary(at, "and", std::move(left), parse_not());
    }
    return left;
  }

  ExprPtr parse_not() {
    Depth depth(*this);
    if (is_name("not")) {
      auto e = make(ExprKind::Not, next());
      e->operand = parse_not();
      return e;
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    const Token& at = cur();
    ExprPtr first = parse_math1();
    ExprPtr compare;
    while (true) {
      std::string op;
      if (cur().type == Tok::Operator && (cur().value == "==" || cur().value == "!=" || cur().value == "<" ||
                                          cur().value == "<=" || cur().value == ">" || cur().value == ">=")) {
        op = next().value;
      } else if (is_name("in")) {
        next();
        op = "in";
      } else if (is_name("not") && peek().type == Tok::Name && peek().value == "in") {
        next();
        next();
        op = "notin";
      } else {
        break;
      }
      if (!compare) {
        compare = make(ExprKind::Compare, at);
        compare->operand = std::move(first);
      }
      compare->ops.push_back(op);
      compare->items.push_back(parse_math1());
    }
    return compare ? std::move(compare) : std::move(first);
  }

  ExprPtr parse_math1() {
    ExprPtr left = parse_concat();
    while (is_op("+") || is_op("-")) {
      const Token& at = cur();
      std::string op = next().value;
      left = binary(at, op, std::move(left), parse_concat());
    }
    return left;
  }

  ExprPtr parse_concat() {
    ExprPtr left = parse_math2();
    while (is_op("~")) {
      const Token& at = next();
      left = binary(at, "~", std::move(left), parse_math2());
    }
    return left;
  }

  ExprPtr parse_math2() {
    ExprPtr left = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      const Token& at = cur();
      std::string op = next().value;
      left = binary(at, op, std::move(left), parse_pow());
    }
    return left;
  }

  ExprPtr parse_pow() {
    ExprPtr left = parse_unary(true);
    while (is_op("**")) {
      const Token& at = next();
      left = binary(at, "**", std::move(left), parse_unary(true));
    }
    return left;
  }

  ExprPtr parse_unary(bool with_filter) {
    Depth depth(*this);
    ExprPtr node;
    if (is_op("-") || is_op("+")) {
      const Token& at = cur();
      auto e = make(next().value == "-" ? ExprKind::Neg : ExprKind::Pos, at);
      e->operand = parse_unary(false);
      node = std::move(e);
    } else {
      node = parse_primary();
    }
    node = parse_postfix(std::move(node));
    if (with_filter) node = parse_filter_expr(std::move(node));
    return node;
  }

  ExprPtr parse_primary() {
    Depth depth(*this);
    const Token& t = cur();
    if (t.type == Tok::Name) {
      next();
      if (t.value == "true" || t.value == "True" || t.value == "false" || t.value == "False") {
        auto e = make(ExprKind::Const, t);
        e->literal = Value::boolean(t.value[0] == 't' || t.value[0] == 'T');
        return e;
      }
      if (t.value == "none" || t.value == "None") {
        auto e = make(ExprKind::Const, t);
        e->literal = Value::none();
        return e;
      }
      note_name(t.value);
      auto e = make(ExprKind::Name, t);
      e->name = t.value;
      return e;
    }
    if (t.type == Tok::String) {
      std::string text = next().value;
      while (cur().type == Tok::String) text += next().value;
      auto e = make(ExprKind::Const, t);
      e->literal = Value::string(std::move(text));
      return e;
    }
    if (t.type == Tok::Integer || t.type == Tok::Float) {
      next();
      if (t.overflow) fail(t, "integer literal too large (stoq's integers are 64-bit)");
      auto e = make(ExprKind::Const, t);
      e->literal = t.type == Tok::Integer ? Value::integer(t.integer) : Value::floating(t.number);
      return e;
    }
    if (is_op("(")) {
      next();
      ExprPtr e = parse_tuple(true, {}, true);
      expect_op(")");
      return e;
    }
    if (is_op("[")) {
      auto e = make(ExprKind::List, next());
      while (!is_op("]")) {
        if (!e->items.empty()) expect_op(",");
        if (is_op("]")) break;
        e->items.push_back(parse_expression(true));
      }
      next();
      return e;
    }
    if (is_op("{")) {
      auto e = make(ExprKind::Dict, next());
      while (!is_op("}")) {
        if (!e->items.empty()) expect_op(",");
        if (is_op("}")) break;
        e->items.push_back(parse_expression(true));
        expect_op(":");
        e->items.push_back(parse_expression(true));
      }
      next();
      return e;
    }
    fail(t, "unexpected " + describe(t));
  }

  ExprPtr parse_postfix(ExprPtr node) {
    while (true) {
      if (is_op(".")) {
        const Token& at = next();
        if (cur().type == Tok::Name) {
          auto e = make(ExprKind::Getattr, at);
          e->name = next().value;
          e->operand = std::move(node);
          node = std::move(e);
        } else if (cur().type == Tok::Integer) {
          auto e = make(ExprKind::Getitem, at);
          auto index = make(ExprKind::Const, cur());
          index->literal = Value::integer(next().integer);
          e->operand = std::move(node);
          e->items.push_back(std::move(index));
          node = std::move(e);
        } else {
          fail(cur(), "expected name or number");
        }
      } else if (is_op("[")) {
        const Token& at = next();
        std::vector<ExprPtr> args;
        bool tuple = false;
        while (!is_op("]")) {
          if (!args.empty()) {
            expect_op(",");
            tuple = true;
            if (is_op("]")) break;
          }
          args.push_back(parse_subscribed());
        }
        next();
        if (args.empty()) fail(at, "expected subscript expression");
        auto e = make(ExprKind::Getitem, at);
        e->operand = std::move(node);
        if (args.size() == 1 && !tuple) {
          e->items.push_back(std::move(args[0]));
        } else {
          auto t = make(ExprKind::Tuple, at);
          t->items = std::move(args);
          e->items.push_back(std::move(t));
        }
        node = std::move(e);
      } else if (is_op("(")) {
        node = parse_call(std::move(node));
      } else {
        return node;
      }
    }
  }

  ExprPtr parse_subscribed() {
    const Token& at = cur();
    std::vector<ExprPtr> parts;
    if (is_op(":")) {
      next();
      parts.push_back(nullptr);
    } else {
      ExprPtr e = parse_expression(true);
      if (!is_op(":")) return e;
      next();
      parts.push_back(std::move(e));
    }
    parts.push_back(is_op(":") || is_op("]") || is_op(",") ? nullptr : parse_expression(true));
    if (skip_op(":")) {
      parts.push_back(is_op("]") || is_op(",") ? nullptr : parse_expression(true));
    } else {
      parts.push_back(nullptr);
    }
    auto slice = make(ExprKind::Slice, at);
    slice->items = std::move(parts);
    return slice;
  }

  void parse_call_args(Expr& call) {
    expect_op("(");
    bool first = true;
    while (!is_op(")")) {
      if (!first) {
        expect_op(",");
        if (is_op(")")) break;
      }
      first = false;
      const Token& at = cur();
      if (is_op("*")) {
        next();
        if (call.dyn_args || call.dyn_kwargs) fail(at, "invalid syntax for function call expression");
        call.dyn_args = parse_expression(true);
      } else if (is_op("**")) {
        next();
        if (call.dyn_kwargs) fail(at, "invalid syntax for function call expression");
        call.dyn_kwargs = parse_expression(true);
      } else if (cur().type == Tok::Name && peek().type == Tok::Operator && peek().value == "=") {
        if (call.dyn_kwargs) fail(at, "invalid syntax for function call expression");
        std::string key = next().value;
        next();
        call.kwargs.emplace_back(std::move(key), parse_expression(true));
      } else {
        if (call.dyn_args || call.dyn_kwargs || !call.kwargs.empty()) {
          fail(at, "invalid syntax for function call expression");
        }
        call.items.push_back(parse_expression(true));
      }
    }
    next();
  }

  ExprPtr parse_call(ExprPtr callee) {
    auto e = make(ExprKind::Call, cur());
    e->operand = std::move(callee);
    parse_call_args(*e);
    return e;
  }

  ExprPtr parse_filter_expr(ExprPtr node) {
    while (true) {
      if (is_op("|")) {
        node = parse_filter(std::move(node), false);
      } else if (is_name("is")) {
        node = parse_test(std::move(node));
      } else if (is_op("(")) {
        node = parse_call(std::move(node));
      } else {
        return node;
      }
    }
  }

  // `| name(.name)* [(args)]`, repeated when start_inline.
  ExprPtr parse_filter(ExprPtr node, bool start_inline) {
    while (is_op("|") || start_inline) {
      if (!start_inline) next();
      start_inline = false;
      const Token& at = cur();
      std::string name = expect_identifier();
      while (is_op(".")) {
        next();
        name += "." + expect_identifier();
      }
      auto e = make(ExprKind::Filter, at);
      e->name = std::move(name);
      e->operand = std::move(node);
      if (is_op("(")) parse_call_args(*e);
      node = std::move(e);
    }
    return node;
  }

  ExprPtr parse_test(ExprPtr node) {
    const Token& at = next();  // 'is'
    bool negated = skip_name("not");
    std::string name = expect_identifier();
    while (is_op(".")) {
      next();
      name += "." + expect_identifier();
    }
    auto e = make(ExprKind::Test, at);
    e->name = std::move(name);
    e->operand = std::move(node);
    const Token& t = cur();
    if (is_op("(")) {
      parse_call_args(*e);
    } else if ((t.type == Tok::Name || t.type == Tok::String || t.type == Tok::Integer || t.type == Tok::Float ||
                is_op("(") || is_op("[") || is_op("{")) &&
               !(is_name("else") || is_name("or") || is_name("and"))) {
      if (is_name("is")) fail(t, "You cannot chain multiple tests with is");
      e->items.push_back(parse_postfix(parse_primary()));
    }
    if (!negated) return e;
    auto n = make(ExprKind::Not, at);
    n->operand = std::move(e);
    return n;
  }

  struct MacroRefs {
    bool caller = false;
    bool varargs = false;
    bool kwargs = false;
  };

  void note_name(const std::string& name) {
    if (macro_names_.empty()) return;
    if (name == "caller") macro_names_.back().caller = true;
    if (name == "varargs") macro_names_.back().varargs = true;
    if (name == "kwargs") macro_names_.back().kwargs = true;
  }

  std::vector<Token> tokens_;
  const std::string& name_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::vector<MacroRefs> macro_names_;
};

}  // namespace

std::shared_ptr<const ParsedTemplate> parse_template(std::string_view source, const std::string& name,
                                                     const LexerOptions& options) {
  auto parsed = std::make_shared<ParsedTemplate>();
  parsed->name = name;
  Parser parser(tokenize(source, name, options), parsed->name);
  parsed->body = parser.parse();
  return parsed;
}

}  // namespace stoq::templating::detail
