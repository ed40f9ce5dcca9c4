// Filters that lay text out: truncate, indent, wordwrap (textwrap), center, pprint.
#include <algorithm>
#include <string>

#include "template/filters.hpp"
#include "template/text.hpp"

namespace stoq::templating::detail {
namespace {

// str.splitlines() line boundaries.
bool is_line_break(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E || c == 0x85 ||
         c == 0x2028 || c == 0x2029;
}

std::vector<std::u32string> splitlines(const std::u32string& s) {
  std::vector<std::u32string> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!is_line_break(s[i])) continue;
    lines.push_back(s.substr(start, i - start));
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < s.size()) lines.push_back(s.substr(start));
  return lines;
}

// textwrap.wrap(line, width, expand_tabs=False, replace_whitespace=False, ...).
std::vector<std::u32string> wrap_line(const std::u32string& text, std::size_t width, bool break_long_words,
                                      bool break_on_hyphens) {
  const auto ws = [](char32_t c) { return c == '\t' || c == '\n' || c == 0x0B || c == 0x0C || c == '\r' || c == ' '; };
  const auto letter = [](char32_t c) { return is_alpha(c); };
  std::vector<std::u32string> chunks;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    if (ws(text[i])) {
      while (i < text.size() && ws(text[i])) ++i;
      chunks.push_back(text.substr(start, i - start));
      continue;
    }
    while (i < text.size() && !ws(text[i])) {
      ++i;
      // a hyphenated word breaks after "xx-" when a letter (maybe "-letter") follows
      if (break_on_hyphens && i < text.size() && text[i - 1] == '-' && i >= 3 && letter(text[i - 2]) &&
          letter(text[i - 3]) && i - 1 > start && letter(text[i])) {
        chunks.push_back(text.substr(start, i - start));
        start = i;
      }
    }
    chunks.push_back(text.substr(start, i - start));
  }
  std::reverse(chunks.begin(), chunks.end());
  std::vector<std::u32string> lines;
  const auto blank = [&](const std::u32string& c) { return std::all_of(c.begin(), c.end(), ws); };
  while (!chunks.empty()) {
    std::vector<std::u32string> cur;
    std::size_t cur_len = 0;
    if (blank(chunks.back()) && !lines.empty()) chunks.pop_back();
    while (!chunks.empty()) {
      std::size_t l = chunks.back().size();
      if (cur_len + l > width) break;
      cur.push_back(std::move(chunks.back()));
      chunks.pop_back();
      cur_len += l;
    }
    if (!chunks.empty() && chunks.back().size() > width) {
      std::size_t space_left = width > cur_len ? width - cur_len : 1;
      if (break_long_words) {
        std::u32string& chunk = chunks.back();
        std::size_t end = space_left;
        if (break_on_hyphens && chunk.size() > space_left) {
          std::size_t hyphen = chunk.rfind(U'-', space_left - 1);
          if (hyphen != std::u32string::npos && hyphen > 0 && hyphen < space_left &&
              std::any_of(chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(hyphen),
                          [](char32_t c) { return c != '-'; })) {
            end = hyphen + 1;
          }
        }
        cur.push_back(chunk.substr(0, end));
        cur_len += end;
        chunk = chunk.substr(end);
      } else if (cur.empty()) {
        cur.push_back(std::move(chunks.back()));
        chunks.pop_back();
      }
    }
    if (!cur.empty() && blank(cur.back())) cur.pop_back();
    if (!cur.empty()) {
      std::u32string line;
      for (const auto& c : cur) line += c;
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

std::vector<std::pair<Value, Value>> sorted_items(const Value& mapping) {
  std::vector<std::pair<Value, Value>> items = mapping_items(mapping);
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& x, const auto& y) { return compare(x.first, y.first) < 0; });
  return items;
}

// pprint's one-line form (its _safe_repr): repr() with dict keys sorted.
void flat_pformat(std::string& out, const Value& v) {
  NestingLevel level;
  if (v.is_mapping()) {
    out += "{";
    bool first = true;
    for (const auto& [key, value] : sorted_items(v)) {
      if (!first) out += ", ";
      first = false;
      append_repr(out, key);
      out += ": ";
      flat_pformat(out, value);
    }
    out += "}";
    return;
  }
  if (v.is_list_like()) {
    std::vector<Value> items = iterate(v);
    bool tuple = is_tuple(v);
    out += tuple ? "(" : "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += ", ";
      flat_pformat(out, items[i]);
    }
    if (tuple && items.size() == 1) out += ",";
    out += tuple ? ")" : "]";
    return;
  }
  append_repr(out, v);
}

// pprint.pformat(value, width=80) with sorted dict keys: a container whose one-line form
// does not fit puts each item on a line of its own. Each level computes its one-line form
// once, so the work is (depth x size), never exponential in the depth.
void pformat(std::string& out, const Value& v, std::size_t indent, std::size_t allowance) {
  NestingLevel level;
  std::string flat;
  flat_pformat(flat, v);
  const bool container = v.is_mapping() || v.is_list_like();
  if (!container || cp_length(flat) + indent + allowance <= 80 || iterate(v).empty()) {
    out += flat;
    return;
  }
  if (v.is_mapping()) {
    std::vector<std::pair<Value, Value>> items = sorted_items(v);
    out += "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += ",\n" + std::string(indent + 1, ' ');
      std::string key = repr(items[i].first);
      out += key + ": ";
      pformat(out, items[i].second, indent + 1 + key.size() + 2, i + 1 == items.size() ? allowance + 1 : 1);
    }
    out += "}";
    return;
  }
  std::vector<Value> items = iterate(v);
  bool tuple = is_tuple(v);
  out += tuple ? "(" : "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",\n" + std::string(indent + 1, ' ');
    pformat(out, items[i], indent + 1, i + 1 == items.size() ? allowance + 1 : 1);
  }
  if (tuple && items.size() == 1) out += ",";
  out += tuple ? ")" : "]";
}

}  // namespace

