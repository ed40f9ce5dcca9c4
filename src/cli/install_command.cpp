// `stoq install <dir | archive> [--upgrade] [-P|--plugin-dir DIR] [--config F]` and
// `stoq new <category> <name> [DIR]`: the plugin package commands (docs/writing-plugins.md#packages).
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/package/install.hpp"
#include "cli/package/locations.hpp"
#include "cli/package/skeleton.hpp"
#include "stoq/error.hpp"

namespace stoq::cli {
namespace {

constexpr const char* kInstallUsage =
    "usage: stoq install <package dir | .tar.gz | .tgz | .tar | .zip> [--upgrade] [-P|--plugin-dir DIR] "
    "[--config F]\n"
    "\n"
    "Builds the plugin package against this stoq (C++: its CMakeLists.txt; exec: plugins: their\n"
    "program, with requirements.txt in a private virtual environment) and installs it into\n"
    "<plugin dir>/<category>/<name>/. The plugin dir is --plugin-dir, else the one entry of\n"
    "plugin_dir_list in stoq.cfg, else the plugins folder of this stoq. An installed plugin\n"
    "is replaced only with --upgrade.\n";

constexpr const char* kNewUsage =
    "usage: stoq new <category> <name> [DIR]\n"
    "\n"
    "Writes a plugin package for <category> (worker, connector, reader, source, extractor,\n"
    "carver, decoder, decorator) into DIR (default: ./<name>-plugin): CMakeLists.txt,\n"
    "<name>/<name>.stoq, <name>/<name>.cpp and a PluginHarness test. Build and install it with\n"
    "stoq install DIR.\n";

}  // namespace

int cmd_install(const std::vector<std::string>& args_in) {
  std::vector<std::string> args = args_in;
  package::InstallRequest request;
  request.config_path = take_config_flag(args);
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kInstallUsage, stdout);
      return 0;
    }
    if (arg == "--upgrade" || arg == "-U") {
      request.upgrade = true;
    } else if (arg == "--plugin-dir" || arg == "-P") {
      if (i + 1 >= args.size()) throw Error(arg + " needs a directory");
      request.plugin_dir = args[++i];
    } else if (arg.rfind("--plugin-dir=", 0) == 0) {
      request.plugin_dir = arg.substr(13);
    } else if (!arg.empty() && arg[0] == '-') {
      throw Error("install: unknown option '" + arg + "'\n" + kInstallUsage);
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 1) throw Error(std::string("install takes one package\n") + kInstallUsage);
  request.package = positional.front();
  return package::install(request);
}

int cmd_new(const std::vector<std::string>& args_in) {
  std::vector<std::string> args = args_in;
  (void)take_config_flag(args);  // accepted like every command's; a skeleton needs no configuration
  for (const std::string& arg : args) {
    if (arg == "-h" || arg == "--help") {
      std::fputs(kNewUsage, stdout);
      return 0;
    }
  }
  if (args.size() < 2 || args.size() > 3) throw Error(std::string("new takes a category and a name\n") + kNewUsage);
  std::optional<Category> category = parse_category(args[0]);
  if (!category) throw Error("new: '" + args[0] + "' is not a category\n" + kNewUsage);
  std::string directory = args.size() == 3 ? args[2] : args[1] + "-plugin";
  package::write_skeleton(*category, args[1], directory);
  const char* dir = directory.c_str();
  std::printf("[+] Wrote the %s plugin package %s into %s\n", args[0].c_str(), args[1].c_str(), dir);
  std::printf("    test it:     cmake -S %s -B %s/build -Dstoq_DIR=%s\n", dir, dir, package::sdk_cmake_dir().c_str());
  std::printf("                 cmake --build %s/build && ctest --test-dir %s/build\n", dir, dir);
  std::printf("    install it:  stoq install %s\n", dir);
  return 0;
}

}  // namespace stoq::cli
