// Finds plugins under plugin_dir_list (<dir>/<category>/<name>/<name>.stoq), loads
// their modules with the ABI handshake, and resolves their options:
// table defaults < .stoq [options] < overrides (the worker's CLI flags).
// Thread-safe: worker threads load plugins lazily.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "loader/manifest.hpp"
#include "stoq/abi.h"
#include "stoq/plugin.hpp"

namespace stoq::loader {

/// A .stoq file found on disk: its manifest, or why it could not be read.
struct Discovered {
  Category category = Category::Worker;
  std::string folder_name;
  std::string stoq_file;
  std::optional<Manifest> manifest;
  std::string error;

  [[nodiscard]] const std::string& name() const { return manifest ? manifest->info.name : folder_name; }
};

/// An option a plugin accepts: from its table, or one the framework defines for its category.
struct OptionSchema {
  std::string name;
  stoq_option_type type;
  std::optional<std::string> default_value;
  std::string doc;
  char short_flag = 0;
  bool required = false;
};

struct LoadedPlugin {
  Manifest manifest;
  const stoq_plugin_descriptor* descriptor = nullptr;  // null for an exec: plugin (no module)
  std::vector<OptionSchema> schema;
  Options options;  // defaults + .stoq
};

struct PluginDeleter {
  void (*destroy)(void*) = nullptr;
  void operator()(Plugin* plugin) const {
    if (plugin != nullptr) destroy(plugin);
  }
};
using PluginPtr = std::unique_ptr<Plugin, PluginDeleter>;

class Catalog {
 public:
  explicit Catalog(std::vector<std::string> plugin_dirs);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  /// Every .stoq found, in plugin_dir_list order (first of a name wins).
  [[nodiscard]] const std::vector<Discovered>& discovered() const { return discovered_; }
  [[nodiscard]] const std::vector<std::string>& plugin_dirs() const { return plugin_dirs_; }

  /// Loads (once) and returns the plugin; throws stoq::Error with the file and reason,
  /// or, for an unknown name, the names that exist.
  const LoadedPlugin& load(Category category, const std::string& name);

  /// How many discovered plugins (of any category) have this name.
  [[nodiscard]] std::size_t count_named(const std::string& name) const;

  /// A new, not yet activated instance (options bound by the caller).
  PluginPtr create(const LoadedPlugin& plugin) const;

 private:
  void discover();
  const LoadedPlugin& load_exec(const std::string& key, const Manifest& manifest);
  const Discovered& find(Category category, const std::string& name) const;

  std::vector<std::string> plugin_dirs_;
  std::vector<Discovered> discovered_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<LoadedPlugin>> loaded_;
  std::vector<void*> handles_;
};

/// The options the framework itself defines for a category (workers: hashpayload,
/// saveresults, max_tlp, ratelimit; sources: multiprocess; all: min/max_stoq_version).
std::vector<OptionSchema> framework_options(Category category);

/// Validates a descriptor's option table (names, suffix/type agreement, defaults).
std::vector<OptionSchema> schema_from_descriptor(const stoq_plugin_descriptor& descriptor,
                                                 const std::string& module_path);

/// Checks what a type cannot: max_tlp is a TLP level, ratelimit is count/seconds.
void check_option_value(const std::string& name, const Json& value, const std::string& where);

/// `base` with `overrides` (option name -> text, e.g. from the command line) parsed
/// and checked against the plugin's schema; `where` labels messages; relative PATH
/// values are taken relative to `paths_relative_to`. Overrides are keyed by plugin name,
/// and plugins of two categories may share one (source and connector rabbitmq): with
/// `skip_unknown`, an option this plugin does not declare is left to the other (the
/// engine checks that one of them declares it).
Options apply_overrides(const LoadedPlugin& plugin, Options base,
                        const std::vector<std::pair<std::string, std::string>>& overrides, const std::string& where,
                        const std::string& paths_relative_to, bool skip_unknown = false);

/// Parses `entries` against `schema` over the defaults (relative PATH values are
/// relative to the folder of `file`, the plugin's own); unknown keys, bad values and
/// missing required options throw stoq::Error with "file:line".
Options resolve_options(const std::vector<OptionSchema>& schema, const std::vector<config::IniEntry>& entries,
                        const config::IniFile& file, const std::string& plugin_label);

}  // namespace stoq::loader
