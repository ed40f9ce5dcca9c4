#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "stoq/config.hpp"

namespace stoq::config {

/// Deepest dispatch max_recursion (and -R) accepts: no real file nests deeper.
inline constexpr std::int64_t kMaxRecursionLimit = 1000;

/// Where stoq looks for things when nothing says otherwise.
struct Defaults {
  std::string home;                    // $STOQ_HOME, else ~/.stoq
  std::string builtin_plugin_dir;      // plugins built/installed beside the executable
  std::string builtin_dispatch_rules;  // <prefix>/share/stoq/dispatcher.yar beside the executable
  std::string prefix;                  // the folder above this executable's bin/ (build or install tree)
};

/// Loads stoq.cfg [core]: `explicit_path` (--config) if given (it must exist), else
/// <home>/stoq.cfg if it exists, else built-in defaults. Relative paths resolve
/// against base_dir; the built-in plugin dir is always searched last.
/// Throws stoq::Error naming the file and line of a bad value.
CoreConfig load_core_config(const std::optional<std::string>& explicit_path, const Defaults& defaults);

/// Applies [core] entries of an already-read file text (used by tests and fuzzing).
CoreConfig core_config_from_text(std::string_view text, const std::string& path, const Defaults& defaults);

/// $STOQ_HOME / ~/.stoq and the plugin dir beside /proc/self/exe.
Defaults default_locations();

}  // namespace stoq::config
