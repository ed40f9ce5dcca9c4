#include "engine/engine.hpp"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <ctime>
#include <latch>
#include <mutex>
#include <thread>

#include "engine/host_services.hpp"
#include "engine/pipeline.hpp"
#include "engine/plugin_set.hpp"
#include "engine/run_state.hpp"
#include "stoq/error.hpp"

namespace stoq::engine {
namespace {

// Blocks SIGINT/SIGTERM in every thread of the run and turns them into a stop
// request from one dedicated thread; restores the mask when done.
class SignalWatcher {
 public:
  explicit SignalWatcher(RunState& state) : state_(state) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, kWake);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
    ::signal(SIGPIPE, SIG_IGN);
    thread_ = std::thread([this] { watch(); });
  }
  ~SignalWatcher() {
    done_.store(true);
    pthread_kill(thread_.native_handle(), kWake);  // end the wait now, not at the next tick
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  void watch() {
    const timespec tick{0, 100 * 1000 * 1000};
    while (!done_.load()) {
      int signal_number = sigtimedwait(&signals_, nullptr, &tick);
      if (signal_number <= 0 || signal_number == kWake) continue;
      spdlog::info("received {}: finishing in-flight payloads", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
      state_.request_stop();
      for (Envelope& left : state_.queue.abort()) {
        if (left.ack) left.ack(false);
      }
    }
  }

  static constexpr int kWake = SIGUSR2;  // sent by the destructor only
  RunState& state_;
  sigset_t signals_{};
  sigset_t previous_{};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

unsigned thread_count(const RunState& state) {
  const RunSettings& settings = state.settings;
  if (!settings.source.empty()) {
    const loader::LoadedPlugin& source = state.catalog.load(Category::Source, settings.source);
    if (!state.options_for(source).get_bool("multiprocess")) return 1;
  }
  if (settings.max_processes > 0) return settings.max_processes;
  return std::max(1U, std::thread::hardware_concurrency());
}

// Loads (without activating) everything the run names, and checks every override,
// so a typo fails before any work.
void check_plugins_exist(RunState& state) {
  const RunSettings& settings = state.settings;
  auto check_overrides = [&](const auto& overrides) {
    for (const auto& [name, options] : overrides) {
      bool found = false;
      for (const auto& discovered : state.catalog.discovered()) {
        if (discovered.name() != name) continue;
        found = true;
        (void)state.options_for(state.catalog.load(discovered.category, name));
      }
      if (!found) throw Error("options given for unknown plugin '" + name + "'");
    }
  };
  check_overrides(state.config.plugin_options);
  check_overrides(settings.plugin_options);
  if (state.worker_options.get_bool("saveresults") && !settings.output_connector.empty()) {
    state.catalog.load(Category::Connector, settings.output_connector);
  }
  if (!settings.archive_connector.empty()) state.catalog.load(Category::Connector, settings.archive_connector);
  if (!settings.decorator.empty()) state.catalog.load(Category::Decorator, settings.decorator);
  if (!settings.source.empty()) state.catalog.load(Category::Source, settings.source);
}

int run_without_source(RunState& state) {
  PluginSet plugins(state);
  Pipeline pipeline(plugins);
  pipeline.activate_eagerly();
  do {
    if (!pipeline.process(Json::object(), false)) ++state.unsaved;
  } while (state.settings.cron && !state.wait_for_stop(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      std::chrono::duration<double>(*state.settings.cron))));
  state.request_stop();
  plugins.shutdown();
  return state.unsaved > 0 ? 1 : 0;
}

int run_with_source(RunState& state) {
  unsigned workers = thread_count(state);
  PluginSet main_plugins(state);  // the source's: ingest() runs on this thread
  Source& source = main_plugins.get<Source>(state.settings.source);
  std::latch activated(workers);
  std::latch drained(workers);
  std::mutex failure_mutex;
  std::string activation_failure;

  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (unsigned i = 0; i < workers; ++i) {
    threads.emplace_back([&] {
      PluginSet plugins(state);
      Pipeline pipeline(plugins);
      bool ready = true;
      try {
        pipeline.activate_eagerly();
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (activation_failure.empty()) activation_failure = current_exception_text();
        ready = false;
      }
      activated.count_down();
      while (ready) {
        std::optional<Envelope> envelope = state.queue.pop();
        if (!envelope) break;
        bool saved = false;
        try {
          saved = pipeline.process(envelope->message, true);
        } catch (...) {
          spdlog::error("processing {} failed: {}", dump_json(envelope->message, -1), current_exception_text());
        }
        if (!saved && !state.stopping()) ++state.unsaved;
        if (envelope->ack) envelope->ack(saved);
      }
      drained.count_down();
      while (!state.wait_for_stop(std::chrono::seconds(1))) {
      }
      plugins.shutdown();  // heartbeats end, plugins flush, on the thread that owns them
    });
  }

  auto finish = [&] {
    state.request_stop();
    for (std::thread& thread : threads) thread.join();
  };
  activated.wait();
  if (!activation_failure.empty()) {
    state.queue.abort();
    finish();
    throw Error(activation_failure);
  }

  std::string source_failure;
  try {
    do {
      source.ingest();
    } while (state.settings.cron && !state.stopping() &&
             !state.wait_for_stop(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 std::chrono::duration<double>(*state.settings.cron))));
  } catch (...) {
    source_failure = current_exception_text();
  }
  state.queue.close();
  drained.wait();
  finish();
  main_plugins.shutdown();
  if (!source_failure.empty()) {
    spdlog::error("source {}: {}", state.settings.source, source_failure);
    return 1;
  }
  if (state.unsaved > 0) {
    spdlog::error("results of {} payload(s) could not be saved (see the errors above)", state.unsaved.load());
    return 1;
  }
  return 0;
}

}  // namespace

int run_worker(const CoreConfig& config, const RunSettings& settings, loader::Catalog& catalog) {
  RunState state(config, settings, catalog);
  check_plugins_exist(state);
  SignalWatcher signals(state);
  return settings.source.empty() ? run_without_source(state) : run_with_source(state);
}

}  // namespace stoq::engine
