#include "engine/engine.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

#include "engine/host_services.hpp"
#include "engine/pipeline.hpp"
#include "engine/plugin_set.hpp"
#include "engine/progress.hpp"
#include "engine/run_state.hpp"
#include "engine/signal_watcher.hpp"
#include "isolation/watchdog.hpp"
#include "stoq/error.hpp"

namespace stoq::engine {
namespace {

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
  // Options are keyed by plugin name, and a source and a connector may share a name
  // (rabbitmq): each option must be declared by one of the plugins of that name.
  using Overrides = std::vector<std::pair<std::string, std::string>>;
  auto check_overrides = [&](const std::string& name, const Overrides& options, const std::string& where) {
    bool found = false;
    std::set<std::string> declared;
    for (const auto& discovered : state.catalog.discovered()) {
      if (discovered.name() != name) continue;
      found = true;
      const loader::LoadedPlugin& loaded = state.catalog.load(discovered.category, name);
      (void)state.options_for(loaded);
      for (const loader::OptionSchema& option : loaded.schema) declared.insert(option.name);
    }
    if (!found) throw Error("options given for unknown plugin '" + name + "'");
    for (const auto& [option, value] : options) {
      if (!declared.contains(option)) throw Error(where + ": " + name + " has no option '" + option + "'");
    }
  };
  for (const auto& [name, options] : state.config.plugin_options) {
    check_overrides(name, options, state.config.source + " [" + name + "]");
  }
  for (const auto& [name, options] : settings.plugin_options) check_overrides(name, options, "command line");
  if (state.saveresults) {
    for (const std::string& connector : settings.output_connectors) state.catalog.load(Category::Connector, connector);
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

// Starts `body` on a new thread and appends it to `threads` (whose capacity must allow
// it); the reason when the system has no thread to give (RLIMIT_NPROC, address space),
// "" when started. Not emplace_back: a std::thread whose start failed may hold a stale
// id, and a vector that destroys it then calls std::terminate.
template <typename Body>
std::string start_thread(std::vector<std::thread>& threads, Body&& body) {
  try {
    std::thread started(std::forward<Body>(body));
    threads.push_back(std::move(started));
    return {};
  } catch (const std::system_error& e) {
    return e.what();
  }
}

// Runs `stop` when the scope is left by an exception.
class StopOnThrow {
 public:
  explicit StopOnThrow(std::function<void()> stop) : stop_(std::move(stop)) {}
  ~StopOnThrow() {
    if (std::uncaught_exceptions() > uncaught_) stop_();
  }
  StopOnThrow(const StopOnThrow&) = delete;
  StopOnThrow& operator=(const StopOnThrow&) = delete;

 private:
  std::function<void()> stop_;
  int uncaught_ = std::uncaught_exceptions();
};

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
  // One worker position: its first thread, or the replacement the watchdog starts when
  // a call overran call_timeout (`inherited`: the message that call was processing).
  std::vector<std::shared_ptr<isolation::WorkerSlot>> slots;
  std::function<void(std::shared_ptr<isolation::WorkerSlot>, std::optional<isolation::Overrun>)> worker_body =
      [&](std::shared_ptr<isolation::WorkerSlot> slot, std::optional<isolation::Overrun> inherited) {
        // On the heap: a thread abandoned in a plugin call never destroys them (the call
        // may still be running their code).
        auto plugins = std::make_unique<PluginSet>(state);
        auto pipeline = std::make_unique<Pipeline>(*plugins);
        isolation::set_current_slot(slot.get());
        bool ready = true;
        try {
          pipeline->activate_eagerly();
        } catch (...) {
          std::lock_guard lock(failure_mutex);
          if (activation_failure.empty()) activation_failure = current_exception_text();
          ready = false;
        }
        if (inherited) {
          bool saved = ready && pipeline->save_overrun(*inherited);
          if (!saved && !state.stopping()) ++state.unsaved;
          if (inherited->ack) inherited->ack(Outcome{saved, saved ? inherited->plugin + ": " + inherited->error : ""});
        } else {
          activated.count_down();
        }
        try {
          while (ready) {
            std::optional<Envelope> envelope = state.queue.pop();
            if (!envelope) break;
            slot->begin_message(envelope->message, std::move(envelope->ack));
            Outcome outcome;
            try {
              outcome.saved = pipeline->process(envelope->message, true);
              if (outcome.saved) outcome.error = pipeline->message_error();
            } catch (const isolation::CallAbandoned&) {
              throw;
            } catch (...) {
              spdlog::error("processing {} failed: {}", dump_json(envelope->message, -1), current_exception_text());
            }
            if (!outcome.saved && !state.stopping()) ++state.unsaved;
            if (Ack ack = slot->end_message()) ack(outcome);
          }
        } catch (const isolation::CallAbandoned&) {
          (void)pipeline.release();  // intentionally leaked, see above; the replacement
          (void)plugins.release();   // thread counts this position down
          return;
        }
        drained.count_down();
        while (!state.wait_for_stop(std::chrono::seconds(1))) {
        }
        plugins->shutdown();  // heartbeats end, plugins flush, on the thread that owns them
      };
  for (unsigned i = 0; i < workers; ++i) {
    slots.push_back(std::make_shared<isolation::WorkerSlot>());
    std::string start_failure = start_thread(threads, [&worker_body, slot = slots.back()] { worker_body(slot, {}); });
    if (!start_failure.empty()) {  // the threads that did start count for those that did not
      activated.count_down(workers - i);
      drained.count_down(workers - i);
      if (threads.empty()) throw Error("cannot start a worker thread: " + start_failure);
      spdlog::warn("only {} of {} worker threads could be started ({}): the run goes on with {}", i, workers,
                   start_failure, i);
      break;
    }
  }

  // call_timeout without isolation: every 100 ms, a position whose call overran gets a
  // fresh thread that saves that message's document; the stuck thread is detached.
  std::atomic<bool> watching{true};
  std::thread watchdog;
  auto watch = [&] {
    while (watching.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      for (std::size_t position = 0; position < threads.size(); ++position) {
        std::optional<isolation::Overrun> overrun = slots[position]->check(std::chrono::steady_clock::now());
        if (!overrun) continue;
        isolation::count_abandoned_thread();
        spdlog::warn("{} overran its call_timeout: its worker thread is abandoned and replaced", overrun->plugin);
        threads[position].detach();
        slots[position] = std::make_shared<isolation::WorkerSlot>();
        Ack ack = overrun->ack;  // called here only if the replacement cannot start
        try {
          threads[position] = std::thread(worker_body, slots[position], std::move(overrun));
        } catch (const std::system_error& e) {
          spdlog::error("cannot start a replacement worker thread: {}", e.what());
          if (ack) ack(Outcome{});
          drained.count_down();
        }
      }
    }
  };
  auto finish = [&] {
    watching.store(false);
    if (watchdog.joinable()) watchdog.join();
    state.request_stop();
    for (std::thread& thread : threads) {
      if (thread.joinable()) thread.join();
    }
  };
  // Whatever throws from here on (a watchdog thread that cannot start, say), the workers
  // are stopped and joined first: destroying a joinable std::thread calls std::terminate.
  StopOnThrow stop_workers_on_throw{[&] {
    for (Envelope& left : state.queue.abort()) {
      if (left.ack) left.ack(Outcome{});
    }
    finish();
  }};
  activated.wait();
  if (!activation_failure.empty()) {
    state.queue.abort();
    finish();
    throw Error(activation_failure);
  }
  watchdog = std::thread(watch);

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
  state.counters.source_done = true;
  state.queue.close();
  drained.wait();
  finish();
  state.wait_for_aborts();                                 // every ack has returned before the source is deactivated
  if (state.progress != nullptr) state.progress->erase();  // before the messages below
  main_plugins.shutdown();
  state.failure_log.flush();  // the suppressed counts before the verdict
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

// The exit status the run earned (README "Exit status"): a stop for a reader gone beats
// what happened before it; --fail-on-errors adds 3 when all was saved but with errors.
int final_exit_status(const RunState& state, int run_status) {
  if (state.stop_cause() == StopCause::OutputClosed) return exit_status::kOutputClosed;
  if (run_status != exit_status::kOk) return run_status;
  if (state.settings.fail_on_errors && state.counters.with_errors.load() > 0) return exit_status::kPayloadErrors;
  return exit_status::kOk;
}

}  // namespace

int run_worker(const CoreConfig& config, const RunSettings& settings, loader::Catalog& catalog) {
  const auto started = std::chrono::steady_clock::now();
  RunState state(config, settings, catalog);
  check_plugins_exist(state);
  ProgressLine progress(state.counters, settings.progress && !settings.source.empty());
  state.progress = &progress;
  auto report = [&](const std::string& ending) {
    progress.erase();
    std::string line = summary_line(state.counters, std::chrono::steady_clock::now() - started, ending);
    std::fprintf(stderr, "%s\n", line.c_str());
  };
  SignalWatcher signals(state, report);
  int status = settings.source.empty() ? run_without_source(state) : run_with_source(state);
  state.failure_log.flush();
  std::string ending;
  if (state.stop_cause() == StopCause::OutputClosed) {
    spdlog::error("stdout was closed by the program reading it: the run stopped (exit status {})",
                  exit_status::kOutputClosed);
    ending = ", stopped: stdout closed";
  } else if (signals.stop_signal() != 0) {
    ending = ", stopped by " + signal_name(signals.stop_signal());
  }
  report(ending);
  // A thread abandoned in a plugin call (call_timeout) may still run plugin code: end
  // the process here, before plugins are unloaded (isolation/watchdog.hpp).
  isolation::exit_if_threads_were_abandoned(final_exit_status(state, status));
  return final_exit_status(state, status);
}

}  // namespace stoq::engine
