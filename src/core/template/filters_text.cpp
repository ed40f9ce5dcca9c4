// Filters on strings and numbers.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "template/filters.hpp"
#include "template/pyformat.hpp"
#include "template/text.hpp"

namespace stoq::templating::detail {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

bool parse_float(std::string_view s, double& out) {
  std::string text = strip(s, true, true);
  std::string clean;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_') {
      // only between digits
      if (i == 0 || i + 1 >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i - 1])) ||
          !std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
        return false;
      }
      continue;
    }
    clean.push_back(c);
  }
  std::string lowered = lower(clean);
  std::string_view body = lowered;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  if (body == "inf" || body == "infinity" || body == "nan") {
    out = std::strtod(lowered.c_str(), nullptr);
    return true;
  }
  if (body.empty() || body.find_first_not_of("0123456789.e+-") != std::string_view::npos) return false;
  if (body.find_first_of("0123456789") == std::string_view::npos) return false;
  char* end = nullptr;
  out = std::strtod(clean.c_str(), &end);
  return end == clean.c_str() + clean.size();
}

namespace {

std::string text_of(const Value& v) { return to_str(v); }

Value str_result(std::string s, bool safe = false) { return Value::string(std::move(s), safe); }

// Python int(str, base).
bool parse_int(std::string_view s, int base, Int128& out) {
  std::string text = strip(s, true, true);
  bool negative = false;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  if (i + 1 < text.size() && text[i] == '0') {
    char p = static_cast<char>(text[i + 1] | 0x20);
    if ((p == 'x' && (base == 16 || base == 0)) || (p == 'o' && (base == 8 || base == 0)) ||
        (p == 'b' && (base == 2 || base == 0))) {
      base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
      i += 2;
      if (i < text.size() && text[i] == '_') ++i;
    }
  }
  if (base == 0) base = 10;
  std::string digits;
  for (; i < text.size(); ++i) {
    if (text[i] == '_' && !digits.empty() && i + 1 < text.size() && text[i + 1] != '_') continue;
    digits.push_back(text[i]);
  }
  if (digits.empty()) return false;
  Int128 value = 0;
  for (char c : digits) {
    int d = std::isdigit(static_cast<unsigned char>(c))   ? c - '0'
            : std::isalpha(static_cast<unsigned char>(c)) ? (c | 0x20) - 'a' + 10
                                                          : 99;
    if (d >= base) return false;
    if (__builtin_mul_overflow(value, base, &value) || __builtin_add_overflow(value, d, &value)) {
      throw Error("integer literal too large (stoq's integers are 128-bit)");
    }
  }
  out = negative ? -value : value;
  return true;
}

Value float_to_int(double f) {
  if (!std::isfinite(f)) throw Error("cannot convert float infinity or NaN to integer");
  if (std::fabs(f) >= 1.7e38) throw Error("integer overflow (stoq's integers are 128-bit)");
  return Value::wide(static_cast<Int128>(f));
}

// Python's round(x, n) for floats: correctly rounded, ties to even.
double round_float(double x, std::int64_t digits) {
  if (!std::isfinite(x) || x == 0.0) return x;
  if (digits > 300) return x;
  if (digits >= 0) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(std::min<std::int64_t>(digits, 330)), x);
    return std::strtod(buf, nullptr);
  }
  if (digits < -330) return std::copysign(0.0, x);
  double scale = std::pow(10.0, static_cast<double>(-digits));
  double y = std::nearbyint(x / scale);  // ties to even in the default rounding mode
  return std::copysign(y * scale, x);
}

Value do_round(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "round", {"precision", "method"});
  std::int64_t precision = a.get(0, Value::integer(0)).as_int();
  std::string method = a.has(1) ? to_str(a.get(1, Value())) : "common";
  if (method != "common" && method != "ceil" && method != "floor") {
    throw Error("method must be common, ceil or floor");
  }
  if (v.is_undefined()) throw Error(v.undefined_hint());
  if (!v.is_number()) throw Error("type " + type_name(v) + " doesn't define __round__ method");
  if (method == "common") {
    if (!v.is(Kind::Float)) {
      if (precision >= 0) return Value::wide(v.as_wide());
      double r = round_float(static_cast<double>(v.as_wide()), precision);
      return float_to_int(r);
    }
    return Value::floating(round_float(v.as_double(), precision));
  }
  double scale = std::pow(10.0, static_cast<double>(precision));
  double x = v.as_double() * scale;
  // math.floor/ceil return ints in Python: no negative zero survives them.
  x = (method == "ceil" ? std::ceil(x) : std::floor(x)) + 0.0;
  return Value::floating(x / scale);
}

