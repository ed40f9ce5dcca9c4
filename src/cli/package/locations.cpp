#include "cli/package/locations.hpp"

#include "config/core_config.hpp"
#include "stoq/error.hpp"

namespace stoq::cli::package {
namespace fs = std::filesystem;
namespace {

fs::path exe_prefix() {
  std::string prefix = config::default_locations().prefix;
  if (prefix.empty()) throw Error("cannot find the stoq executable (/proc/self/exe)");
  return prefix;
}

}  // namespace

fs::path sdk_cmake_dir() { return exe_prefix() / "lib" / "cmake" / "stoq"; }

fs::path examples_dir() { return exe_prefix() / "share" / "stoq" / "examples"; }

}  // namespace stoq::cli::package
