#include "template/value.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

#include "stoq/error.hpp"
#include "template/text.hpp"

namespace stoq::templating::detail {

Value Object::getattr(std::string_view /*name*/) { return Value(); }
Value Object::call(Interpreter& /*interp*/, CallArgs& /*args*/) {
  throw Error("'" + repr() + "' object is not callable");
}

// ---- construction --------------------------------------------------------------------

Value Value::undefined(std::string hint) {
  Value v;
  if (!hint.empty()) v.owner_ = std::make_shared<std::string>(std::move(hint));
  return v;
}

Value Value::none() {
  Value v;
  v.kind_ = Kind::None;
  return v;
}

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::Bool;
  v.b_ = b;
  return v;
}

Value Value::integer(std::int64_t i) {
  Value v;
  v.kind_ = Kind::Int;
  v.i_ = i;
  return v;
}

Value Value::wide(Int128 i) {
  Value v;
  v.kind_ = Kind::Int;
  v.i_ = i;
  return v;
}

std::int64_t Value::as_int() const {
  Int128 w = as_wide();
  if (w > INT64_MAX) return INT64_MAX;
  if (w < INT64_MIN) return INT64_MIN;
  return static_cast<std::int64_t>(w);
}

std::string int_to_string(Int128 v, int base, bool upper) {
  if (v == 0) return "0";
  bool negative = v < 0;
  // Work on the magnitude as unsigned so that the most negative value is safe.
  UInt128 m = negative ? -static_cast<UInt128>(v) : static_cast<UInt128>(v);
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  while (m > 0) {
    out.push_back(digits[static_cast<int>(m % static_cast<unsigned>(base))]);
    m /= static_cast<unsigned>(base);
  }
  if (negative) out.push_back('-');
  return std::string(out.rbegin(), out.rend());
}

Value Value::floating(double f) {
  Value v;
  v.kind_ = Kind::Float;
  v.f_ = f;
  return v;
}

Value Value::string(std::string s, bool safe) {
  Value v;
  v.kind_ = Kind::String;
  v.flags_ = safe ? 1 : 0;
  auto owned = std::make_shared<std::string>(std::move(s));
  v.str_ = *owned;
  v.owner_ = std::move(owned);
  return v;
}

Value Value::borrowed(std::string_view s, bool safe) {
  Value v;
  v.kind_ = Kind::String;
  v.flags_ = safe ? 1 : 0;
  v.str_ = s;
  return v;
}

Value Value::substring(std::size_t pos, std::size_t count) const {
  Value v = *this;
  v.flags_ = 0;
  v.str_ = str_.substr(pos, count);
  return v;
}

Value Value::list(std::vector<Value> items, ListKind kind) {
  Value v;
  v.kind_ = Kind::List;
  v.flags_ = static_cast<std::uint8_t>(kind);
  v.owner_ = std::make_shared<ListData>(std::move(items));
  return v;
}

Value Value::dict(std::shared_ptr<DictData> data) {
  Value v;
  v.kind_ = Kind::Dict;
  v.owner_ = std::move(data);
  return v;
}

Value Value::from_json(const Json& json) {
  switch (json.type()) {
    case Json::value_t::null: return none();
    case Json::value_t::boolean: return boolean(json.get<bool>());
    case Json::value_t::number_integer: return integer(json.get<std::int64_t>());
    case Json::value_t::number_unsigned: {
      return wide(static_cast<Int128>(json.get<std::uint64_t>()));
    }
    case Json::value_t::number_float: return floating(json.get<double>());
    case Json::value_t::string: return borrowed(json.get_ref<const std::string&>());
    case Json::value_t::array: {
      Value v;
      v.kind_ = Kind::JsonArray;
      v.json_ = &json;
      return v;
    }
    case Json::value_t::object: {
      Value v;
      v.kind_ = Kind::JsonObject;
      v.json_ = &json;
      return v;
    }
    default: return none();  // binary/discarded never occur in results
  }
}

Value Value::callable(std::shared_ptr<Callable> fn) {
  Value v;
  v.kind_ = Kind::Callable;
  v.owner_ = std::move(fn);
  return v;
}

