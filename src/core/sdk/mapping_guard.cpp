#include "sdk/mapping_guard.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <mutex>

namespace stoq::mapping_guard {
namespace {

// Slot states. A slot is claimed (kClaimed) while its fields are written or cleared;
// the handler only trusts slots it reads as kLive (acquire), whose fields were
// written before the release store of kLive.
constexpr int kFree = 0;
constexpr int kClaimed = 1;
constexpr int kLive = 2;

struct Slot {
  std::atomic<int> state{kFree};
  std::atomic<std::uintptr_t> start{0};
  std::atomic<std::size_t> length{0};
  std::atomic<bool> zero_filled{false};
};

// Live mappings at once: one per payload in flight (worker threads x payloads per
// request, children included), far below this. Static storage: no allocation, and
// valid for a handler running at any time.
constexpr std::size_t kSlots = 4096;
std::array<Slot, kSlots> g_slots;
std::atomic<std::size_t> g_slots_in_use_bound{0};  // every claimed slot index is below it
std::uintptr_t g_page_size = 4096;
struct sigaction g_previous {};

static_assert(std::atomic<std::uintptr_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the SIGBUS handler needs lock-free atomics");

// Hands the fault to whatever handled SIGBUS before us; with the default action the
// faulting access is retried on return and kills the process as it always did.
void pass_on(int signal_number, siginfo_t* info, void* context) {
  if ((g_previous.sa_flags & SA_SIGINFO) != 0 && g_previous.sa_sigaction != nullptr) {
    g_previous.sa_sigaction(signal_number, info, context);
    return;
  }
  if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(signal_number);
    return;
  }
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ::sigaction(signal_number, &default_action, nullptr);
  if (info->si_code <= 0) ::raise(signal_number);  // sent by kill(): no access to retry
}

// Async-signal-safe: atomics, mmap and sigaction only.
void on_sigbus(int signal_number, siginfo_t* info, void* context) {
  if (info->si_code == BUS_ADRERR) {
    auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
    std::size_t bound = g_slots_in_use_bound.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < bound; ++i) {
      Slot& slot = g_slots[i];
      if (slot.state.load(std::memory_order_acquire) != kLive) continue;
      std::uintptr_t start = slot.start.load(std::memory_order_relaxed);
      std::size_t length = slot.length.load(std::memory_order_relaxed);
      if (address < start || address - start >= length) continue;
      // From the faulting page to the end of the mapping: zero pages, read-only like the file's.
      std::uintptr_t first = address / g_page_size * g_page_size;
      std::uintptr_t end = (start + length + g_page_size - 1) / g_page_size * g_page_size;
      void* first_page = static_cast<char*>(info->si_addr) - (address - first);
      void* replaced = ::mmap(first_page, end - first, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
      if (replaced == MAP_FAILED) break;  // cannot repair: crash as before
      slot.zero_filled.store(true, std::memory_order_release);
      return;
    }
  }
  pass_on(signal_number, info, context);
}

void install_handler_once() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    g_page_size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, &g_previous);
  });
}

}  // namespace

GuardedRange::GuardedRange(const void* start, std::size_t length) {
  if (start == nullptr || length == 0) return;
  install_handler_once();
  for (std::size_t i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (!g_slots[i].state.compare_exchange_strong(expected, kClaimed, std::memory_order_acq_rel)) continue;
    Slot& slot = g_slots[i];
    slot.start.store(reinterpret_cast<std::uintptr_t>(start), std::memory_order_relaxed);
    slot.length.store(length, std::memory_order_relaxed);
    slot.zero_filled.store(false, std::memory_order_relaxed);
    std::size_t bound = g_slots_in_use_bound.load(std::memory_order_relaxed);
    while (bound < i + 1 && !g_slots_in_use_bound.compare_exchange_weak(bound, i + 1, std::memory_order_acq_rel)) {
    }
    slot.state.store(kLive, std::memory_order_release);
    slot_ = static_cast<int>(i);
    return;
  }
}

GuardedRange::~GuardedRange() {
  if (slot_ < 0) return;
  Slot& slot = g_slots[static_cast<std::size_t>(slot_)];
  slot.state.store(kClaimed, std::memory_order_release);
  slot.start.store(0, std::memory_order_relaxed);
  slot.length.store(0, std::memory_order_relaxed);
  slot.state.store(kFree, std::memory_order_release);
}

bool GuardedRange::zero_filled() const {
  return slot_ >= 0 && g_slots[static_cast<std::size_t>(slot_)].zero_filled.load(std::memory_order_acquire);
}

std::optional<std::size_t> shrunk_mapping_length(const void* address) {
  auto where = reinterpret_cast<std::uintptr_t>(address);
  std::size_t bound = g_slots_in_use_bound.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < bound; ++i) {
    const Slot& slot = g_slots[i];
    if (slot.state.load(std::memory_order_acquire) != kLive) continue;
    std::uintptr_t start = slot.start.load(std::memory_order_relaxed);
    std::size_t length = slot.length.load(std::memory_order_relaxed);
    if (where < start || where - start >= length) continue;
    if (!slot.zero_filled.load(std::memory_order_acquire)) return std::nullopt;
    return length;
  }
  return std::nullopt;
}

std::optional<std::string> shrunk_file_error(const void* address, const std::string& path) {
  std::optional<std::size_t> length = shrunk_mapping_length(address);
  if (!length) return std::nullopt;
  return (path.empty() ? std::string("the payload") : path) + ": the file shrank from " + std::to_string(*length) +
         " bytes while it was read; results cover zero-filled bytes";
}

}  // namespace stoq::mapping_guard
