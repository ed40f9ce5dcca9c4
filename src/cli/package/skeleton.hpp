// `stoq new <category> <name> [DIR]`: a plugin package to start from. Each category's
// skeleton is one of the worked examples of docs/writing-plugins.md (docs/examples/
// <example>-plugin/, installed as <prefix>/share/stoq/examples/), copied with the
// example's name and class name replaced by the new ones, so what `stoq new` writes is
// exactly what the documentation shows and the tests build.
#pragma once

#include <string>

#include "stoq/plugin.hpp"

namespace stoq::cli::package {

/// Writes the package into `directory` (created; it must not exist or be empty).
/// `name` must be a C++ identifier in lower case (it names the namespace and files).
/// Throws stoq::Error.
void write_skeleton(Category category, const std::string& name, const std::string& directory);

}  // namespace stoq::cli::package
