#include "template/interpreter.hpp"

#include "template/text.hpp"

namespace stoq::templating::detail {

// ---- scopes --------------------------------------------------------------------------

namespace {
template <typename S>
auto* find_in(S& scope, std::string_view name) {
  for (std::size_t i = 0; i < scope.count; ++i) {
    if (scope.vars[i].first == name) return &scope.vars[i].second;
  }
  for (auto& entry : scope.more) {
    if (entry.first == name) return &entry.second;
  }
  return static_cast<decltype(&scope.vars[0].second)>(nullptr);
}
}  // namespace

const Value* Scope::find_local(std::string_view name) const { return find_in(*this, name); }

void Scope::set(std::string_view name, Value value) {
  if (Value* existing = find_in(*this, name); existing != nullptr) {
    *existing = std::move(value);
  } else if (count < kInline) {
    vars[count].first.assign(name);
    vars[count].second = std::move(value);
    ++count;
  } else {
    more.emplace_back(std::string(name), std::move(value));
  }
}

namespace {

ScopePtr child_of(const ScopePtr& parent) {
  auto scope = std::make_shared<Scope>();
  scope->parent = parent;
  return scope;
}

// A macro (or the body of a {% call %} block, named "caller"). It holds its defining
// scope weakly: scopes own their macros, and a strong reference would be a cycle.
class MacroFn : public Callable {
 public:
  MacroFn(const Stmt& stmt, const ScopePtr& closure, std::shared_ptr<const ParsedTemplate> owner, std::string name)
      : stmt_(stmt), closure_(closure), owner_(std::move(owner)), name_(std::move(name)) {}
  Value call(Interpreter& interp, CallArgs& args) override {
    ScopePtr closure = closure_.lock();
    if (!closure) throw Error("macro '" + name_ + "' outlived the scope it was defined in");
    return interp.invoke_macro(stmt_, closure, owner_, args, nullptr);
  }
  [[nodiscard]] std::string repr() const override { return "<Macro '" + name_ + "'>"; }

 private:
  const Stmt& stmt_;
  std::weak_ptr<Scope> closure_;
  std::shared_ptr<const ParsedTemplate> owner_;
  std::string name_;
};

// The `loop` variable of a for loop.
class LoopObject : public Object, public std::enable_shared_from_this<LoopObject> {
 public:
  LoopObject(std::vector<Value> items, int depth, const Stmt& stmt, const ScopePtr& scope)
      : items_(std::move(items)), depth_(depth), stmt_(stmt), scope_(scope) {}

  std::size_t index0 = 0;

  Value getattr(std::string_view name) override {
    const auto n = static_cast<std::int64_t>(items_.size());
    const auto i = static_cast<std::int64_t>(index0);
    if (name == "index") return Value::integer(i + 1);
    if (name == "index0") return Value::integer(i);
    if (name == "revindex") return Value::integer(n - i);
    if (name == "revindex0") return Value::integer(n - i - 1);
    if (name == "first") return Value::boolean(i == 0);
    if (name == "last") return Value::boolean(i == n - 1);
    if (name == "length") return Value::integer(n);
    if (name == "depth") return Value::integer(depth_);
    if (name == "depth0") return Value::integer(depth_ - 1);
    if (name == "previtem") return i > 0 ? items_[index0 - 1] : Value::undefined("there is no previous item");
    if (name == "nextitem") return i + 1 < n ? items_[index0 + 1] : Value::undefined("there is no next item");
    if (name == "cycle") return Value::callable(std::make_shared<Cycle>(shared_from_this()));
    if (name == "changed") return Value::callable(std::make_shared<Changed>(shared_from_this()));
    return Value::undefined("'LoopContext object' has no attribute '" + std::string(name) + "'");
  }

  Value call(Interpreter& interp, CallArgs& args) override {
    if (!stmt_.recursive) throw Error("Tried to call non recursive loop.  Maybe you forgot the 'recursive' modifier.");
    if (args.positional.size() != 1 || !args.keyword.empty()) throw Error("loop() takes exactly one argument");
    ScopePtr scope = scope_.lock();
    if (!scope) throw Error("the loop's scope no longer exists");
    return interp.run_recursive_loop(stmt_, scope, args.positional[0], depth_ + 1);
  }

  [[nodiscard]] std::string repr() const override {
    return "<LoopContext " + std::to_string(index0 + 1) + "/" + std::to_string(items_.size()) + ">";
  }

 private:
  class Cycle : public Callable {
   public:
    explicit Cycle(std::shared_ptr<LoopObject> loop) : loop_(std::move(loop)) {}
    Value call(Interpreter& /*interp*/, CallArgs& args) override {
      if (args.positional.empty()) throw Error("no items for cycling given");
      return args.positional[loop_->index0 % args.positional.size()];
    }
    [[nodiscard]] std::string repr() const override { return "<bound method LoopContext.cycle>"; }

