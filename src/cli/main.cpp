// stoq: the command line. `stoq help`, `stoq --version`, `stoq list`, `stoq render`
// `stoq scan -w NAME ...` (several workers in one pass: docs/scan.md) and
// `stoq <worker> [options]`, which runs a worker plugin (stoq-original §a.1).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "isolation/helper.hpp"
#include "stoq/error.hpp"
#include "stoq/version.hpp"

namespace {

// A standard descriptor the caller closed (`>&-`) is given /dev/null, opened read-only so
// that writes to it fail (EBADF) rather than vanish, and so that no file stoq opens later
// (the log, a result) becomes "stdout" by taking the lowest free number.
void occupy_closed_standard_descriptors() {
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    int opened = ::open("/dev/null", O_RDONLY);  // the lowest free number: this one
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything else: an isolation helper (src/core/isolation) is not a command.
  if (stoq::isolation::is_helper_invocation(argc, argv)) return stoq::isolation::helper_main(argc, argv);
  occupy_closed_standard_descriptors();
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
    if (command == "scan") return stoq::cli::cmd_scan(args);
    if (command == "install") return stoq::cli::cmd_install(args);
    if (command == "new") return stoq::cli::cmd_new(args);
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
