// Python's text formats that templates reach: printf-style `%`, json.dumps, and the
// number formats of Jinja2's filters.
#pragma once

#include <string>
#include <string_view>

#include "template/value.hpp"

namespace stoq::templating::detail {

/// fmt % args: args is a tuple (positional), a mapping (for %(name)s) or a single value.
[[nodiscard]] std::string percent_format(std::string_view fmt, const Value& args);

/// json.dumps(v, sort_keys=True[, indent]) with ensure_ascii; indent < 0: one line.
/// html_safe additionally escapes < > & ' as \u003c.. (Jinja2's tojson).
[[nodiscard]] std::string json_dumps(const Value& v, int indent, bool html_safe);

/// Python's f"{x:.{precision}f}".
[[nodiscard]] std::string format_fixed(double x, int precision);

}  // namespace stoq::templating::detail
