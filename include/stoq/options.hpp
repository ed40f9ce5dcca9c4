// Typed plugin options. Each plugin declares its options once, in a table of
// stoq_option_spec (name, type, default, doc); the loader parses the .stoq
// [options] section against that table and hands the plugin typed values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stoq/json.hpp"

// Exported from libstoq.so (built with hidden visibility): everything declared here.
#pragma GCC visibility push(default)
namespace stoq {

/// The typed [options] of one plugin instance. Accessors throw stoq::Error when an
/// option is missing or has another type: a plugin asks only for what it declared.
class Options {
 public:
  Options() : values_(Json::object()) {}
  explicit Options(Json values) : values_(std::move(values)) {}

  [[nodiscard]] bool has(std::string_view name) const;
  [[nodiscard]] const Json& get(std::string_view name) const;
  [[nodiscard]] bool get_bool(std::string_view name) const;
  [[nodiscard]] std::int64_t get_int(std::string_view name) const;
  [[nodiscard]] std::string get_string(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> get_list(std::string_view name) const;
  [[nodiscard]] const Json& get_dict(std::string_view name) const;

  /// All values as one JSON object (name -> typed value).
  [[nodiscard]] const Json& all() const { return values_; }
  void set(const std::string& name, Json value) { values_[name] = std::move(value); }

 private:
  Json values_;
};

}  // namespace stoq
#pragma GCC visibility pop