Value do_indent(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "indent", {"width", "first", "blank"});
  Value width = a.get(0, Value::integer(4));
  std::u32string indention;
  if (width.is_string()) {
    indention = decode_utf8(width.str());
  } else {
    // Jinja2: " " * width (nothing for a negative width).
    std::int64_t spaces = std::max<std::int64_t>(int_arg(width, "indent width"), 0);
    in.check_value_size(static_cast<std::size_t>(spaces));
    indention.assign(static_cast<std::size_t>(spaces), U' ');
  }
  bool first = truthy(a.get(1, Value::boolean(false)));
  bool blank = truthy(a.get(2, Value::boolean(false)));
  if (!v.is_string()) throw Error("'" + type_name(v) + "' object has no attribute 'splitlines'");
  std::u32string s = decode_utf8(to_str(v)) + U"\n";
  std::vector<std::u32string> lines = splitlines(s);
  std::u32string rv;
  if (blank) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) rv += U"\n" + indention;
      rv += lines[i];
    }
  } else {
    rv = lines.empty() ? U"" : lines[0];
    for (std::size_t i = 1; i < lines.size(); ++i) {
      rv += U"\n";
      if (!lines[i].empty()) rv += indention;
      rv += lines[i];
    }
  }
  if (first) rv = indention + rv;
  in.check_value_size(rv.size());
  return Value::string(encode_utf8(rv));
}

Value do_wordwrap(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "wordwrap", {"width", "break_long_words", "wrapstring", "break_on_hyphens"});
  std::int64_t width = a.get(0, Value::integer(79)).as_int();
  if (width <= 0) throw Error("invalid width " + std::to_string(width) + " (must be > 0)");
  bool break_long = truthy(a.get(1, Value::boolean(true)));
  Value wrap_v = a.get(2, Value::none());
  std::u32string wrapstring = wrap_v.is_none() ? U"\n" : decode_utf8(to_str(wrap_v));
  bool hyphens = truthy(a.get(3, Value::boolean(true)));
  if (!v.is_string()) throw Error("'" + type_name(v) + "' object has no attribute 'splitlines'");
  std::u32string out;
  std::vector<std::u32string> lines = splitlines(decode_utf8(to_str(v)));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += wrapstring;
    std::vector<std::u32string> wrapped = wrap_line(lines[i], static_cast<std::size_t>(width), break_long, hyphens);
    for (std::size_t k = 0; k < wrapped.size(); ++k) {
      if (k > 0) out += wrapstring;
      out += wrapped[k];
    }
    in.check_value_size(out.size());
  }
  return Value::string(encode_utf8(out));
}

Value do_truncate(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "truncate", {"length", "killwords", "end", "leeway"});
  std::int64_t max_length = a.get(0, Value::integer(255)).as_int();
  bool killwords = truthy(a.get(1, Value::boolean(false)));
  std::u32string end = decode_utf8(to_str(a.get(2, Value::borrowed("..."))));
  std::int64_t leeway = a.has(3) && !a.get(3, Value()).is_none() ? a.get(3, Value()).as_int() : 5;
  if (max_length < static_cast<std::int64_t>(end.size())) {
    throw Error("expected length >= " + std::to_string(end.size()) + ", got " + std::to_string(max_length));
  }
  if (leeway < 0) throw Error("expected leeway >= 0, got " + std::to_string(leeway));
  if (!v.is_string()) {
    // Jinja2 measures len(value) without converting: a short list comes back as it is.
    if (static_cast<Int128>(length(v)) <= static_cast<Int128>(max_length) + leeway) return v;
    throw Error("can only truncate strings, not '" + type_name(v) + "'");
  }
  std::u32string s = decode_utf8(v.str());
  if (static_cast<Int128>(s.size()) <= static_cast<Int128>(max_length) + leeway) return v;
  std::u32string head = s.substr(0, static_cast<std::size_t>(max_length) - end.size());
  if (!killwords) {
    std::size_t space = head.rfind(U' ');
    if (space != std::u32string::npos) head.resize(space);
  }
  return Value::string(encode_utf8(head + end));
}

Value do_center(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "center", {"width"});
  std::int64_t width = int_arg(a.get(0, Value::integer(80)), "center width");
  std::string s = to_str(v);
  auto len = static_cast<std::int64_t>(cp_length(s));
  if (width <= len) return Value::string(s);
  std::int64_t pad = width - len;
  in.check_value_size(static_cast<std::size_t>(pad) + s.size());
  std::int64_t left = pad / 2 + (pad & width & 1);
  return Value::string(std::string(static_cast<std::size_t>(left), ' ') + s +
                       std::string(static_cast<std::size_t>(pad - left), ' '));
}

Value do_pprint(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "pprint", {});
  std::string out;
  pformat(out, v, 0, 0);
  return Value::string(std::move(out));
}

}  // namespace stoq::templating::detail
