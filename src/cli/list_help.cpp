#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "config/core_config.hpp"
#include "loader/catalog.hpp"
#include "logging/logging.hpp"
#include "stoq/error.hpp"
#include "stoq/version.hpp"

namespace stoq::cli {

std::optional<std::string> take_config_flag(std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config") {
      if (i + 1 >= args.size()) throw Error("--config needs a file");
      std::string path = args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i), args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      return path;
    }
    if (args[i].rfind("--config=", 0) == 0) {
      std::string path = args[i].substr(9);
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      return path;
    }
  }
  return std::nullopt;
}

int cmd_help() {
  std::printf(
      "stoq %.*s: automate the analysis of payloads\n"
      "\n"
      "usage:\n"
      "  stoq help                 this text\n"
      "  stoq --version            print the version\n"
      "  stoq list [--config F]    list plugins by category\n"
      "  stoq <worker> [options]   run a worker plugin (stoq <worker> -h for its options)\n"
      "  stoq scan -w W [-w W ...] [options]\n"
      "                            run several workers on every payload, in one pass\n"
      "  stoq render TEMPLATE [RESULTS.json]\n"
      "                            render a template against saved results (default: stdin)\n"
      "  stoq new CATEGORY NAME [DIR]\n"
      "                            write a plugin package to start from (stoq new -h)\n"
      "  stoq install PACKAGE [--upgrade] [--plugin-dir DIR]\n"
      "                            build and install a plugin package (dir, .tar.gz or .zip)\n"
      "\n"
      "examples:\n"
      "  stoq hash -F bad.exe                      scan one file, results to stdout\n"
      "  stoq hash -F samples/ -C file -O results/ save results as files\n"
      "  stoq hash -F samples/ -A file             also archive payloads by sha1\n"
      "  stoq hash -I dirmon -F incoming/          watch a directory until Ctrl-C\n"
      "  stoq hash -F bad.exe -T stdout.tpl        a human summary instead of JSON\n"
      "                                            (worker dir/templates/stdout.tpl)\n"
      "  stoq scan -w hash -w mimetype -w yara -D -F samples/\n"
      "                                            three workers, archives unpacked\n"
      "\n"
      "configuration: --config FILE, else $STOQ_HOME/stoq.cfg (STOQ_HOME defaults to ~/.stoq),\n"
      "else built-in defaults; plugins built beside this executable are always found.\n"
      "\n"
      "signals: the first SIGINT/SIGTERM/SIGHUP finishes the payloads in flight; a second one\n"
      "(or 30 s later) exits at once.\n"
      "\n"
      "exit status:\n"
      "  0        every payload's results were saved (also after a stop by the first signal)\n"
      "  1        some results could not be saved, the source failed, or an internal error\n"
      "  2        bad option, config or plugin, found before any payload was processed\n"
      "  3        --fail-on-errors: all saved, but some results document has an errors entry\n"
      "  128+N    ended at once by a second signal N (130 SIGINT, 143 SIGTERM, 129 SIGHUP)\n"
      "  141      the reader of stdout went away (| head): the run stopped\n",
      static_cast<int>(kVersion.size()), kVersion.data());
  return 0;
}

int cmd_list(const std::vector<std::string>& args_in) {
  std::vector<std::string> args = args_in;
  std::optional<std::string> config_path = take_config_flag(args);
  if (!args.empty()) throw Error("list takes no arguments besides --config, got '" + args[0] + "'");
  CoreConfig config = config::load_core_config(config_path, config::default_locations());
  logging::setup(config, "", false);
  loader::Catalog catalog(config.plugin_dir_list);
  std::size_t width = 4;
  for (const auto& found : catalog.discovered()) width = std::max(width, found.name().size());
  for (Category category : kAllCategories) {
    bool header = false;
    for (const auto& found : catalog.discovered()) {
      if (found.category != category) continue;
      if (!header) {
        std::printf("%s%s\n", category == Category::Worker ? "" : "\n", category_name(category));
        header = true;
      }
      if (found.manifest) {
        const PluginInfo& info = found.manifest->info;
        // An exec: plugin runs as a child process (docs/exec-plugins.md): marked as such.
        const char* kind = info.module.rfind("exec:", 0) == 0 ? "[exec] " : "";
        std::printf("  %-*s  v%-8s %s%s\n", static_cast<int>(width), info.name.c_str(), info.version.c_str(), kind,
                    info.description.c_str());
      } else {
        std::printf("  %-*s  (broken: %s)\n", static_cast<int>(width), found.name().c_str(), found.error.c_str());
      }
    }
  }
  if (catalog.discovered().empty()) {
    std::string dirs;
    for (const auto& dir : catalog.plugin_dirs()) dirs += " " + dir;
    std::fprintf(stderr, "stoq: no plugins found in:%s\n", dirs.c_str());
    return 1;
  }
  return 0;
}

}  // namespace stoq::cli
