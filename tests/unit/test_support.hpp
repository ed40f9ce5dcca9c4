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
#include "stoq/testing.hpp"

namespace stoq::test {

/// Temporary folders come from the SDK's test support.
using TempDir = stoq::testing::TempDir;

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
