// Tests of connector:elasticsearch (and connector:slack): small helpers.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "refusing_port.hpp"

namespace es_test {

using stoq_test::RefusingPort;

/// Polls `done` every 20 ms until it holds or `timeout` passes; whether it held.
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace es_test
