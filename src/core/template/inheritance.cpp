// Template inheritance: {% extends %}, {% block %}, super() and self.<block>().
//
// Jinja2's model: a template that extends another renders nothing of its own after the
// {% extends %} tag (its top-level statements still run, so a {% set %} there is seen by
// the parent); then the parent renders, and each of its blocks renders the most-derived
// definition of that block. Blocks render in the template's top-level scope (not the
// loop around them) unless marked `scoped`.
#include "template/interpreter.hpp"

namespace stoq::templating::detail {
namespace {

// super(): the next definition of the block up the chain.
class SuperFn : public Callable {
 public:
  SuperFn(std::string name, std::size_t index, const ScopePtr& scope, bool scoped)
      : name_(std::move(name)), index_(index), scope_(scope), scoped_(scoped) {}
  Value call(Interpreter& interp, CallArgs& args) override {
    if (!args.positional.empty() || !args.keyword.empty()) throw Error("super() takes no arguments");
    ScopePtr scope = scope_.lock();
    if (!scope) throw Error("super() called outside its block");
    return interp.block_text(name_, index_, scope, scoped_);
  }
  [[nodiscard]] std::string repr() const override { return "<bound method BlockReference.super>"; }

 private:
  std::string name_;
  std::size_t index_;
  std::weak_ptr<Scope> scope_;
  bool scoped_;
};

// self: self.<block>() renders that block again.
class SelfObject : public Object {
 public:
  Value getattr(std::string_view name) override {
    return Value::callable(std::make_shared<BlockCall>(std::string(name)));
  }
  [[nodiscard]] std::string repr() const override { return "<TemplateReference>"; }

 private:
  class BlockCall : public Callable {
   public:
    explicit BlockCall(std::string name) : name_(std::move(name)) {}
    Value call(Interpreter& interp, CallArgs& /*args*/) override {
      return interp.block_text(name_, 0, std::make_shared<Scope>(), false);
    }
    [[nodiscard]] std::string repr() const override { return "<BlockReference '" + name_ + "'>"; }

   private:
    std::string name_;
  };
};

}  // namespace

Value self_reference() { return Value::object(std::make_shared<SelfObject>()); }

void Interpreter::render_chain(const std::shared_ptr<const ParsedTemplate>& tmpl, const ScopePtr& root) {
  auto chain = std::make_unique<Chain>();
  chain->root = root;
  chain->out = out_;
  Chain& c = *chain;
  chains_.push_back(std::move(chain));
  const auto add_blocks = [&c](const std::shared_ptr<const ParsedTemplate>& owner) {
    for (const auto& [name, stmt] : owner->blocks) c.blocks[name].push_back(BlockEntry{stmt, owner});
  };
  std::shared_ptr<const ParsedTemplate> current = tmpl;
  add_blocks(current);
  std::size_t levels = 0;
  try {
    while (true) {
      {
        InTemplate in(*this, current);
        exec_body(current->body, root);
      }
      out_ = c.out;  // the part of a child after {% extends %} went to discard_
      if (!c.parent) break;
      if (++levels > limits_.max_depth) {
        throw Error("templates extend each other deeper than " + std::to_string(limits_.max_depth) + " levels");
      }
      current = std::move(c.parent);
      c.parent = nullptr;
      add_blocks(current);
    }
  } catch (...) {
    out_ = c.out;
    chains_.pop_back();
    throw;
  }
  chains_.pop_back();
}

void Interpreter::exec_extends(const Stmt& stmt, const ScopePtr& scope) {
  Chain& c = *chains_.back();
  if (c.parent) throw Error("extended multiple times");
  Value name = eval(*stmt.expr, scope);
  if (!name.is_string()) throw Error("template names must be strings, got " + type_name(name));
  c.parent = load(std::string(name.str()));
  if (!c.parent) throw Error("TemplateNotFound: " + std::string(name.str()));
  out_ = &discard_;
}

void Interpreter::exec_block(const Stmt& stmt, const ScopePtr& scope) {
  if (out_ == &discard_) return;  // a child after {% extends %}: the parent renders its blocks
  render_block(stmt.text, 0, scope, stmt.scoped);
}

void Interpreter::render_block(const std::string& name, std::size_t index, const ScopePtr& scope, bool scoped) {
  step();
  if (templates_.size() > limits_.max_depth) {
    throw Error("blocks nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  Chain& c = *chains_.back();
  auto found = c.blocks.find(name);
  if (found == c.blocks.end()) throw Error("no block named '" + name + "'");
  const std::vector<BlockEntry>& definitions = found->second;
  if (index >= definitions.size()) throw Error("there is no parent block called '" + name + "'.");
  BlockEntry entry = definitions[index];
  if (entry.stmt->required && index == 0) throw Error("Required block '" + name + "' not found");
  ScopePtr inner = std::make_shared<Scope>();
  inner->parent = scoped ? scope : c.root;
  inner->set("super", Value::callable(std::make_shared<SuperFn>(name, index + 1, scope, scoped)));
  InTemplate in(*this, entry.owner);
  exec_body(entry.stmt->body, inner);
}

Value Interpreter::block_text(const std::string& name, std::size_t index, const ScopePtr& scope, bool scoped) {
  std::string buffer;
  {
    OutputTo to(*this, &buffer);
    render_block(name, index, scope, scoped);
  }
  return Value::string(std::move(buffer));
}

}  // namespace stoq::templating::detail
