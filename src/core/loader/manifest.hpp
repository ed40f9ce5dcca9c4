// A plugin's .stoq file: [Core] Name/Module, [Documentation] Author/Version/
// Website/Description, and the raw [options] entries, parsed as configparser did.
#pragma once

#include <string>
#include <vector>

#include "config/ini.hpp"
#include "stoq/plugin.hpp"

namespace stoq::loader {

struct Manifest {
  PluginInfo info;
  config::IniFile file;                   // kept for option line numbers
  std::vector<config::IniEntry> options;  // [options] as written
};

/// Reads `<plugin_path>/<file>.stoq`. Throws stoq::Error naming the file and the key.
Manifest read_manifest(const std::string& stoq_file, Category category);

}  // namespace stoq::loader
