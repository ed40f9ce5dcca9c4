#include "engine/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace stoq::engine {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kFirstDraw = std::chrono::seconds(1);
constexpr auto kRedraw = std::chrono::milliseconds(500);

bool stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) == 1 && (term == nullptr || std::strcmp(term, "dumb") != 0);
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

// 42 -> "0:42", 3723 -> "1:02:03".
std::string clock_text(std::uint64_t seconds) {
  char text[48];
  if (seconds >= 3600) {
    std::snprintf(text, sizeof(text), "%llu:%02llu:%02llu", static_cast<unsigned long long>(seconds / 3600),
                  static_cast<unsigned long long>(seconds / 60 % 60), static_cast<unsigned long long>(seconds % 60));
  } else {
    std::snprintf(text, sizeof(text), "%llu:%02llu", static_cast<unsigned long long>(seconds / 60),
                  static_cast<unsigned long long>(seconds % 60));
  }
  return text;
}

}  // namespace

std::string progress_text(const RunCounters& counters, Clock::duration elapsed) {
  const double seconds = std::max(std::chrono::duration<double>(elapsed).count(), 1e-3);
  const std::uint64_t done = counters.payloads.load();
  const std::uint64_t errors = counters.with_errors.load();
  std::string text = "stoq: " + std::to_string(done) + (done == 1 ? " file, " : " files, ") +
                     fixed(static_cast<double>(done) / seconds, 1) + " files/s, " +
                     fixed(static_cast<double>(counters.bytes.load()) / seconds / 1e6, 1) + " MB/s, " +
                     std::to_string(errors) + (errors == 1 ? " error" : " errors");
  std::uint64_t total = counters.expected.load();
  if (counters.source_done.load()) total = std::max(total, counters.queued.load());
  if (total > 0 && done > 0 && done <= total) {
    double rate = static_cast<double>(done) / seconds;
    text += ", ETA " + clock_text(static_cast<std::uint64_t>(std::llround(static_cast<double>(total - done) / rate)));
  }
  return text;
}

ProgressLine::ProgressLine(const RunCounters& counters, bool enabled) : counters_(counters) {
  if (!enabled || !stderr_is_terminal()) return;
  try {
    thread_ = std::thread([this] { draw_loop(); });
  } catch (const std::system_error&) {  // no thread to spare: no progress line, the run goes on
  }
}

ProgressLine::~ProgressLine() {
  erase();
  if (thread_.joinable()) thread_.join();
}

void ProgressLine::erase() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    if (drawn_) {
      std::fputs("\r\x1b[K", stderr);
      std::fflush(stderr);
    }
  }
  wake_.notify_all();
}

void ProgressLine::draw_loop() {
  std::unique_lock lock(mutex_);
  if (wake_.wait_until(lock, started_ + kFirstDraw, [&] { return stopped_; })) return;
  do {
    std::string line = "\r" + progress_text(counters_, Clock::now() - started_) + "\x1b[K";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    drawn_ = true;
  } while (!wake_.wait_for(lock, kRedraw, [&] { return stopped_; }));
}

}  // namespace stoq::engine
