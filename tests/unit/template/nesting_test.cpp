// Values nested far deeper than any walk may recurse (kMaxValueNesting): every path that
// walks a value recursively stops with one clear error instead of overflowing the stack,
// whether the value comes from the render variables (JSON) or is built by the template,
// and deep values are freed without recursion. A stack overflow crashes this test.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stoq/error.hpp"
#include "stoq/json.hpp"
#include "stoq/template.hpp"
#include "template/pyformat.hpp"
#include "template/value.hpp"

namespace stoq::templating::detail {
namespace {

constexpr int kDeep = 50'000;
constexpr int kVeryDeep = 1'000'000;
const std::string kNestingError = "value nested deeper than 500 levels";

// [[[...[]...]]] nested `depth` arrays deep (or {"a": {"a": ...}}), built without recursion.
Json deep_json(int depth, bool objects = false) {
  Json value = objects ? Json::object() : Json::array();
  for (int i = 1; i < depth; ++i) {
    Json outer = objects ? Json::object() : Json::array();
    if (objects) {
      outer["a"] = std::move(value);
    } else {
      outer.push_back(std::move(value));
    }
    value = std::move(outer);
  }
  return value;
}

// {"x": deep, "y": its twin}, built by moves: copying a JSON value recurses, and so does
// adding a key to an ordered_json object (its vector of pairs copies them as it grows),
// so both keys exist before the deep values move in.
Json deep_vars(int depth, bool objects) {
  Json vars = {{"x", nullptr}, {"y", nullptr}};
  vars["x"] = deep_json(depth, objects);
  vars["y"] = deep_json(depth, objects);
  return vars;
}

Value deep_list(int depth, ListKind kind = ListKind::List) {
  Value value = Value::list({}, kind);
  for (int i = 1; i < depth; ++i) value = Value::list({value}, kind);
  return value;
}

// The render's output, or the message of the stoq::Error it threw.
std::string render_or_message(const std::string& source, const Json& vars) {
  try {
    return render_string(source, vars);
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
}

// Template expressions over a deep `x` and its twin `y` (equal, not the same object),
// each reaching a recursive walk: all must stop with the nesting error.
const std::vector<std::string> kWalkingExpressions = {
    "{{ x }}",           "{{ x|string }}",       "{{ x ~ '' }}",
    "{{ x|e }}",         "{{ x|tojson }}",       "{{ x|pprint }}",
    "{{ [x]|list }}",    "{{ [x]|join }}",       "{{ [x]|map('string')|list }}",
    "{{ '%s' % (x,) }}", "{{ '%r'|format(x) }}", "{{ x == y }}",
    "{{ x != y }}",      "{{ x in [y] }}",       "{{ [x, y].index(y) }}",
};

// Ordering walks: lists are ordered item by item (dicts have no order: a TypeError).
const std::vector<std::string> kOrderingExpressions = {
    "{{ x < y }}",
    "{{ [x, y]|sort }}",
    "{{ [x, y]|max }}",
    "{{ {'a': x, 'b': y}|dictsort(by='value') }}",
    "{{ [{'k': x}, {'k': y}]|groupby('k') }}",
};

// Expressions that never walk the value: they work at any depth.
const std::vector<std::pair<std::string, std::string>> kShallowExpressions = {
    {"{{ x|length }}", "1"},        {"{{ x|list|length }}", "1"}, {"{{ x is sameas y }}", "False"},
    {"{{ x is defined }}", "True"}, {"{{ [x]|count }}", "1"},
};

void expect_bounded(const Json& vars, bool ordered) {
  std::vector<std::string> sources = kWalkingExpressions;
  if (ordered) sources.insert(sources.end(), kOrderingExpressions.begin(), kOrderingExpressions.end());
  for (const std::string& source : sources) {
    std::string out = render_or_message(source, vars);
    EXPECT_NE(out.find(kNestingError), std::string::npos) << source << " gave: " << out.substr(0, 200);
  }
  for (const auto& [source, expected] : kShallowExpressions) {
    EXPECT_EQ(render_or_message(source, vars), expected) << source;
  }
}

TEST(ValueNesting, DeepJsonArraysStopEveryWalk) {
  for (int depth : {kDeep, kVeryDeep}) {
    SCOPED_TRACE(depth);
    expect_bounded(deep_vars(depth, false), true);
  }
}

TEST(ValueNesting, DeepJsonObjectsStopEveryWalk) {
  for (int depth : {kDeep, kVeryDeep}) {
    SCOPED_TRACE(depth);
    expect_bounded(deep_vars(depth, true), false);
  }
}

TEST(ValueNesting, WithinTheBoundValuesPrintAsInPython) {
  Json vars = deep_vars(400, false);
  EXPECT_EQ(render_or_message("{{ x }}", vars), std::string(400, '[') + std::string(400, ']'));
  EXPECT_EQ(render_or_message("{{ x == y }} {{ x < y }}", vars), "True False");
  EXPECT_EQ(render_or_message("{{ x|tojson|length }}", vars), "800");
}

// `use` after a loop builds x and y, lists nested `depth` deep (only x when not with_twin;
// with_tuples: also ns.t and ns.u, nested tuples, which unique() compares where lists are
// unhashable).
std::string built_by_template(int depth, const std::string& use, bool with_tuples = false, bool with_twin = true) {
  return "{% set ns = namespace(x=[], y=[], t=(), u=()) %}{% for i in range(" + std::to_string(depth - 1) +
         ") %}{% set ns.x = [ns.x] %}" + (with_twin ? "{% set ns.y = [ns.y] %}" : "") +
         (with_tuples ? "{% set ns.t = (ns.t,) %}{% set ns.u = (ns.u,) %}" : "") +
         "{% endfor %}{% set x = ns.x %}{% set y = ns.y %}" + use;
}

TEST(ValueNesting, DeepValuesBuiltByTheTemplateStopEveryWalk) {
  const Json vars = Json::object();
  std::vector<std::string> sources = kWalkingExpressions;
  sources.insert(sources.end(), kOrderingExpressions.begin(), kOrderingExpressions.end());
  for (const std::string& source : sources) {
    std::string out = render_or_message(built_by_template(kDeep, source), vars);
    EXPECT_NE(out.find(kNestingError), std::string::npos) << source << " gave: " << out.substr(0, 200);
  }
  for (const char* source : {"{{ [ns.t, ns.u]|unique|list }}", "{{ ns.t }}", "{{ ns.t == ns.u }}"}) {
    std::string out = render_or_message(built_by_template(kDeep, source, true), vars);
    EXPECT_NE(out.find(kNestingError), std::string::npos) << source << " gave: " << out.substr(0, 200);
  }
  for (const auto& [source, expected] : kShallowExpressions) {
    EXPECT_EQ(render_or_message(built_by_template(kDeep, source), vars), expected) << source;
  }
}

TEST(ValueNesting, AMillionLevelsBuiltByTheTemplate) {
  // One build per render is slow at this depth (the walks themselves are tested at this
  // depth on JSON above and on values below): printing and comparing, on x alone
  // (x == [x] compares x with itself one level down, all the way).
  const Json vars = Json::object();
  for (const char* source : {"{{ x }}", "{{ x == [x] }}"}) {
    std::string out = render_or_message(built_by_template(kVeryDeep, source, false, false), vars);
    EXPECT_NE(out.find(kNestingError), std::string::npos) << source << " gave: " << out.substr(0, 200);
  }
}

TEST(ValueNesting, TheWalksThemselves) {
  for (int depth : {kDeep, kVeryDeep}) {
    SCOPED_TRACE(depth);
    Value x = deep_list(depth);
    Value y = deep_list(depth);
    EXPECT_THROW((void)repr(x), Error);
    EXPECT_THROW((void)to_str(x), Error);
    EXPECT_THROW((void)equals(x, y), Error);
    EXPECT_THROW((void)compare(x, y), Error);
    EXPECT_THROW((void)json_dumps(x, -1, true), Error);
    Value t = deep_list(depth, ListKind::Tuple);
    EXPECT_THROW((void)repr(t), Error);
  }
  // The count is per thread and goes back to zero: shallow walks work after a failure.
  EXPECT_EQ(repr(deep_list(3)), "[[[]]]");
}

TEST(ValueNesting, PprintIsNotExponentialInTheDepth) {
  // Each level too wide for one line: pprint once recomputed every subtree twice per level.
  Json value = std::string(100, 'x');
  for (int i = 0; i < 300; ++i) value = Json::array({std::move(value)});
  Json vars = Json::object();
  vars["x"] = std::move(value);
  std::string out = render_or_message("{{ x|pprint }}", vars);
  EXPECT_EQ(out.rfind(std::string(300, '['), 0), 0U) << out.substr(0, 400);
  EXPECT_NE(out.find("'" + std::string(100, 'x') + "'"), std::string::npos);
}

TEST(ValueNesting, DeepJsonIsFreedWithoutRecursion) {
  // nlohmann::json frees nested arrays and objects with a heap stack: no overflow here.
  for (bool objects : {false, true}) {
    Json deep = deep_json(kVeryDeep, objects);
    EXPECT_EQ(deep.size(), 1U);
    deep = nullptr;
    EXPECT_TRUE(deep.is_null());
  }
}

TEST(ValueNesting, DeepValuesAreFreedWithoutRecursion) {
  for (ListKind kind : {ListKind::List, ListKind::Tuple}) {
    Value deep = deep_list(kVeryDeep, kind);
    EXPECT_EQ(length(deep), 1);
    deep = Value();
    EXPECT_TRUE(deep.is_undefined());
  }
}

}  // namespace
}  // namespace stoq::templating::detail
