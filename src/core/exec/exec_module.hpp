// Plugins in any language: a .stoq whose Module is `exec:<path>` names an executable
// that stoq runs as a child process speaking the exec protocol (docs/exec-plugins.md)
// instead of a module it dlopens. What the loader needs for such a plugin: recognising
// the module, the executable's path, an option schema built from the .stoq (there is no
// descriptor to read one from), and instances.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "loader/catalog.hpp"
#include "stoq/plugin.hpp"

namespace stoq::exec {

inline constexpr std::string_view kModulePrefix = "exec:";

/// True for `exec:<path>`.
bool is_exec_module(std::string_view module);

/// Throws stoq::Error when `module` (an exec: module of a plugin of `category`) cannot
/// be one: an empty path, or a category that pushes (sources).
void check_exec_module(std::string_view module, Category category, const std::string& stoq_file);

/// The executable of an exec plugin: its path made absolute against the plugin folder.
std::string executable_path(const PluginInfo& info);

/// The options of an exec plugin: the framework's for its category (without isolation
/// and cpu_limit, which do not apply: the plugin is its own process; with call_timeout
/// and memory_limit, which every exec plugin has) plus one per key of its .stoq
/// [options], typed by stoQ's rules (_list/_tuple list, _dict dict, _int int by suffix;
/// else True/False bool, an integer int, anything else string), the .stoq value being
/// the default.
std::vector<loader::OptionSchema> schema_for(const loader::Manifest& manifest);

/// A new instance of the C++ class that runs an exec plugin of `category`, or null for a
/// category exec plugins cannot have. Destroy it with destroy_plugin.
Plugin* create_plugin(Category category);
void destroy_plugin(void* plugin);

}  // namespace stoq::exec
