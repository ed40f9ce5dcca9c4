#include "engine/worker_scans.hpp"

#include <spdlog/spdlog.h>

#include <system_error>
#include <thread>

#include "engine/host_services.hpp"
#include "isolation/isolated_plugin.hpp"
#include "isolation/watchdog.hpp"
#include "lifecycle/results.hpp"
#include "lifecycle/tlp.hpp"

namespace stoq::engine {

void WorkerScans::activate() {
  std::vector<Resolved> resolved;
  for (const WorkerRun& run : state_.workers) {
    Resolved& one = resolved.emplace_back();
    one.run = &run;
    if (isolation::IsolatedPlugin* helper = plugins_.helpers().find(Category::Worker, run.name)) {
      helper->start();  // an activation failure stops the run, as in-process
      one.isolated = std::make_unique<isolation::IsolatedWorker>(*helper);
      one.worker = one.isolated.get();
    } else {
      one.worker = &plugins_.get<Worker>(run.name);
    }
    one.fan_out = state_.settings.combined && run.concurrent &&
                  plugins_.helpers().watched_timeout(Category::Worker, run.name).count() == 0;
  }
  workers_ = std::move(resolved);
  admitted_.assign(workers_.size(), true);
}

bool WorkerScans::admit(const std::string& tlp, const std::string& path, bool& skipped_by_tlp) {
  skipped_by_tlp = false;
  bool any = false;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    const WorkerRun& run = *workers_[i].run;
    admitted_[i] = lifecycle::tlp_allows(run.max_tlp, tlp);
    if (!admitted_[i]) {
      spdlog::info("{}: skipping {} (tlp {} is below max_tlp {})", run.name, path, tlp, run.max_tlp);
      continue;
    }
    any = true;
  }
  if (!any) {
    skipped_by_tlp = true;
    return false;
  }
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    const WorkerRun& run = *workers_[i].run;
    if (!admitted_[i] || !run.rate_limiter) continue;
    if (!run.rate_limiter->acquire([&](auto wait) { return state_.wait_for_stop(wait); })) return false;
  }
  return true;
}

std::optional<Json> WorkerScans::call(Resolved& resolved, const Payload& payload, const Json& kwargs,
                                      std::size_t payload_id, ErrorList& errors) {
  const std::string plugin = "worker:" + resolved.run->name;
  std::optional<Json> result;
  isolation::TimedCall timed(plugin, plugins_.helpers().watched_timeout(Category::Worker, resolved.run->name),
                             payload_id);
  try {
    result = resolved.worker->scan(payload, kwargs);
  } catch (...) {
    errors.add(plugin, current_exception_text(), payload_id);
  }
  timed.finish();  // an abandoned call's thread stops here (CallAbandoned)
  if (result && lifecycle::nested_deeper_than(*result, lifecycle::kMaxResultDepth)) {
    errors.add(plugin,
               "scan results nested deeper than " + std::to_string(lifecycle::kMaxResultDepth) + " levels were dropped",
               payload_id);
    result.reset();
  }
  return result;
}

std::vector<std::optional<Json>> WorkerScans::call_admitted(const Payload& payload, const Json& kwargs,
                                                            std::size_t payload_id, ErrorList& errors) {
  std::vector<std::optional<Json>> results(workers_.size());
  std::vector<ErrorList> errors_of(workers_.size());  // merged in -w order at the end
  std::vector<bool> on_thread(workers_.size(), false);
  std::vector<std::thread> threads;
  // Two or more admitted concurrent workers: the first runs on this thread, each other
  // one on a thread of its own. (A single concurrent worker runs in order, like the rest.)
  auto fans_out = [&](std::size_t i) { return admitted_[i] && workers_[i].fan_out; };
  std::size_t concurrent = 0;
  for (std::size_t i = 0; i < workers_.size(); ++i) concurrent += fans_out(i) ? 1 : 0;
  if (concurrent >= 2) {
    if (!payload.is_none()) (void)payload.hashes();  // computed once, before any thread reads them
    bool first = true;
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      if (!fans_out(i)) continue;
      if (first) {
        first = false;
        continue;
      }
      try {
        threads.emplace_back([&, i] {
          try {
            results[i] = call(workers_[i], payload, kwargs, payload_id, errors_of[i]);
          } catch (...) {  // an escape from a thread would end the process
            errors_of[i].add("worker:" + workers_[i].run->name, current_exception_text(), payload_id);
          }
        });
        on_thread[i] = true;
      } catch (const std::system_error& e) {  // no thread to spare: the rest run in order
        spdlog::debug("no thread for worker {} ({}): it runs in order", workers_[i].run->name, e.what());
        break;
      }
    }
  }
  struct JoinAll {  // also when a call below throws CallAbandoned
    std::vector<std::thread>& threads;
    ~JoinAll() {
      for (std::thread& thread : threads) thread.join();
    }
  } join_all{threads};
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (admitted_[i] && !on_thread[i]) results[i] = call(workers_[i], payload, kwargs, payload_id, errors_of[i]);
  }
  for (std::thread& thread : threads) thread.join();
  threads.clear();
  for (ErrorList& list : errors_of) {
    for (Json& error : list.list) errors.list.push_back(std::move(error));
  }
  return results;
}

void WorkerScans::add_combined(Json& scan, const std::string& worker, Json result) {
  if (result.is_boolean()) return;
  if (result.is_array() && result.size() == 1) result = std::move(result[0]);
  scan[worker] = std::move(result);
}

Json WorkerScans::combine(std::vector<std::optional<Json>> results) const {
  Json scan = Json::object();
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (results[i]) add_combined(scan, workers_[i].run->name, std::move(*results[i]));  // failed: no key
  }
  return scan;
}

Json WorkerScans::scan_root(const Payload& payload, const Json& message, ErrorList& errors) {
  if (!activated()) activate();
  std::vector<std::optional<Json>> results = call_admitted(payload, message, 0, errors);
  if (!state_.settings.combined) return std::move(results.front()).value_or(Json());
  return combine(std::move(results));
}

Json WorkerScans::scan_child(const Payload& payload, const Json& kwargs, std::size_t payload_id, ErrorList& errors) {
  if (!activated()) activate();
  std::vector<std::optional<Json>> results = call_admitted(payload, kwargs, payload_id, errors);
  if (state_.settings.combined) return combine(std::move(results));
  Json scan = std::move(results.front()).value_or(Json());
  // As for the root: an array is one item per document, and a child has one entry, so
  // a one-item array is that item (the yara worker's list of hits); true (the worker
  // saved its output itself) leaves nothing to record.
  if (scan.is_array() && scan.size() == 1) scan = std::move(scan[0]);
  if (scan.is_boolean()) scan = nullptr;
  return scan;
}

}  // namespace stoq::engine
