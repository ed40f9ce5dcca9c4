// Expressions, by precedence from the conditional expression down to primaries, and
// the token-stream helpers (jinja2/parser.py).
#include "stoq/template.hpp"
#include "template/parser_impl.hpp"

namespace stoq::templating::detail {

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

const Token& Parser::next() {
  const Token& t = tokens_[pos_];
  if (pos_ + 1 < tokens_.size()) ++pos_;
  return t;
}

void Parser::fail(const Token& at, const std::string& message) const {
  throw TemplateError(name_, at.line, at.column, message);
}

bool Parser::skip_op(std::string_view op) {
  if (!is_op(op)) return false;
  next();
  return true;
}

bool Parser::skip_name(std::string_view n) {
  if (!is_name(n)) return false;
  next();
  return true;
}

void Parser::expect_op(std::string_view op) {
  if (!is_op(op)) fail(cur(), "expected token '" + std::string(op) + "', got " + describe(cur()));
  next();
}

void Parser::expect_name(std::string_view n) {
  if (!is_name(n)) fail(cur(), "expected token '" + std::string(n) + "', got " + describe(cur()));
  next();
}

std::string Parser::expect_identifier() {
  if (cur().type != Tok::Name) fail(cur(), "expected token 'name', got " + describe(cur()));
  return next().value;
}

void Parser::expect_block_end() {
  if (cur().type != Tok::BlockEnd) fail(cur(), "expected token 'end of statement block', got " + describe(cur()));
  next();
}

ExprPtr Parser::make(ExprKind kind, const Token& at) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->line = at.line;
  e->column = at.column;
  return e;
}

ExprPtr Parser::deepen(ExprPtr e) {
  int depth = 0;
  const auto see = [&](const ExprPtr& child) {
    if (child) depth = std::max(depth, child->depth);
  };
  see(e->operand);
  for (const ExprPtr& item : e->items) see(item);
  for (const auto& kw : e->kwargs) see(kw.second);
  see(e->dyn_args);
  see(e->dyn_kwargs);
  e->depth = depth + 1;
  if (e->depth > kMaxExprDepth)
    fail(cur(), "expression nested too deeply (more than " + std::to_string(kMaxExprDepth) + " levels)");
  return e;
}

ExprPtr Parser::parse_tuple(bool with_condexpr, std::initializer_list<std::string_view> extra_end,
                            bool explicit_parens) {
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
  return deepen(std::move(tuple));
}

ExprPtr Parser::parse_expression(bool with_condexpr) {
  Depth depth(*this);
  if (!with_condexpr) return parse_or();
  const Token& at = cur();
  ExprPtr expr = parse_or();
  while (skip_name("if")) {
    auto cond = make(ExprKind::CondExpr, at);
    cond->items.push_back(parse_or());
    cond->items.push_back(std::move(expr));
    cond->items.push_back(skip_name("else") ? parse_expression(true) : nullptr);
    expr = deepen(std::move(cond));
  }
  return expr;
}

ExprPtr Parser::binary(const Token& at, std::string op, ExprPtr left, ExprPtr right) {
  auto e = make(ExprKind::Binary, at);
  e->name = std::move(op);
  e->operand = std::move(left);
  e->items.push_back(std::move(right));
  return deepen(std::move(e));
}

ExprPtr Parser::parse_or() {
  ExprPtr left = parse_and();
  while (is_name("or")) {
    const Token& at = next();
    left = binary(at, "or", std::move(left), parse_and());
  }
  return left;
}

ExprPtr Parser::parse_and() {
  ExprPtr left = parse_not();
  while (is_name("and")) {
    const Token& at = next();
    left = binary(at, "and", std::move(left), parse_not());
  }
  return left;
}

ExprPtr Parser::parse_not() {
  Depth depth(*this);
  if (is_name("not")) {
    auto e = make(ExprKind::Not, next());
    e->operand = parse_not();
    return deepen(std::move(e));
  }
  return parse_compare();
}

