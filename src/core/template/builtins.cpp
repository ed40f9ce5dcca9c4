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

Args::Args(CallArgs& args, std::string_view function, std::initializer_list<std::string_view> params, bool variadic) {
  const std::size_t count = params.size();
  if (count > kMaxParams) throw Error(std::string(function) + "(): too many parameters for Args");
  for (std::size_t i = 0; i < args.positional.size(); ++i) {
    if (i < count) {
      given_[i] = &args.positional[i];
    } else if (variadic) {
      rest.push_back(args.positional[i]);
    } else {
      throw Error(std::string(function) + "() takes at most " + std::to_string(count) + " argument(s) (" +
                  std::to_string(args.positional.size()) + " given)");
    }
  }
  for (auto& [key, value] : args.keyword) {
    auto it = std::find(params.begin(), params.end(), key);
    if (it == params.end()) {
      if (!variadic) throw Error(std::string(function) + "() got an unexpected keyword argument '" + key + "'");
      extra_kwargs.emplace_back(key, value);
      continue;
    }
    auto index = static_cast<std::size_t>(it - params.begin());
    if (given_[index] != nullptr) {
      throw Error(std::string(function) + "() got multiple values for argument '" + key + "'");
    }
    given_[index] = &value;
  }
}

Value Args::get(std::size_t i, const Value& fallback) const {
  return i < given_.size() && given_[i] != nullptr ? *given_[i] : fallback;
}

std::int64_t int_arg(const Value& v, const char* what) {
  if (v.is(Kind::Int) || v.is(Kind::Bool)) return v.as_int();
  throw Error(std::string(what) + " must be an integer, not " + type_name(v));
}

std::string str_arg(const Value& v, const char* what) {
  if (v.is_string()) return std::string(v.str());
  throw Error(std::string(what) + " must be str, not " + type_name(v));
}

namespace {

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
  } else if ((is_indexable(obj) || obj.is_string()) && (key.is(Kind::Int) || key.is(Kind::Bool))) {
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
  // Jinja2 compiles x[a:b] to a plain Python subscript: what Python refuses is an error.
  const auto is_index = [](const Value& v) { return v.is_none() || v.is(Kind::Int) || v.is(Kind::Bool); };
  if (!is_index(start_v) || !is_index(stop_v) || !is_index(step_v)) {
    throw Error("slice indices must be integers or None");
  }
  if (!obj.is_string() && !is_indexable(obj)) throw Error("'" + type_name(obj) + "' object is not subscriptable");
  const auto opt = [](const Value& v) -> std::optional<std::int64_t> {
    if (v.is_none()) return std::nullopt;
    return v.as_int();
  };
  std::optional<std::int64_t> start = opt(start_v);
  std::optional<std::int64_t> stop = opt(stop_v);
  std::int64_t step = opt(step_v).value_or(1);
  if (step == 0) throw Error("slice step cannot be zero");

  std::u32string chars;
  std::vector<Value> items;
  bool is_str = obj.is_string();
  if (is_str) {
    chars = decode_utf8(obj.str());
  } else {
    items = iterate(obj);
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
