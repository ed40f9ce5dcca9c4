// Expression evaluation: names, operators, calls, filters and tests.
#include "template/interpreter.hpp"

namespace stoq::templating::detail {

// ---- expressions -----------------------------------------------------------------------

Value Interpreter::lookup(const std::string& name, const ScopePtr& scope) {
  for (const Scope* s = scope.get(); s != nullptr; s = s->parent.get()) {
    if (const Value* v = s->find_local(name)) return *v;
    if (s->context != nullptr) {
      auto it = s->context->find(name);
      if (it != s->context->end()) return Value::from_json(*it);
    }
  }
  if (name == "self") return self_reference();
  Value global = global_function(name);
  if (!global.is_undefined()) return global;
  return Value::undefined("'" + name + "' is undefined");
}

Value Interpreter::eval(const Expr& expr, const ScopePtr& scope) {
  try {
    return eval_inner(expr, scope);
  } catch (const TemplateError&) {
    throw;
  } catch (const std::exception& e) {
    fail(expr.line, expr.column, e.what());
  }
}

void Interpreter::eval_args(const Expr& expr, const ScopePtr& scope, CallArgs& args) {
  for (const ExprPtr& item : expr.items) args.positional.push_back(eval(*item, scope));
  for (const auto& [key, value] : expr.kwargs) args.keyword.emplace_back(key, eval(*value, scope));
  if (expr.dyn_args) {
    for (Value& v : iterate(eval(*expr.dyn_args, scope))) args.positional.push_back(std::move(v));
  }
  if (expr.dyn_kwargs) {
    Value kw = eval(*expr.dyn_kwargs, scope);
    if (!kw.is_mapping()) throw Error("argument after ** must be a mapping, not " + type_name(kw));
    for (auto& [k, v] : mapping_items(kw)) args.keyword.emplace_back(to_str(k), std::move(v));
  }
}

Value Interpreter::call(const Value& callee, CallArgs& args) {
  if (callee.is(Kind::Callable)) return callee.callable_ref().call(*this, args);
  if (callee.is(Kind::Object)) return callee.object_ref().call(*this, args);
  if (callee.is_undefined()) throw Error(callee.undefined_hint());
  throw Error("'" + type_name(callee) + "' object is not callable");
}

Value Interpreter::apply_filter(const std::string& name, const Value& subject, CallArgs& args) {
  FilterFn fn = find_filter(name);
  if (fn == nullptr) throw Error("No filter named '" + name + "'.");
  return fn(*this, subject, args);
}

bool Interpreter::apply_test(const std::string& name, const Value& subject, CallArgs& args) {
  TestFn fn = find_test(name);
  if (fn == nullptr) throw Error("No test named '" + name + "'.");
  return fn(*this, subject, args);
}

Value Interpreter::eval_filter(const Expr& expr, const ScopePtr& scope, const Value* block_input) {
  Value subject;
  if (!expr.operand) {
    subject = *block_input;
  } else if (expr.operand->kind == ExprKind::Filter && block_input != nullptr) {
    subject = eval_filter(*expr.operand, scope, block_input);
  } else {
    subject = eval(*expr.operand, scope);
  }
  CallArgs args;
  eval_args(expr, scope, args);
  try {
    return apply_filter(expr.name, subject, args);
  } catch (const TemplateError&) {
    throw;
  } catch (const std::exception& e) {
    fail(expr.line, expr.column, e.what());
  }
}

Value Interpreter::eval_inner(const Expr& expr, const ScopePtr& scope) {
  switch (expr.kind) {
    case ExprKind::Const: return expr.literal;
    case ExprKind::Name: return lookup(expr.name, scope);
    case ExprKind::List:
    case ExprKind::Tuple: {
      std::vector<Value> items;
      items.reserve(expr.items.size());
      for (const ExprPtr& item : expr.items) items.push_back(eval(*item, scope));
      return Value::list(std::move(items), expr.kind == ExprKind::Tuple ? ListKind::Tuple : ListKind::List);
    }
    case ExprKind::Dict: {
      auto data = std::make_shared<DictData>();
      for (std::size_t i = 0; i + 1 < expr.items.size(); i += 2) {
        Value key = eval(*expr.items[i], scope);
        if (key.is_list_like() && !is_tuple(key)) {
          throw Error("unhashable type: 'list'");
        }
        if (key.is_mapping()) throw Error("unhashable type: 'dict'");
        data->set(key, eval(*expr.items[i + 1], scope));
      }
      return Value::dict(std::move(data));
    }
    case ExprKind::Getattr: return get_attribute(eval(*expr.operand, scope), expr.name);
    case ExprKind::Getitem: {
      Value obj = eval(*expr.operand, scope);
      const Expr& key = *expr.items[0];
      if (key.kind == ExprKind::Slice) {
        const auto part = [&](std::size_t i) { return key.items[i] ? eval(*key.items[i], scope) : Value::none(); };
        return get_slice(obj, part(0), part(1), part(2));
      }
      return get_item(obj, eval(key, scope));
    }
    case ExprKind::Slice: throw Error("a slice is only valid inside []");
    case ExprKind::Call: {
      Value callee = eval(*expr.operand, scope);
      CallArgs args;
      eval_args(expr, scope, args);
      return call(callee, args);
    }
    case ExprKind::Filter: return eval_filter(expr, scope, nullptr);
    case ExprKind::Test: {
      Value subject = eval(*expr.operand, scope);
      CallArgs args;
      eval_args(expr, scope, args);
      return Value::boolean(apply_test(expr.name, subject, args));
    }
    case ExprKind::Neg:
    case ExprKind::Pos: {
      Value v = eval(*expr.operand, scope);
      bool neg = expr.kind == ExprKind::Neg;
      if (v.is(Kind::Float)) return Value::floating(neg ? -v.as_double() : v.as_double());
      if (v.is(Kind::Int) || v.is(Kind::Bool)) {
        Int128 r = v.as_wide();
        if (neg && __builtin_sub_overflow(Int128(0), v.as_wide(), &r)) throw Error("integer overflow");
        return Value::wide(r);
      }
      throw Error(std::string("bad operand type for unary ") + (neg ? "-" : "+") + ": '" + type_name(v) + "'");
    }
    case ExprKind::Not: return Value::boolean(!truthy(eval(*expr.operand, scope)));
    case ExprKind::Binary: return eval_binary(expr, scope);
    case ExprKind::Compare: return eval_compare(expr, scope);
    case ExprKind::CondExpr:
      if (truthy(eval(*expr.items[0], scope))) return eval(*expr.items[1], scope);
      if (expr.items[2]) return eval(*expr.items[2], scope);
      return Value::undefined("the inline if-expression evaluated to false and no else section was defined.");
  }
  return Value();
}

Value Interpreter::eval_binary(const Expr& expr, const ScopePtr& scope) {
  Value left = eval(*expr.operand, scope);
  if (expr.name == "and") return truthy(left) ? eval(*expr.items[0], scope) : left;
  if (expr.name == "or") return truthy(left) ? left : eval(*expr.items[0], scope);
  Value right = eval(*expr.items[0], scope);
  return binary_op(expr.name, left, right, *this);
}

Value Interpreter::eval_compare(const Expr& expr, const ScopePtr& scope) {
  Value left = eval(*expr.operand, scope);
  for (std::size_t i = 0; i < expr.ops.size(); ++i) {
    Value right = eval(*expr.items[i], scope);
    const std::string& op = expr.ops[i];
    bool ok = false;
    if (op == "==") {
      ok = equals(left, right);
    } else if (op == "!=") {
      ok = !equals(left, right);
    } else if (op == "in") {
      ok = contains(right, left);
    } else if (op == "notin") {
      ok = !contains(right, left);
    } else {
      int c = compare(left, right);
      ok = op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
    }
    if (!ok) return Value::boolean(false);
    left = std::move(right);
  }
  return Value::boolean(true);
}

}  // namespace stoq::templating::detail
