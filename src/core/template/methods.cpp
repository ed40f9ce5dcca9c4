// The Python methods templates may call: str (upper, split, ...), dict (items, get, ...)
// and list (count, index, append on template-built lists).
#include <algorithm>
#include <array>

#include "template/interpreter.hpp"
#include "template/text.hpp"

namespace stoq::templating::detail {
namespace {

// ---- methods -------------------------------------------------------------------------

Value str_pad(const Interpreter& in, const Value& self, CallArgs& args, const char* fn, int where) {
  Args a(args, fn, {"width", "fillchar"});
  std::int64_t width = int_arg(a.get(0, Value()), "width");
  std::string fill = a.has(1) ? str_arg(a.get(1, Value()), "fillchar") : " ";
  if (cp_length(fill) != 1) throw Error("The fill character must be exactly one character long");
  auto len = static_cast<std::int64_t>(cp_length(self.str()));
  if (width <= len) return self;
  const std::size_t padding = bytes_for(static_cast<std::uint64_t>(width - len), fill.size());
  in.check_value_size(padding);  // first alone: the sum below cannot overflow
  in.check_value_size(padding + self.str().size());
  std::int64_t pad = width - len;
  std::int64_t left = where < 0 ? 0 : where > 0 ? pad : pad / 2 + (pad & width & 1);
  std::string out;
  for (std::int64_t i = 0; i < left; ++i) out += fill;
  out += self.str();
  for (std::int64_t i = 0; i < pad - left; ++i) out += fill;
  return Value::string(std::move(out));
}

const std::vector<std::pair<std::string_view, MethodFn>>& str_methods() {
  static const std::vector<std::pair<std::string_view, MethodFn>> methods = {
      {"upper",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "upper", {});
         return Value::string(upper(s.str()));
       }},
      {"lower",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "lower", {});
         return Value::string(lower(s.str()));
       }},
      {"title",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "title", {});
         // str.title differs from the filter: every letter after a non-letter starts a word.
         std::u32string u = decode_utf8(s.str());
         bool prev_cased = false;
         for (char32_t& c : u) {
           c = prev_cased ? to_lower(c) : to_upper(c);
           prev_cased = is_alpha(c);
         }
         return Value::string(encode_utf8(u));
       }},
      {"capitalize",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "capitalize", {});
         return Value::string(capitalize(s.str()));
       }},
      {"strip",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "strip", {"chars"});
         Value chars = a.get(0, Value::none());
         std::u32string set = chars.is_string() ? decode_utf8(chars.str()) : std::u32string();
         return Value::string(strip(s.str(), true, true, chars.is_string() ? &set : nullptr));
       }},
      {"lstrip",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "lstrip", {"chars"});
         Value chars = a.get(0, Value::none());
         std::u32string set = chars.is_string() ? decode_utf8(chars.str()) : std::u32string();
         return Value::string(strip(s.str(), true, false, chars.is_string() ? &set : nullptr));
       }},
      {"rstrip",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "rstrip", {"chars"});
         Value chars = a.get(0, Value::none());
         std::u32string set = chars.is_string() ? decode_utf8(chars.str()) : std::u32string();
         return Value::string(strip(s.str(), false, true, chars.is_string() ? &set : nullptr));
       }},
      {"startswith",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "startswith", {"prefix"});
         Value p = a.get(0, Value());
         for (const Value& one : p.is_list_like() ? iterate(p) : std::vector<Value>{p}) {
           if (s.str().starts_with(str_arg(one, "prefix"))) return Value::boolean(true);
         }
         return Value::boolean(false);
       }},
      {"endswith",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "endswith", {"suffix"});
         Value p = a.get(0, Value());
         for (const Value& one : p.is_list_like() ? iterate(p) : std::vector<Value>{p}) {
           if (s.str().ends_with(str_arg(one, "suffix"))) return Value::boolean(true);
         }
         return Value::boolean(false);
       }},
      {"split",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "split", {"sep", "maxsplit"});
         Value sep = a.get(0, Value::none());
         std::string sep_text = sep.is_string() ? std::string(sep.str()) : std::string();
         if (sep.is_string() && sep_text.empty()) throw Error("empty separator");
         long maxsplit = static_cast<long>(int_arg(a.get(1, Value::integer(-1)), "maxsplit"));
         std::vector<Value> parts;
         for (std::string& part : split(s.str(), sep.is_string() ? &sep_text : nullptr, maxsplit)) {
           parts.push_back(Value::string(std::move(part)));
         }
         return Value::list(std::move(parts));
       }},
      {"splitlines",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "splitlines", {});
         std::vector<Value> parts;
         std::string_view rest = s.str();
         while (!rest.empty()) {
           std::size_t nl = rest.find_first_of("\r\n");
           if (nl == std::string_view::npos) {
             parts.push_back(Value::string(std::string(rest)));
             break;
           }
           parts.push_back(Value::string(std::string(rest.substr(0, nl))));
           std::size_t skip = rest[nl] == '\r' && nl + 1 < rest.size() && rest[nl + 1] == '\n' ? 2 : 1;
           rest.remove_prefix(nl + skip);
         }
         return Value::list(std::move(parts));
       }},
      {"replace",
       [](Interpreter& in, const Value& s, CallArgs& args) {
         Args a(args, "replace", {"old", "new", "count"});
         std::string out = replace(s.str(), str_arg(a.get(0, Value()), "old"), str_arg(a.get(1, Value()), "new"),
                                   static_cast<long>(int_arg(a.get(2, Value::integer(-1)), "count")));
         in.check_value_size(out.size());
         return Value::string(std::move(out));
       }},
      {"join",
       [](Interpreter& in, const Value& s, CallArgs& args) {
         Args a(args, "join", {"iterable"});
         std::string out;
         bool first = true;
         for (const Value& item : iterate(a.get(0, Value()))) {
           if (!item.is_string()) throw Error("sequence item: expected str instance, " + type_name(item) + " found");
           if (!first) out += s.str();
           first = false;
           out += item.str();
           in.check_value_size(out.size());
         }
         return Value::string(std::move(out));
       }},
      {"rsplit",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "rsplit", {"sep", "maxsplit"});
         Value sep = a.get(0, Value::none());
         long maxsplit = static_cast<long>(int_arg(a.get(1, Value::integer(-1)), "maxsplit"));
         if (sep.is_string() && sep.str().empty()) throw Error("empty separator");
         std::vector<Value> parts;
         if (maxsplit < 0 || !sep.is_string()) {
           if (maxsplit >= 0) {  // whitespace rsplit with a limit: split the reversed text
             std::u32string u = decode_utf8(s.str());
             std::u32string r(u.rbegin(), u.rend());
             std::vector<std::string> rev = split(encode_utf8(r), nullptr, maxsplit);
             for (auto it = rev.rbegin(); it != rev.rend(); ++it) {  // NOLINT(modernize-loop-convert): reversed
               std::u32string p = decode_utf8(*it);
               parts.push_back(Value::string(encode_utf8(std::u32string(p.rbegin(), p.rend()))));
             }
             return Value::list(std::move(parts));
           }
           std::string sep_text(sep.is_string() ? sep.str() : "");
           for (std::string& part : split(s.str(), sep.is_string() ? &sep_text : nullptr, -1)) {
             parts.push_back(Value::string(std::move(part)));
           }
           return Value::list(std::move(parts));
         }
         std::string_view rest = s.str();
         std::vector<std::string> rev;
         while (static_cast<long>(rev.size()) < maxsplit) {
           std::size_t hit = rest.rfind(sep.str());
           if (hit == std::string_view::npos) break;
           rev.emplace_back(rest.substr(hit + sep.str().size()));
           rest = rest.substr(0, hit);
         }
         parts.push_back(Value::string(std::string(rest)));
         // NOLINTNEXTLINE(modernize-loop-convert): reversed (std::views::reverse needs a newer clang)
         for (auto it = rev.rbegin(); it != rev.rend(); ++it) parts.push_back(Value::string(*it));
         return Value::list(std::move(parts));
       }},
      {"partition",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "partition", {"sep"});
         std::string sep = str_arg(a.get(0, Value()), "sep");
         if (sep.empty()) throw Error("empty separator");
         std::size_t hit = s.str().find(sep);
         if (hit == std::string_view::npos) {
           return Value::list({s, Value::borrowed(""), Value::borrowed("")}, ListKind::Tuple);
         }
         return Value::list({Value::string(std::string(s.str().substr(0, hit))), Value::string(sep),
                             Value::string(std::string(s.str().substr(hit + sep.size())))},
                            ListKind::Tuple);
       }},
      {"rpartition",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "rpartition", {"sep"});
         std::string sep = str_arg(a.get(0, Value()), "sep");
         if (sep.empty()) throw Error("empty separator");
         std::size_t hit = s.str().rfind(sep);
         if (hit == std::string_view::npos) {
           return Value::list({Value::borrowed(""), Value::borrowed(""), s}, ListKind::Tuple);
         }
         return Value::list({Value::string(std::string(s.str().substr(0, hit))), Value::string(sep),
                             Value::string(std::string(s.str().substr(hit + sep.size())))},
                            ListKind::Tuple);
       }},
      {"removeprefix",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "removeprefix", {"prefix"});
         std::string p = str_arg(a.get(0, Value()), "prefix");
         return s.str().starts_with(p) ? Value::string(std::string(s.str().substr(p.size()))) : s;
       }},
      {"removesuffix",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "removesuffix", {"suffix"});
         std::string p = str_arg(a.get(0, Value()), "suffix");
         return !p.empty() && s.str().ends_with(p)
                    ? Value::string(std::string(s.str().substr(0, s.str().size() - p.size())))
                    : s;
       }},
      {"swapcase",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "swapcase", {});
         std::u32string u = decode_utf8(s.str());
         for (char32_t& c : u) c = to_upper(c) != c ? to_upper(c) : to_lower(c);
         return Value::string(encode_utf8(u));
       }},
      {"casefold",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "casefold", {});
         return Value::string(replace(lower(s.str()), "\xc3\x9f", "ss", -1));
       }},
      {"rfind",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "rfind", {"sub"});
         std::size_t at = s.str().rfind(str_arg(a.get(0, Value()), "sub"));
         if (at == std::string_view::npos) return Value::integer(-1);
         return Value::integer(static_cast<std::int64_t>(cp_length(s.str().substr(0, at))));
       }},
      {"isdecimal",
       [](Interpreter&, const Value& s, CallArgs&) {
         bool ok = !s.str().empty() &&
                   std::all_of(s.str().begin(), s.str().end(), [](char c) { return c >= '0' && c <= '9'; });
         return Value::boolean(ok);
       }},
      {"count",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "count", {"sub"});
         return Value::integer(count(s.str(), str_arg(a.get(0, Value()), "sub")));
       }},
      {"find",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "find", {"sub"});
         std::size_t at = s.str().find(str_arg(a.get(0, Value()), "sub"));
         if (at == std::string_view::npos) return Value::integer(-1);
         return Value::integer(static_cast<std::int64_t>(cp_length(s.str().substr(0, at))));
       }},
      {"isdigit",
       [](Interpreter&, const Value& s, CallArgs&) {
         bool ok = !s.str().empty() &&
                   std::all_of(s.str().begin(), s.str().end(), [](char c) { return c >= '0' && c <= '9'; });
         return Value::boolean(ok);
       }},
      {"isalpha",
       [](Interpreter&, const Value& s, CallArgs&) {
         std::u32string u = decode_utf8(s.str());
         return Value::boolean(!u.empty() && std::all_of(u.begin(), u.end(), is_alpha));
       }},
      {"isalnum",
       [](Interpreter&, const Value& s, CallArgs&) {
         std::u32string u = decode_utf8(s.str());
         return Value::boolean(!u.empty() && std::all_of(u.begin(), u.end(), is_alnum));
       }},
      {"isspace",
       [](Interpreter&, const Value& s, CallArgs&) {
         std::u32string u = decode_utf8(s.str());
         return Value::boolean(!u.empty() && std::all_of(u.begin(), u.end(), is_space));
       }},
      {"islower", [](Interpreter&, const Value& s, CallArgs&) { return Value::boolean(is_lower_str(s.str())); }},
      {"isupper", [](Interpreter&, const Value& s, CallArgs&) { return Value::boolean(is_upper_str(s.str())); }},
      {"ljust", [](Interpreter& in, const Value& s, CallArgs& args) { return str_pad(in, s, args, "ljust", -1); }},
      {"rjust", [](Interpreter& in, const Value& s, CallArgs& args) { return str_pad(in, s, args, "rjust", 1); }},
      {"center", [](Interpreter& in, const Value& s, CallArgs& args) { return str_pad(in, s, args, "center", 0); }},
      {"zfill",
       [](Interpreter& in, const Value& s, CallArgs& args) {
         Args a(args, "zfill", {"width"});
         std::int64_t width = int_arg(a.get(0, Value()), "width");
         auto len = static_cast<std::int64_t>(cp_length(s.str()));
         if (width <= len) return s;
         in.check_value_size(static_cast<std::size_t>(width));
         std::string body(s.str());
         std::string sign;
         if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
           sign = body.substr(0, 1);
           body.erase(0, 1);
         }
         return Value::string(sign + std::string(static_cast<std::size_t>(width - len), '0') + body);
       }},
  };
  return methods;
}

