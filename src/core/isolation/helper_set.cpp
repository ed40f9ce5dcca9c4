#include "isolation/helper_set.hpp"

#include <filesystem>

#include "engine/run_state.hpp"

namespace stoq::isolation {
namespace {

Json run_options_json(const RunOptions& run) {
  return {{"worker", run.worker},
          {"path", run.path},
          {"source_queue", run.source_queue},
          {"consume_errors", run.consume_errors},
          {"archive_connector", run.archive_connector},
          {"output_connector", run.output_connector}};
}

}  // namespace

HelperSet::Entry& HelperSet::entry(Category category, const std::string& name) {
  std::string key = std::string(category_name(category)) + ":" + name;
  if (auto it = entries_.find(key); it != entries_.end()) return it->second;
  Entry made;
  if (isolatable(category)) {
    const loader::LoadedPlugin& loaded = state_.catalog.load(category, name);
    Options options = state_.options_for(loaded);
    made.policy = CallPolicy::from(options);
    if (made.policy.isolation) {
      HelperSpec spec;
      spec.category = category;
      spec.name = name;
      spec.options = options.all();
      std::error_code error;
      if (std::filesystem::is_regular_file(state_.config.source, error)) spec.config_path = state_.config.source;
      spec.plugin_dirs = state_.catalog.plugin_dirs();
      spec.run = run_options_json(state_.run_options);
      spec.cli_overrides = state_.settings.plugin_options;
      spec.policy = made.policy;
      engine::RunState& state = state_;
      made.helper = std::make_unique<IsolatedPlugin>(std::move(spec), [&state] { return state.stopping(); });
    }
  }
  return entries_.emplace(key, std::move(made)).first->second;
}

const CallPolicy& HelperSet::policy(Category category, const std::string& name) { return entry(category, name).policy; }

IsolatedPlugin* HelperSet::find(Category category, const std::string& name) {
  return entry(category, name).helper.get();
}

}  // namespace stoq::isolation