   private:
    std::shared_ptr<LoopObject> loop_;
  };
  class Changed : public Callable {
   public:
    explicit Changed(std::shared_ptr<LoopObject> loop) : loop_(std::move(loop)) {}
    Value call(Interpreter& /*interp*/, CallArgs& args) override {
      Value now = Value::list(args.positional);
      if (loop_->has_last_ && equals(loop_->last_changed_, now)) return Value::boolean(false);
      loop_->last_changed_ = now;
      loop_->has_last_ = true;
      return Value::boolean(true);
    }
    [[nodiscard]] std::string repr() const override { return "<bound method LoopContext.changed>"; }

   private:
    std::shared_ptr<LoopObject> loop_;
  };

  std::vector<Value> items_;
  int depth_;
  const Stmt& stmt_;
  std::weak_ptr<Scope> scope_;
  Value last_changed_;
  bool has_last_ = false;
};

// What `{% import %}` binds: the exported top-level names of the imported template.
// It holds the module's scope weakly: the interpreter keeps every module scope for the
// whole render (modules_), and a scope imported `with context` has the importing scope
// as parent, which holds this object: a strong pointer would be a cycle.
class ModuleObject : public Object {
 public:
  ModuleObject(const ScopePtr& scope, std::string name) : scope_(scope), name_(std::move(name)) {}
  Value getattr(std::string_view name) override {
    ScopePtr scope = scope_.lock();
    if (scope && !name.starts_with('_')) {
      if (const Value* v = scope->find_local(name)) return *v;
    }
    return Value::undefined("'" + name_ + "' has no attribute '" + std::string(name) + "'");
  }
  [[nodiscard]] std::string repr() const override { return "<Template '" + name_ + "'>"; }

