#include "engine/run_state.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "stoq/error.hpp"

namespace stoq::engine {
namespace fs = std::filesystem;
namespace {

// The templates a plugin has, for the message about one it lacks.
std::string template_list(const fs::path& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) return "the plugin has no templates/ folder";
  std::vector<std::string> names;
  for (fs::recursive_directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    std::error_code ignored;  // a dangling link is simply not listed
    if (it->is_regular_file(ignored)) names.push_back(it->path().lexically_relative(dir).string());
  }
  if (names.empty()) return "its templates/ folder is empty";
  std::sort(names.begin(), names.end());
  std::string text = "templates there:";
  for (const std::string& name : names) text += " " + name;
  return text;
}

RunOptions make_run_options(const RunSettings& settings) {
  RunOptions options;
  options.worker = settings.worker;
  options.path = settings.path;
  options.source_queue = settings.source_queue.empty() ? settings.worker : settings.source_queue;
  options.consume_errors = settings.consume_errors;
  options.archive_connector = settings.archive_connector;
  // The connector when -C names one; empty with several, so no connector takes -O (or
  // anything else) to be addressed to it alone (stdout refuses -O only when alone).
  options.output_connector = settings.output_connectors.size() == 1 ? settings.output_connectors.front() : "";
  options.outfile = settings.outfile;
  return options;
}

// `workers` defaults to the one `worker`.
RunSettings with_workers(RunSettings settings) {
  if (settings.workers.empty() && !settings.worker.empty()) settings.workers.push_back(settings.worker);
  return settings;
}

}  // namespace

std::string template_error_text(const templating::TemplateError& error, const fs::path& dir) {
  std::string file = dir.empty() || dir == "." ? error.template_name() : (dir / error.template_name()).string();
  return file + ":" + std::to_string(error.line()) + ":" + std::to_string(error.column()) + ": " + error.message();
}

OutputTemplate load_output_template(const fs::path& plugin_path, const std::string& name) {
  fs::path dir = plugin_path / "templates";
  fs::path relative(name);
  bool climbs = std::any_of(relative.begin(), relative.end(), [](const fs::path& part) { return part == ".."; });
  if (name.empty() || relative.is_absolute() || climbs) {
    throw Error("-T '" + name + "': give the name of a file under " + dir.string() + " (no absolute path, no '..')");
  }
  fs::path file = dir / relative;
  std::error_code error;
  if (!fs::is_regular_file(file, error)) {
    throw Error("-T " + name + ": no template " + file.string() + " (" + template_list(dir) + ")");
  }
  OutputTemplate loaded;
  loaded.name = name;
  loaded.environment = std::make_unique<templating::Environment>(dir);  // trim_blocks, lstrip_blocks
  try {
    loaded.parsed = loaded.environment->get_template(name);
  } catch (const templating::TemplateError& e) {
    throw Error("-T " + name + ": " + template_error_text(e, dir));
  } catch (const std::exception& e) {
    throw Error("-T " + name + ": " + file.string() + ": " + e.what());
  }
  return loaded;
}

RunState::RunState(CoreConfig config_in, RunSettings settings_in, loader::Catalog& catalog_in)
    : config(std::move(config_in)),
      settings(with_workers(std::move(settings_in))),
      run_options(make_run_options(settings)),
      catalog(catalog_in),
      queue(static_cast<std::size_t>(config.max_queue)) {
  if (settings.workers.empty()) throw Error("no worker to run");
  for (const std::string& name : settings.workers) {
    const loader::LoadedPlugin& plugin = catalog.load(Category::Worker, name);
    WorkerRun& run = workers.emplace_back();
    run.name = name;
    run.options = options_for(plugin);
    // --rate-limit is the run's: with one worker it overrides that worker's ratelimit,
    // with several it applies to each of them.
    std::string ratelimit = settings.ratelimit.empty() ? run.options.get_string("ratelimit") : settings.ratelimit;
    if (!ratelimit.empty()) {
      auto interval = lifecycle::parse_ratelimit(ratelimit);
      if (!interval) throw Error(name + ": ratelimit must be 'count/seconds' (e.g. 1/10), got '" + ratelimit + "'");
      run.rate_limiter = std::make_unique<lifecycle::RateLimiter>(*interval);
    }
    run.max_tlp = run.options.get_string("max_tlp");
    run.concurrent = run.options.has("concurrent") && run.options.get_bool("concurrent");
    hashpayload = hashpayload || run.options.get_bool("hashpayload");
    saveresults = saveresults || run.options.get_bool("saveresults");
  }
  if (settings.combined) {
    results_plugin = Json::array();
    for (const WorkerRun& run : workers) results_plugin.push_back(run.name);
  } else {
    results_plugin = workers.front().name;
  }
  // Parsed now, once: a missing template or a syntax error stops the run before any payload.
  outputs = resolve_outputs();
  if (settings.dispatch) load_dispatch();
}