Value Value::object(std::shared_ptr<Object> obj) {
  Value v;
  v.kind_ = Kind::Object;
  v.owner_ = std::move(obj);
  return v;
}

double Value::as_double() const {
  switch (kind_) {
    case Kind::Float: return f_;
    case Kind::Int: return static_cast<double>(i_);
    case Kind::Bool: return b_ ? 1.0 : 0.0;
    default: return 0.0;
  }
}

std::shared_ptr<ListData> Value::list_ptr() const {
  return kind_ == Kind::List ? std::static_pointer_cast<ListData>(owner_) : nullptr;
}

std::shared_ptr<DictData> Value::dict_ptr() const {
  return kind_ == Kind::Dict ? std::static_pointer_cast<DictData>(owner_) : nullptr;
}

const std::vector<Value>& Value::list_items() const { return static_cast<ListData*>(owner_.get())->items; }
std::vector<Value>& Value::mutable_list_items() const { return static_cast<ListData*>(owner_.get())->items; }
DictData& Value::dict_data() const { return *static_cast<DictData*>(owner_.get()); }
Callable& Value::callable_ref() const { return *static_cast<Callable*>(owner_.get()); }
Object& Value::object_ref() const { return *static_cast<Object*>(owner_.get()); }

std::string Value::undefined_hint() const {
  if (kind_ != Kind::Undefined || !owner_) return "value is undefined";
  return *static_cast<std::string*>(owner_.get());
}

const void* Value::identity() const {
  if (kind_ == Kind::JsonArray || kind_ == Kind::JsonObject) return json_;
  return owner_.get();
}

namespace {

// Owners of containers being freed; the outermost destructor drains it in a loop.
thread_local std::vector<std::shared_ptr<void>>* graveyard = nullptr;

void bury(Value& v, std::vector<std::shared_ptr<void>>& out) {
  if (v.is(Kind::List) || v.is(Kind::Dict)) out.push_back(v.release_owner());
}

template <typename Collect>
void release_iteratively(Collect collect) {
  if (graveyard != nullptr) {
    collect(*graveyard);
    return;
  }
  std::vector<std::shared_ptr<void>> pending;
  graveyard = &pending;
  collect(pending);
  while (!pending.empty()) {
    std::shared_ptr<void> last = std::move(pending.back());
    pending.pop_back();
    last.reset();  // may bury more into `pending`
  }
  graveyard = nullptr;
}

thread_local std::vector<const void*> repr_active;  // containers being printed
thread_local std::size_t nesting_levels = 0;        // NestingLevel objects alive on this thread
thread_local std::size_t text_budget = SIZE_MAX;    // set by TextBudget

}  // namespace

void check_value_bytes(std::size_t bytes, std::size_t limit) {
  if (bytes > limit) {
    throw Error("a value built by the template exceeds " + std::to_string(limit) +
                " bytes (TemplateLimits::max_value_bytes)");
  }
}

TextBudget::TextBudget(std::size_t max_bytes) : previous_(text_budget) { text_budget = max_bytes; }
TextBudget::~TextBudget() { text_budget = previous_; }

NestingLevel::NestingLevel() {
  if (nesting_levels >= kMaxValueNesting) {
    throw Error("value nested deeper than " + std::to_string(kMaxValueNesting) + " levels");
  }
  ++nesting_levels;
}

NestingLevel::~NestingLevel() { --nesting_levels; }

ListData::~ListData() {
  release_iteratively([this](std::vector<std::shared_ptr<void>>& out) {
    for (Value& v : items) bury(v, out);
  });
}

DictData::~DictData() {
  release_iteratively([this](std::vector<std::shared_ptr<void>>& out) {
    for (auto& [k, v] : items) {
      bury(k, out);
      bury(v, out);
    }
  });
}

const Value* DictData::find(const Value& key) const {
  for (const auto& [k, v] : items) {
    if (equals(k, key)) return &v;
  }
  return nullptr;
}

void DictData::set(const Value& key, Value value) {
  for (auto& [k, v] : items) {
    if (equals(k, key)) {
      v = std::move(value);
      return;
    }
  }
  items.emplace_back(key, std::move(value));
}

