// Workers that exercise one rule of the worker lifecycle each (stoq-original §c.4),
// compiled once per behaviour with TEST_WORKER_KIND:
//   thrower  scan throws for payloads containing "boom", returns {"ok": true} otherwise
//   multi    scan returns an array of 3 objects (3 results documents)
//   handled  scan returns true (the worker handled output itself: nothing saved)
//   nothing  scan returns null (nothing to save)
//   refuser  activate returns false (the run stops)
//   slow     scan sleeps 300 ms (in-flight work for graceful shutdown tests)
//   wild     scan throws an int (not a std::exception) for payloads containing "boom"
#include <chrono>
#include <stoq/plugin.hpp>
#include <string_view>
#include <thread>

#define KIND_THROWER 1
#define KIND_MULTI 2
#define KIND_HANDLED 3
#define KIND_NOTHING 4
#define KIND_REFUSER 5
#define KIND_SLOW 6
#define KIND_WILD 7

#ifndef TEST_WORKER_KIND
#error "TEST_WORKER_KIND must be defined"
#endif

namespace stoq_test {

class LifecycleWorker final : public stoq::Worker {
 public:
  bool activate(stoq::Stoq& /*stoq*/) override {
#if TEST_WORKER_KIND == KIND_REFUSER
    log().error("refuser: refusing to activate on purpose");
    return false;
#else
    return true;
#endif
  }

  stoq::Json scan(const stoq::Payload& payload, const stoq::Json& kwargs) override {
#if TEST_WORKER_KIND == KIND_THROWER
    if (payload.bytes().as_string_view().find("boom") != std::string_view::npos) {
      throw stoq::Error("thrower refuses " + kwargs.value("path", std::string("a payload")));
    }
    return stoq::Json{{ "ok", true }};
#elif TEST_WORKER_KIND == KIND_MULTI
    (void)kwargs;
    stoq::Json parts = stoq::Json::array();
    for (int part = 0; part < 3; ++part) parts.push_back({{"part", part}, { "size", payload.size() }});
    return parts;
#elif TEST_WORKER_KIND == KIND_HANDLED
    (void)payload;
    (void)kwargs;
    return true;
#elif TEST_WORKER_KIND == KIND_NOTHING
    (void)payload;
    (void)kwargs;
    return nullptr;
#elif TEST_WORKER_KIND == KIND_SLOW
    (void)kwargs;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return stoq::Json{{"slept_ms", 300}, { "size", payload.size() }};
#elif TEST_WORKER_KIND == KIND_WILD
    (void)kwargs;
    if (payload.bytes().as_string_view().find("boom") != std::string_view::npos) throw 42;
    return stoq::Json{{ "ok", true }};
#else
    (void)payload;
    (void)kwargs;
    return stoq::Json{{"scanned", true}};
#endif
  }
};

}  // namespace stoq_test

STOQ_PLUGIN(stoq_test::LifecycleWorker, TEST_PLUGIN_NAME, "1.0", "A worker for lifecycle tests", stoq::kNoOptions)
