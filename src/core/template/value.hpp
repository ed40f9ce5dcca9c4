// The values a template computes with: Python's data model, as Jinja2 sees it.
//
// Values from the render variables are borrowed, never copied: a JSON array or object
// is a pointer into the caller's document (which outlives the render) and strings are
// views into it. Values built while rendering own their data through `owner`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stoq/json.hpp"

namespace stoq::templating::detail {

class Value;
class Interpreter;

__extension__ using Int128 = __int128;
__extension__ using UInt128 = unsigned __int128;
/// Decimal (or base 16/8/2) digits of a 128-bit int, with a '-' when negative.
[[nodiscard]] std::string int_to_string(Int128 v, int base = 10, bool upper = false);

enum class Kind : std::uint8_t {
  Undefined,
  None,
  Bool,
  Int,
  Float,
  String,
  List,        // owned: list, tuple or a dict view
  Dict,        // owned dict (also namespace())
  JsonArray,   // borrowed JSON array
  JsonObject,  // borrowed JSON object
  Callable,    // macro, bound method, global function
  Object,      // loop, cycler, joiner
};

// How an owned list prints: [..], (..), dict_keys([..]), ...
// Group: groupby's (grouper, list). Iterator: what Jinja2's map/select/unique/... return,
// a generator: no len(), no indexing, not reversible, prints as <generator object>.
enum class ListKind : std::uint8_t { List, Tuple, Keys, Values, Items, Group, Iterator };

struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;
};

class Callable {
 public:
  virtual ~Callable() = default;
  virtual Value call(Interpreter& interp, CallArgs& args) = 0;
  [[nodiscard]] virtual std::string repr() const = 0;
};

class Object {
 public:
  virtual ~Object() = default;
  /// Undefined when there is no such attribute.
  virtual Value getattr(std::string_view name);
  /// obj(...): throws "not callable" unless overridden (the loop object of a recursive for is).
  virtual Value call(Interpreter& interp, CallArgs& args);
  [[nodiscard]] virtual std::string repr() const = 0;
};

struct ListData;
struct DictData;

// The union below is initialized through i_; clang-tidy does not see unions that way.
// NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init)
class Value {
 public:
  Value() = default;  // NOLINT(cppcoreguidelines-pro-type-member-init): Undefined, with no hint

  static Value undefined(std::string hint);
  static Value none();
  static Value boolean(bool b);
  static Value integer(std::int64_t i);
  /// Python ints are unbounded; stoq's are 128-bit (beyond that: an overflow error).
  static Value wide(Int128 i);
  static Value floating(double f);
  static Value string(std::string s, bool safe = false);
  /// A view the caller guarantees outlives the render (template literals, the vars document).
  static Value borrowed(std::string_view s, bool safe = false);
  /// Part of this string, sharing its owner (so it stays valid as long as the part lives).
  [[nodiscard]] Value substring(std::size_t pos, std::size_t count) const;
  static Value list(std::vector<Value> items, ListKind kind = ListKind::List);
  static Value dict(std::shared_ptr<DictData> data);
  static Value from_json(const Json& json);
  static Value callable(std::shared_ptr<Callable> fn);
  static Value object(std::shared_ptr<Object> obj);

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool is(Kind k) const { return kind_ == k; }
  [[nodiscard]] bool is_undefined() const { return kind_ == Kind::Undefined; }
  [[nodiscard]] bool is_none() const { return kind_ == Kind::None; }
  [[nodiscard]] bool is_string() const { return kind_ == Kind::String; }
  [[nodiscard]] bool is_number() const { return kind_ == Kind::Int || kind_ == Kind::Float || kind_ == Kind::Bool; }
  [[nodiscard]] bool is_list_like() const { return kind_ == Kind::List || kind_ == Kind::JsonArray; }
  [[nodiscard]] bool is_mapping() const { return kind_ == Kind::Dict || kind_ == Kind::JsonObject; }
  [[nodiscard]] bool is_safe() const { return kind_ == Kind::String && flags_ != 0; }

  [[nodiscard]] bool as_bool() const { return b_; }
  /// The int (or bool) clamped to 64 bits: for indexes, widths and counts.
  [[nodiscard]] std::int64_t as_int() const;
  /// The exact int (or bool).
  [[nodiscard]] Int128 as_wide() const { return kind_ == Kind::Bool ? static_cast<Int128>(b_) : i_; }
  [[nodiscard]] double as_double() const;
  [[nodiscard]] std::string_view str() const { return str_; }
  [[nodiscard]] const Json& json() const { return *json_; }
  [[nodiscard]] ListKind list_kind() const { return static_cast<ListKind>(flags_); }
  [[nodiscard]] const std::vector<Value>& list_items() const;
  [[nodiscard]] std::vector<Value>& mutable_list_items() const;
  [[nodiscard]] DictData& dict_data() const;
  [[nodiscard]] Callable& callable_ref() const;
  [[nodiscard]] Object& object_ref() const;
  /// The reason an Undefined exists ("'x' is undefined"), for error messages.
  [[nodiscard]] std::string undefined_hint() const;
  /// Identity for `is sameas` on containers.
  [[nodiscard]] const void* identity() const;
  /// Moves out what keeps an owned list/dict alive (for iterative destruction).
  std::shared_ptr<void> release_owner() { return std::move(owner_); }
  /// The owned list's or dict's data as a shared pointer (null for other kinds).
  [[nodiscard]] std::shared_ptr<ListData> list_ptr() const;
  [[nodiscard]] std::shared_ptr<DictData> dict_ptr() const;

