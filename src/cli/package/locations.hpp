// Where the package commands find this stoq's SDK and examples: relative to the stoq
// executable, so the build tree (build/bin/stoq) and an installed prefix both work.
#pragma once

#include <filesystem>

namespace stoq::cli::package {

/// <prefix>/lib/cmake/stoq: the SDK's CMake package (find_package(stoq)).
std::filesystem::path sdk_cmake_dir();
/// <prefix>/share/stoq/examples: docs/examples, the skeletons of `stoq new`.
std::filesystem::path examples_dir();

}  // namespace stoq::cli::package
