// Filters on sequences and mappings, and the filter registry.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "template/filters.hpp"
#include "template/text.hpp"

namespace stoq::templating::detail {

Value get_path(const Value& item, std::string_view path, const Value* fallback) {
  Value current = item;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    std::string_view part = path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    bool digits = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    current = digits ? get_item(current, Value::integer(std::stoll(std::string(part))))
                     : get_item(current, Value::string(std::string(part)));
    if (fallback != nullptr && !fallback->is_none() && current.is_undefined()) current = *fallback;
    if (dot == std::string_view::npos) return current;
    start = dot + 1;
  }
}

namespace {

Value lowered(const Value& v) { return v.is_string() ? Value::string(lower(v.str())) : v; }

// make_attrgetter(attribute, postprocess=ignore_case?, default=?); attribute may be an int index.
Value key_of(const Value& item, const Value& attribute, bool ignore_case, const Value* fallback = nullptr) {
  Value key = item;
  if (attribute.is(Kind::Int)) {
    key = get_item(item, attribute);
  } else if (!attribute.is_none() && !attribute.is_undefined()) {
    key = get_path(item, to_str(attribute), fallback);
  }
  if (fallback != nullptr && !fallback->is_none() && key.is_undefined()) key = *fallback;
  return ignore_case ? lowered(key) : key;
}

std::vector<Value> sequence(Interpreter& in, const Value& v) {
  std::vector<Value> items = iterate(v);
  in.step(items.size());
  return items;
}

Value do_sort(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "sort", {"reverse", "case_sensitive", "attribute"});
  bool reverse = truthy(a.get(0, Value::boolean(false)));
  bool ignore_case = !truthy(a.get(1, Value::boolean(false)));
  Value attribute = a.get(2, Value::none());
  std::vector<Value> items = sequence(in, v);
  // attribute "a,b" sorts by several keys
  std::vector<Value> attributes;
  if (attribute.is_string() && attribute.str().find(',') != std::string_view::npos) {
    const std::string comma = ",";
    for (std::string& one : split(attribute.str(), &comma, -1)) attributes.push_back(Value::string(one));
  } else {
    attributes.push_back(attribute);
  }
  std::vector<std::pair<std::vector<Value>, Value>> keyed;
  keyed.reserve(items.size());
  for (Value& item : items) {
    std::vector<Value> keys;
    keys.reserve(attributes.size());
    for (const Value& attr : attributes) keys.push_back(key_of(item, attr, ignore_case));
    keyed.emplace_back(std::move(keys), std::move(item));
  }
  const auto less = [](const std::vector<Value>& x, const std::vector<Value>& y) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      int c = compare(x[i], y[i]);
      if (c != 0) return c < 0;
    }
    return false;
  };
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    return reverse ? less(y.first, x.first) : less(x.first, y.first);
  });
  std::vector<Value> out;
  out.reserve(keyed.size());
  for (auto& kv : keyed) out.push_back(std::move(kv.second));
  return Value::list(std::move(out));
}

Value do_dictsort(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "dictsort", {"case_sensitive", "by", "reverse"});
  bool ignore_case = !truthy(a.get(0, Value::boolean(false)));
  std::string by = to_str(a.get(1, Value::borrowed("key")));
  bool reverse = truthy(a.get(2, Value::boolean(false)));
  if (by != "key" && by != "value") throw Error(R"(You can only sort by either "key" or "value")");
  if (!v.is_mapping()) throw Error("'" + type_name(v) + "' object has no attribute 'items'");
  std::vector<std::pair<Value, Value>> items = mapping_items(v);
  in.step(items.size());
  const bool by_key = by == "key";
  std::vector<std::pair<Value, std::size_t>> keys;  // sort keys computed once
  keys.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Value& key = by_key ? items[i].first : items[i].second;
    keys.emplace_back(ignore_case ? lowered(key) : key, i);
  }
  std::stable_sort(keys.begin(), keys.end(), [&](const auto& x, const auto& y) {
    return reverse ? compare(y.first, x.first) < 0 : compare(x.first, y.first) < 0;
  });
  std::vector<Value> out;
  out.reserve(keys.size());
  for (const auto& [key, i] : keys) out.push_back(Value::list({items[i].first, items[i].second}, ListKind::Tuple));
  return Value::list(std::move(out));
}

