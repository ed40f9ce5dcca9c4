// The syntax tree of a parsed template. Immutable after parsing; shared by every render.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "template/value.hpp"

namespace stoq::templating::detail {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

enum class ExprKind : std::uint8_t {
  Const,     // literal
  Name,      // name
  List,      // items
  Tuple,     // items
  Dict,      // items: key, value, key, value, ...
  Getattr,   // operand . name
  Getitem,   // operand [ items[0] ]
  Slice,     // items: start, stop, step (null when absent)
  Call,      // operand ( items, kwargs, dyn_args, dyn_kwargs )
  Filter,    // operand | name ( items, kwargs ): operand null inside {% filter %} / set blocks
  Test,      // operand is name ( items, kwargs )
  Neg,       // - operand
  Pos,       // + operand
  Not,       // not operand
  Binary,    // operand <name> items[0]: + - * / // % ** ~ and or
  Compare,   // operand (ops[i] items[i])...
  CondExpr,  // items: test, then, else (else may be null)
};

struct Expr {
  ExprKind kind = ExprKind::Const;
  int line = 0;
  int column = 0;
  int depth = 1;     // of the subtree (bounded by the parser)
  std::string name;  // Name, attribute, filter/test name, binary operator
  Value literal;     // Const
  ExprPtr operand;
  std::vector<ExprPtr> items;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops;  // Compare: ==, !=, <, <=, >, >=, in, notin
  ExprPtr dyn_args;
  ExprPtr dyn_kwargs;
};

enum class StmtKind : std::uint8_t {
  Output,       // text
  Print,        // {{ expr }}
  If,           // conditions[i] -> bodies[i]; else_body
  For,          // target in expr [if filter] body [else else_body], recursive
  Set,          // target = expr
  SetBlock,     // {% set target | filters %} body {% endset %}
  Macro,        // name(params) body
  CallBlock,    // {% call(params) expr %} body
  Include,      // expr (name or list), ignore_missing, with_context
  Import,       // {% import expr as name %}
  FromImport,   // {% from expr import names %}
  FilterBlock,  // {% filter chain %} body
  With,         // {% with assignments %} body
  Extends,      // {% extends expr %}
  Block,        // {% block text [scoped] [required] %} body
};

struct MacroParam {
  std::string name;
  ExprPtr default_value;  // may be null
};

struct Stmt {
  StmtKind kind = StmtKind::Output;
  int line = 0;
  int column = 0;
  std::string text;   // Output text; Macro/Import name
  ExprPtr expr;       // Print/For iterable/Set value/Include/Import template/CallBlock call/filter chain
  ExprPtr target;     // For/Set/SetBlock target (Name, Tuple of Names, or Getattr ns.attr)
  ExprPtr condition;  // For's inline `if`
  std::vector<ExprPtr> conditions;
  std::vector<Body> bodies;
  Body body;
  Body else_body;
  std::vector<MacroParam> params;
  std::vector<std::pair<std::string, std::string>> names;  // FromImport (name, alias); With uses assigns
  std::vector<std::pair<ExprPtr, ExprPtr>> assigns;        // With
  bool recursive = false;
  bool ignore_missing = false;
  bool with_context = true;
  bool uses_caller = false;      // Macro/CallBlock body mentions `caller`
  bool accepts_varargs = false;  // ... mentions `varargs`: extra positional arguments allowed
  bool accepts_kwargs = false;   // ... mentions `kwargs`: extra keyword arguments allowed
  bool scoped = false;           // Block: sees the variables of the scope it sits in
  bool required = false;         // Block: a template extending this one must override it
};

}  // namespace stoq::templating::detail

namespace stoq::templating {

struct ParsedTemplate {
  std::string name;
  detail::Body body;
  std::map<std::string, const detail::Stmt*, std::less<>> blocks;  // {% block %}s, nested ones too
};

}  // namespace stoq::templating