Value do_filesizeformat(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "filesizeformat", {"binary"});
  bool binary = truthy(a.get(0, Value::boolean(false)));
  double bytes = 0;
  if (v.is_number()) {
    bytes = v.as_double();
  } else if (v.is_string()) {
    if (!parse_float(v.str(), bytes)) throw Error("could not convert string to float: " + repr(v));
  } else {
    throw Error("float() argument must be a string or a real number, not '" + type_name(v) + "'");
  }
  const double base = binary ? 1024 : 1000;
  static const char* const kDecimal[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  static const char* const kBinary[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  if (bytes == 1) return Value::borrowed("1 Byte");
  if (bytes < base) {
    if (!std::isfinite(bytes)) throw Error("cannot convert float infinity or NaN to integer");
    return str_result(std::to_string(static_cast<std::int64_t>(bytes)) + " Bytes");
  }
  // Python compares the float with the exact integer base**k; long double holds 1000**9
  // and 1024**9 exactly (their odd parts fit 64 bits).
  long double unit = base;
  const char* prefix = nullptr;
  for (int i = 0; i < 8; ++i) {
    unit = std::pow(static_cast<long double>(base), static_cast<long double>(i + 2));
    prefix = binary ? kBinary[i] : kDecimal[i];
    if (static_cast<long double>(bytes) < unit) break;
  }
  return str_result(format_fixed(base * bytes / static_cast<double>(unit), 1) + " " + prefix);
}

std::string html_unescape(std::string_view s) {
  static const std::pair<std::string_view, std::string_view> kNamed[] = {{"amp", "&"},
                                                                         {"lt", "<"},
                                                                         {"gt", ">"},
                                                                         {"quot", "\""},
                                                                         {"apos", "'"},
                                                                         {"nbsp", "\xC2\xA0"},
                                                                         {"copy", "\xC2\xA9"},
                                                                         {"reg", "\xC2\xAE"},
                                                                         {"hellip", "\xE2\x80\xA6"},
                                                                         {"mdash", "\xE2\x80\x94"},
                                                                         {"ndash", "\xE2\x80\x93"}};
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    std::size_t semi = s.find(';', i);
    if (semi != std::string_view::npos && semi - i <= 10) {
      std::string_view name = s.substr(i + 1, semi - i - 1);
      if (!name.empty() && name[0] == '#') {
        bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
        std::string digits(name.substr(hex ? 2 : 1));
        char* end = nullptr;
        unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
        if (!digits.empty() && end == digits.c_str() + digits.size() && cp > 0 && cp <= 0x10FFFF) {
          append_utf8(out, static_cast<char32_t>(cp));
          i = semi;
          continue;
        }
      }
      bool replaced = false;
      for (const auto& [entity, text] : kNamed) {
        if (name == entity) {
          out += text;
          i = semi;
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    out.push_back('&');
  }
  return out;
}

Value do_striptags(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "striptags", {});
  std::string s = text_of(v);
  std::string no_comments;
  for (std::size_t i = 0; i < s.size();) {
    if (s.compare(i, 4, "<!--") == 0) {
      std::size_t end = s.find("-->", i + 4);
      if (end != std::string::npos) {
        i = end + 3;
        continue;
      }
    }
    no_comments.push_back(s[i++]);
  }
  std::string no_tags;
  for (std::size_t i = 0; i < no_comments.size();) {
    if (no_comments[i] == '<') {
      std::size_t end = no_comments.find('>', i + 1);
      if (end != std::string::npos) {
        i = end + 1;
        continue;
      }
    }
    no_tags.push_back(no_comments[i++]);
  }
  std::string joined;
  for (const std::string& word : split(no_tags, nullptr, -1)) {
    if (!joined.empty()) joined.push_back(' ');
    joined += word;
  }
  return str_result(html_unescape(joined), true);
}

std::string url_quote(std::string_view s, bool for_qs) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '_' || c == '.' || c == '-' || c == '~' || (c == '/' && !for_qs)) {
      out.push_back(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", u);
      out += buf;
    }
  }
  if (for_qs) {
    std::string plus;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out.compare(i, 3, "%20") == 0) {
        plus.push_back('+');
        i += 2;
      } else {
        plus.push_back(out[i]);
      }
    }
    return plus;
  }
  return out;
}