const std::vector<std::pair<std::string_view, MethodFn>>& dict_methods() {
  static const std::vector<std::pair<std::string_view, MethodFn>> methods = {
      {"items",
       [](Interpreter&, const Value& d, CallArgs& args) {
         Args a(args, "items", {});
         std::vector<Value> out;
         for (auto& [k, v] : mapping_items(d)) out.push_back(Value::list({k, v}, ListKind::Tuple));
         return Value::list(std::move(out), ListKind::Items);
       }},
      {"keys",
       [](Interpreter&, const Value& d, CallArgs& args) {
         Args a(args, "keys", {});
         return Value::list(iterate(d), ListKind::Keys);
       }},
      {"values",
       [](Interpreter&, const Value& d, CallArgs& args) {
         Args a(args, "values", {});
         std::vector<Value> out;
         for (auto& kv : mapping_items(d)) out.push_back(std::move(kv.second));
         return Value::list(std::move(out), ListKind::Values);
       }},
      {"get",
       [](Interpreter&, const Value& d, CallArgs& args) {
         Args a(args, "get", {"key", "default"});
         Value out;
         if (mapping_get(d, a.get(0, Value()), out)) return out;
         return a.get(1, Value::none());
       }},
      {"copy",
       [](Interpreter&, const Value& d, CallArgs& args) {
         Args a(args, "copy", {});
         auto data = std::make_shared<DictData>();
         data->items = mapping_items(d);
         return Value::dict(std::move(data));
       }},
  };
  return methods;
}

