// Shared helpers of the decompress tests: running fixture makers and oracles, hashing,
// and calling the plugin through the harness.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "stoq/testing.hpp"

namespace decompress_test {

using stoq::Json;
using Overrides = std::vector<std::pair<std::string, std::string>>;
namespace fs = std::filesystem;

#define FIXTURE(name) STOQ_SHARED_DIR "/corpus/strelka-fixtures/" name

/// Runs `command` with /bin/sh; returns its stdout; `status` receives the exit code.
inline std::string run(const std::string& command, int* status = nullptr) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  std::array<char, 65536> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), got);
  int code = ::pclose(pipe);
  if (status != nullptr) *status = WIFEXITED(code) ? WEXITSTATUS(code) : -1;
  return output;
}

/// Runs `command`, failing the test when it exits non-zero.
inline std::string must_run(const std::string& command) {
  int status = 0;
  std::string output = run(command, &status);
  EXPECT_EQ(status, 0) << command;
  return output;
}

inline std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string sha256_of(const std::string& bytes) {
  return stoq::compute_hashes(stoq::ByteView(std::string_view(bytes))).sha256;
}

/// sha256 of a file, read through a (possibly mapped) payload rather than a copy.
inline std::string file_sha256(const std::string& path) {
  return stoq::read_file_payload(path, 1ULL << 34).hashes().sha256;
}

/// Regular files under `root`, path relative to it -> sha256.
inline std::map<std::string, std::string> tree_hashes(const std::string& root) {
  std::map<std::string, std::string> hashes;
  for (const auto& item : fs::recursive_directory_iterator(root)) {
    if (!item.is_regular_file() || item.is_symlink()) continue;
    hashes[fs::relative(item.path(), root).string()] =
        item.file_size() == 0 ? sha256_of("") : file_sha256(item.path().string());
  }
  return hashes;
}

/// What one extract() call gave: meta and bytes of each child (copied before the
/// harness, and so the plugin module, goes away).
struct Child {
  Json meta;
  std::string bytes;  // kept up to 16 MiB
  std::string sha256;
  std::uint64_t size = 0;
};
struct Outcome {
  std::vector<Child> children;
  std::string error;  // what extract() threw, "" when it returned
};

/// Extracts `payload` with a fresh harness; `tune` may adjust its limits first.
template <typename Tune>
Outcome extract(const stoq::Payload& payload, const Overrides& overrides, const Json& kwargs, Tune tune) {
  stoq::testing::TempDir dir;
  stoq::testing::PluginHarness harness(dir.path());
  tune(harness);
  auto& plugin = harness.activate<stoq::Extractor>(STOQ_PLUGIN_DIR, "decompress", overrides);
  Outcome outcome;
  try {
    for (stoq::Extracted& child : plugin.extract(payload, kwargs)) {
      std::string bytes(child.payload.bytes().head(16U << 20).as_string_view());
      outcome.children.push_back({child.meta, bytes, child.payload.hashes().sha256, child.payload.size()});
    }
  } catch (const std::exception& error) {
    outcome.error = error.what();
  }
  return outcome;
}

inline Outcome extract(const stoq::Payload& payload, const Overrides& overrides = {},
                       const Json& kwargs = Json::object()) {
  return extract(payload, overrides, kwargs, [](stoq::testing::PluginHarness&) {});
}

inline Outcome extract_file(const std::string& path, const Overrides& overrides = {},
                            const Json& kwargs = Json::object()) {
  return extract(stoq::read_file_payload(path, 1ULL << 32), overrides, kwargs);
}

/// Extracted regular files with bytes: filename -> sha256.
inline std::map<std::string, std::string> child_hashes(const Outcome& outcome) {
  std::map<std::string, std::string> hashes;
  for (const Child& child : outcome.children) {
    if (child.meta.value("type", "file") != "file" || child.meta.contains("error")) continue;
    hashes[child.meta.value("filename", "")] = child.sha256;
  }
  return hashes;
}

inline const Child* find_child(const Outcome& outcome, const std::string& filename) {
  for (const Child& child : outcome.children) {
    if (child.meta.value("filename", "") == filename) return &child;
  }
  return nullptr;
}

}  // namespace decompress_test
