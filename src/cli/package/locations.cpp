#include "cli/package/locations.hpp"

#include "stoq/error.hpp"

namespace stoq::cli::package {
namespace fs = std::filesystem;
namespace {

fs::path exe_prefix() {
  std::error_code error;
  fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) throw Error("cannot find the stoq executable: " + error.message());
  return exe.parent_path().parent_path();
}

}  // namespace

fs::path sdk_cmake_dir() { return (exe_prefix() / "lib" / "cmake" / "stoq").lexically_normal(); }

fs::path examples_dir() { return (exe_prefix() / "share" / "stoq" / "examples").lexically_normal(); }

}  // namespace stoq::cli::package