// ---- Python semantics ----------------------------------------------------------------

bool is_tuple(const Value& v) {
  return v.is(Kind::List) && (v.list_kind() == ListKind::Tuple || v.list_kind() == ListKind::Group);
}

bool is_indexable(const Value& v) {
  if (v.is(Kind::JsonArray)) return true;
  if (!v.is(Kind::List)) return false;
  ListKind k = v.list_kind();
  return k == ListKind::List || k == ListKind::Tuple || k == ListKind::Group;
}

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined:
    case Kind::None: return false;
    case Kind::Bool: return v.as_bool();
    case Kind::Int: return v.as_int() != 0;
    case Kind::Float: return v.as_double() != 0.0;
    case Kind::String: return !v.str().empty();
    case Kind::List:  // a generator is true even when it would yield nothing, as in Python
      return v.list_kind() == ListKind::Iterator || !v.list_items().empty();
    case Kind::Dict: return !v.dict_data().items.empty();
    case Kind::JsonArray:
    case Kind::JsonObject: return !v.json().empty();
    default: return true;
  }
}

std::string float_repr(double f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f < 0 ? "-inf" : "inf";
  if (f == 0.0) return std::signbit(f) ? "-0.0" : "0.0";
  // Shortest round-trip digits, then Python's layout: fixed when -4 < exponent < 16.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  std::size_t e = sci.find('e');
  int exponent = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (std::size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits.push_back(sci[i]);
  }
  std::string out = negative ? "-" : "";
  int decpt = exponent + 1;  // digits are 0.d1d2.. x 10^decpt
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
    } else if (static_cast<std::size_t>(decpt) >= digits.size()) {
      out += digits + std::string(static_cast<std::size_t>(decpt) - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(decpt)) + "." + digits.substr(static_cast<std::size_t>(decpt));
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char exp[16];
  std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out + exp;
}

namespace {

void append_string_repr(std::string& out, std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  out.push_back(quote);
  for (char32_t c : decode_utf8(s)) {
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (is_printable(c)) {
      append_utf8(out, c);
    } else {
      append_python_escape(out, c);
    }
  }
  out.push_back(quote);
}

template <typename Items>
void append_sequence_repr(std::string& out, const Items& items, const char* open, const char* close, bool tuple) {
  out += open;
  bool first = true;
  for (const Value& item : items) {
    if (!first) out += ", ";
    first = false;
    append_repr(out, item);
    check_value_bytes(out.size(), text_budget);
  }
  if (tuple && items.size() == 1) out += ",";
  out += close;
}

void append_mapping_repr(std::string& out, const Value& m) {
  out += "{";
  bool first = true;
  for (const auto& [k, v] : mapping_items(m)) {
    if (!first) out += ", ";
    first = false;
    append_repr(out, k);
    out += ": ";
    append_repr(out, v);
    check_value_bytes(out.size(), text_budget);
  }
  out += "}";
}

}  // namespace

// Py_ReprEnter: a container met again while it is being printed shows as [...] / {...}.
class ReprGuard {
 public:
  explicit ReprGuard(const Value& v) {
    if (!v.is(Kind::List) && !v.is(Kind::Dict)) return;
    const void* id = v.identity();
    if (std::find(repr_active.begin(), repr_active.end(), id) != repr_active.end()) {
      recursive_ = true;
      return;
    }
    repr_active.push_back(id);
    pushed_ = true;
  }
  ~ReprGuard() {
    if (pushed_) repr_active.pop_back();
  }
  ReprGuard(const ReprGuard&) = delete;
  ReprGuard& operator=(const ReprGuard&) = delete;
  [[nodiscard]] bool recursive() const { return recursive_; }

 private:
  bool pushed_ = false;
  bool recursive_ = false;
};

