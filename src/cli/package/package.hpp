// A plugin package as `stoq install` reads it (docs/writing-plugins.md#packages): the
// stoQ guide's layout with a CMakeLists.txt in place of setup.py.
//
//   <package>/CMakeLists.txt        C++ plugins: find_package(stoq) + stoq_add_plugin()
//   <package>/requirements.txt      optional: exec: plugins in Python get a private venv
//   <package>/<Name>/<Name>.stoq    [Core] Name, Module (and Category for exec: plugins)
//   <package>/<Name>/...            sources or the program, templates/, rules/, tests/
//
// The .stoq file may also sit at the package root.
#pragma once

#include <optional>
#include <string>

#include "stoq/plugin.hpp"

namespace stoq::cli::package {

struct Package {
  std::string root;                           // the package directory
  std::string stoq_file;                      // its one .stoq file
  std::string plugin_folder;                  // the folder holding the .stoq file
  std::string name;                           // [Core] Name
  std::string module;                         // [Core] Module
  std::string version;                        // [Documentation] Version
  std::optional<Category> declared_category;  // [Core] Category, when written
  bool exec = false;                          // Module = exec:<program>
  bool has_cmake = false;                     // <root>/CMakeLists.txt
  /// The category CMakeLists.txt passes to stoq_add_plugin(<category> <name> ...), when
  /// it is written there literally: lets stoq install refuse an existing plugin before
  /// building. The build decides in the end (<stage>/<category>/<name>).
  std::optional<Category> cmake_category;
  std::string requirements;  // requirements.txt, or ""
};

/// Reads the package at `root`. Throws stoq::Error saying what is missing or wrong.
Package inspect_package(const std::string& root);

}  // namespace stoq::cli::package