Value do_unique(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "unique", {"case_sensitive", "attribute"});
  bool ignore_case = !truthy(a.get(0, Value::boolean(false)));
  Value attribute = a.get(1, Value::none());
  std::vector<Value> seen;
  std::vector<Value> out;
  for (const Value& item : sequence(in, v)) {
    Value key = key_of(item, attribute, ignore_case);
    if (key.is_list_like() && !is_tuple(key)) throw Error("unhashable type: 'list'");
    if (key.is_mapping()) throw Error("unhashable type: 'dict'");
    in.step(seen.size() / 64 + 1);
    if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, key); })) continue;
    seen.push_back(key);
    out.push_back(item);
  }
  return Value::list(std::move(out), ListKind::Iterator);
}

Value min_or_max(Interpreter& in, const Value& v, CallArgs& args, bool want_max) {
  Args a(args, want_max ? "max" : "min", {"case_sensitive", "attribute"});
  bool ignore_case = !truthy(a.get(0, Value::boolean(false)));
  Value attribute = a.get(1, Value::none());
  std::vector<Value> items = sequence(in, v);
  if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
  std::size_t best = 0;
  Value best_key = key_of(items[0], attribute, ignore_case);
  for (std::size_t i = 1; i < items.size(); ++i) {
    Value key = key_of(items[i], attribute, ignore_case);
    int c = compare(key, best_key);
    if (want_max ? c > 0 : c < 0) {
      best = i;
      best_key = std::move(key);
    }
  }
  return items[best];
}

Value do_sum(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "sum", {"attribute", "start"});
  Value attribute = a.get(0, Value::none());
  Value total = a.get(1, Value::integer(0));
  for (const Value& item : sequence(in, v)) {
    Value x = key_of(item, attribute, false);
    if (total.is_string()) throw Error("sum() can't sum strings [use ''.join(seq) instead]");
    total = binary_op("+", total, x, in);
  }
  return total;
}

Value do_join(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "join", {"d", "attribute"});
  std::string sep = to_str(a.get(0, Value::borrowed("")));
  Value attribute = a.get(1, Value::none());
  std::string out;
  bool first = true;
  for (const Value& item : sequence(in, v)) {
    if (!first) out += sep;
    first = false;
    append_str(out, key_of(item, attribute, false));
    in.check_value_size(out.size());
  }
  return Value::string(std::move(out));
}

// select/reject(test, *args) and selectattr/rejectattr(attribute, test, *args).
Value select(Interpreter& in, const Value& v, CallArgs& args, bool keep, bool by_attribute) {
  std::size_t off = by_attribute ? 1 : 0;
  if (by_attribute && args.positional.empty()) throw Error("Missing parameter for attribute name");
  Value attribute = by_attribute ? args.positional[0] : Value::none();
  std::string test;
  CallArgs test_args;
  bool has_test = args.positional.size() > off;
  if (has_test) {
    test = to_str(args.positional[off]);
    test_args.positional.assign(args.positional.begin() + static_cast<std::ptrdiff_t>(off) + 1, args.positional.end());
    test_args.keyword = args.keyword;
  }
  std::vector<Value> out;
  if (!truthy(v)) return Value::list({}, ListKind::Iterator);  // Jinja2: `if value:` first
  for (const Value& item : sequence(in, v)) {
    Value subject = by_attribute ? get_path(item, to_str(attribute)) : item;
    bool ok = false;
    if (has_test) {
      CallArgs copy = test_args;
      ok = in.apply_test(test, subject, copy);
    } else {
      ok = truthy(subject);
    }
    if (ok == keep) out.push_back(item);
  }
  return Value::list(std::move(out), ListKind::Iterator);
}

Value do_map(Interpreter& in, const Value& v, CallArgs& args) {
  std::vector<Value> out;
  if (args.positional.empty()) {
    Value attribute;
    Value fallback = Value::none();
    for (auto& [k, val] : args.keyword) {
      if (k == "attribute")
        attribute = val;
      else if (k == "default")
        fallback = val;
      else
        throw Error("Unexpected keyword argument '" + k + "'");
    }
    if (attribute.is_undefined()) throw Error("map requires a filter argument");
    if (!truthy(v)) return Value::list({}, ListKind::Iterator);
    for (const Value& item : sequence(in, v)) out.push_back(key_of(item, attribute, false, &fallback));
    return Value::list(std::move(out), ListKind::Iterator);
  }
  std::string filter = to_str(args.positional[0]);
  CallArgs rest;
  rest.positional.assign(args.positional.begin() + 1, args.positional.end());
  rest.keyword = args.keyword;
  if (!truthy(v)) return Value::list({}, ListKind::Iterator);
  for (const Value& item : sequence(in, v)) {
    CallArgs copy = rest;
    out.push_back(in.apply_filter(filter, item, copy));
  }
  return Value::list(std::move(out), ListKind::Iterator);
}

