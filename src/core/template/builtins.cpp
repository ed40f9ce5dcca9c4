// Attribute and item access, the methods templates may call on str/dict/list values,
// and the global functions (range, dict, namespace, cycler, joiner).
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "template/interpreter.hpp"
#include "template/text.hpp"

namespace stoq::templating::detail {

// ---- argument binding ------------------------------------------------------------------

Args::Args(CallArgs& args, std::string_view function, std::initializer_list<std::string_view> params, bool variadic)
    : given_(params.size(), nullptr) {
  std::vector<std::string_view> names(params);
  for (std::size_t i = 0; i < args.positional.size(); ++i) {
    if (i < names.size()) {
      given_[i] = &args.positional[i];
    } else if (variadic) {
      rest.push_back(args.positional[i]);
    } else {
      throw Error(std::string(function) + "() takes at most " + std::to_string(names.size()) + " argument(s) (" +
                  std::to_string(args.positional.size()) + " given)");
    }
  }
  for (auto& [key, value] : args.keyword) {
    auto it = std::find(names.begin(), names.end(), key);
    if (it == names.end()) {
      if (!variadic) throw Error(std::string(function) + "() got an unexpected keyword argument '" + key + "'");
      extra_kwargs.emplace_back(key, value);
      continue;
    }
    auto index = static_cast<std::size_t>(it - names.begin());
    if (given_[index] != nullptr) {
      throw Error(std::string(function) + "() got multiple values for argument '" + key + "'");
    }
    given_[index] = &value;
  }
}

Value Args::get(std::size_t i, const Value& fallback) const { return given_[i] != nullptr ? *given_[i] : fallback; }

namespace {

std::int64_t int_arg(const Value& v, const char* what) {
  if (v.is(Kind::Int) || v.is(Kind::Bool)) return v.as_int();
  throw Error(std::string(what) + " must be an integer, not " + type_name(v));
}

std::string str_arg(const Value& v, const char* what) {
  if (v.is_string()) return std::string(v.str());
  throw Error(std::string(what) + " must be str, not " + type_name(v));
}

// ---- methods -------------------------------------------------------------------------

using MethodFn = Value (*)(Interpreter&, const Value&, CallArgs&);

Value str_pad(const Value& self, CallArgs& args, const char* fn, int where) {
  Args a(args, fn, {"width", "fillchar"});
  std::int64_t width = int_arg(a.get(0, Value()), "width");
  std::string fill = a.has(1) ? str_arg(a.get(1, Value()), "fillchar") : " ";
  if (cp_length(fill) != 1) throw Error("The fill character must be exactly one character long");
  auto len = static_cast<std::int64_t>(cp_length(self.str()));
  if (width <= len) return self;
  if (width > (1 << 26)) throw Error("width too large");
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
      {"ljust", [](Interpreter&, const Value& s, CallArgs& args) { return str_pad(s, args, "ljust", -1); }},
      {"rjust", [](Interpreter&, const Value& s, CallArgs& args) { return str_pad(s, args, "rjust", 1); }},
      {"center", [](Interpreter&, const Value& s, CallArgs& args) { return str_pad(s, args, "center", 0); }},
      {"zfill",
       [](Interpreter&, const Value& s, CallArgs& args) {
         Args a(args, "zfill", {"width"});
         std::int64_t width = int_arg(a.get(0, Value()), "width");
         auto len = static_cast<std::int64_t>(cp_length(s.str()));
         if (width <= len) return s;
         if (width > (1 << 26)) throw Error("width too large");
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

std::string object_desc(const Value& obj) {
  if (obj.is_none()) return "None";
  return "'" + type_name(obj) + " object'";
}

Value no_attribute(const Value& obj, std::string_view name) {
  return Value::undefined(object_desc(obj) + " has no attribute '" + std::string(name) + "'");
}

// Normalizes a Python index; false when out of range.
bool normalize_index(std::int64_t& i, std::int64_t size) {
  if (i < 0) i += size;
  return i >= 0 && i < size;
}

}  // namespace

Value get_attribute(const Value& obj, std::string_view name) {
  if (obj.is_undefined()) throw Error(obj.undefined_hint());
  if (name.starts_with('_')) return no_attribute(obj, name);  // no Python internals, ever
  if (obj.is(Kind::Object)) return obj.object_ref().getattr(name);
  if (obj.is(Kind::List) && obj.list_kind() == ListKind::Group && (name == "grouper" || name == "list")) {
    return obj.list_items()[name == "grouper" ? 0 : 1];
  }
  Value method = find_method(obj, name);
  if (!method.is_undefined()) return method;
  Value out;
  if (obj.is_mapping() && mapping_get(obj, Value::borrowed(name), out)) return out;
  return no_attribute(obj, name);
}

Value get_item(const Value& obj, const Value& key) {
  if (obj.is_undefined()) throw Error(obj.undefined_hint());
  if (obj.is_mapping()) {
    Value out;
    if (mapping_get(obj, key, out)) return out;
  } else if ((obj.is_list_like() || obj.is_string()) && (key.is(Kind::Int) || key.is(Kind::Bool))) {
    std::int64_t i = key.as_int();
    if (obj.is(Kind::JsonArray)) {
      if (normalize_index(i, static_cast<std::int64_t>(obj.json().size()))) {
        return Value::from_json(obj.json()[static_cast<std::size_t>(i)]);
      }
    } else if (obj.is(Kind::List)) {
      if (normalize_index(i, static_cast<std::int64_t>(obj.list_items().size()))) {
        return obj.list_items()[static_cast<std::size_t>(i)];
      }
    } else {
      std::u32string u = decode_utf8(obj.str());
      if (normalize_index(i, static_cast<std::int64_t>(u.size()))) {
        std::string one;
        append_utf8(one, u[static_cast<std::size_t>(i)]);
        return Value::string(std::move(one));
      }
    }
    return Value::undefined(object_desc(obj) + " has no element " + std::to_string(key.as_int()));
  }
  if (key.is_string()) return get_attribute(obj, key.str());
  return Value::undefined(object_desc(obj) + " has no element " + repr(key));
}

Value get_slice(const Value& obj, const Value& start_v, const Value& stop_v, const Value& step_v) {
  if (obj.is_undefined()) throw Error(obj.undefined_hint());
  const auto opt = [](const Value& v, const char* what) -> std::optional<std::int64_t> {
    if (v.is_none()) return std::nullopt;
    if (v.is(Kind::Int) || v.is(Kind::Bool)) return v.as_int();
    throw Error(std::string("slice ") + what + " must be an integer or None, not " + type_name(v));
  };
  std::optional<std::int64_t> start = opt(start_v, "start");
  std::optional<std::int64_t> stop = opt(stop_v, "stop");
  std::int64_t step = opt(step_v, "step").value_or(1);
  if (step == 0) throw Error("slice step cannot be zero");

  std::u32string chars;
  std::vector<Value> items;
  bool is_str = obj.is_string();
  if (is_str) {
    chars = decode_utf8(obj.str());
  } else if (obj.is_list_like()) {
    items = iterate(obj);
  } else {
    throw Error("'" + type_name(obj) + "' object is not subscriptable");
  }
  const auto size = static_cast<std::int64_t>(is_str ? chars.size() : items.size());
  // CPython's PySlice_AdjustIndices.
  const auto adjust = [&](std::optional<std::int64_t> v, std::int64_t fallback) {
    if (!v) return fallback;
    std::int64_t i = *v;
    if (i < 0) {
      i += size;
      if (i < 0) i = step < 0 ? -1 : 0;
    } else if (i >= size) {
      i = step < 0 ? size - 1 : size;
    }
    return i;
  };
  std::int64_t lo = adjust(start, step < 0 ? size - 1 : 0);
  std::int64_t hi = adjust(stop, step < 0 ? -1 : size);
  std::u32string out_chars;
  std::vector<Value> out_items;
  for (std::int64_t i = lo; step > 0 ? i < hi : i > hi; i += step) {
    if (is_str) {
      out_chars.push_back(chars[static_cast<std::size_t>(i)]);
    } else {
      out_items.push_back(items[static_cast<std::size_t>(i)]);
    }
  }
  if (is_str) return Value::string(encode_utf8(out_chars));
  bool tuple = is_tuple(obj);
  return Value::list(std::move(out_items), tuple ? ListKind::Tuple : ListKind::List);
}

// ---- globals -------------------------------------------------------------------------

namespace {

class GlobalFn : public Callable {
 public:
  GlobalFn(std::string_view name, MethodFn fn) : name_(name), fn_(fn) {}
  Value call(Interpreter& interp, CallArgs& args) override { return fn_(interp, Value(), args); }
  [[nodiscard]] std::string repr() const override { return "<function " + std::string(name_) + ">"; }

 private:
  std::string_view name_;
  MethodFn fn_;
};

class Cycler : public Object, public std::enable_shared_from_this<Cycler> {
 public:
  explicit Cycler(std::vector<Value> items) : items_(std::move(items)) {}
  Value getattr(std::string_view name) override {
    if (name == "current") return items_[pos_];
    if (name == "next" || name == "reset") {
      return Value::callable(std::make_shared<Method>(shared_from_this(), name == "next"));
    }
    return Value::undefined("'Cycler object' has no attribute '" + std::string(name) + "'");
  }
  [[nodiscard]] std::string repr() const override { return "<Cycler>"; }

 private:
  class Method : public Callable {
   public:
    Method(std::shared_ptr<Cycler> c, bool next) : cycler_(std::move(c)), next_(next) {}
    Value call(Interpreter& /*interp*/, CallArgs& /*args*/) override {
      if (!next_) {
        cycler_->pos_ = 0;
        return Value::none();
      }
      Value v = cycler_->items_[cycler_->pos_];
      cycler_->pos_ = (cycler_->pos_ + 1) % cycler_->items_.size();
      return v;
    }
    [[nodiscard]] std::string repr() const override { return "<bound method Cycler>"; }

   private:
    std::shared_ptr<Cycler> cycler_;
    bool next_;
  };
  std::vector<Value> items_;
  std::size_t pos_ = 0;
};

class Joiner : public Callable {
 public:
  explicit Joiner(Value sep) : sep_(std::move(sep)) {}
  Value call(Interpreter& /*interp*/, CallArgs& /*args*/) override {
    if (!used_) {
      used_ = true;
      return Value::borrowed("");
    }
    return sep_;
  }
  [[nodiscard]] std::string repr() const override { return "<Joiner>"; }

 private:
  Value sep_;
  bool used_ = false;
};

Value make_dict(const CallArgs& args, bool is_namespace) {
  auto data = std::make_shared<DictData>();
  data->is_namespace = is_namespace;
  if (args.positional.size() > 1) throw Error("expected at most 1 positional argument");
  if (!args.positional.empty()) {
    const Value& init = args.positional[0];
    if (init.is_mapping()) {
      for (auto& [k, v] : mapping_items(init)) data->set(k, v);
    } else {
      for (const Value& pair : iterate(init)) {
        std::vector<Value> kv = iterate(pair);
        if (kv.size() != 2) throw Error("dictionary update sequence element has wrong length");
        data->set(kv[0], kv[1]);
      }
    }
  }
  for (const auto& [k, v] : args.keyword) data->set(Value::string(k), v);
  return Value::dict(std::move(data));
}

const std::vector<std::pair<std::string_view, MethodFn>>& globals() {
  static const std::vector<std::pair<std::string_view, MethodFn>> table = {
      {"range",
       [](Interpreter& in, const Value&, CallArgs& args) {
         if (!args.keyword.empty()) throw Error("range() takes no keyword arguments");
         std::vector<std::int64_t> n;
         for (const Value& v : args.positional) n.push_back(int_arg(v, "range() argument"));
         if (n.empty() || n.size() > 3) throw Error("range expected 1 to 3 arguments");
         std::int64_t start = n.size() == 1 ? 0 : n[0];
         std::int64_t stop = n.size() == 1 ? n[0] : n[1];
         std::int64_t step = n.size() == 3 ? n[2] : 1;
         if (step == 0) throw Error("range() arg 3 must not be zero");
         // Its length first: a huge range is refused before anything is allocated.
         long double span = step > 0 ? static_cast<long double>(stop) - start : static_cast<long double>(start) - stop;
         long double magnitude = step > 0 ? step : -static_cast<long double>(step);
         long double count = span <= 0 ? 0 : std::floor((span + magnitude - 1) / magnitude);
         in.check_value_size(static_cast<std::size_t>(std::min<long double>(count, 1e15)) * sizeof(Value));
         in.step(static_cast<std::uint64_t>(count));
         std::vector<Value> out;
         out.reserve(static_cast<std::size_t>(count));
         for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
           out.push_back(Value::integer(i));
           if ((step > 0 && i > INT64_MAX - step) || (step < 0 && i < INT64_MIN - step)) break;
         }
         return Value::list(std::move(out));
       }},
      {"dict", [](Interpreter&, const Value&, CallArgs& args) { return make_dict(args, false); }},
      {"namespace", [](Interpreter&, const Value&, CallArgs& args) { return make_dict(args, true); }},
      {"cycler",
       [](Interpreter&, const Value&, CallArgs& args) {
         if (args.positional.empty()) throw Error("at least one item has to be provided");
         return Value::object(std::make_shared<Cycler>(args.positional));
       }},
      {"joiner",
       [](Interpreter&, const Value&, CallArgs& args) {
         Args a(args, "joiner", {"sep"});
         return Value::callable(std::make_shared<Joiner>(a.get(0, Value::borrowed(", "))));
       }},
  };
  return table;
}

}  // namespace

Value global_function(std::string_view name) {
  for (const auto& [global, fn] : globals()) {
    if (global == name) return Value::callable(std::make_shared<GlobalFn>(global, fn));
  }
  return Value();
}

}  // namespace stoq::templating::detail
