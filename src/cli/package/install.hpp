// `stoq install <dir | archive> [--upgrade] [--plugin-dir DIR]` (stoq-original §f, the
// guide's "Installing a Plugin"): reads the package, builds it against this stoq's SDK
// (C++) or takes its program (exec:), installs it into a staging directory beside the
// target, proves it loads (the ABI handshake), then renames it into
// <plugin_dir>/<category>/<name>. An existing plugin is replaced only with --upgrade;
// whatever fails, the installed plugins are left as they were.
#pragma once

#include <optional>
#include <string>

namespace stoq::cli::package {

struct InstallRequest {
  std::string package;                     // directory or .tar.gz/.tgz/.tar/.zip
  bool upgrade = false;                    // replace an installed plugin of that name
  std::optional<std::string> plugin_dir;   // else the one entry of plugin_dir_list
  std::optional<std::string> config_path;  // --config
};

/// Prints progress to stdout as the guide shows it. Returns the exit status: 0
/// installed, 1 not installed (already there, build or handshake failed). Throws
/// stoq::Error for a package or configuration that cannot be read.
int install(const InstallRequest& request);

}  // namespace stoq::cli::package