Value do_batch(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "batch", {"linecount", "fill_with"});
  std::int64_t linecount = a.get(0, Value()).as_int();
  Value fill = a.get(1, Value::none());
  std::vector<Value> out;
  std::vector<Value> tmp;
  for (const Value& item : sequence(in, v)) {
    if (static_cast<std::int64_t>(tmp.size()) == linecount) {
      out.push_back(Value::list(std::move(tmp)));
      tmp.clear();
    }
    tmp.push_back(item);
  }
  if (!tmp.empty()) {
    if (!fill.is_none()) {
      if (static_cast<std::int64_t>(tmp.size()) < linecount) {
        in.check_value_size(bytes_for(static_cast<std::uint64_t>(linecount), sizeof(Value)));
      }
      while (static_cast<std::int64_t>(tmp.size()) < linecount) {
        in.step();
        tmp.push_back(fill);
      }
    }
    out.push_back(Value::list(std::move(tmp)));
  }
  return Value::list(std::move(out), ListKind::Iterator);
}

Value do_slice(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "slice", {"slices", "fill_with"});
  std::int64_t slices = a.get(0, Value()).as_int();
  Value fill = a.get(1, Value::none());
  std::vector<Value> seq = sequence(in, v);
  if (slices <= 0) throw Error("integer division or modulo by zero");
  in.step(static_cast<std::uint64_t>(std::min<std::int64_t>(slices, 1LL << 40)));
  auto length = static_cast<std::int64_t>(seq.size());
  std::int64_t per = length / slices;
  std::int64_t extra = length % slices;
  std::int64_t offset = 0;
  std::vector<Value> out;
  for (std::int64_t n = 0; n < slices; ++n) {
    std::int64_t start = offset + n * per;
    if (n < extra) ++offset;
    std::int64_t end = offset + (n + 1) * per;
    std::vector<Value> part(seq.begin() + start, seq.begin() + end);
    if (!fill.is_none() && n >= extra) part.push_back(fill);
    out.push_back(Value::list(std::move(part)));
  }
  return Value::list(std::move(out), ListKind::Iterator);
}

Value do_groupby(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "groupby", {"attribute", "default", "case_sensitive"});
  Value attribute = a.get(0, Value());
  Value fallback = a.get(1, Value::none());
  bool ignore_case = !truthy(a.get(2, Value::boolean(false)));
  std::vector<std::pair<Value, Value>> keyed;
  for (const Value& item : sequence(in, v)) keyed.emplace_back(key_of(item, attribute, ignore_case, &fallback), item);
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& x, const auto& y) { return compare(x.first, y.first) < 0; });
  std::vector<Value> out;
  std::size_t i = 0;
  while (i < keyed.size()) {
    std::vector<Value> members;
    std::size_t j = i;
    while (j < keyed.size() && equals(keyed[j].first, keyed[i].first)) members.push_back(keyed[j++].second);
    Value grouper = ignore_case ? key_of(members[0], attribute, false, &fallback) : keyed[i].first;
    out.push_back(Value::list({grouper, Value::list(std::move(members))}, ListKind::Group));
    i = j;
  }
  return Value::list(std::move(out));
}

Value do_default(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "default", {"default_value", "boolean"});
  bool boolean = truthy(a.get(1, Value::boolean(false)));
  if (v.is_undefined() || (boolean && !truthy(v))) return a.get(0, Value::borrowed(""));
  return v;
}

Value do_length(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "length", {});
  return Value::integer(length(v));
}

Value do_first(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "first", {});
  if (v.is(Kind::JsonArray))
    return v.json().empty() ? Value::undefined("No first item, sequence was empty.")
                            : Value::from_json(v.json().front());
  std::vector<Value> items = iterate(v);
  if (items.empty()) return Value::undefined("No first item, sequence was empty.");
  return items.front();
}

Value do_last(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "last", {});
  if (v.is(Kind::JsonArray))
    return v.json().empty() ? Value::undefined("No last item, sequence was empty.") : Value::from_json(v.json().back());
  if (v.is_undefined()) return Value::undefined("No last item, sequence was empty.");
  if (v.is(Kind::List) && v.list_kind() == ListKind::Iterator) throw Error("'generator' object is not reversible");
  std::vector<Value> items = iterate(v);
  if (items.empty()) return Value::undefined("No last item, sequence was empty.");
  return items.back();
}

