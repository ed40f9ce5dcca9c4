// A source that queues the -F path once (used with a .stoq that lacks multiprocess).
#include <stoq/plugin.hpp>

namespace stoq_test {

class SimpleSource final : public stoq::Source {
 public:
  void ingest() override {
    if (!stoq().run().path.empty()) stoq().put(stoq::Json{{"path", stoq().run().path}, {"archive", "file"}});
  }
};

}  // namespace stoq_test

STOQ_PLUGIN(stoq_test::SimpleSource, TEST_PLUGIN_NAME, "1.0", "A source for loader tests", stoq::kNoOptions)
