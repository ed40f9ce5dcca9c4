// Decorators for lifecycle tests, chosen by TEST_DECORATOR_THROWS:
//   addkey  adds "decorated": {"by": "addkey", "errors_seen": <n>} to the document
//   boom    throws (the document must be saved unchanged, plus an errors entry)
#include <stoq/plugin.hpp>

namespace stoq_test {

class TestDecorator final : public stoq::Decorator {
 public:
  stoq::Json decorate(stoq::Json results) override {
#ifdef TEST_DECORATOR_THROWS
    (void)results;
    throw stoq::Error("boom decorator always fails");
#else
    std::size_t errors_seen = results.contains("errors") ? results["errors"].size() : 0;
    results["decorated"] = {{"by", name()}, {"errors_seen", errors_seen}};
    return results;
#endif
  }
};

}  // namespace stoq_test

STOQ_PLUGIN(stoq_test::TestDecorator, TEST_PLUGIN_NAME, "1.0", "A decorator for lifecycle tests", stoq::kNoOptions)