ExprPtr Parser::parse_compare() {
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
  return compare ? deepen(std::move(compare)) : std::move(first);
}

ExprPtr Parser::parse_math1() {
  ExprPtr left = parse_concat();
  while (is_op("+") || is_op("-")) {
    const Token& at = cur();
    std::string op = next().value;
    left = binary(at, op, std::move(left), parse_concat());
  }
  return left;
}

ExprPtr Parser::parse_concat() {
  ExprPtr left = parse_math2();
  while (is_op("~")) {
    const Token& at = next();
    left = binary(at, "~", std::move(left), parse_math2());
  }
  return left;
}

ExprPtr Parser::parse_math2() {
  ExprPtr left = parse_pow();
  while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
    const Token& at = cur();
    std::string op = next().value;
    left = binary(at, op, std::move(left), parse_pow());
  }
  return left;
}

ExprPtr Parser::parse_pow() {
  ExprPtr left = parse_unary(true);
  while (is_op("**")) {
    const Token& at = next();
    left = binary(at, "**", std::move(left), parse_unary(true));
  }
  return left;
}

ExprPtr Parser::parse_unary(bool with_filter) {
  Depth depth(*this);
  ExprPtr node;
  if (is_op("-") || is_op("+")) {
    const Token& at = cur();
    auto e = make(next().value == "-" ? ExprKind::Neg : ExprKind::Pos, at);
    e->operand = parse_unary(false);
    node = deepen(std::move(e));
  } else {
    node = parse_primary();
  }
  node = parse_postfix(std::move(node));
  if (with_filter) node = parse_filter_expr(std::move(node));
  return node;
}

ExprPtr Parser::parse_primary() {
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
    if (t.overflow) fail(t, "integer literal too large (stoq's integers are 128-bit)");
    auto e = make(ExprKind::Const, t);
    e->literal = t.type == Tok::Integer ? Value::wide(t.integer) : Value::floating(t.number);
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
    return deepen(std::move(e));
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
    return deepen(std::move(e));
  }
  fail(t, "unexpected " + describe(t));
}

ExprPtr Parser::parse_postfix(ExprPtr node) {
  while (true) {
    if (is_op(".")) {
      const Token& at = next();
      if (cur().type == Tok::Name) {
        auto e = make(ExprKind::Getattr, at);
        e->name = next().value;
        e->operand = std::move(node);
        node = deepen(std::move(e));
      } else if (cur().type == Tok::Integer) {
        auto e = make(ExprKind::Getitem, at);
        auto index = make(ExprKind::Const, cur());
        index->literal = Value::wide(next().integer);
        e->operand = std::move(node);
        e->items.push_back(std::move(index));
        node = deepen(std::move(e));
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
      node = deepen(std::move(e));
    } else if (is_op("(")) {
      node = parse_call(std::move(node));
    } else {
      return node;
    }
  }
}

ExprPtr Parser::parse_subscribed() {
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
  return deepen(std::move(slice));
}

void Parser::parse_call_args(Expr& call) {
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

ExprPtr Parser::parse_call(ExprPtr callee) {
  auto e = make(ExprKind::Call, cur());
  e->operand = std::move(callee);
  parse_call_args(*e);
  return deepen(std::move(e));
}

ExprPtr Parser::parse_filter_expr(ExprPtr node) {
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

ExprPtr Parser::parse_filter(ExprPtr node, bool start_inline) {
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
    node = deepen(std::move(e));
  }
  return node;
}

ExprPtr Parser::parse_test(ExprPtr node) {
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
  if (!negated) return deepen(std::move(e));
  auto n = make(ExprKind::Not, at);
  n->operand = std::move(e);
  return deepen(std::move(n));
}

void Parser::note_name(const std::string& name) {
  if (macro_names_.empty()) return;
  if (name == "caller") macro_names_.back().caller = true;
  if (name == "varargs") macro_names_.back().varargs = true;
  if (name == "kwargs") macro_names_.back().kwargs = true;
}

}  // namespace stoq::templating::detail