const std::vector<std::pair<std::string_view, MethodFn>>& list_methods() {
  static const std::vector<std::pair<std::string_view, MethodFn>> methods = {
      {"count",
       [](Interpreter&, const Value& l, CallArgs& args) {
         Args a(args, "count", {"value"});
         std::int64_t n = 0;
         for (const Value& v : iterate(l)) n += equals(v, a.get(0, Value())) ? 1 : 0;
         return Value::integer(n);
       }},
      {"index",
       [](Interpreter&, const Value& l, CallArgs& args) {
         Args a(args, "index", {"value"});
         std::vector<Value> items = iterate(l);
         for (std::size_t i = 0; i < items.size(); ++i) {
           if (equals(items[i], a.get(0, Value()))) return Value::integer(static_cast<std::int64_t>(i));
         }
         throw Error(repr(a.get(0, Value())) + " is not in list");
       }},
      {"append",
       [](Interpreter& in, const Value& l, CallArgs& args) {
         Args a(args, "append", {"value"});
         if (!l.is(Kind::List) || l.list_kind() != ListKind::List) {
           throw Error("results data is read-only: append to a list built by the template instead");
         }
         in.step();
         l.mutable_list_items().push_back(a.get(0, Value()));
         in.note_mutation(l);
         return Value::none();
       }},
  };
  return methods;
}

