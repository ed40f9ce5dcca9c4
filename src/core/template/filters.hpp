// Jinja2's builtin filters (jinja2/filters.py, 3.1), split by what they work on.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "template/interpreter.hpp"

namespace stoq::templating::detail {

using FilterTable = std::vector<std::pair<std::string_view, FilterFn>>;

const FilterTable& text_filters();        // filters_text.cpp
const FilterTable& collection_filters();  // filters_collections.cpp

// filters_layout.cpp
Value do_truncate(Interpreter& in, const Value& v, CallArgs& args);
Value do_indent(Interpreter& in, const Value& v, CallArgs& args);
Value do_wordwrap(Interpreter& in, const Value& v, CallArgs& args);
Value do_center(Interpreter& in, const Value& v, CallArgs& args);
Value do_pprint(Interpreter& in, const Value& v, CallArgs& args);

/// Jinja2's make_attrgetter: "a.b.0" looked up item-first, then attribute.
/// A `default` (when not None) replaces an undefined value after every step, as in Jinja2.
Value get_path(const Value& item, std::string_view path, const Value* fallback = nullptr);
/// Python float(str) parsing; false when it is not a float literal.
bool parse_float(std::string_view s, double& out);
/// markupsafe.escape.
std::string html_escape(std::string_view s);

}  // namespace stoq::templating::detail
