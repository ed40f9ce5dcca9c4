// The progress line's text (engine/progress.hpp): rates from the counters and the
// elapsed time, and an ETA only once a total is known.
#include "engine/progress.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace {

using stoq::engine::progress_text;
using stoq::engine::RunCounters;
using namespace std::chrono_literals;

TEST(ProgressText, RatesFromTheCounters) {
  RunCounters counters;
  counters.payloads = 1000;
  counters.bytes = 25'000'000;
  counters.with_errors = 3;
  EXPECT_EQ(progress_text(counters, 2s), "stoq: 1000 files, 500.0 files/s, 12.5 MB/s, 3 errors");
  counters.payloads = 1;
  counters.with_errors = 1;
  counters.bytes = 0;
  EXPECT_EQ(progress_text(counters, 4s), "stoq: 1 file, 0.2 files/s, 0.0 MB/s, 1 error");
}

TEST(ProgressText, EtaOnceTheTotalIsKnown) {
  RunCounters counters;
  counters.payloads = 100;
  counters.queued = 150;
  EXPECT_EQ(progress_text(counters, 10s), "stoq: 100 files, 10.0 files/s, 0.0 MB/s, 0 errors");  // still walking
  counters.source_done = true;  // 50 left at 10 files/s
  EXPECT_EQ(progress_text(counters, 10s), "stoq: 100 files, 10.0 files/s, 0.0 MB/s, 0 errors, ETA 0:05");
  counters.source_done = false;
  counters.expected = 100'000;  // the source said so: 99,900 left at 10 files/s = 2:46:30
  EXPECT_EQ(progress_text(counters, 10s), "stoq: 100 files, 10.0 files/s, 0.0 MB/s, 0 errors, ETA 2:46:30");
}

TEST(ProgressText, NoEtaBeforeTheFirstFileOrPastTheTotal) {
  RunCounters counters;
  counters.expected = 10;
  EXPECT_EQ(progress_text(counters, 0s), "stoq: 0 files, 0.0 files/s, 0.0 MB/s, 0 errors");
  counters.payloads = 12;  // a count that was wrong is harmless
  EXPECT_EQ(progress_text(counters, 1s), "stoq: 12 files, 12.0 files/s, 0.0 MB/s, 0 errors");
}

}  // namespace
