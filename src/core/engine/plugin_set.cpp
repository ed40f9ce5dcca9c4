#include "engine/plugin_set.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/host_services.hpp"
#include "logging/logging.hpp"
#include "stoq/error.hpp"

namespace stoq::engine {

PluginSet::~PluginSet() { shutdown(); }

Plugin& PluginSet::get_plugin(Category category, const std::string& name) {
  std::string key = std::string(category_name(category)) + ":" + name;
  std::lock_guard lock(mutex_);
  if (auto it = by_key_.find(key); it != by_key_.end()) return *it->second;
  if (shut_down_) throw Error(key + " requested after shutdown");
  const loader::LoadedPlugin& loaded = state_.catalog.load(category, name);
  loader::PluginPtr plugin = state_.catalog.create(loaded);
  plugin->bind(loaded.manifest.info, state_.options_for(loaded), logging::make_logger("stoq." + key), *this);
  bool activated = false;
  try {
    activated = plugin->activate(*this);
  } catch (...) {
    throw Error(key + " failed to activate: " + current_exception_text());
  }
  if (!activated) throw Error(key + " failed to activate (activate() returned false)");
  Plugin& ref = *plugin;
  Instance instance{key, std::move(plugin), {}};
  if (ref.wants_heartbeat()) {
    instance.heartbeat = std::thread([&ref, key] {
      try {
        ref.heartbeat();
      } catch (...) {
        spdlog::error("{} heartbeat failed: {}", key, current_exception_text());
      }
    });
  }
  instances_.push_back(std::move(instance));
  by_key_[key] = &ref;
  return ref;
}

void PluginSet::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  state_.request_stop();  // heartbeats loop until the run stops
  helpers_.clear();       // isolation helpers end with their thread's plugins
  for (Instance& instance : instances_) {
    if (instance.heartbeat.joinable()) instance.heartbeat.join();
  }
  // Last activated first. (Reverse iterators, not std::views::reverse: clang 14 cannot
  // use libstdc++ 12's ranges.)
  std::for_each(instances_.rbegin(), instances_.rend(), [](Instance& instance) {
    try {
      instance.plugin->deactivate();
    } catch (...) {
      spdlog::error("{} failed to deactivate: {}", instance.key, current_exception_text());
    }
  });
  while (!instances_.empty()) instances_.pop_back();  // destroy last-activated first
  by_key_.clear();
}

bool PluginSet::put(Json message, Ack on_done) {
  Envelope envelope{std::move(message), std::move(on_done)};
  if (state_.stopping() || !state_.queue.push(envelope)) {
    if (envelope.ack) envelope.ack(Outcome{});
    return false;
  }
  ++state_.counters.queued;
  return true;
}

Payload PluginSet::get_file(const std::string& path) { return read_local_file(state_.config, path); }

std::string PluginSet::hashpath(std::string_view sha1) const { return archive_path(state_.config.archive_base, sha1); }

}  // namespace stoq::engine