// -C (repeatable) with the template (-T) each renders. One connector: -T applies to it,
// whatever its name. Several: each -T goes to the connector it is named after
// (slack.tpl: slack), and the others save JSON (the guide's "a template named after
// the connector plugin"), so people read a summary while the JSON is stored.
std::vector<RunState::Output> RunState::resolve_outputs() const {
  std::vector<Output> resolved;
  for (const std::string& connector : settings.output_connectors) resolved.push_back(Output{connector, {}});
  const std::vector<std::string>& names = settings.template_names;
  if (names.empty() || resolved.empty()) return resolved;
  if (resolved.size() == 1) {
    if (names.size() > 1) {
      throw Error("-T is given " + std::to_string(names.size()) +
                  " times for one connector: give one, or one per -C named after it (-C file -C slack -T slack.tpl)");
    }
    resolved.front().rendering = load_run_template(names.front());
    return resolved;
  }
  for (const std::string& name : names) {
    std::string stem = fs::path(name).filename().string();
    stem = stem.substr(0, stem.find('.'));
    auto it = std::find_if(resolved.begin(), resolved.end(), [&](const Output& o) { return o.connector == stem; });
    if (it == resolved.end()) {
      std::string list;
      for (const Output& output : resolved) list += (list.empty() ? "" : ", ") + output.connector;
      throw Error("-T " + name + ": with several connectors (" + list +
                  "), each template goes to the connector it is named after, and none is named " + stem);
    }
    if (it->rendering.parsed) throw Error("-T " + name + ": connector " + stem + " already has a template");
    it->rendering = load_run_template(name);
  }
  return resolved;
}

// -T NAME: the worker's templates/NAME; with several workers (stoq scan), the first
// worker, in -w order, that has a template of that name.
OutputTemplate RunState::load_run_template(const std::string& name) const {
  for (const WorkerRun& run : workers) {
    fs::path plugin_path = catalog.load(Category::Worker, run.name).manifest.info.plugin_path;
    std::error_code error;
    if (workers.size() == 1 || fs::is_regular_file(plugin_path / "templates" / name, error)) {
      return load_output_template(plugin_path, name);
    }
  }
  std::string names;
  for (const WorkerRun& run : workers) names += (names.empty() ? "" : ", ") + run.name;
  throw Error("-T " + name + ": none of the workers (" + names + ") has a template of that name in its templates/");
}

// -D: compile the rules once, and load (not activate) every plugin they route to, so a
// rule naming a plugin that does not exist stops the run before the first payload.
void RunState::load_dispatch() {
  dispatch_limits = dispatch::DispatchLimits::from(config, settings.max_recursion);
  if (config.dispatch_rules.empty()) throw Error("-D: no dispatch_rules in " + config.source + " and no bundled rules");
  std::error_code error;
  if (!fs::is_regular_file(config.dispatch_rules, error)) {
    throw Error("-D: dispatch_rules " + config.dispatch_rules + " does not exist (stoq.cfg: " + config.source + ")");
  }
  dispatch_rules = std::make_unique<dispatch::DispatchRules>(config.dispatch_rules);
  std::vector<std::string> ignored;
  for (const auto& [plugin, rule] : dispatch_rules->plugins_named(&ignored)) {
    auto colon = plugin.find(':');
    auto category = parse_category(plugin.substr(0, colon));
    try {
      (void)options_for(catalog.load(*category, plugin.substr(colon + 1)));
    } catch (const std::exception& e) {
      throw Error("dispatch rule '" + rule + "' (" + config.dispatch_rules + ") routes to " + plugin + ": " + e.what());
    }
  }
  for (const std::string& item : ignored) {
    spdlog::warn("dispatch rule {}: only carver, extractor and decoder plugins are dispatched to; ignored", item);
  }
  spill_ = std::make_unique<dispatch::SpillDirectory>(config.temp_dir);
}

Options RunState::options_for(const loader::LoadedPlugin& plugin) const {
  const std::string& name = plugin.manifest.info.name;
  Options options = plugin.options;
  bool shared_name = catalog.count_named(name) > 1;  // engine.cpp checks that one of them declares each option
  if (auto it = config.plugin_options.find(name); it != config.plugin_options.end()) {
    options = loader::apply_overrides(plugin, std::move(options), it->second, config.source + " [" + name + "]",
                                      config.base_dir, shared_name);
  }
  if (auto it = settings.plugin_options.find(name); it != settings.plugin_options.end()) {
    options = loader::apply_overrides(plugin, std::move(options), it->second, "command line",
                                      std::filesystem::current_path().string(), shared_name);
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

void RunState::abort_run(StopCause cause) {
  std::lock_guard lock(abort_mutex_);
  StopCause none = StopCause::None;
  stop_cause_.compare_exchange_strong(none, cause);
  request_stop();
  for (Envelope& left : queue.abort()) {
    if (left.ack) left.ack(Outcome{});
  }
}

void RunState::wait_for_aborts() { std::lock_guard lock(abort_mutex_); }

bool RunState::wait_for_stop(std::chrono::steady_clock::duration timeout) {
  std::unique_lock lock(stop_mutex_);
  return stop_cv_.wait_for(lock, timeout, [&] { return stopping(); });
}

}  // namespace stoq::engine
