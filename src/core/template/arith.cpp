// Python's binary operators on template values.
#include <cmath>

#include "template/filters.hpp"
#include "template/interpreter.hpp"
#include "template/pyformat.hpp"
#include "template/text.hpp"

namespace stoq::templating::detail {
namespace {

[[noreturn]] void unsupported(std::string_view op, const Value& a, const Value& b) {
  throw Error("unsupported operand type(s) for " + std::string(op) + ": '" + type_name(a) + "' and '" + type_name(b) +
              "'");
}

Value repeat(const Value& seq, std::int64_t times, const Interpreter& interp) {
  if (times <= 0)
    return seq.is_string() ? Value::borrowed("") : Value::list({}, is_tuple(seq) ? ListKind::Tuple : ListKind::List);
  if (seq.is_string()) {
    interp.check_value_size(seq.str().size() * static_cast<std::size_t>(std::min<std::int64_t>(times, 1LL << 40)));
    std::string out;
    out.reserve(seq.str().size() * static_cast<std::size_t>(times));
    for (std::int64_t i = 0; i < times; ++i) out += seq.str();
    return Value::string(std::move(out));
  }
  std::vector<Value> items = iterate(seq);
  interp.check_value_size(items.size() * sizeof(Value) *
                          static_cast<std::size_t>(std::min<std::int64_t>(times, 1LL << 40)));
  std::vector<Value> out;
  out.reserve(items.size() * static_cast<std::size_t>(times));
  for (std::int64_t i = 0; i < times; ++i) out.insert(out.end(), items.begin(), items.end());
  return Value::list(std::move(out), is_tuple(seq) ? ListKind::Tuple : ListKind::List);
}

void check_overflow(bool overflow) {
  if (overflow) throw Error("integer overflow (stoq's integers are 128-bit)");
}

double py_fmod(double a, double b) {
  double m = std::fmod(a, b);
  if (m != 0.0 && ((m < 0) != (b < 0))) m += b;
  if (m == 0.0) m = std::copysign(0.0, b);
  return m;
}

Value int_pow(Int128 base, Int128 exp) {
  if (exp < 0) {
    if (base == 0) throw Error("0.0 cannot be raised to a negative power");
    return Value::floating(std::pow(static_cast<double>(base), static_cast<double>(exp)));
  }
  Int128 result = 1;
  Int128 b = base;
  while (exp > 0) {
    if (exp & 1) check_overflow(__builtin_mul_overflow(result, b, &result));
    exp >>= 1;
    if (exp > 0) check_overflow(__builtin_mul_overflow(b, b, &b));
  }
  return Value::wide(result);
}

}  // namespace

Value binary_op(std::string_view op, const Value& a, const Value& b, const Interpreter& interp) {
  if (op == "~") {
    std::string out = to_str(a);
    append_str(out, b);
    interp.check_value_size(out.size());
    return Value::string(std::move(out));
  }
  const bool numbers = a.is_number() && b.is_number();
  const bool floats = numbers && (a.is(Kind::Float) || b.is(Kind::Float));
  if (op == "+") {
    if (floats) return Value::floating(a.as_double() + b.as_double());
    if (numbers) {
      Int128 r = 0;
      check_overflow(__builtin_add_overflow(a.as_wide(), b.as_wide(), &r));
      return Value::wide(r);
    }
    if (a.is_string() && b.is_string()) {
      interp.check_value_size(a.str().size() + b.str().size());
      // Markup + str escapes the str (markupsafe), either way round.
      bool safe = a.is_safe() || b.is_safe();
      std::string out = safe && !a.is_safe() ? html_escape(a.str()) : std::string(a.str());
      out += safe && !b.is_safe() ? html_escape(b.str()) : std::string(b.str());
      return Value::string(std::move(out), safe);
    }
    if (a.is_list_like() && b.is_list_like() && is_tuple(a) == is_tuple(b)) {
      std::vector<Value> out = iterate(a);
      std::vector<Value> more = iterate(b);
      interp.check_value_size((out.size() + more.size()) * sizeof(Value));
      out.insert(out.end(), more.begin(), more.end());
      return Value::list(std::move(out), is_tuple(a) ? ListKind::Tuple : ListKind::List);
    }
    unsupported(op, a, b);
  }
  if (op == "-") {
    if (floats) return Value::floating(a.as_double() - b.as_double());
    if (numbers) {
      Int128 r = 0;
      check_overflow(__builtin_sub_overflow(a.as_wide(), b.as_wide(), &r));
      return Value::wide(r);
    }
    unsupported(op, a, b);
  }
  if (op == "*") {
    if (floats) return Value::floating(a.as_double() * b.as_double());
    if (numbers) {
      Int128 r = 0;
      check_overflow(__builtin_mul_overflow(a.as_wide(), b.as_wide(), &r));
      return Value::wide(r);
    }
    const bool a_int = a.is(Kind::Int) || a.is(Kind::Bool);
    const bool b_int = b.is(Kind::Int) || b.is(Kind::Bool);
    if ((a.is_string() || a.is_list_like()) && b_int) return repeat(a, b.as_int(), interp);
    if ((b.is_string() || b.is_list_like()) && a_int) return repeat(b, a.as_int(), interp);
    unsupported(op, a, b);
  }
  if (op == "/") {
    if (!numbers) unsupported(op, a, b);
    if (b.as_double() == 0.0) throw Error("division by zero");
    if (!floats) {
      // Python divides ints exactly before rounding: use long double for 64-bit operands.
      return Value::floating(
          static_cast<double>(static_cast<long double>(a.as_wide()) / static_cast<long double>(b.as_wide())));
    }
    return Value::floating(a.as_double() / b.as_double());
  }
  if (op == "//") {
    if (!numbers) unsupported(op, a, b);
    if (b.as_double() == 0.0) throw Error("integer division or modulo by zero");
    if (floats) return Value::floating(std::floor(a.as_double() / b.as_double()));
    Int128 x = a.as_wide();
    Int128 y = b.as_wide();
    if (y == -1) {
      Int128 r = 0;
      check_overflow(__builtin_sub_overflow(Int128(0), x, &r));
      return Value::wide(r);
    }
    Int128 q = x / y;
    if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
    return Value::wide(q);
  }
  if (op == "%") {
    if (a.is_string()) {
      std::string out = percent_format(a.str(), b, interp.limits().max_value_bytes);
      interp.check_value_size(out.size());
      return Value::string(std::move(out));
    }
    if (!numbers) unsupported(op, a, b);
    if (b.as_double() == 0.0) throw Error("integer division or modulo by zero");
    if (floats) return Value::floating(py_fmod(a.as_double(), b.as_double()));
    Int128 x = a.as_wide();
    Int128 y = b.as_wide();
    if (y == -1) return Value::integer(0);
    Int128 m = x % y;
    if (m != 0 && ((m < 0) != (y < 0))) m += y;
    return Value::wide(m);
  }
  if (op == "**") {
    if (!numbers) unsupported(op, a, b);
    if (floats) {
      if (a.as_double() == 0.0 && b.as_double() < 0) throw Error("0.0 cannot be raised to a negative power");
      double r = std::pow(a.as_double(), b.as_double());
      if (std::isinf(r) && std::isfinite(a.as_double()) && std::isfinite(b.as_double())) {
        throw Error("(34, 'Numerical result out of range')");  // Python's OverflowError
      }
      return Value::floating(r);
    }
    return int_pow(a.as_wide(), b.as_wide());
  }
  throw Error("unknown operator " + std::string(op));
}

bool contains(const Value& container, const Value& item) {
  if (container.is_string()) {
    if (!item.is_string()) {
      throw Error("'in <string>' requires string as left operand, not " + type_name(item));
    }
    return container.str().find(item.str()) != std::string_view::npos;
  }
  if (container.is_mapping()) {
    if ((item.is_list_like() && !is_tuple(item)) || item.is_mapping()) {
      throw Error("unhashable type: '" + type_name(item) + "'");
    }
    Value ignored;
    return mapping_get(container, item, ignored);
  }
  if (container.is_list_like()) {
    for (const Value& v : iterate(container)) {
      if (equals(v, item)) return true;
    }
    return false;
  }
  if (container.is_undefined()) return false;
  throw Error("argument of type '" + type_name(container) + "' is not iterable");
}

}  // namespace stoq::templating::detail