Value do_reverse(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "reverse", {});
  if (v.is_string()) {
    std::u32string u = decode_utf8(v.str());
    std::reverse(u.begin(), u.end());
    return Value::string(encode_utf8(u));
  }
  std::vector<Value> items = sequence(in, v);
  std::reverse(items.begin(), items.end());
  return Value::list(std::move(items), ListKind::Iterator);
}

Value do_list(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "list", {});
  return Value::list(sequence(in, v));
}

Value do_items(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "items", {});
  if (v.is_undefined()) return Value::list({}, ListKind::Iterator);
  if (!v.is_mapping()) throw Error("Can only get item pairs from a mapping.");
  std::vector<Value> out;
  for (auto& [k, val] : mapping_items(v)) out.push_back(Value::list({k, val}, ListKind::Tuple));
  in.step(out.size());
  return Value::list(std::move(out), ListKind::Iterator);
}

Value do_keys(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "keys", {});
  if (!v.is_mapping()) throw Error("'" + type_name(v) + "' object has no attribute 'keys'");
  return Value::list(sequence(in, v));
}

Value do_values(Interpreter& in, const Value& v, CallArgs& args) {
  Args a(args, "values", {});
  if (!v.is_mapping()) throw Error("'" + type_name(v) + "' object has no attribute 'values'");
  std::vector<Value> out;
  for (auto& kv : mapping_items(v)) out.push_back(std::move(kv.second));
  in.step(out.size());
  return Value::list(std::move(out));
}

Value do_attr(Interpreter& /*in*/, const Value& v, CallArgs& args) {
  Args a(args, "attr", {"name"});
  std::string name = to_str(a.get(0, Value()));
  // Attribute only, never item: attr('key') of a dict is undefined, as in Jinja2.
  if (v.is(Kind::Object) || (v.is(Kind::Dict) && v.dict_data().is_namespace) ||
      (v.is(Kind::List) && v.list_kind() == ListKind::Group)) {
    return get_attribute(v, name);
  }
  if (v.is_undefined()) throw Error(v.undefined_hint());
  Value method = get_attribute(v, name);
  if (method.is(Kind::Callable)) return method;
  return Value::undefined("'" + type_name(v) + " object' has no attribute '" + name + "'");
}

}  // namespace

const FilterTable& collection_filters() {
  static const FilterTable table = {
      {"sort", do_sort},
      {"dictsort", do_dictsort},
      {"unique", do_unique},
      {"min", [](Interpreter& in, const Value& v, CallArgs& args) { return min_or_max(in, v, args, false); }},
      {"max", [](Interpreter& in, const Value& v, CallArgs& args) { return min_or_max(in, v, args, true); }},
      {"sum", do_sum},
      {"join", do_join},
      {"select", [](Interpreter& in, const Value& v, CallArgs& args) { return select(in, v, args, true, false); }},
      {"reject", [](Interpreter& in, const Value& v, CallArgs& args) { return select(in, v, args, false, false); }},
      {"selectattr", [](Interpreter& in, const Value& v, CallArgs& args) { return select(in, v, args, true, true); }},
      {"rejectattr", [](Interpreter& in, const Value& v, CallArgs& args) { return select(in, v, args, false, true); }},
      {"map", do_map},
      {"batch", do_batch},
      {"slice", do_slice},
      {"groupby", do_groupby},
      {"default", do_default},
      {"d", do_default},
      {"length", do_length},
      {"count", do_length},
      {"first", do_first},
      {"last", do_last},
      {"reverse", do_reverse},
      {"list", do_list},
      {"items", do_items},
      {"keys", do_keys},
      {"values", do_values},
      {"attr", do_attr},
  };
  return table;
}

FilterFn find_filter(std::string_view name) {
  static const std::unordered_map<std::string_view, FilterFn> registry = [] {
    std::unordered_map<std::string_view, FilterFn> all;
    for (const auto& [n, fn] : text_filters()) all.emplace(n, fn);
    for (const auto& [n, fn] : collection_filters()) all.emplace(n, fn);
    return all;
  }();
  auto it = registry.find(name);
  return it == registry.end() ? nullptr : it->second;
}

}  // namespace stoq::templating::detail
