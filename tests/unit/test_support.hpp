// Small helpers shared by the unit tests: temporary folders and error capture.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "stoq/error.hpp"

namespace stoq::test {

/// A fresh folder under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "stoq-unit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& root() const { return root_; }
  [[nodiscard]] std::string path(const std::string& relative) const { return (root_ / relative).string(); }

  /// Writes `content` (binary) to `relative`, creating parent folders; returns the full path.
  std::string write(const std::string& relative, std::string_view content) const {
    std::filesystem::path full = root_ / relative;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("cannot write " + full.string());
    return full.string();
  }

 private:
  std::filesystem::path root_;
};

/// The message of the stoq::Error `action` throws; a test failure (and "") when it
/// throws nothing or another exception type.
inline std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const stoq::Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected stoq::Error, got another exception: " << e.what();
    return {};
  } catch (...) {
    ADD_FAILURE() << "expected stoq::Error, got a non-standard exception";
    return {};
  }
  ADD_FAILURE() << "expected stoq::Error, nothing was thrown";
  return {};
}

}  // namespace stoq::test