 private:
  std::weak_ptr<Scope> scope_;
  std::string name_;
};

}  // namespace

// ---- interpreter ---------------------------------------------------------------------

Interpreter::Interpreter(const Environment& environment, const TemplateLimits& limits)
    : environment_(environment), limits_(limits) {}

// Values never outlive a render, so emptying every container changed in place breaks
// any cycle a template built (ns.self = ns, xs.append(xs)) and lets it be freed.
Interpreter::~Interpreter() {
  for (auto& weak : mutated_dicts_) {
    if (auto dict = weak.lock()) std::vector<std::pair<Value, Value>>().swap(dict->items);
  }
  for (auto& weak : mutated_lists_) {
    if (auto list = weak.lock()) std::vector<Value>().swap(list->items);
  }
}

void Interpreter::note_mutation(const Value& container) {
  // A loop usually changes the same namespace or list again and again: note it once.
  const auto note = [](auto& seen, const auto& ptr) {
    if (!ptr) return;
    for (std::size_t i = seen.size(), checked = 0; i > 0 && checked < 8; --i, ++checked) {
      if (seen[i - 1].lock() == ptr) return;
    }
    seen.push_back(ptr);
  };
  note(mutated_lists_, container.list_ptr());
  note(mutated_dicts_, container.dict_ptr());
}

std::string Interpreter::render(const std::shared_ptr<const ParsedTemplate>& parsed, const Json& vars) {
  vars_ = vars.is_object() ? &vars : nullptr;
  auto root = std::make_shared<Scope>();
  root->context = vars_;
  std::string out;
  out_ = &out;
  TextBudget budget(limits_.max_value_bytes);
  render_chain(parsed, root);
  return out;
}

void Interpreter::fail(int line, int column, const std::string& message) const {
  const std::string& name = templates_.empty() ? std::string("<template>") : templates_.back()->name;
  throw TemplateError(name, line, column, message);
}

void Interpreter::step(std::uint64_t n) {
  steps_ += n;
  if (steps_ > limits_.max_steps) {
    throw Error("template rendering exceeded " + std::to_string(limits_.max_steps) +
                " steps (TemplateLimits::max_steps)");
  }
}

void Interpreter::check_value_size(std::size_t bytes) const { check_value_bytes(bytes, limits_.max_value_bytes); }

void Interpreter::write(std::string_view text) {
  if (out_ == &discard_) return;
  if (out_->size() + text.size() > limits_.max_output_bytes) {
    throw Error("template output exceeds " + std::to_string(limits_.max_output_bytes) +
                " bytes (TemplateLimits::max_output_bytes)");
  }
  out_->append(text);
}

void Interpreter::write_value(const Value& v) {
  if (v.is_string()) return write(v.str());
  std::string text;
  append_str(text, v);
  write(text);
}

std::string Interpreter::capture(const Body& body, const ScopePtr& scope) {
  std::string buffer;
  OutputTo to(*this, &buffer);
  exec_body(body, scope);
  return buffer;
}

void Interpreter::exec_body(const Body& body, const ScopePtr& scope) {
  for (const StmtPtr& stmt : body) exec(*stmt, scope);
}

void Interpreter::exec(const Stmt& stmt, const ScopePtr& scope) {
  try {
    switch (stmt.kind) {
      case StmtKind::Output: write(stmt.text); return;
      case StmtKind::Print: write_value(eval(*stmt.expr, scope)); return;
      case StmtKind::If:
        for (std::size_t i = 0; i < stmt.conditions.size(); ++i) {
          if (truthy(eval(*stmt.conditions[i], scope))) return exec_body(stmt.bodies[i], scope);
        }
        return exec_body(stmt.else_body, scope);
      case StmtKind::For: return exec_for(stmt, scope, eval(*stmt.expr, scope), 1);
      case StmtKind::Set: return assign(*stmt.target, eval(*stmt.expr, scope), scope);
      case StmtKind::SetBlock: {
        Value text = Value::string(capture(stmt.body, scope));
        if (stmt.expr) text = eval_filter(*stmt.expr, scope, &text);
        return assign(*stmt.target, std::move(text), scope);
      }
      case StmtKind::Macro:
        scope->set(stmt.text, Value::callable(std::make_shared<MacroFn>(stmt, scope, templates_.back(), stmt.text)));
        return;
      case StmtKind::CallBlock: {
        const Expr& call = *stmt.expr;
        Value callee = eval(*call.operand, scope);
        CallArgs args;
        eval_args(call, scope, args);
        args.keyword.emplace_back("caller",
                                  Value::callable(std::make_shared<MacroFn>(stmt, scope, templates_.back(), "caller")));
        return write_value(this->call(callee, args));
      }
      case StmtKind::Include: return exec_include(stmt, scope);
      case StmtKind::Import: scope->set(stmt.text, load_module(stmt, scope)); return;
      case StmtKind::FromImport: {
        Value module = load_module(stmt, scope);
        for (const auto& [name, alias] : stmt.names) {
          Value v = module.object_ref().getattr(name);
          if (v.is_undefined()) {
            v = Value::undefined("the template does not export the requested name '" + name + "'");
          }
          scope->set(alias, std::move(v));
        }
        return;
      }
      case StmtKind::FilterBlock: {
        Value text = Value::string(capture(stmt.body, child_of(scope)));
        return write_value(eval_filter(*stmt.expr, scope, &text));
      }
      case StmtKind::Extends: return exec_extends(stmt, scope);
      case StmtKind::Block: return exec_block(stmt, scope);
      case StmtKind::With: {
        ScopePtr inner = child_of(scope);
        for (const auto& [target, value] : stmt.assigns) assign(*target, eval(*value, scope), inner);
        return exec_body(stmt.body, inner);
      }
    }
  } catch (const TemplateError&) {
    throw;
  } catch (const std::exception& e) {
    fail(stmt.line, stmt.column, e.what());
  }
}

void Interpreter::exec_for(const Stmt& stmt, const ScopePtr& scope, const Value& iterable, int depth) {
  std::vector<Value> items = iterate(iterable);
  step(1);
  if (stmt.condition) {
    std::vector<Value> kept;
    for (Value& item : items) {
      step();
      ScopePtr probe = child_of(scope);
      assign(*stmt.target, item, probe);
      if (truthy(eval(*stmt.condition, probe))) kept.push_back(std::move(item));
    }
    items = std::move(kept);
  }
  if (items.empty()) return exec_body(stmt.else_body, child_of(scope));
  auto loop = std::make_shared<LoopObject>(items, depth, stmt, scope);
  Value loop_value = Value::object(loop);
  for (std::size_t i = 0; i < items.size(); ++i) {
    step();
    ScopePtr inner = child_of(scope);
    loop->index0 = i;
    assign(*stmt.target, items[i], inner);
    inner->set("loop", loop_value);
    exec_body(stmt.body, inner);
  }
}

Value Interpreter::run_recursive_loop(const Stmt& loop, const ScopePtr& scope, const Value& iterable, int depth) {
  if (static_cast<std::size_t>(depth) > limits_.max_depth) {
    throw Error("recursive loop nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  std::string buffer;
  {
    OutputTo to(*this, &buffer);
    exec_for(loop, scope, iterable, depth);
  }
  return Value::string(std::move(buffer));
}

std::shared_ptr<const ParsedTemplate> Interpreter::load(const std::string& name) {
  std::shared_ptr<const Template> t = environment_.find_template(name);
  return t ? t->parsed() : nullptr;
}

void Interpreter::exec_include(const Stmt& stmt, const ScopePtr& scope) {
  Value names = eval(*stmt.expr, scope);
  std::vector<Value> candidates = names.is_list_like() ? iterate(names) : std::vector<Value>{names};
  std::shared_ptr<const ParsedTemplate> found;
  std::string tried;
  for (const Value& candidate : candidates) {
    if (!candidate.is_string()) throw Error("template names must be strings, got " + type_name(candidate));
    found = load(std::string(candidate.str()));
    if (found) break;
    tried += (tried.empty() ? "" : ", ") + std::string(candidate.str());
  }
  if (!found) {
    if (stmt.ignore_missing) return;
    throw Error("TemplateNotFound: " + tried);
  }
  if (templates_.size() > limits_.max_depth) {
    throw Error("includes nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  ScopePtr inner = std::make_shared<Scope>();
  if (stmt.with_context) {
    inner->parent = scope;
  }
  render_chain(found, inner);
}

Value Interpreter::load_module(const Stmt& stmt, const ScopePtr& scope) {
  Value name = eval(*stmt.expr, scope);
  if (!name.is_string()) throw Error("template names must be strings, got " + type_name(name));
  std::shared_ptr<const ParsedTemplate> found = load(std::string(name.str()));
  if (!found) throw Error("TemplateNotFound: " + std::string(name.str()));
  if (templates_.size() > limits_.max_depth) {
    throw Error("imports nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  auto module_scope = std::make_shared<Scope>();
  if (stmt.with_context) {
    module_scope->parent = scope;
  }
  modules_.push_back(module_scope);
  {
    OutputTo to(*this, &discard_);
    render_chain(found, module_scope);
  }
  return Value::object(std::make_shared<ModuleObject>(module_scope, found->name));
}

void Interpreter::assign(const Expr& target, Value value, const ScopePtr& scope) {
  if (target.kind == ExprKind::Name) return scope->set(target.name, std::move(value));
  if (target.kind == ExprKind::Tuple) {
    std::vector<Value> parts = iterate(value);
    if (parts.size() != target.items.size()) {
      throw Error(parts.size() > target.items.size()
                      ? "too many values to unpack (expected " + std::to_string(target.items.size()) + ")"
                      : "not enough values to unpack (expected " + std::to_string(target.items.size()) + ", got " +
                            std::to_string(parts.size()) + ")");
    }
    for (std::size_t i = 0; i < parts.size(); ++i) assign(*target.items[i], std::move(parts[i]), scope);
    return;
  }
  if (target.kind == ExprKind::Getattr) {
    Value ns = lookup(target.operand->name, scope);
    if (!ns.is(Kind::Dict) || !ns.dict_data().is_namespace) {
      throw Error("cannot assign attribute on non-namespace object");
    }
    ns.dict_data().set(Value::string(target.name), std::move(value));
    note_mutation(ns);
    return;
  }
  throw Error("can't assign to this expression");
}

Value Interpreter::invoke_macro(const Stmt& macro, const ScopePtr& closure,
                                const std::shared_ptr<const ParsedTemplate>& owner, CallArgs& args,
                                const Value* /*caller*/) {
  step();
  if (templates_.size() > limits_.max_depth) {
    throw Error("macro calls nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  const std::string& name = macro.kind == StmtKind::Macro ? macro.text : std::string("caller");
  ScopePtr scope = child_of(closure);
  const std::vector<MacroParam>& params = macro.params;
  std::vector<bool> bound(params.size(), false);
  std::vector<Value> extra;
  for (std::size_t i = 0; i < args.positional.size(); ++i) {
    if (i < params.size()) {
      scope->set(params[i].name, args.positional[i]);
      bound[i] = true;
    } else if (macro.accepts_varargs) {
      extra.push_back(args.positional[i]);
    } else {
      throw Error("macro '" + name + "' takes not more than " + std::to_string(params.size()) + " argument(s)");
    }
  }
  auto extra_kwargs = std::make_shared<DictData>();
  for (auto& [key, value] : args.keyword) {
    bool matched = false;
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (params[i].name != key) continue;
      if (bound[i]) throw Error("macro '" + name + "' got multiple values for argument '" + key + "'");
      scope->set(key, value);
      bound[i] = true;
      matched = true;
    }
    if (matched) continue;
    if (key == "caller") {
      scope->set("caller", value);
    } else if (macro.accepts_kwargs) {
      extra_kwargs->set(Value::string(key), value);
    } else {
      throw Error("macro '" + name + "' takes no keyword argument '" + key + "'");
    }
  }
  InTemplate in(*this, owner);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (bound[i]) continue;
    scope->set(params[i].name, params[i].default_value
                                   ? eval(*params[i].default_value, scope)
                                   : Value::undefined("parameter '" + params[i].name + "' was not provided"));
  }
  scope->set("varargs", Value::list(std::move(extra), ListKind::Tuple));
  scope->set("kwargs", Value::dict(extra_kwargs));
  return Value::string(capture(macro.body, scope));
}

}  // namespace stoq::templating::detail
