#include "engine/run_state.hpp"

#include <filesystem>

#include "stoq/error.hpp"

namespace stoq::engine {
namespace {

RunOptions make_run_options(const RunSettings& settings) {
  RunOptions options;
  options.worker = settings.worker;
  options.path = settings.path;
  options.source_queue = settings.source_queue.empty() ? settings.worker : settings.source_queue;
  options.consume_errors = settings.consume_errors;
  options.archive_connector = settings.archive_connector;
  options.output_connector = settings.output_connector;
  return options;
}

}  // namespace

RunState::RunState(CoreConfig config_in, RunSettings settings_in, loader::Catalog& catalog_in)
    : config(std::move(config_in)),
      settings(std::move(settings_in)),
      run_options(make_run_options(settings)),
      catalog(catalog_in),
      queue(static_cast<std::size_t>(config.max_queue)) {
  const loader::LoadedPlugin& worker = catalog.load(Category::Worker, settings.worker);
  worker_options = options_for(worker);
  std::string ratelimit = settings.ratelimit.empty() ? worker_options.get_string("ratelimit") : settings.ratelimit;
  if (!ratelimit.empty()) {
    auto interval = lifecycle::parse_ratelimit(ratelimit);
    if (!interval) throw Error("ratelimit must be 'count/seconds' (e.g. 1/10), got '" + ratelimit + "'");
    rate_limiter = std::make_unique<lifecycle::RateLimiter>(*interval);
  }
}

Options RunState::options_for(const loader::LoadedPlugin& plugin) const {
  const std::string& name = plugin.manifest.info.name;
  Options options = plugin.options;
  if (auto it = config.plugin_options.find(name); it != config.plugin_options.end()) {
    options = loader::apply_overrides(plugin, std::move(options), it->second, config.source + " [" + name + "]",
                                      config.base_dir);
  }
  if (auto it = settings.plugin_options.find(name); it != settings.plugin_options.end()) {
    options = loader::apply_overrides(plugin, std::move(options), it->second, "command line",
                                      std::filesystem::current_path().string());
  }
  return options;
}

void RunState::request_stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_.store(true, std::memory_order_release);
  }
  stop_cv_.notify_all();
}

bool RunState::wait_for_stop(std::chrono::steady_clock::duration timeout) {
  std::unique_lock lock(stop_mutex_);
  return stop_cv_.wait_for(lock, timeout, [&] { return stopping(); });
}

}  // namespace stoq::engine