Value do_urlencode(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "urlencode", {});
  if (v.is_string()) return str_result(url_quote(v.str(), false));
  std::vector<std::pair<Value, Value>> items;
  if (v.is_mapping()) {
    items = mapping_items(v);
  } else if (v.is_list_like()) {
    for (const Value& pair : iterate(v)) {
      std::vector<Value> kv = iterate(pair);
      if (kv.size() != 2) throw Error("urlencode expects pairs");
      items.emplace_back(kv[0], kv[1]);
    }
  } else {
    return str_result(url_quote(to_str(v), false));
  }
  std::string out;
  for (const auto& [k, val] : items) {
    if (!out.empty()) out.push_back('&');
    out += url_quote(to_str(k), true) + "=" + url_quote(to_str(val), true);
  }
  return str_result(out);
}

Value do_format(Interpreter& in, const Value& v, CallArgs& args) {
  if (!args.positional.empty() && !args.keyword.empty()) {
    throw Error("can't handle positional and keyword arguments at the same time");
  }
  Value params;
  if (!args.keyword.empty()) {
    auto data = std::make_shared<DictData>();
    for (auto& [k, val] : args.keyword) data->set(Value::string(k), val);
    params = Value::dict(std::move(data));
  } else {
    params = Value::list(args.positional, ListKind::Tuple);
  }
  std::string out = percent_format(text_of(v), params, in.limits().max_value_bytes);
  in.check_value_size(out.size());
  return str_result(std::move(out));
}

Value do_int(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "int", {"default", "base"});
  Value fallback = a.get(0, Value::integer(0));
  std::int64_t base = a.get(1, Value::integer(10)).as_int();
  if (v.is_undefined()) throw Error(v.undefined_hint());  // Undefined.__int__ raises
  if (v.is(Kind::Int)) return v;
  if (v.is(Kind::Bool)) return Value::wide(v.as_wide());
  if (v.is(Kind::Float)) return float_to_int(v.as_double());
  if (v.is_string()) {
    Int128 out = 0;
    if ((base == 0 || (base >= 2 && base <= 36)) && parse_int(v.str(), static_cast<int>(base), out)) {
      return Value::wide(out);
    }
    double f = 0;
    if (parse_float(v.str(), f)) return float_to_int(f);
  }
  return fallback;
}

Value do_float(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "float", {"default"});
  if (v.is_undefined()) throw Error(v.undefined_hint());
  if (v.is_number()) return Value::floating(v.as_double());
  double f = 0;
  if (v.is_string() && parse_float(v.str(), f)) return Value::floating(f);
  return a.get(0, Value::floating(0.0));
}

Value do_wordcount(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "wordcount", {});
  std::int64_t words = 0;
  bool in_word = false;
  for (char32_t c : decode_utf8(text_of(v))) {
    bool word_char = c == '_' || is_alnum(c);
    if (word_char && !in_word) ++words;
    in_word = word_char;
  }
  return Value::integer(words);
}

Value do_xmlattr(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "xmlattr", {"autospace"});
  bool autospace = truthy(a.get(0, Value::boolean(true)));
  if (!v.is_mapping()) throw Error("xmlattr expects a mapping");
  std::string out;
  for (const auto& [k, val] : mapping_items(v)) {
    if (val.is_none() || val.is_undefined()) continue;
    if (!out.empty()) out.push_back(' ');
    out += html_escape(to_str(k)) + "=\"" + html_escape(to_str(val)) + "\"";
  }
  if (autospace && !out.empty()) out.insert(0, " ");
  return str_result(out, true);
}

}  // namespace

