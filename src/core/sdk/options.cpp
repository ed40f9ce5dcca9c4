#include "stoq/options.hpp"

#include "stoq/error.hpp"

namespace stoq {
namespace {

[[noreturn]] void wrong_type(std::string_view name, const char* wanted, const Json& value) {
  throw Error("option '" + std::string(name) + "' is " + std::string(value.type_name()) + ", not " + wanted);
}

}  // namespace

bool Options::has(std::string_view name) const { return values_.contains(name); }

const Json& Options::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw Error("option '" + std::string(name) + "' is not set");
  return *it;
}

bool Options::get_bool(std::string_view name) const {
  const Json& value = get(name);
  if (!value.is_boolean()) wrong_type(name, "a boolean", value);
  return value.get<bool>();
}

std::int64_t Options::get_int(std::string_view name) const {
  const Json& value = get(name);
  if (!value.is_number_integer()) wrong_type(name, "an integer", value);
  return value.get<std::int64_t>();
}

std::string Options::get_string(std::string_view name) const {
  const Json& value = get(name);
  if (value.is_null()) return {};
  if (!value.is_string()) wrong_type(name, "a string", value);
  return value.get<std::string>();
}

std::vector<std::string> Options::get_list(std::string_view name) const {
  const Json& value = get(name);
  if (!value.is_array()) wrong_type(name, "a list", value);
  std::vector<std::string> out;
  out.reserve(value.size());
  for (const Json& item : value) {
    out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  }
  return out;
}

const Json& Options::get_dict(std::string_view name) const {
  const Json& value = get(name);
  if (!value.is_object()) wrong_type(name, "a dict", value);
  return value;
}

}  // namespace stoq
