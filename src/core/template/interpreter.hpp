// Renders a parsed template: a tree-walking interpreter with Jinja2's scoping rules
// (a for-iteration, macro call, with-block and include each get a scope; if does not).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stoq/template.hpp"
#include "template/ast.hpp"
#include "template/value.hpp"

namespace stoq::templating::detail {

struct Scope {
  // A for-loop iteration sets two or three names: they live inline, in the Scope's own
  // allocation; more spill into `more`.
  static constexpr std::size_t kInline = 4;
  std::array<std::pair<std::string, Value>, kInline> vars;
  std::size_t count = 0;
  std::vector<std::pair<std::string, Value>> more;
  std::shared_ptr<Scope> parent;
  const Json* context = nullptr;  // the render variables (root scopes with context only)

  [[nodiscard]] const Value* find_local(std::string_view name) const;
  void set(std::string_view name, Value value);
};
using ScopePtr = std::shared_ptr<Scope>;

class Interpreter {
 public:
  Interpreter(const Environment& environment, const TemplateLimits& limits);
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  /// Renders `parsed` with `vars` (a JSON object) as its context.
  std::string render(const std::shared_ptr<const ParsedTemplate>& parsed, const Json& vars);

  // ---- services for filters, tests, methods and callables ----
  Value call(const Value& callee, CallArgs& args);
  Value apply_filter(const std::string& name, const Value& subject, CallArgs& args);
  bool apply_test(const std::string& name, const Value& subject, CallArgs& args);
  /// Counts work toward TemplateLimits::max_steps; throws TemplateError beyond it.
  void step(std::uint64_t n = 1);
  /// Throws when a string/list being built would exceed max_value_bytes.
  void check_value_size(std::size_t bytes) const;
  [[nodiscard]] const TemplateLimits& limits() const { return limits_; }
  /// A list or namespace changed in place (append, set ns.x): it may now be part of a
  /// reference cycle, which reference counting never frees; the render clears it at the end.
  void note_mutation(const Value& container);

  // Macro and caller invocation (called by the Macro callable).
  Value invoke_macro(const Stmt& macro, const ScopePtr& closure, const std::shared_ptr<const ParsedTemplate>& owner,
                     CallArgs& args, const Value* caller);
  /// Renders block `name` as defined by the index-th template of the current inheritance
  /// chain (0: the most derived; super() is index + 1) into the output.
  /// `scoped` (from the {% block %} tag being rendered, as in Jinja2): the block sees `scope`,
  /// else only the template's top-level scope.
  void render_block(const std::string& name, std::size_t index, const ScopePtr& scope, bool scoped);
  /// The same, captured as a string (super(), self.name()).
  Value block_text(const std::string& name, std::size_t index, const ScopePtr& scope, bool scoped);
  /// Loop(...) for `for ... recursive`.
  Value run_recursive_loop(const Stmt& loop, const ScopePtr& scope, const Value& iterable, int depth);

 private:
  // While alive: output goes to `to` (captures, discarded module output).
  class OutputTo {
   public:
    OutputTo(Interpreter& in, std::string* to) : in_(in), saved_(in.out_) { in.out_ = to; }
    ~OutputTo() { in_.out_ = saved_; }
    OutputTo(const OutputTo&) = delete;
    OutputTo& operator=(const OutputTo&) = delete;

   private:
    Interpreter& in_;
    std::string* saved_;
  };
  // While alive: `tmpl` is the current template (error locations, relative loads).
  class InTemplate {
   public:
    InTemplate(Interpreter& in, std::shared_ptr<const ParsedTemplate> tmpl) : in_(in) {
      in.templates_.push_back(std::move(tmpl));
    }
    ~InTemplate() { in_.templates_.pop_back(); }
    InTemplate(const InTemplate&) = delete;
    InTemplate& operator=(const InTemplate&) = delete;

   private:
    Interpreter& in_;
  };

  // statements
  void exec_body(const Body& body, const ScopePtr& scope);
  void exec(const Stmt& stmt, const ScopePtr& scope);
  void exec_for(const Stmt& stmt, const ScopePtr& scope, const Value& iterable, int depth);
  void exec_include(const Stmt& stmt, const ScopePtr& scope);
  // Template inheritance (inheritance.cpp): a template and the ones it extends form a
  // chain, rendered most-derived first; each include/import starts a chain of its own.
  void render_chain(const std::shared_ptr<const ParsedTemplate>& tmpl, const ScopePtr& root);
  void exec_extends(const Stmt& stmt, const ScopePtr& scope);
  void exec_block(const Stmt& stmt, const ScopePtr& scope);
  Value load_module(const Stmt& stmt, const ScopePtr& scope);
  void assign(const Expr& target, Value value, const ScopePtr& scope);
  std::string capture(const Body& body, const ScopePtr& scope);