 private:
  Kind kind_ = Kind::Undefined;
  std::uint8_t flags_ = 0;  // String: safe (Markup); List: ListKind
  union {
    bool b_;
    Int128 i_ = 0;
    double f_;
    const Json* json_;
  };
  std::string_view str_;
  std::shared_ptr<void> owner_;
};

// Containers free their nested containers iteratively (a list nested 200,000 deep by a
// template loop must not overflow the stack when it dies).
struct ListData {
  std::vector<Value> items;
  ListData() = default;
  explicit ListData(std::vector<Value> v) : items(std::move(v)) {}
  ListData(const ListData&) = delete;
  ListData& operator=(const ListData&) = delete;
  ~ListData();
};

// An insertion-ordered dict with Python key equality. Small dicts are the norm in
// templates, so lookup is linear.
struct DictData {
  std::vector<std::pair<Value, Value>> items;
  bool is_namespace = false;
  DictData() = default;
  DictData(const DictData&) = delete;
  DictData& operator=(const DictData&) = delete;
  ~DictData();
  [[nodiscard]] const Value* find(const Value& key) const;
  void set(const Value& key, Value value);
};

/// Throws the error of a value built by a template longer than `limit` bytes
/// (TemplateLimits::max_value_bytes); filters check a width or count with it before
/// allocating.
void check_value_bytes(std::size_t bytes, std::size_t limit);
/// count * each, or SIZE_MAX when that overflows: the size to check before allocating.
[[nodiscard]] inline std::size_t bytes_for(std::uint64_t count, std::size_t each) {
  std::size_t bytes = 0;
  return __builtin_mul_overflow(count, each, &bytes) ? SIZE_MAX : bytes;
}

/// While alive, str()/repr() of a container on this thread stops with the
/// check_value_bytes error once its text passes max_bytes: a render sets it, so that a
/// list of a million references to the results document cannot print into terabytes.
class TextBudget {
 public:
  explicit TextBudget(std::size_t max_bytes);
  ~TextBudget();
  TextBudget(const TextBudget&) = delete;
  TextBudget& operator=(const TextBudget&) = delete;

 private:
  std::size_t previous_;
};

// ---- nesting bound -----------------------------------------------------------------
/// How deep the walks that recurse into a value may go: str()/repr() (printing, `~`,
/// |string, |e, |join, `%`), ==/in/<, |sort, |unique, |groupby, tojson, pprint. Python stops
/// such walks at its recursion limit (1000 frames, shared with Jinja2's own); 500 levels
/// keep the stack they use to a few hundred KiB, under ASan too, on any thread.
inline constexpr std::size_t kMaxValueNesting = 500;

/// Held by each level of such a walk; walks that nest (repr inside a sort inside
/// tojson...) share one count per thread, so the bound is on the stack, not per walk.
/// Throws stoq::Error "value nested deeper than 500 levels" beyond kMaxValueNesting.
class NestingLevel {
 public:
  NestingLevel();
  ~NestingLevel();
  NestingLevel(const NestingLevel&) = delete;
  NestingLevel& operator=(const NestingLevel&) = delete;
};

// ---- Python semantics --------------------------------------------------------------
/// A tuple (groupby's groups are tuples too).
[[nodiscard]] bool is_tuple(const Value& v);
/// Supports len() and [i] (a Python sequence): not a generator or a dict view.
[[nodiscard]] bool is_indexable(const Value& v);
[[nodiscard]] bool truthy(const Value& v);
/// str(v).
[[nodiscard]] std::string to_str(const Value& v);
void append_str(std::string& out, const Value& v);
/// repr(v).
[[nodiscard]] std::string repr(const Value& v);
void append_repr(std::string& out, const Value& v);
/// Python float repr: 0.1, 1e-05, 1e+16, 3.0, inf, nan.
[[nodiscard]] std::string float_repr(double f);
/// ==, with Python's rules (1 == 1.0 == True, [1] != (1,), dicts unordered).
[[nodiscard]] bool equals(const Value& a, const Value& b);
/// <0, 0, >0; throws stoq::Error when Python would raise TypeError.
[[nodiscard]] int compare(const Value& a, const Value& b);
/// The Python type name, for messages: 'int', 'dict object', ...
[[nodiscard]] std::string type_name(const Value& v);

/// Elements of an iterable: list items, dict keys, string characters. Throws for non-iterables.
[[nodiscard]] std::vector<Value> iterate(const Value& v);
/// len(v); throws for values without a length.
[[nodiscard]] std::int64_t length(const Value& v);
/// Mapping helpers (Dict or JsonObject): lookup by key, and (key, value) pairs.
[[nodiscard]] bool mapping_get(const Value& m, const Value& key, Value& out);
[[nodiscard]] std::vector<std::pair<Value, Value>> mapping_items(const Value& m);

}  // namespace stoq::templating::detail
