// lifecycle/ratelimit.hpp: "count/seconds" parsing and slot reservation. The limiter
// takes its sleep function as a parameter: these tests record the requested waits
// instead of sleeping, and use an hour-long interval so scheduling jitter cannot matter.
#include "lifecycle/ratelimit.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using stoq::lifecycle::Clock;
using stoq::lifecycle::parse_ratelimit;
using stoq::lifecycle::RateLimiter;

TEST(ParseRatelimit, Valid) {
  EXPECT_EQ(parse_ratelimit("1/10"), std::optional<Clock::duration>(10s));
  EXPECT_EQ(parse_ratelimit("2/1"), std::optional<Clock::duration>(500ms));
  EXPECT_EQ(parse_ratelimit("10/1"), std::optional<Clock::duration>(100ms));
  EXPECT_EQ(parse_ratelimit("3/1.5"), std::optional<Clock::duration>(500ms));
  EXPECT_EQ(parse_ratelimit("1/0.25"), std::optional<Clock::duration>(250ms));
  EXPECT_EQ(parse_ratelimit("1/3600"), std::optional<Clock::duration>(1h));
}

TEST(ParseRatelimit, Invalid) {
  for (const char* text : {"0/5", "a/b", "5", "1/0", "", "/", "/10", "1/", "-1/5", "1/-5", "1/abc", "1/10x", "x1/10",
                           "1.5/10", "1/nan", "1/inf", "1/1e10", "1//10", "1/10/2"}) {
    EXPECT_EQ(parse_ratelimit(text), std::nullopt) << '"' << text << '"';
  }
}

// A sleep function that records what it was asked to wait and never sleeps.
struct RecordingSleeper {
  std::mutex mutex;
  std::vector<Clock::duration> requests;
  bool report_stopping = false;

  std::function<bool(Clock::duration)> fn() {
    return [this](Clock::duration wait) {
      std::lock_guard lock(mutex);
      requests.push_back(wait);
      return report_stopping;
    };
  }
};

TEST(RateLimiter, FirstCallDoesNotWait) {
  RateLimiter limiter(1h);
  RecordingSleeper sleeper;
  EXPECT_TRUE(limiter.acquire(sleeper.fn()));
  EXPECT_TRUE(sleeper.requests.empty());
}

TEST(RateLimiter, LaterCallsWaitForTheirSlot) {
  RateLimiter limiter(1h);
  RecordingSleeper sleeper;
  ASSERT_TRUE(limiter.acquire(sleeper.fn()));
  ASSERT_TRUE(limiter.acquire(sleeper.fn()));
  ASSERT_EQ(sleeper.requests.size(), 1u);
  EXPECT_LE(sleeper.requests[0], Clock::duration(1h));
  EXPECT_GT(sleeper.requests[0], Clock::duration(59min));
  // The sleeper did not really sleep, so the third slot is two intervals away.
  ASSERT_TRUE(limiter.acquire(sleeper.fn()));
  ASSERT_EQ(sleeper.requests.size(), 2u);
  EXPECT_LE(sleeper.requests[1], Clock::duration(2h));
  EXPECT_GT(sleeper.requests[1], Clock::duration(119min));
}

TEST(RateLimiter, StoppingSleeperMakesAcquireFail) {
  RateLimiter limiter(1h);
  RecordingSleeper sleeper;
  ASSERT_TRUE(limiter.acquire(sleeper.fn()));
  sleeper.report_stopping = true;
  EXPECT_FALSE(limiter.acquire(sleeper.fn()));
  EXPECT_EQ(sleeper.requests.size(), 1u);
}

TEST(RateLimiter, ZeroIntervalNeverWaits) {
  RateLimiter limiter(Clock::duration::zero());
  RecordingSleeper sleeper;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.acquire(sleeper.fn()));
  EXPECT_TRUE(sleeper.requests.empty());
}

TEST(RateLimiter, SlotsAreSharedAcrossThreads) {
  RateLimiter limiter(1h);
  RecordingSleeper sleeper;
  constexpr int kThreads = 6;
  std::vector<std::thread> threads;
  std::atomic<int> granted{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      if (limiter.acquire(sleeper.fn())) ++granted;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(granted.load(), kThreads);
  // One caller got the free slot; the others were each given a distinct later slot.
  ASSERT_EQ(sleeper.requests.size(), static_cast<std::size_t>(kThreads - 1));
  std::sort(sleeper.requests.begin(), sleeper.requests.end());
  for (int i = 0; i < kThreads - 1; ++i) {
    Clock::duration slot = (i + 1) * Clock::duration(1h);
    EXPECT_LE(sleeper.requests[i], slot) << i;
    EXPECT_GT(sleeper.requests[i], slot - Clock::duration(1min)) << i;
  }
}

}  // namespace
