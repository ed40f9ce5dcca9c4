// Python's text formats that templates reach: printf-style `%`, json.dumps, and the
// number formats of Jinja2's filters.
#pragma once

#include <string>
#include <string_view>

#include "stoq/template.hpp"
#include "template/value.hpp"

namespace stoq::templating::detail {

/// fmt % args: args is a tuple (positional), a mapping (for %(name)s) or a single value.
/// A width or numeric precision above max_bytes is refused (check_value_bytes) before
/// anything is allocated; below it, it is honoured exactly, as in Python.
[[nodiscard]] std::string percent_format(std::string_view fmt, const Value& args,
                                         std::size_t max_bytes = TemplateLimits{}.max_value_bytes);

/// json.dumps(v, sort_keys=True[, indent]) with ensure_ascii; indent < 0: one line.
/// html_safe additionally escapes < > & ' as \u003c.. (Jinja2's tojson). Stops with the
/// check_value_bytes error as soon as the text exceeds max_bytes.
[[nodiscard]] std::string json_dumps(const Value& v, std::int64_t indent, bool html_safe,
                                     std::size_t max_bytes = TemplateLimits{}.max_value_bytes);

/// Python's f"{x:.{precision}f}".
[[nodiscard]] std::string format_fixed(double x, int precision);

}  // namespace stoq::templating::detail
