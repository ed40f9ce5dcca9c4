// Jinja2's builtin tests (jinja2/tests.py): `x is defined`, `x is divisibleby 3`, ...
#include <cmath>
#include <string>
#include <unordered_map>

#include "template/filters.hpp"
#include "template/interpreter.hpp"
#include "template/text.hpp"

namespace stoq::templating::detail {
namespace {

Value arg(CallArgs& args, const char* test) {
  Args a(args, test, {"other"});
  if (!a.has(0)) throw Error(std::string(test) + "() missing 1 required positional argument");
  return a.get(0, Value());
}

void no_args(CallArgs& args, const char* test) { Args a(args, test, {}); }

bool is_integer(const Value& v) { return v.is(Kind::Int); }

bool same_object(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::None: return true;
    case Kind::Undefined: return false;  // two Undefined objects are never the same object
    case Kind::Bool: return a.as_bool() == b.as_bool();
    case Kind::Int: return a.as_wide() == b.as_wide();  // CPython caches small ints; literals are constants
    case Kind::Float: return false;
    case Kind::String: return a.str().data() == b.str().data() && a.str().size() == b.str().size();
    default: return a.identity() == b.identity();
  }
}

using Entry = std::pair<std::string_view, TestFn>;

const std::vector<Entry>& table() {
  static const std::vector<Entry> tests = {
      {"defined",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "defined");
         return !v.is_undefined();
       }},
      {"undefined",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "undefined");
         return v.is_undefined();
       }},
      {"none",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "none");
         return v.is_none();
       }},
      {"boolean",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "boolean");
         return v.is(Kind::Bool);
       }},
      {"true",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "true");
         return v.is(Kind::Bool) && v.as_bool();
       }},
      {"false",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "false");
         return v.is(Kind::Bool) && !v.as_bool();
       }},
      {"integer",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "integer");
         return is_integer(v);
       }},
      {"float",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "float");
         return v.is(Kind::Float);
       }},
      {"number",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "number");
         return v.is_number();
       }},
      {"string",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "string");
         return v.is_string();
       }},
      {"mapping",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "mapping");
         return v.is_mapping();
       }},
      {"sequence",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "sequence");
         // Undefined has __len__ and __getitem__, so Jinja2 calls it a sequence
         return v.is_string() || is_indexable(v) || v.is_mapping() || v.is_undefined();
       }},
      {"iterable",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "iterable");
         return v.is_string() || v.is_list_like() || v.is_mapping() || v.is_undefined();
       }},
      {"callable",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "callable");
         return v.is(Kind::Callable);
       }},
      {"escaped",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "escaped");
         return v.is_safe();
       }},
      {"lower",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "lower");
         return is_lower_str(to_str(v));
       }},
      {"upper",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "upper");
         return is_upper_str(to_str(v));
       }},
      {"odd",
       [](Interpreter& in, const Value& v, CallArgs& a) {
         no_args(a, "odd");
         return equals(binary_op("%", v, Value::integer(2), in), Value::integer(1));
       }},
      {"even",
       [](Interpreter& in, const Value& v, CallArgs& a) {
         no_args(a, "even");
         return equals(binary_op("%", v, Value::integer(2), in), Value::integer(0));
       }},
      {"divisibleby",
       [](Interpreter& in, const Value& v, CallArgs& a) {
         Args args(a, "divisibleby", {"num"});
         return equals(binary_op("%", v, args.get(0, Value()), in), Value::integer(0));
       }},
      {"sameas", [](Interpreter&, const Value& v, CallArgs& a) { return same_object(v, arg(a, "sameas")); }},
      {"in", [](Interpreter&, const Value& v, CallArgs& a) { return contains(arg(a, "in"), v); }},
      {"filter",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "filter");
         return v.is_string() && find_filter(v.str()) != nullptr;
       }},
      {"test",
       [](Interpreter&, const Value& v, CallArgs& a) {
         no_args(a, "test");
         return v.is_string() && find_test(v.str()) != nullptr;
       }},
      {"eq", [](Interpreter&, const Value& v, CallArgs& a) { return equals(v, arg(a, "eq")); }},
      {"ne", [](Interpreter&, const Value& v, CallArgs& a) { return !equals(v, arg(a, "ne")); }},
      {"lt", [](Interpreter&, const Value& v, CallArgs& a) { return compare(v, arg(a, "lt")) < 0; }},
      {"le", [](Interpreter&, const Value& v, CallArgs& a) { return compare(v, arg(a, "le")) <= 0; }},
      {"gt", [](Interpreter&, const Value& v, CallArgs& a) { return compare(v, arg(a, "gt")) > 0; }},
      {"ge", [](Interpreter&, const Value& v, CallArgs& a) { return compare(v, arg(a, "ge")) >= 0; }},
  };
  return tests;
}

}  // namespace

TestFn find_test(std::string_view name) {
  static const std::unordered_map<std::string_view, TestFn> registry = [] {
    std::unordered_map<std::string_view, TestFn> all;
    for (const auto& [n, fn] : table()) all.emplace(n, fn);
    // Jinja2's aliases
    const std::pair<std::string_view, std::string_view> aliases[] = {{"==", "eq"}, {"equalto", "eq"},     {"!=", "ne"},
                                                                     {"<", "lt"},  {"lessthan", "lt"},    {"<=", "le"},
                                                                     {">", "gt"},  {"greaterthan", "gt"}, {">=", "ge"}};
    for (const auto& [alias, target] : aliases) all.emplace(alias, all.at(target));
    return all;
  }();
  auto it = registry.find(name);
  return it == registry.end() ? nullptr : it->second;
}

}  // namespace stoq::templating::detail
