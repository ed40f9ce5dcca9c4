// stoq: the command line. `stoq help`, `stoq --version`, `stoq list`, `stoq render`
// and `stoq <worker> [options]`, which runs a worker plugin (stoq-original §a.1).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "stoq/error.hpp"
#include "stoq/version.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "help" || args[0] == "-h" || args[0] == "--help") return stoq::cli::cmd_help();
    if (args[0] == "--version" || args[0] == "version") {
      std::printf("stoq %.*s\n", static_cast<int>(stoq::kVersion.size()), stoq::kVersion.data());
      return 0;
    }
    std::string command = args[0];
    args.erase(args.begin());
    if (command == "list") return stoq::cli::cmd_list(args);
    if (command == "render") return stoq::cli::cmd_render(args);
    if (!command.empty() && command[0] == '-') {
      std::fprintf(stderr, "stoq: error: expected a command or a worker name before '%s' (see stoq help)\n",
                   command.c_str());
      return 2;
    }
    return stoq::cli::cmd_worker(command, args);
  } catch (const stoq::Error& e) {
    std::fprintf(stderr, "stoq: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stoq: internal error: %s\n", e.what());
    return 1;
  }
}
