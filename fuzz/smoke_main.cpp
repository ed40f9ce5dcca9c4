// Replays inputs through a fuzz target without libFuzzer, for ordinary (g++) builds:
//   fuzz_smoke_<target> FILE|DIR...
// Runs LLVMFuzzerTestOneInput once per file (directories: every regular file in them,
// sorted) and exits non-zero when a path cannot be read. A crash aborts the process,
// so ctest reports it; the file being run is printed first.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    fs::path path(argv[i]);
    std::error_code error;
    if (fs::is_directory(path, error)) {
      std::vector<fs::path> found;
      for (const auto& item : fs::directory_iterator(path, error)) {
        if (item.is_regular_file(error)) found.push_back(item.path());
      }
      std::sort(found.begin(), found.end());
      inputs.insert(inputs.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(path, error)) {
      inputs.push_back(path);
    } else {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
      return 2;
    }
  }
  for (const fs::path& input : inputs) {
    std::fprintf(stderr, "running %s\n", input.c_str());
    std::ifstream in(input, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A heap copy of exactly the input's size, as libFuzzer passes it (an empty input
    // still gets a valid pointer).
    std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(copy.empty() ? reinterpret_cast<const std::uint8_t*>("") : copy.data(), copy.size());
  }
  std::printf("%zu inputs replayed, 0 failures\n", inputs.size());
  return 0;
}
