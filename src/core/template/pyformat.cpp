#include "template/pyformat.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "stoq/error.hpp"
#include "template/text.hpp"

namespace stoq::templating::detail {

std::string format_fixed(double x, int precision) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, "%.*f", std::clamp(precision, 0, 100), x);
  if (n < 0 || static_cast<std::size_t>(n) >= sizeof buf) {
    std::string big(static_cast<std::size_t>(std::max(n, 0)) + 1, '\0');
    std::snprintf(big.data(), big.size(), "%.*f", std::clamp(precision, 0, 100), x);
    big.pop_back();
    return big;
  }
  return std::string(buf, static_cast<std::size_t>(n));
}

namespace {

// ascii(): repr() with every non-ASCII character escaped.
std::string ascii_escape(std::string_view text) {
  std::string out;
  for (char32_t c : decode_utf8(text)) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      append_python_escape(out, c);
    }
  }
  return out;
}

struct Spec {
  bool left = false;
  bool plus = false;
  bool space = false;
  bool alt = false;
  bool zero = false;
  std::int64_t width = -1;
  std::int64_t precision = -1;
};

std::string pad(std::string body, const Spec& spec, bool numeric) {
  auto len = static_cast<std::int64_t>(cp_length(body));
  if (spec.width <= len) return body;
  auto fill = static_cast<std::size_t>(spec.width - len);
  if (spec.left) return body + std::string(fill, ' ');
  if (spec.zero && numeric) {
    std::size_t at = !body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ') ? 1 : 0;
    if (body.compare(at, 2, "0x") == 0 || body.compare(at, 2, "0X") == 0 || body.compare(at, 2, "0o") == 0) at += 2;
    body.insert(at, fill, '0');
    return body;
  }
  return std::string(fill, ' ') + body;
}

Int128 as_integer(const Value& v, char type) {
  if (v.is(Kind::Int) || v.is(Kind::Bool)) return v.as_wide();
  if (v.is(Kind::Float) && type != 'x' && type != 'X' && type != 'o' && type != 'c') {
    double f = v.as_double();
    if (!std::isfinite(f)) throw Error("cannot convert float infinity or NaN to integer");
    if (std::fabs(f) >= 1.7e38) throw Error("integer overflow");
    return static_cast<Int128>(f);
  }
  throw Error(std::string("%") + type + " format: a real number is required, not " + type_name(v));
}

std::string sign_prefix(bool negative, const Spec& spec) {
  if (negative) return "-";
  if (spec.plus) return "+";
  if (spec.space) return " ";
  return "";
}

std::string format_one(char type, const Spec& spec, const Value& v) {
  switch (type) {
    case 's':
    case 'r':
    case 'a': {
      std::string text = type == 's' ? to_str(v) : repr(v);
      if (type == 'a') text = ascii_escape(text);
      if (spec.precision >= 0) {
        std::u32string u = decode_utf8(text);
        if (u.size() > static_cast<std::size_t>(spec.precision))
          text = encode_utf8(u.substr(0, static_cast<std::size_t>(spec.precision)));
      }
      return pad(std::move(text), spec, false);
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      Int128 n = as_integer(v, type);
      int base = type == 'x' || type == 'X' ? 16 : type == 'o' ? 8 : 10;
      std::string digits = int_to_string(n, base, type == 'X');
      if (n < 0) digits.erase(0, 1);
      if (spec.precision > static_cast<std::int64_t>(digits.size())) {
        digits.insert(0, static_cast<std::size_t>(spec.precision) - digits.size(), '0');
      }
      std::string prefix;
      if (spec.alt && type == 'x') prefix = "0x";
      if (spec.alt && type == 'X') prefix = "0X";
      if (spec.alt && type == 'o') prefix = "0o";
      return pad(sign_prefix(n < 0, spec) + prefix + digits, spec, true);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (!v.is_number()) throw Error(std::string("must be real number, not ") + type_name(v));
      double x = v.as_double();
      int precision = spec.precision < 0 ? 6 : static_cast<int>(spec.precision);  // <= max_bytes
      std::string body;
      if (std::isnan(x) || std::isinf(x)) {
        body = std::isnan(x) ? "nan" : "inf";
        if (type == 'E' || type == 'F' || type == 'G') body = upper(body);
      } else {
        char conv[8] = {'%', '.', '*', type, 0};
        if (spec.alt) {
          conv[0] = '%';
          conv[1] = '#';
          conv[2] = '.';
          conv[3] = '*';
          conv[4] = type;
          conv[5] = 0;
        }
        int size = std::snprintf(nullptr, 0, conv, precision, std::fabs(x));
        body.assign(static_cast<std::size_t>(std::max(size, 0)) + 1, '\0');
        std::snprintf(body.data(), body.size(), conv, precision, std::fabs(x));
        body.pop_back();
      }
      return pad(sign_prefix(std::signbit(x) && !std::isnan(x), spec) + body, spec, !std::isinf(x) && !std::isnan(x));
    }
    case 'c': {
      if (v.is_string()) {
        if (cp_length(v.str()) != 1) throw Error("%c requires int or char");
        return pad(std::string(v.str()), spec, false);
      }
      Int128 cp = as_integer(v, 'c');
      if (cp < 0 || cp > 0x10FFFF) throw Error("%c arg not in range(0x110000)");
      std::string one;
      append_utf8(one, static_cast<char32_t>(cp));
      return pad(std::move(one), spec, false);
    }
    default: throw Error(std::string("unsupported format character '") + type + "'");
  }
}

}  // namespace