const FilterTable& text_filters() {
  static const FilterTable table = {
      {"upper",
       [](Interpreter&, const Value& v, CallArgs& args) {
         Args a(args, "upper", {});
         return str_result(upper(text_of(v)));
       }},
      {"lower",
       [](Interpreter&, const Value& v, CallArgs& args) {
         Args a(args, "lower", {});
         return str_result(lower(text_of(v)));
       }},
      {"title",
       [](Interpreter&, const Value& v, CallArgs& args) {
         Args a(args, "title", {});
         return str_result(title(text_of(v)));
       }},
      {"capitalize",
       [](Interpreter&, const Value& v, CallArgs& args) {
         Args a(args, "capitalize", {});
         return str_result(capitalize(text_of(v)));
       }},
      {"trim",
       [](Interpreter&, const Value& v, CallArgs& args) {
         Args a(args, "trim", {"chars"});
         Value chars = a.get(0, Value::none());
         std::u32string set = chars.is_string() ? decode_utf8(chars.str()) : std::u32string();
         return str_result(strip(text_of(v), true, true, chars.is_string() ? &set : nullptr));
       }},
      {"replace",
       [](Interpreter& in, const Value& v, CallArgs& args) {
         Args a(args, "replace", {"old", "new", "count"});
         Value n = a.get(2, Value::none());
         std::string out = replace(text_of(v), to_str(a.get(0, Value())), to_str(a.get(1, Value())),
                                   n.is_none() ? -1L : static_cast<long>(n.as_int()));
         in.check_value_size(out.size());
         return str_result(std::move(out));
       }},
      {"escape",
       [](Interpreter&, const Value& v, CallArgs& args) {
         Args a(args, "escape", {});
         if (v.is_safe()) return v;
         return str_result(html_escape(text_of(v)), true);
       }},
      {"e",
       [](Interpreter&, const Value& v, CallArgs& args) {
         Args a(args, "e", {});
         if (v.is_safe()) return v;
         return str_result(html_escape(text_of(v)), true);
       }},
      {"forceescape",
       [](Interpreter&, const Value& v, CallArgs& args) {
         Args a(args, "forceescape", {});
         return str_result(html_escape(text_of(v)), true);
       }},
      {"safe",
       [](Interpreter&, const Value& v, CallArgs& args) {
         Args a(args, "safe", {});
         return str_result(text_of(v), true);
       }},
      {"string",
       [](Interpreter&, const Value& v, CallArgs& args) {
         Args a(args, "string", {});
         if (v.is_string()) return v;
         return str_result(text_of(v));
       }},
      {"truncate", do_truncate},
      {"indent", do_indent},
      {"wordwrap", do_wordwrap},
      {"wordcount", do_wordcount},
      {"striptags", do_striptags},
      {"urlencode", do_urlencode},
      {"format", do_format},
      {"center", do_center},
      {"xmlattr", do_xmlattr},
      {"filesizeformat", do_filesizeformat},
      {"int", do_int},
      {"float", do_float},
      {"round", do_round},
      {"abs",
       [](Interpreter&, const Value& v, CallArgs& args) {
         Args a(args, "abs", {});
         if (v.is_undefined()) throw Error(v.undefined_hint());
         if (v.is(Kind::Float)) return Value::floating(std::fabs(v.as_double()));
         if (v.is(Kind::Int) || v.is(Kind::Bool)) {
           Int128 r = v.as_wide();
           if (r < 0 && __builtin_sub_overflow(Int128(0), v.as_wide(), &r)) throw Error("integer overflow");
           return Value::wide(r);
         }
         throw Error("bad operand type for abs(): '" + type_name(v) + "'");
       }},
      {"tojson",
       [](Interpreter& in, const Value& v, CallArgs& args) {
         Args a(args, "tojson", {"indent"});
         Value indent = a.get(0, Value::none());
         // json.dumps: indent=None is one line, a negative indent is newlines without spaces.
         std::int64_t spaces = indent.is_none() ? -1 : std::max<std::int64_t>(int_arg(indent, "tojson indent"), 0);
         std::string out = json_dumps(v, spaces, true, in.limits().max_value_bytes);
         in.check_value_size(out.size());
         return str_result(std::move(out), true);
       }},
      {"pprint", do_pprint},
  };
  return table;
}

}  // namespace stoq::templating::detail
