// Statements: {% if %}, {% for %}, {% set %}, {% macro %}, ... (jinja2/parser.py).
#include "template/parser.hpp"

#include "stoq/template.hpp"
#include "template/parser_impl.hpp"

namespace stoq::templating::detail {

Body Parser::parse() {
  Body body = subparse({});
  if (cur().type != Tok::Eof) fail(cur(), "unexpected " + describe(cur()));
  return body;
}

StmtPtr Parser::make_stmt(StmtKind kind, const Token& at) {
  auto s = std::make_unique<Stmt>();
  s->kind = kind;
  s->line = at.line;
  s->column = at.column;
  return s;
}

Body Parser::subparse(std::initializer_list<std::string_view> end_tags) {
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

Body Parser::block_body(std::string_view end) {
  expect_block_end();
  Body body = subparse({end});
  next();  // the end tag name
  expect_block_end();
  return body;
}

StmtPtr Parser::parse_statement() {
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
  if (tag == "block") return parse_block();
  if (tag == "extends") return parse_extends();
  if (tag == "autoescape") fail(t, "the 'autoescape' tag is not supported by stoq's template engine");
  fail(t, "Encountered unknown tag '" + tag + "'.");
}

StmtPtr Parser::parse_if() {
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

StmtPtr Parser::parse_for() {
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

StmtPtr Parser::parse_set() {
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

StmtPtr Parser::parse_macro() {
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

void Parser::parse_signature(Stmt& s) {
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

StmtPtr Parser::parse_call_block() {
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

void Parser::parse_context_modifier(Stmt& s) {
  if ((is_name("with") || is_name("without")) && peek().type == Tok::Name && peek().value == "context") {
    s.with_context = next().value == "with";
    next();
  }
}

StmtPtr Parser::parse_include() {
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

StmtPtr Parser::parse_import() {
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

StmtPtr Parser::parse_from() {
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

StmtPtr Parser::parse_filter_block() {
  auto s = make_stmt(StmtKind::FilterBlock, cur());
  next();
  s->expr = parse_filter(nullptr, true);
  s->body = block_body("endfilter");
  return s;
}

StmtPtr Parser::parse_with() {
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

ExprPtr Parser::parse_assign_target(std::initializer_list<std::string_view> extra_end) {
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
  if (names.size() == 1 && !trailing_comma) return std::move(names[0]);
  auto tuple = make(ExprKind::Tuple, at);
  tuple->items = std::move(names);
  return tuple;
}

StmtPtr Parser::parse_block() {
  auto s = make_stmt(StmtKind::Block, cur());
  next();
  const Token& at = cur();
  s->text = expect_identifier();
  if (blocks.contains(s->text)) fail(at, "block '" + s->text + "' defined twice");
  while (cur().type == Tok::Name) {
    if (skip_name("scoped")) {
      s->scoped = true;
    } else if (skip_name("required")) {
      s->required = true;
    } else {
      break;
    }
  }
  expect_block_end();
  blocks.emplace(s->text, s.get());  // before the body: a nested block of the same name is an error
  s->body = subparse({"endblock"});
  next();  // endblock
  if (cur().type == Tok::Name && cur().value != s->text) {
    fail(cur(), "mismatching name in endblock: '" + s->text + "' and '" + cur().value + "'");
  }
  skip_name(s->text);
  expect_block_end();
  if (s->required) {
    for (const StmtPtr& child : s->body) {
      bool blank = child->kind == StmtKind::Output && child->text.find_first_not_of(" \t\r\n") == std::string::npos;
      if (!blank) fail(at, "Required blocks can only contain comments or whitespace");
    }
  }
  return s;
}

StmtPtr Parser::parse_extends() {
  auto s = make_stmt(StmtKind::Extends, cur());
  next();
  s->expr = parse_expression(true);
  expect_block_end();
  return s;
}

std::shared_ptr<const ParsedTemplate> parse_template(std::string_view source, const std::string& name,
                                                     const LexerOptions& options) {
  auto parsed = std::make_shared<ParsedTemplate>();
  parsed->name = name;
  Parser parser(tokenize(source, name, options), parsed->name);
  parsed->body = parser.parse();
  parsed->blocks = std::move(parser.blocks);
  return parsed;
}

}  // namespace stoq::templating::detail