void append_repr(std::string& out, const Value& v) {
  std::optional<NestingLevel> level;
  if (v.is(Kind::List) || v.is(Kind::Dict) || v.is(Kind::JsonArray) || v.is(Kind::JsonObject)) level.emplace();
  ReprGuard guard(v);
  if (guard.recursive()) {
    if (v.is(Kind::Dict)) {
      out += v.dict_data().is_namespace ? "<Namespace {...}>" : "{...}";
    } else {
      out += is_tuple(v) ? "(...)" : "[...]";
    }
    return;
  }
  switch (v.kind()) {
    case Kind::String:
      if (v.is_safe()) {
        out += "Markup(";
        append_string_repr(out, v.str());
        out += ")";
      } else {
        append_string_repr(out, v.str());
      }
      return;
    case Kind::Undefined: out += "Undefined"; return;
    case Kind::List:
      switch (v.list_kind()) {
        case ListKind::List: append_sequence_repr(out, v.list_items(), "[", "]", false); return;
        case ListKind::Tuple:
        case ListKind::Group: append_sequence_repr(out, v.list_items(), "(", ")", true); return;
        case ListKind::Keys: append_sequence_repr(out, v.list_items(), "dict_keys([", "])", false); return;
        case ListKind::Values: append_sequence_repr(out, v.list_items(), "dict_values([", "])", false); return;
        case ListKind::Items: append_sequence_repr(out, v.list_items(), "dict_items([", "])", false); return;
        case ListKind::Iterator: out += "<generator object>"; return;
      }
      return;
    case Kind::JsonArray: append_sequence_repr(out, iterate(v), "[", "]", false); return;
    case Kind::Dict:
      if (v.dict_data().is_namespace) {
        out += "<Namespace ";
        append_mapping_repr(out, v);
        out += ">";
        return;
      }
      append_mapping_repr(out, v);
      return;
    case Kind::JsonObject: append_mapping_repr(out, v); return;
    default: append_str(out, v);
  }
}

std::string repr(const Value& v) {
  std::string out;
  append_repr(out, v);
  return out;
}

void append_str(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined: return;
    case Kind::None: out += "None"; return;
    case Kind::Bool: out += v.as_bool() ? "True" : "False"; return;
    case Kind::Int: out += int_to_string(v.as_wide()); return;
    case Kind::Float: out += float_repr(v.as_double()); return;
    case Kind::String: out += v.str(); return;
    case Kind::Callable: out += v.callable_ref().repr(); return;
    case Kind::Object: out += v.object_ref().repr(); return;
    default: append_repr(out, v);
  }
}

std::string to_str(const Value& v) {
  if (v.is_string()) return std::string(v.str());
  std::string out;
  append_str(out, v);
  return out;
}

std::string type_name(const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined: return "Undefined";
    case Kind::None: return "NoneType";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::List:
      switch (v.list_kind()) {
        case ListKind::Tuple:
        case ListKind::Group: return "tuple";
        case ListKind::Keys: return "dict_keys";
        case ListKind::Values: return "dict_values";
        case ListKind::Items: return "dict_items";
        case ListKind::Iterator: return "generator";
        default: return "list";
      }
    case Kind::JsonArray: return "list";
    case Kind::Dict: return v.dict_data().is_namespace ? "Namespace" : "dict";
    case Kind::JsonObject: return "dict";
    case Kind::Callable: return "function";
    case Kind::Object: return "object";
  }
  return "object";
}

bool equals(const Value& a, const Value& b) {
  if ((a.is(Kind::List) || a.is(Kind::Dict)) && a.kind() == b.kind() && a.identity() == b.identity()) return true;
  NestingLevel level;
  if (a.is_number() && b.is_number()) {
    if (a.is(Kind::Float) || b.is(Kind::Float)) return a.as_double() == b.as_double();
    return a.as_wide() == b.as_wide();
  }
  if (a.is_string() && b.is_string()) return a.str() == b.str();
  if (a.is_list_like() && b.is_list_like()) {
    bool a_tuple = is_tuple(a);
    bool b_tuple = is_tuple(b);
    if (a_tuple != b_tuple) return false;
    if (a.is(Kind::JsonArray) && b.is(Kind::JsonArray) && a.identity() == b.identity()) return true;
    std::vector<Value> xs = iterate(a);
    std::vector<Value> ys = iterate(b);
    if (xs.size() != ys.size()) return false;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      if (!equals(xs[i], ys[i])) return false;
    }
    return true;
  }
  if (a.is_mapping() && b.is_mapping()) {
    if (length(a) != length(b)) return false;
    for (const auto& [k, v] : mapping_items(a)) {
      Value other;
      if (!mapping_get(b, k, other) || !equals(v, other)) return false;
    }
    return true;
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::Undefined:
    case Kind::None: return true;
    default: return a.identity() == b.identity();
  }
}

