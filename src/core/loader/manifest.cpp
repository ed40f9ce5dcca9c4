#include "loader/manifest.hpp"

#include <filesystem>

#include "exec/exec_module.hpp"
#include "stoq/error.hpp"

namespace stoq::loader {

Manifest read_manifest(const std::string& stoq_file, Category category) {
  Manifest manifest{{}, config::read_ini(stoq_file), {}};
  const config::IniFile& file = manifest.file;
  auto required = [&](const char* section_name, const char* key) -> std::string {
    const config::IniSection* section = file.find(section_name);
    if (section == nullptr) throw Error(stoq_file + ": missing [" + section_name + "] section");
    const config::IniEntry* entry = section->find(key);
    if (entry == nullptr) {
      throw Error(stoq_file + ": missing '" + key + "' in [" + section_name + "]");
    }
    return entry->value;
  };
  PluginInfo& info = manifest.info;
  info.name = required("Core", "name");
  info.module = required("Core", "module");
  if (info.name.empty()) throw Error(stoq_file + ": [Core] Name is empty");
  if (exec::is_exec_module(info.module)) {
    exec::check_exec_module(info.module, category, stoq_file);  // an executable (docs/exec-plugins.md)
  } else if (info.module.empty() || info.module.find('/') != std::string::npos || info.module[0] == '.') {
    throw Error(stoq_file + ": [Core] Module must be a plain file name (or exec:<path>), got '" + info.module + "'");
  }
  info.author = required("Documentation", "author");
  info.version = required("Documentation", "version");
  info.website = required("Documentation", "website");
  info.description = required("Documentation", "description");
  info.category = category;
  info.stoq_file = stoq_file;
  info.plugin_path = std::filesystem::path(stoq_file).parent_path().string();
  if (const config::IniSection* options = file.find("options")) manifest.options = options->entries;
  return manifest;
}

}  // namespace stoq::loader
