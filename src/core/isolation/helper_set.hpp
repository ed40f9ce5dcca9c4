// The isolation helpers of one worker thread, and the call policy of every plugin it
// calls (isolation/call_policy.hpp). Owned by the thread's PluginSet: helpers end when
// the thread's plugins shut down.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "isolation/call_policy.hpp"
#include "isolation/isolated_plugin.hpp"

namespace stoq::engine {
class RunState;
}

namespace stoq::isolation {

class HelperSet {
 public:
  explicit HelperSet(engine::RunState& state) : state_(state) {}

  /// The plugin's policy (read once from its options).
  const CallPolicy& policy(Category category, const std::string& name);
  /// The plugin's helper when its policy asks for isolation, else null. The helper
  /// is started by its first call.
  IsolatedPlugin* find(Category category, const std::string& name);
  /// The call_timeout the watchdog enforces on an in-process call (0: none; an isolated
  /// call enforces its own).
  std::chrono::seconds watched_timeout(Category category, const std::string& name) {
    const CallPolicy& found = policy(category, name);
    return found.isolation ? std::chrono::seconds(0) : found.timeout;
  }
  /// Ends every helper now (the thread is done).
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    CallPolicy policy;
    std::unique_ptr<IsolatedPlugin> helper;
  };
  Entry& entry(Category category, const std::string& name);
  engine::RunState& state_;
  std::map<std::string, Entry> entries_;
};

}  // namespace stoq::isolation