int compare(const Value& a, const Value& b) {
  NestingLevel level;
  if (a.is_number() && b.is_number()) {
    if (a.is(Kind::Float) || b.is(Kind::Float)) {
      double x = a.as_double();
      double y = b.as_double();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    Int128 x = a.as_wide();
    Int128 y = b.as_wide();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    int c = a.str().compare(b.str());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  bool a_tuple = is_tuple(a);
  bool b_tuple = is_tuple(b);
  if (a.is_list_like() && b.is_list_like() && a_tuple == b_tuple) {
    std::vector<Value> xs = iterate(a);
    std::vector<Value> ys = iterate(b);
    for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
      if (!equals(xs[i], ys[i])) return compare(xs[i], ys[i]);
    }
    return xs.size() < ys.size() ? -1 : (xs.size() > ys.size() ? 1 : 0);
  }
  throw Error("'<' not supported between instances of '" + type_name(a) + "' and '" + type_name(b) + "'");
}

std::vector<Value> iterate(const Value& v) {
  std::vector<Value> out;
  switch (v.kind()) {
    case Kind::Undefined: return out;
    case Kind::List: return v.list_items();
    case Kind::JsonArray:
      out.reserve(v.json().size());
      for (const Json& item : v.json()) out.push_back(Value::from_json(item));
      return out;
    case Kind::JsonObject:
      out.reserve(v.json().size());
      for (auto it = v.json().begin(); it != v.json().end(); ++it) out.push_back(Value::borrowed(it.key()));
      return out;
    case Kind::Dict:
      for (const auto& item : v.dict_data().items) out.push_back(item.first);
      return out;
    case Kind::String:
      if (is_ascii(v.str())) {
        out.reserve(v.str().size());
        for (std::size_t i = 0; i < v.str().size(); ++i) out.push_back(v.substring(i, 1));
        return out;
      }
      for (char32_t c : decode_utf8(v.str())) {
        std::string one;
        append_utf8(one, c);
        out.push_back(Value::string(std::move(one)));
      }
      return out;
    default: throw Error("'" + type_name(v) + "' object is not iterable");
  }
}

std::int64_t length(const Value& v) {
  switch (v.kind()) {
    case Kind::Undefined: return 0;
    case Kind::String: return static_cast<std::int64_t>(cp_length(v.str()));
    case Kind::List:
      if (v.list_kind() == ListKind::Iterator) throw Error("object of type 'generator' has no len()");
      return static_cast<std::int64_t>(v.list_items().size());
    case Kind::Dict: return static_cast<std::int64_t>(v.dict_data().items.size());
    case Kind::JsonArray:
    case Kind::JsonObject: return static_cast<std::int64_t>(v.json().size());
    default: throw Error("object of type '" + type_name(v) + "' has no len()");
  }
}

bool mapping_get(const Value& m, const Value& key, Value& out) {
  if (m.is(Kind::Dict)) {
    const Value* found = m.dict_data().find(key);
    if (found == nullptr) return false;
    out = *found;
    return true;
  }
  if (m.is(Kind::JsonObject)) {
    if (!key.is_string()) return false;
    auto it = m.json().find(key.str());
    if (it == m.json().end()) return false;
    out = Value::from_json(*it);
    return true;
  }
  return false;
}

std::vector<std::pair<Value, Value>> mapping_items(const Value& m) {
  std::vector<std::pair<Value, Value>> out;
  if (m.is(Kind::Dict)) return m.dict_data().items;
  if (m.is(Kind::JsonObject)) {
    out.reserve(m.json().size());
    for (auto it = m.json().begin(); it != m.json().end(); ++it) {
      out.emplace_back(Value::borrowed(it.key()), Value::from_json(it.value()));
    }
  }
  return out;
}

}  // namespace stoq::templating::detail
