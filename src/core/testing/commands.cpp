// Test support beside the plugin harness: running a shell command, reading a file whole,
// replaying a fuzz target's seed folder.
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "stoq/testing.hpp"

namespace stoq::testing {
namespace fs = std::filesystem;

std::string run_command(const std::string& command, int* exit_status) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    if (exit_status != nullptr) *exit_status = -1;
    return out;
  }
  std::array<char, 65536> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), got);
  const int status = ::pclose(pipe);
  if (exit_status != nullptr) *exit_status = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open " + path);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw Error("cannot read " + path);
  return bytes;
}

std::size_t replay_seeds(const std::string& folder, int (*target)(const std::uint8_t*, std::size_t),
                         std::vector<std::string>* rejected) {
  std::vector<fs::path> seeds;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.is_regular_file()) seeds.push_back(entry.path());
  }
  std::sort(seeds.begin(), seeds.end());
  for (const fs::path& seed : seeds) {
    const std::string bytes = read_file_bytes(seed.string());
    if (target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) != 0 && rejected != nullptr) {
      rejected->push_back(seed.string());
    }
  }
  return seeds.size();
}

}  // namespace stoq::testing
