// A source that records how each message it put was acknowledged: it queues every
// entry of the -F directory (sorted) and writes {"<path>": saved, ...} to the
// `record` file at deactivate, after every worker thread has finished.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stoq/plugin.hpp>

namespace stoq_test {

class AckSource final : public stoq::Source {
 public:
  void ingest() override {
    std::vector<std::string> paths;
    for (const auto& item : std::filesystem::directory_iterator(stoq().run().path)) paths.push_back(item.path());
    std::sort(paths.begin(), paths.end());
    for (const std::string& path : paths) {
      stoq().put(stoq::Json{{"path", path}, {"archive", "file"}}, [this, path](const stoq::Outcome& outcome) {
        std::lock_guard lock(mutex_);  // acks arrive on worker threads
        acks_[path] = acks_.contains(path) ? stoq::Json("acknowledged twice") : stoq::Json(outcome.saved);
      });
    }
  }

  void deactivate() override {
    std::lock_guard lock(mutex_);
    std::ofstream(options().get_string("record")) << acks_.dump();
  }

 private:
  std::mutex mutex_;
  stoq::Json acks_ = stoq::Json::object();
};

constexpr stoq_option_spec kOptions[] = {
    {"record", STOQ_OPTION_STRING, "", "File the acknowledgements are written to at deactivate.", 0},
};

}  // namespace stoq_test

STOQ_PLUGIN(stoq_test::AckSource, "acksource", "1.0", "Records acknowledgements", stoq_test::kOptions)
