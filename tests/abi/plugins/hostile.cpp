// A plugin that misbehaves on purpose, for the isolation and time-limit tests
// (tests/abi/isolation_test.cpp). What it does is chosen by the payload's first bytes:
//   SEGV      writes through a null pointer (SIGSEGV)
//   ABRT      calls std::abort() (SIGABRT)
//   LOOP      spins for ever (only call_timeout, cpu_limit or SIGKILL end it)
//   ALLOC     allocates 64 MiB blocks until allocation fails (address space only: one
//             byte of each block is touched, so without a limit it costs no RAM)
//   PRINT     writes text that is not JSON to stdout, then answers normally
//   THROW     throws stoq::Error("hostile: thrown on purpose")
//   anything else: a normal answer
// Built twice (TEST_HOSTILE_KIND): 1 the worker `hostile`, 2 the extractor
// `hostile_extract`, whose normal answer for "KIDS a|b|c" is one child per piece and
// for "BIGKID <n>" one child of n bytes (large children travel as files).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "stoq/plugin.hpp"

namespace hostile {

using stoq::Json;
using stoq::Payload;

bool starts_with(const Payload& payload, std::string_view prefix) {
  return payload.bytes().as_string_view().substr(0, prefix.size()) == prefix;
}

// Misbehaves when the payload asks for it; returns normally otherwise.
void misbehave(const Payload& payload) {
  if (payload.is_none()) return;
  if (starts_with(payload, "SEGV")) {
    volatile int* nowhere = nullptr;
    *nowhere = 1;  // NOLINT: the point of this plugin
  }
  if (starts_with(payload, "ABRT")) std::abort();
  if (starts_with(payload, "LOOP")) {
    volatile unsigned long long spins = 0;
    for (;;) spins = spins + 1;
  }
  if (starts_with(payload, "ALLOC")) {
    std::vector<char*> kept;
    for (;;) {
      char* block = new char[64ULL << 20];
      block[0] = 1;
      kept.push_back(block);
    }
  }
  if (starts_with(payload, "PRINT")) {
    std::printf("}{ this is not JSON\n");
    std::fflush(stdout);
  }
  if (starts_with(payload, "THROW")) throw stoq::Error("hostile: thrown on purpose");
}

#if TEST_HOSTILE_KIND == 1
class HostileWorker final : public stoq::Worker {
 public:
  Json scan(const Payload& payload, const Json& /*kwargs*/) override {
    misbehave(payload);
    return Json{{"hostile", "ok"}, {"size", payload.is_none() ? 0 : payload.size()}};
  }
};
STOQ_PLUGIN(hostile::HostileWorker, "hostile", "1.0", "A worker that misbehaves on request", stoq::kNoOptions)

#elif TEST_HOSTILE_KIND == 2
class HostileExtractor final : public stoq::Extractor {
 public:
  stoq::ExtractedList extract(const Payload& payload, const Json& /*kwargs*/) override {
    misbehave(payload);
    stoq::ExtractedList children;
    std::string_view text = payload.bytes().as_string_view();
    if (text.substr(0, 5) == "KIDS ") {
      std::string_view rest = text.substr(5);
      for (std::size_t index = 0; !rest.empty(); ++index) {
        std::size_t bar = rest.find('|');
        std::string_view piece = rest.substr(0, bar);
        children.emplace_back(Json{{"filename", "kid" + std::to_string(index)}},
                              stoq::Bytes(piece.begin(), piece.end()));
        rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
      }
    } else if (text.substr(0, 7) == "BIGKID ") {
      std::size_t size = std::strtoull(std::string(text.substr(7)).c_str(), nullptr, 10);
      stoq::ChildWriter writer = stoq().new_child();
      std::string block(4096, 'z');
      for (std::size_t written = 0; written < size; written += block.size()) {
        writer.write(stoq::ByteView(std::string_view(block).substr(0, std::min(block.size(), size - written))));
      }
      children.emplace_back(Json{{"filename", "big"}}, writer.finish());
    }
    return children;
  }
};
STOQ_PLUGIN(hostile::HostileExtractor, "hostile_extract", "1.0", "An extractor that misbehaves on request",
            stoq::kNoOptions)
#endif

}  // namespace hostile
