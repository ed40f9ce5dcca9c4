// worker:yara: libyara's lifetime and the compiled rules every instance shares.
//
// Each worker thread has its own plugin instance, but compiled YR_RULES are
// read-only once built and libyara 4 scans them from any number of threads (each
// with its own YR_SCANNER), so instances that ask for the same rules (same files,
// same modification times, same externals) get the same compiled set: the rules
// are compiled once per run, not once per thread and never per payload.
#pragma once

// Not <yara.h>: it brings yara/modules.h, whose get_string()/get_integer() macros
// break nlohmann/json.
#include <yara/compiler.h>
#include <yara/error.h>
#include <yara/libyara.h>
#include <yara/rules.h>
#include <yara/scan.h>
#include <yara/scanner.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stoq/error.hpp"
#include "stoq/json.hpp"

namespace stoq::plugins::worker::yara {

/// yr_initialize() on the first live instance, yr_finalize() after the last one,
/// counted across every instance of the plugin (and thread-safe).
class Library {
 public:
  Library();
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
};

/// Compiled (or loaded) rules, immutable once built. Holds its own Library
/// reference, so libyara outlives the rules whatever the destruction order.
class CompiledRules {
 public:
  CompiledRules(std::unique_ptr<Library> library, YR_RULES* rules, std::size_t rule_count, bool precompiled);
  ~CompiledRules();
  CompiledRules(const CompiledRules&) = delete;
  CompiledRules& operator=(const CompiledRules&) = delete;

  /// Mutable only because libyara's C API takes YR_RULES*; never modified.
  [[nodiscard]] YR_RULES* get() const { return rules_; }
  [[nodiscard]] std::size_t rule_count() const { return rule_count_; }
  /// True when the file was already compiled (yarac, yr_rules_save) and only loaded.
  [[nodiscard]] bool precompiled() const { return precompiled_; }

 private:
  std::unique_ptr<Library> library_;
  YR_RULES* rules_;
  std::size_t rule_count_;
  bool precompiled_;
};

/// What load_rules() found worth telling the user (compiler warnings), beside the rules.
struct LoadReport {
  std::vector<std::string> warnings;
  bool reused = false;  // an instance had already compiled the same rules
};

/// The rules at `path`: a source file (namespace "default", as yara-python compiles
/// one file), a file compiled by yarac / yr_rules_save (recognised by its "YARA"
/// magic), or a directory, whose *.yar / *.yara files (recursively, sorted) are
/// compiled together, each in a namespace named after its path below the directory.
/// `externals` (a JSON object: bool, integer, float or string values) are defined
/// before compiling. Throws stoq::Error naming file:line and libyara's message.
std::shared_ptr<const CompiledRules> load_rules(const std::string& path, const Json& externals, LoadReport& report);

/// What identifies the rules at `path` with `externals`: the files' paths, namespaces,
/// modification times and sizes. Cheap (stats only): a change means the rules changed.
/// Throws stoq::Error when `path` cannot be listed.
std::string rules_fingerprint(const std::string& path, const Json& externals);

/// libyara's error code as words ("scan timed out", ...).
std::string describe_error(int code);

/// Throws stoq::Error unless `externals` is an object of booleans, numbers and strings.
void check_externals(const Json& externals);

/// Defines each of `externals` (checked by check_externals) on a compiler or a
/// scanner, with that target's four yr_*_define_*_variable functions.
template <typename Target>
void define_externals(Target* target, const Json& externals, int (*define_bool)(Target*, const char*, int),
                      int (*define_int)(Target*, const char*, int64_t),
                      int (*define_float)(Target*, const char*, double),
                      int (*define_string)(Target*, const char*, const char*)) {
  for (auto it = externals.begin(); it != externals.end(); ++it) {
    const std::string& name = it.key();
    const Json& value = it.value();
    int code = ERROR_SUCCESS;
    if (value.is_boolean()) code = define_bool(target, name.c_str(), value.get<bool>() ? 1 : 0);
    if (value.is_number_integer()) code = define_int(target, name.c_str(), value.get<int64_t>());
    if (value.is_number_float()) code = define_float(target, name.c_str(), value.get<double>());
    if (value.is_string()) code = define_string(target, name.c_str(), value.get<std::string>().c_str());
    if (code != ERROR_SUCCESS) {
      throw Error("externals_dict: cannot define '" + name + "': " + describe_error(code) +
                  (code == ERROR_INVALID_ARGUMENT ? " (is it declared by the compiled rules, with this type?)" : ""));
    }
  }
}

}  // namespace stoq::plugins::worker::yara
