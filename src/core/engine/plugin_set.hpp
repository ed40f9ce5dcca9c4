// The plugin instances one thread owns, created and activated on first use, and
// that thread's view of the framework (stoq::Stoq). Destroying the set stops
// heartbeats, deactivates every plugin (last activated first) and frees them.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/run_state.hpp"
#include "isolation/helper_set.hpp"
#include "loader/catalog.hpp"
#include "stoq/plugin.hpp"

namespace stoq::engine {

class PluginSet final : public Stoq {
 public:
  explicit PluginSet(RunState& state) : state_(state) {}
  ~PluginSet() override;
  PluginSet(const PluginSet&) = delete;
  PluginSet& operator=(const PluginSet&) = delete;

  template <typename T>
  T& get(const std::string& name) {
    return static_cast<T&>(get_plugin(T::kCategory, name));
  }
  /// Stops the run (heartbeats loop until it stops), joins heartbeats, deactivates.
  void shutdown();

  // stoq::Stoq
  [[nodiscard]] const CoreConfig& config() const override { return state_.config; }
  [[nodiscard]] const RunOptions& run() const override { return state_.run_options; }
  bool put(Json message, Ack on_done) override;
  void expect_messages(std::uint64_t count) override { state_.counters.expected += count; }
  [[nodiscard]] bool stopping() const override { return state_.stopping(); }
  bool wait_for_stop(std::chrono::milliseconds timeout) override { return state_.wait_for_stop(timeout); }
  Reader& reader(const std::string& name) override { return get<Reader>(name); }
  Source& publisher(const std::string& name) override { return get<Source>(name); }
  Payload get_file(const std::string& path) override;
  [[nodiscard]] std::string hashpath(std::string_view sha1) const override;
  [[nodiscard]] const ExtractionLimits& extraction_limits() const override { return extraction_.limits; }
  ChildWriter new_child() override { return ChildWriter(extraction_.child); }

  /// What the extractor/carver/decoder call about to run on this thread may use; the
  /// dispatcher sets it before each call.
  struct Extraction {
    ExtractionLimits limits;
    ChildWriter::Settings child;
  };
  void set_extraction(Extraction extraction) { extraction_ = std::move(extraction); }

  [[nodiscard]] RunState& state() { return state_; }
  /// This thread's isolation helpers and per-plugin call policies.
  [[nodiscard]] isolation::HelperSet& helpers() { return helpers_; }

 private:
  Plugin& get_plugin(Category category, const std::string& name);

  struct Instance {
    std::string key;
    loader::PluginPtr plugin;
    std::thread heartbeat;
  };
  RunState& state_;
  /// stoq scan's concurrent workers may ask for plugins (readers) from their own threads;
  /// recursive: a plugin's activate() may ask for another.
  std::recursive_mutex mutex_;
  std::vector<Instance> instances_;  // in activation order
  std::map<std::string, Plugin*> by_key_;
  bool shut_down_ = false;
  Extraction extraction_;
  isolation::HelperSet helpers_{state_};
};

}  // namespace stoq::engine
