#include "loader/catalog.hpp"

#include <dlfcn.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "exec/exec_module.hpp"
#include "stoq/error.hpp"
#include "stoq/version.hpp"

namespace stoq::loader {
namespace fs = std::filesystem;
namespace {

std::string key_of(Category category, const std::string& name) {
  return std::string(category_name(category)) + ":" + name;
}

// The handshake: everything a module must satisfy before any of its code runs.
const stoq_plugin_descriptor* handshake(void* handle, const std::string& module_path, const PluginInfo& info) {
  void* symbol = dlsym(handle, STOQ_PLUGIN_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    throw Error(module_path + ": not a stoq plugin (no " STOQ_PLUGIN_ENTRY_SYMBOL " symbol)");
  }
  auto entry = reinterpret_cast<stoq_plugin_entry_fn>(symbol);
  const stoq_plugin_descriptor* descriptor = entry();
  if (descriptor == nullptr) throw Error(module_path + ": " STOQ_PLUGIN_ENTRY_SYMBOL " returned nothing");
  if (descriptor->abi_major != STOQ_ABI_VERSION_MAJOR) {
    throw Error(module_path + ": built for stoq plugin ABI " + std::to_string(descriptor->abi_major) +
                ", this stoq has ABI " + std::to_string(STOQ_ABI_VERSION_MAJOR) +
                ": rebuild the plugin against this SDK");
  }
  if (descriptor->struct_size < sizeof(stoq_plugin_descriptor)) {
    throw Error(module_path + ": plugin descriptor is " + std::to_string(descriptor->struct_size) +
                " bytes, expected at least " + std::to_string(sizeof(stoq_plugin_descriptor)) +
                ": rebuild the plugin against this SDK");
  }
  if (descriptor->abi_tag == nullptr || std::strcmp(descriptor->abi_tag, STOQ_BUILD_TAG) != 0) {
    throw Error(module_path + ": built as '" +
                std::string(descriptor->abi_tag != nullptr ? descriptor->abi_tag : "(none)") +
                "', this stoq is '" STOQ_BUILD_TAG "': rebuild the plugin against this SDK");
  }
  // A null name (the short STOQ_PLUGIN form) leaves the name to the .stoq file; the
  // version and description always come from there (the one place they are written).
  if (descriptor->name != nullptr && info.name != descriptor->name) {
    throw Error(module_path + ": plugin calls itself '" + std::string(descriptor->name) + "' but " + info.stoq_file +
                " says Name = " + info.name);
  }
  if (descriptor->category == nullptr || category_name(info.category) != std::string(descriptor->category)) {
    throw Error(module_path + ": plugin is a " +
                std::string(descriptor->category != nullptr ? descriptor->category : "(none)") + " but lives in the " +
                category_name(info.category) + " folder");
  }
  if (descriptor->create == nullptr || descriptor->destroy == nullptr) {
    throw Error(module_path + ": descriptor has no create/destroy functions");
  }
  return descriptor;
}

void warn_on_version(const Options& options, const PluginInfo& info) {
  auto text = [&](const char* key) { return options.has(key) ? options.get_string(key) : std::string(); };
  std::string minimum = text("min_stoq_version");
  std::string maximum = text("max_stoq_version");
  if (!minimum.empty() && compare_versions(kVersion, minimum) < 0) {
    spdlog::warn("plugin {} requires stoq >= {} but this is stoq {}: results may be unpredictable", info.name, minimum,
                 kVersion);
  }
  if (!maximum.empty() && compare_versions(kVersion, maximum) >= 0) {
    spdlog::warn("plugin {} supports stoq < {} but this is stoq {}: results may be unpredictable", info.name, maximum,
                 kVersion);
  }
}

}  // namespace

Catalog::Catalog(std::vector<std::string> plugin_dirs) : plugin_dirs_(std::move(plugin_dirs)) { discover(); }

Catalog::~Catalog() {
  loaded_.clear();
  for (void* handle : handles_) dlclose(handle);
}

void Catalog::discover() {
  for (const std::string& root : plugin_dirs_) {
    std::error_code error;
    if (!fs::is_directory(root, error)) continue;
    for (Category category : kAllCategories) {
      fs::path category_dir = fs::path(root) / category_name(category);
      if (!fs::is_directory(category_dir, error)) continue;
      std::vector<fs::path> folders;
      for (const auto& item : fs::directory_iterator(category_dir, error)) {
        if (item.is_directory(error)) folders.push_back(item.path());
      }
      std::sort(folders.begin(), folders.end());
      for (const fs::path& folder : folders) {
        std::vector<fs::path> stoq_files;
        for (const auto& item : fs::directory_iterator(folder, error)) {
          if (item.path().extension() == ".stoq") stoq_files.push_back(item.path());
        }
        if (stoq_files.empty()) continue;
        Discovered found;
        found.category = category;
        found.folder_name = folder.filename().string();
        found.stoq_file = (folder / (found.folder_name + ".stoq")).string();
        if (stoq_files.size() > 1) {
          found.error = folder.string() + ": more than one .stoq file";
        } else {
          found.stoq_file = stoq_files.front().string();
          try {
            found.manifest = read_manifest(found.stoq_file, category);
          } catch (const Error& e) {
            found.error = e.what();
          }
        }
        bool shadowed = std::any_of(discovered_.begin(), discovered_.end(), [&](const Discovered& d) {
          return d.category == category && d.name() == found.name();
        });
        if (shadowed) {
          spdlog::debug("{} is shadowed by an earlier plugin dir", found.stoq_file);
          continue;
        }
        discovered_.push_back(std::move(found));
      }
    }
  }
}

const Discovered& Catalog::find(Category category, const std::string& name) const {
  for (const Discovered& found : discovered_) {
    if (found.category == category && found.name() == name) return found;
  }
  std::string known;
  for (const Discovered& found : discovered_) {
    if (found.category != category) continue;
    known += (known.empty() ? "" : ", ") + found.name();
  }
  std::string dirs;
  for (const std::string& dir : plugin_dirs_) dirs += (dirs.empty() ? "" : ", ") + dir;
  throw Error("unknown " + std::string(category_name(category)) + " plugin '" + name + "' (available: " +
              (known.empty() ? "none" : known) + "; searched " + (dirs.empty() ? "no plugin dirs" : dirs) + ")");
}

std::size_t Catalog::count_named(const std::string& name) const {
  return static_cast<std::size_t>(
      std::count_if(discovered_.begin(), discovered_.end(), [&](const Discovered& d) { return d.name() == name; }));
}

const LoadedPlugin& Catalog::load(Category category, const std::string& name) {
  std::lock_guard lock(mutex_);
  std::string key = key_of(category, name);
  if (auto it = loaded_.find(key); it != loaded_.end()) return *it->second;
  const Discovered& found = find(category, name);
  if (!found.manifest) throw Error(found.error);
  const Manifest& manifest = *found.manifest;
  if (exec::is_exec_module(manifest.info.module)) return load_exec(key, manifest);
  fs::path module_path = fs::path(manifest.info.plugin_path) / (manifest.info.module + ".so");
  if (!fs::exists(module_path)) {
    throw Error(manifest.info.stoq_file + ": module " + module_path.string() + " not found");
  }
  void* handle = dlopen(module_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = dlerror();
    throw Error(module_path.string() + ": cannot load: " + (reason != nullptr ? reason : "unknown error"));
  }
  try {
    auto plugin = std::make_unique<LoadedPlugin>();
    plugin->manifest = manifest;
    plugin->descriptor = handshake(handle, module_path.string(), manifest.info);
    plugin->schema = schema_from_descriptor(*plugin->descriptor, module_path.string());
    std::string label = key_of(category, name);
    plugin->options = resolve_options(plugin->schema, manifest.options, manifest.file, label);
    warn_on_version(plugin->options, manifest.info);
    handles_.push_back(handle);
    return *loaded_.emplace(key, std::move(plugin)).first->second;
  } catch (...) {
    dlclose(handle);
    throw;
  }
}

// An exec: plugin (docs/exec-plugins.md): no module to load; the executable must exist
// and be executable, and the schema comes from the .stoq itself. Called with mutex_ held.
const LoadedPlugin& Catalog::load_exec(const std::string& key, const Manifest& manifest) {
  std::string executable = exec::executable_path(manifest.info);
  if (::access(executable.c_str(), F_OK) != 0) {
    throw Error(manifest.info.stoq_file + ": executable " + executable + " not found");
  }
  if (::access(executable.c_str(), X_OK) != 0 || fs::is_directory(executable)) {
    throw Error(manifest.info.stoq_file + ": " + executable + " is not executable (chmod +x it)");
  }
  auto plugin = std::make_unique<LoadedPlugin>();
  plugin->manifest = manifest;
  plugin->schema = exec::schema_for(manifest);
  plugin->options = resolve_options(plugin->schema, manifest.options, manifest.file, key);
  warn_on_version(plugin->options, manifest.info);
  return *loaded_.emplace(key, std::move(plugin)).first->second;
}

PluginPtr Catalog::create(const LoadedPlugin& plugin) const {
  if (plugin.descriptor == nullptr) {  // an exec: plugin
    Plugin* made = exec::create_plugin(plugin.manifest.info.category);
    if (made == nullptr) throw Error(plugin.manifest.info.name + ": no exec plugin of this category");
    return PluginPtr(made, PluginDeleter{exec::destroy_plugin});
  }
  const stoq_plugin_descriptor& descriptor = *plugin.descriptor;
  void* raw = descriptor.create();
  if (raw == nullptr) throw Error(plugin.manifest.info.name + ": plugin create() returned nothing");
  return PluginPtr(static_cast<Plugin*>(raw), PluginDeleter{descriptor.destroy});
}

}  // namespace stoq::loader
