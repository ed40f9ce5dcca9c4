#pragma once

#include <optional>
#include <string>
#include <vector>

namespace stoq::cli {

/// argv without the program name; every command returns the process exit code.
int cmd_help();
int cmd_list(const std::vector<std::string>& args);
int cmd_worker(const std::string& worker, const std::vector<std::string>& args);
/// `stoq scan -w NAME [-w NAME ...] [options]`: several workers on every payload.
int cmd_scan(const std::vector<std::string>& args);
/// `stoq render TEMPLATE [RESULTS.json]`: 0, 1 (template or input error), 2 (bad arguments).
int cmd_render(const std::vector<std::string>& args);

/// `stoq install PACKAGE [--upgrade] [--plugin-dir DIR]`: 0 installed, 1 not installed.
int cmd_install(const std::vector<std::string>& args);
/// `stoq new CATEGORY NAME [DIR]`: writes a plugin package skeleton.
int cmd_new(const std::vector<std::string>& args);

/// Takes --config PATH / --config=PATH out of args.
std::optional<std::string> take_config_flag(std::vector<std::string>& args);

}  // namespace stoq::cli
