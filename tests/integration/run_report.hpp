// Helpers for tests of what a run reports: the summary line on stderr, runs whose stdout
// is redirected by a shell (/dev/full, closed, a pipe to `head`), and a tiny tmpfs for
// disk-full tests (root only; such tests are skipped otherwise).
#pragma once

#include <sys/mount.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "run_cli.hpp"

namespace stoq_test {

/// The counts of the summary line "stoq: P payloads, S saved, E with errors, T skipped by TLP, X s[, ...]".
struct Summary {
  std::uint64_t payloads = 0;
  std::uint64_t saved = 0;
  std::uint64_t with_errors = 0;
  std::uint64_t skipped_by_tlp = 0;
  std::string ending;  // ", stopped by SIGTERM" ...
};

/// The summary line of a finished run; nullopt (and how many there were) unless exactly one.
inline std::optional<Summary> summary_of(const std::string& err) {
  static const std::regex line(
      R"((?:^|\n)stoq: (\d+) payloads?, (\d+) saved, (\d+) with errors, (\d+) skipped by TLP, \d+\.\d s([^\n]*)\n)");
  std::optional<Summary> found;
  int count = 0;
  for (std::sregex_iterator it(err.begin(), err.end(), line), end; it != end; ++it, ++count) {
    const std::smatch& match = *it;
    found =
        Summary{std::stoull(match[1]), std::stoull(match[2]), std::stoull(match[3]), std::stoull(match[4]), match[5]};
  }
  return count == 1 ? found : std::nullopt;
}

/// Lines of `text` containing `part`.
inline std::size_t count_lines_with(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  std::istringstream in(text);
  for (std::string one; std::getline(in, one);) count += one.find(part) != std::string::npos ? 1 : 0;
  return count;
}

/// Runs `stoq <args> --config <env's cfg>` through /bin/sh, which applies `shell_tail` to
/// stoq's stdout: "> /dev/full", ">&-", "| head -1 > /dev/null". stoq's exit status is
/// printed to stderr as "stoq exit status N" (the shell's own is that of the pipeline).
inline CliProcess start_stoq_through_shell(const StoqEnv& env, const std::vector<std::string>& args,
                                           const std::string& shell_tail) {
  std::vector<std::string> shell_args = {"-c", R"({ "$0" "$@"; echo "stoq exit status $?" >&2; } )" + shell_tail,
                                         STOQ_CLI};
  for (const std::string& arg : env.args(args)) shell_args.push_back(arg);
  SpawnOptions options;
  options.env = env.env();
  return CliProcess("/bin/sh", shell_args, options);
}

/// The status printed by start_stoq_through_shell(); -1 when missing.
inline int shell_reported_status(const std::string& err) {
  static const std::regex status(R"(stoq exit status (\d+))");
  std::smatch match;
  return std::regex_search(err, match, status) ? std::stoi(match[1]) : -1;
}

/// A tmpfs of `bytes` mounted on a fresh directory for the test's lifetime; mounted()
/// is false when this process may not mount (not root, no CAP_SYS_ADMIN).
class TinyTmpfs {
 public:
  explicit TinyTmpfs(std::size_t bytes) {
    std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
    mounted_ = ::geteuid() == 0 && ::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~TinyTmpfs() {
    if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }
  TinyTmpfs(const TinyTmpfs&) = delete;
  TinyTmpfs& operator=(const TinyTmpfs&) = delete;
  [[nodiscard]] bool mounted() const { return mounted_; }
  [[nodiscard]] std::string path(const std::string& relative) const { return dir_.path(relative); }
  [[nodiscard]] const std::string& path() const { return dir_.path(); }

 private:
  TempDir dir_{"stoq-tmpfs"};
  bool mounted_ = false;
};

}  // namespace stoq_test