std::string percent_format(std::string_view fmt, const Value& args, std::size_t max_bytes) {
  std::vector<Value> positional;
  bool tuple_args = is_tuple(args);
  if (tuple_args) {
    positional = args.list_items();
  } else {
    positional.push_back(args);
  }
  bool mapping = args.is_mapping() && !tuple_args;
  std::size_t next_arg = 0;
  bool used_mapping = false;
  const auto take = [&]() -> const Value& {
    if (next_arg >= positional.size()) throw Error("not enough arguments for format string");
    return positional[next_arg++];
  };
  std::string out;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out.push_back(fmt[i]);
      continue;
    }
    if (++i >= fmt.size()) throw Error("incomplete format");
    Value keyed;
    bool has_key = false;
    if (fmt[i] == '(') {
      if (!mapping) throw Error("format requires a mapping");
      std::size_t close = fmt.find(')', i);
      if (close == std::string_view::npos) throw Error("incomplete format key");
      Value key = Value::string(std::string(fmt.substr(i + 1, close - i - 1)));
      if (!mapping_get(args, key, keyed)) throw Error("KeyError: " + repr(key));
      has_key = true;
      used_mapping = true;
      i = close + 1;
    }
    Spec spec;
    for (; i < fmt.size(); ++i) {
      char f = fmt[i];
      if (f == '-')
        spec.left = true;
      else if (f == '+')
        spec.plus = true;
      else if (f == ' ')
        spec.space = true;
      else if (f == '#')
        spec.alt = true;
      else if (f == '0')
        spec.zero = true;
      else
        break;
    }
    // A width or precision, saturated at INT64_MAX (far above any max_bytes).
    const auto number = [&](std::int64_t& field) {
      if (i < fmt.size() && fmt[i] == '*') {
        Int128 n = as_integer(take(), 'd');
        field = n > INT64_MAX ? INT64_MAX : n < -INT64_MAX ? -INT64_MAX : static_cast<std::int64_t>(n);
        ++i;
        return;
      }
      std::int64_t n = 0;
      bool any = false;
      while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9') {
        n = n > (INT64_MAX - 9) / 10 ? INT64_MAX : n * 10 + (fmt[i] - '0');
        ++i;
        any = true;
      }
      if (any) field = n;
    };
    number(spec.width);
    if (spec.width < -1) {
      spec.left = true;
      spec.width = -spec.width;
    }
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      spec.precision = 0;
      number(spec.precision);
    }
    while (i < fmt.size() && (fmt[i] == 'h' || fmt[i] == 'l' || fmt[i] == 'L')) ++i;
    if (i >= fmt.size()) throw Error("incomplete format");
    char type = fmt[i];
    if (type == '%') {
      out.push_back('%');
      continue;
    }
    // Padding and numeric precision allocate what they ask for; %s's precision only cuts.
    if (spec.width > 0) check_value_bytes(static_cast<std::size_t>(spec.width), max_bytes);
    if (spec.precision > 0 && type != 's' && type != 'r' && type != 'a') {
      check_value_bytes(static_cast<std::size_t>(spec.precision), max_bytes);
    }
    out += format_one(type, spec, has_key ? keyed : (mapping ? args : take()));
    check_value_bytes(out.size(), max_bytes);
    if (mapping && !has_key) used_mapping = true;
  }
  // Python skips this check when the argument is "mapping-like" (has __getitem__): lists too.
  const bool getitem_like = mapping || (args.is_list_like() && !tuple_args);
  if (!getitem_like && next_arg < positional.size()) {
    throw Error("not all arguments converted during string formatting");
  }
  (void)used_mapping;
  return out;
}