// Python names that exist on dicts even when not callable here (they shadow keys).
constexpr std::array<std::string_view, 6> kOtherDictMethods = {"clear",      "pop",    "popitem",
                                                               "setdefault", "update", "fromkeys"};

class BoundMethod : public Callable {
 public:
  BoundMethod(Value self, std::string_view name, MethodFn fn) : self_(std::move(self)), name_(name), fn_(fn) {}
  Value call(Interpreter& interp, CallArgs& args) override {
    if (fn_ == nullptr) throw Error(type_name(self_) + "." + std::string(name_) + "() is not available in templates");
    return fn_(interp, self_, args);
  }
  [[nodiscard]] std::string repr() const override {
    return "<built-in method " + std::string(name_) + " of " + type_name(self_) + " object>";
  }

 private:
  Value self_;
  std::string_view name_;
  MethodFn fn_;
};

}  // namespace

Value find_method(const Value& obj, std::string_view name) {
  const std::vector<std::pair<std::string_view, MethodFn>>* table = nullptr;
  if (obj.is_string()) table = &str_methods();
  if (obj.is_mapping() && !(obj.is(Kind::Dict) && obj.dict_data().is_namespace)) table = &dict_methods();
  if (obj.is_list_like()) table = &list_methods();
  if (table == nullptr) return Value();
  for (const auto& [method, fn] : *table) {
    if (method == name) return Value::callable(std::make_shared<BoundMethod>(obj, method, fn));
  }
  if (obj.is_mapping()) {
    for (std::string_view other : kOtherDictMethods) {
      if (other == name) return Value::callable(std::make_shared<BoundMethod>(obj, other, nullptr));
    }
  }
  return Value();
}

}  // namespace stoq::templating::detail