  // expressions
  Value eval(const Expr& expr, const ScopePtr& scope);
  Value eval_inner(const Expr& expr, const ScopePtr& scope);
  Value eval_filter(const Expr& expr, const ScopePtr& scope, const Value* block_input);
  Value lookup(const std::string& name, const ScopePtr& scope);
  void eval_args(const Expr& expr, const ScopePtr& scope, CallArgs& args);
  Value eval_binary(const Expr& expr, const ScopePtr& scope);
  Value eval_compare(const Expr& expr, const ScopePtr& scope);

  void write(std::string_view text);
  void write_value(const Value& v);
  [[noreturn]] void fail(int line, int column, const std::string& message) const;
  std::shared_ptr<const ParsedTemplate> load(const std::string& name);

  const Environment& environment_;
  TemplateLimits limits_;
  std::string* out_ = nullptr;
  std::uint64_t steps_ = 0;
  std::size_t depth_ = 0;
  std::vector<std::shared_ptr<const ParsedTemplate>> templates_;  // the include/import stack
  std::vector<ScopePtr> modules_;  // imported templates' scopes: their macros hold them weakly
  struct BlockEntry {
    const Stmt* stmt;
    std::shared_ptr<const ParsedTemplate> owner;
  };
  struct Chain {
    std::map<std::string, std::vector<BlockEntry>, std::less<>> blocks;  // most derived first
    ScopePtr root;
    std::shared_ptr<const ParsedTemplate> parent;  // set by {% extends %}
    std::string* out = nullptr;                    // where the chain's output goes
  };
  std::vector<std::unique_ptr<Chain>> chains_;
  std::string discard_;  // the output of a template after its {% extends %}: dropped
  std::vector<std::weak_ptr<ListData>> mutated_lists_;
  std::vector<std::weak_ptr<DictData>> mutated_dicts_;
  const Json* vars_ = nullptr;
};

// ---- builtins (builtins.cpp) ----
/// obj.name with Jinja2's rule (attribute first, then item). Undefined when absent;
/// throws for attributes of undefined values.
Value get_attribute(const Value& obj, std::string_view name);
/// obj[key] with Jinja2's rule (item first, then attribute).
Value get_item(const Value& obj, const Value& key);
Value get_slice(const Value& obj, const Value& start, const Value& stop, const Value& step);
/// range, dict, namespace, cycler, joiner; Undefined when not a global.
Value global_function(std::string_view name);
/// `self` (inheritance.cpp): self.<block>() renders a block again.
Value self_reference();
/// A bound str/dict/list method (methods.cpp); Undefined when the type has no such method.
Value find_method(const Value& obj, std::string_view name);
/// Argument checks shared by methods and globals: Python's TypeError wording.
std::int64_t int_arg(const Value& v, const char* what);
std::string str_arg(const Value& v, const char* what);
using MethodFn = Value (*)(Interpreter&, const Value&, CallArgs&);

// ---- python arithmetic (arith.cpp) ----
Value binary_op(std::string_view op, const Value& a, const Value& b, const Interpreter& interp);
bool contains(const Value& container, const Value& item);

// ---- filters and tests (filters*.cpp, tests.cpp) ----
using FilterFn = Value (*)(Interpreter&, const Value&, CallArgs&);
using TestFn = bool (*)(Interpreter&, const Value&, CallArgs&);
[[nodiscard]] FilterFn find_filter(std::string_view name);
[[nodiscard]] TestFn find_test(std::string_view name);

/// Binds call arguments to named parameters (Python-style), with defaults.
class Args {
 public:
  /// Unexpected arguments are an error unless `variadic` (then they land in rest/extra_kwargs).
  Args(CallArgs& args, std::string_view function, std::initializer_list<std::string_view> params,
       bool variadic = false);
  /// The argument for parameter i, or `fallback` when not given (by value: fallbacks are temporaries).
  [[nodiscard]] Value get(std::size_t i, const Value& fallback) const;
  [[nodiscard]] bool has(std::size_t i) const { return i < given_.size() && given_[i] != nullptr; }
  /// Extra positional arguments beyond params (when the function takes *args).
  std::vector<Value> rest;
  std::vector<std::pair<std::string, Value>> extra_kwargs;

 private:
  // Filters take a handful of parameters: no allocation per call.
  static constexpr std::size_t kMaxParams = 8;
  std::array<const Value*, kMaxParams> given_{};
};

}  // namespace stoq::templating::detail