namespace {

void dump_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char32_t c : decode_utf8(s)) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        char buf[16];
        if (c >= 0x20 && c < 0x7F) {
          out.push_back(static_cast<char>(c));
        } else if (c < 0x10000) {
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          char32_t v = c - 0x10000;
          std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 | (v >> 10)),
                        static_cast<unsigned>(0xDC00 | (v & 0x3FF)));
          out += buf;
        }
      }
    }
  }
  out.push_back('"');
}

// The text json.dumps is building, and the most it may grow to.
struct JsonText {
  std::string text;
  std::size_t max_bytes;
};

void newline(JsonText& out, std::int64_t indent, int level) {
  // indent <= max_bytes (checked by json_dumps) and level <= kMaxValueNesting: no overflow.
  const auto spaces = static_cast<std::size_t>(indent) * static_cast<std::size_t>(level);
  check_value_bytes(out.text.size() + 1 + spaces, out.max_bytes);
  out.text.push_back('\n');
  out.text.append(spaces, ' ');
}

void dump(JsonText& json, const Value& v, std::int64_t indent, int level) {
  NestingLevel nesting;
  check_value_bytes(json.text.size(), json.max_bytes);
  std::string& out = json.text;
  switch (v.kind()) {
    case Kind::None: out += "null"; return;
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Kind::Int: out += int_to_string(v.as_wide()); return;
    case Kind::Float: {
      double f = v.as_double();
      if (std::isnan(f)) {
        out += "NaN";
      } else if (std::isinf(f)) {
        out += f < 0 ? "-Infinity" : "Infinity";
      } else {
        out += float_repr(f);
      }
      return;
    }
    case Kind::String: dump_string(out, v.str()); return;
    case Kind::List:
    case Kind::JsonArray: {
      if (v.is(Kind::List) && !is_indexable(v) && !is_tuple(v)) {
        throw Error("Object of type " + type_name(v) + " is not JSON serializable");
      }
      std::vector<Value> items = iterate(v);
      if (items.empty()) {
        out += "[]";
        return;
      }
      out.push_back('[');
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += indent >= 0 ? "," : ", ";
        if (indent >= 0) newline(json, indent, level + 1);
        dump(json, items[i], indent, level + 1);
      }
      if (indent >= 0) newline(json, indent, level);
      out.push_back(']');
      return;
    }
    case Kind::Dict:
    case Kind::JsonObject: {
      std::vector<std::pair<Value, Value>> items = mapping_items(v);
      if (items.empty()) {
        out += "{}";
        return;
      }
      std::stable_sort(items.begin(), items.end(),
                       [](const auto& a, const auto& b) { return compare(a.first, b.first) < 0; });
      out.push_back('{');
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += indent >= 0 ? "," : ", ";
        if (indent >= 0) newline(json, indent, level + 1);
        const Value& key = items[i].first;
        if (key.is_string()) {
          dump_string(out, key.str());
        } else if (key.is_none()) {
          out += "\"null\"";
        } else if (key.is(Kind::Bool)) {
          out += key.as_bool() ? "\"true\"" : "\"false\"";
        } else if (key.is(Kind::Int) || key.is(Kind::Float)) {
          out += "\"" + to_str(key) + "\"";
        } else {
          throw Error("keys must be str, int, float, bool or None, not " + type_name(key));
        }
        out += ": ";
        dump(json, items[i].second, indent, level + 1);
      }
      if (indent >= 0) newline(json, indent, level);
      out.push_back('}');
      return;
    }
    default: throw Error("Object of type " + type_name(v) + " is not JSON serializable");
  }
}

}  // namespace

std::string json_dumps(const Value& v, std::int64_t indent, bool html_safe, std::size_t max_bytes) {
  if (indent > 0) check_value_bytes(static_cast<std::size_t>(indent), max_bytes);
  JsonText json{std::string(), max_bytes};
  dump(json, v, indent, 0);
  check_value_bytes(json.text.size(), max_bytes);
  std::string out = std::move(json.text);
  if (!html_safe) return out;
  std::string safe;
  safe.reserve(out.size());
  for (char c : out) {
    switch (c) {
      case '<': safe += "\\u003c"; break;
      case '>': safe += "\\u003e"; break;
      case '&': safe += "\\u0026"; break;
      case '\'': safe += "\\u0027"; break;
      default: safe.push_back(c);
    }
  }
  return safe;
}

}  // namespace stoq::templating::detail
