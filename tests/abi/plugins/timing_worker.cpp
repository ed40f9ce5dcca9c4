// A worker that reports where and when it ran, for the tests of stoq scan's concurrent
// workers (tests/integration/scan_test.cpp): a number naming its thread, and the
// start and end of its call on the steady clock (ns). Each call sleeps 300 ms, so two
// calls that ran at the same time overlap. Built several times (TEST_PLUGIN_NAME).
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

#include "stoq/plugin.hpp"

#ifndef TEST_PLUGIN_NAME
#error "TEST_PLUGIN_NAME must be defined"
#endif

namespace stoq_test {

class TimingWorker final : public stoq::Worker {
 public:
  stoq::Json scan(const stoq::Payload& payload, const stoq::Json& /*kwargs*/) override {
    auto now = [] {
      return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
    std::int64_t start = now();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    // The hash of the thread id: the same number for calls on the same thread.
    auto thread = static_cast<std::uint64_t>(std::hash<std::thread::id>{}(std::this_thread::get_id()));
    return stoq::Json{{"thread", thread}, {"start", start}, {"end", now()}, {"size", payload.size()}};
  }
};

}  // namespace stoq_test

STOQ_PLUGIN(stoq_test::TimingWorker, TEST_PLUGIN_NAME, "1.0", "A worker that reports its thread and time",
            stoq::kNoOptions)
