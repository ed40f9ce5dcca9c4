// `stoq <worker> [options]`: the shared worker options of stoQ (StoqArgs) plus the
// worker's own options, generated from its option table. `stoq scan -w NAME ...`: the
// same shared options, several workers on every payload (their options through
// --plugin-opt name:option=value); docs/scan.md.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "cli/commands.hpp"
#include "cli/option_checks.hpp"
#include "config/core_config.hpp"
#include "config/values.hpp"
#include "engine/engine.hpp"
#include "lifecycle/ratelimit.hpp"
#include "lifecycle/tlp.hpp"
#include "loader/catalog.hpp"
#include "logging/logging.hpp"
#include "stoq/error.hpp"

namespace stoq::cli {
namespace {

constexpr const char* kShared = "stoQ options";
constexpr const char* kPlugin = "Plugin options";

struct SharedArgs {
  std::string log_level;
  std::vector<std::string> templates;
  unsigned max_processes = 0;
  std::int64_t max_recursion = -1;
  std::string decorator;
  std::vector<std::string> connectors;
  std::string archive;
  bool split = false;
  std::string outfile;
  bool use_date = false;
  bool flatten = false;
  std::string delimiter = ":";
  std::string path;
  std::string ingest;
  std::string queue;
  bool errors = false;
  bool dispatch = false;
  std::string tlp;
  std::vector<std::string> metadata;
  std::string rate_limit;
  double cron = 0;
  bool fail_on_errors = false;
  bool no_progress = false;
  std::vector<std::string> plugin_opts;
};

void add_shared(CLI::App& app, SharedArgs& a) {
  auto opt = [&](const char* names, auto& var, const char* help) {
    return app.add_option(names, var, help)->group(kShared);
  };
  auto flag = [&](const char* names, bool& var, const char* help) {
    return app.add_flag(names, var, help)->group(kShared);
  };
  // A text option given empty would silently mean its default, or nothing at all.
  auto text = [&](const char* names, std::string& var, const char* help) {
    return opt(names, var, help)->check(not_empty());
  };
  text("-L,--log-level,--loglevel", a.log_level, "Log level: debug, info, warning, error, critical");
  // Repeatable, one value each: with several -C, each template goes to the connector it is named after.
  opt("-T,--template", a.templates,
      "Save results rendered with <worker dir>/templates/TEMPLATE instead of JSON (with several -C: to the "
      "connector the template is named after, e.g. -C file -C slack -T slack.tpl)")
      ->check(not_empty())
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  opt("-M,--max-processes", a.max_processes, "Worker threads (default: all cores)")
      ->check(whole_number_between(1, max_worker_threads()));
  opt("-R,--max-recursion,--max_recursion", a.max_recursion, "Dispatch depth (overrides max_recursion)")
      ->check(whole_number_between(0, config::kMaxRecursionLimit));
  text("-P,--decorator", a.decorator, "Decorator plugin applied to results before they are saved");
  opt("-C,--connector", a.connectors,
      "Connector that saves results (default: default_connector); repeatable: each document goes to every one")
      ->check(not_empty())
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  text("-A,--archive", a.archive, "Connector that archives payloads (file; stdout cannot)");
  flag("-S,--split", a.split, "Save each result entry as its own document");
  text("-O,--outfile,--out", a.outfile,
       "Results folder (only its last component is created), or an existing file to append to (-C file)");
  flag("--use-date", a.use_date, "Connector adds the date to the output path");
  flag("--flatten", a.flatten, "Flatten nested results before saving");
  opt("--delimiter", a.delimiter, "Key joiner for --flatten (default ':')");
  text("-F,--file", a.path, "File or directory for the source plugin");
  text("-I,--ingest", a.ingest, "Source plugin (default: default_source when -F or -E is given)");
  text("-Q,--queue", a.queue, "Queue to consume, for queue sources (default: the worker name)");
  flag("-E,--errors", a.errors, "Consume the <queue>-errors queue instead");
  flag("-D,--dispatch", a.dispatch,
       "Dispatch: YARA rules (dispatch_rules) route payloads to carvers/extractors/decoders, recursively");
  opt("--tlp", a.tlp, "TLP of every payload")->check(CLI::IsMember({"white", "green", "amber", "red"}));
  opt("--metadata", a.metadata, "key:value pairs added to source_meta")->expected(1, 1 << 20);
  text("--rate-limit", a.rate_limit, "At most count payloads per seconds, as count/seconds");
  opt("--cron", a.cron, "Re-run the worker every N seconds (31536000: a year)")
      ->check(seconds_between(kMinCronSeconds, kMaxCronSeconds));
  flag("--fail-on-errors", a.fail_on_errors,
       "Exit with status 3 when any results document has an `errors` entry (all else went well)");
  flag("--no-progress", a.no_progress, "No progress line on stderr (drawn only when stderr is a terminal)");
  opt("--plugin-opt", a.plugin_opts, "Set any plugin's option: name:option=value (repeatable)")
      ->take_all()
      ->expected(1, 1 << 20);
}

Json parse_metadata(const std::vector<std::string>& pairs) {
  Json metadata = Json::object();
  for (const std::string& pair : pairs) {
    auto colon = pair.find(':');
    if (colon == std::string::npos || colon == 0) throw Error("--metadata expects key:value, got '" + pair + "'");
    std::string key = pair.substr(0, colon);
    if (!metadata.contains(key)) metadata[key] = pair.substr(colon + 1);  // duplicates skipped, as the original
  }
  return metadata;
}

// `stoq <worker>` (scan = false: `command` is the worker) or `stoq scan` (the workers come from -w).
int run_command(const std::string& command, const std::vector<std::string>& args_in, bool scan) {
  std::vector<std::string> args = args_in;
  std::optional<std::string> config_path = take_config_flag(args);
  CoreConfig config = config::load_core_config(config_path, config::default_locations());
  logging::setup(config, "", false);  // stderr until the options are known good
  loader::Catalog catalog(config.plugin_dir_list);
  const loader::LoadedPlugin* plugin = scan ? nullptr : &catalog.load(Category::Worker, command);

  CLI::App app{scan ? "Run several workers on every payload, in one pass: each payload is read, hashed and "
                      "dispatched once, and saved as one document with `scan` keyed by worker name."
                    : plugin->manifest.info.description,
               "stoq " + command};
  app.set_help_flag("-h,--help", "Show this help and exit");
  app.add_option("--config", config_path, "stoq.cfg to use")->group(kShared);  // already taken; listed for -h
  SharedArgs shared;
  add_shared(app, shared);
  std::vector<std::string> workers;
  if (scan) {
    app.add_option("-w,--worker", workers, "Worker to run on every payload (repeatable, in this order)")
        ->group(kShared)
        ->required()
        ->take_all()
        ->expected(1, 1 << 20);
  }
  std::map<std::string, std::string> plugin_values;
  std::map<std::string, std::vector<std::string>> plugin_lists;
  std::map<std::string, CLI::Option*> plugin_flags;
  for (const loader::OptionSchema& option : scan ? std::vector<loader::OptionSchema>() : plugin->schema) {
    // Version bounds describe the plugin, --rate-limit already overrides ratelimit, and
    // concurrent means something only to stoq scan.
    if (option.name == "min_stoq_version" || option.name == "max_stoq_version" || option.name == "ratelimit" ||
        option.name == "concurrent") {
      continue;
    }
    std::string names;
    if (option.short_flag != 0) names += std::string("-") + option.short_flag + ",";
    std::string dashed = option.name;
    std::replace(dashed.begin(), dashed.end(), '_', '-');
    names += "--" + dashed;
    if (dashed != option.name) names += ",--" + option.name;
    std::string type = config::type_name(option.type);
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::toupper(c); });
    std::string help = option.doc;
    if (option.default_value && !option.default_value->empty()) help += " (default: " + *option.default_value + ")";
    // A list option is repeatable (publisher: -w yara -w hash); the values join with commas.
    CLI::Option* added = option.type == STOQ_OPTION_LIST
                             ? app.add_option(names, plugin_lists[option.name], help)->type_name("VALUE")
                             : app.add_option(names, plugin_values[option.name], help)->type_name(type);
    added->group(kPlugin);
    if (option.type == STOQ_OPTION_BOOL) added->expected(0, 1);  // a bare --flag means true
    plugin_flags[option.name] = added;
  }
  try {
    std::reverse(args.begin(), args.end());
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    std::printf("%s", app.help().c_str());
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "stoq %s: error: %s (see stoq %s -h)\n", command.c_str(), e.what(), command.c_str());
    return 2;
  }
  if (scan) {
    std::set<std::string> seen;
    for (const std::string& name : workers) {
      if (!seen.insert(name).second) throw Error("-w " + name + " is given twice");
      (void)catalog.load(Category::Worker, name);  // an unknown worker fails here, by name
    }
  } else {
    workers.push_back(command);
  }
  if (app.get_option("--max-recursion")->count() > 0 && !shared.dispatch) {
    throw Error("-R/--max-recursion limits dispatch: give it with -D");
  }
  if (!shared.log_level.empty() && !logging::valid_level(shared.log_level)) {
    throw Error("unknown log level '" + shared.log_level + "' (debug, info, warning, error, critical)");
  }
  if (!shared.rate_limit.empty() && !lifecycle::parse_ratelimit(shared.rate_limit)) {
    throw Error("--rate-limit must be count/seconds (e.g. 1/10), got '" + shared.rate_limit + "'");
  }
  if (shared.delimiter.empty()) throw Error("--delimiter must not be empty");
  if (!lifecycle::tlp_rank(config.default_tlp)) {
    throw Error(config.source + ": default_tlp must be red, amber, green or white, got '" + config.default_tlp + "'");
  }

  engine::RunSettings settings;
  settings.worker = command;
  settings.workers = workers;
  settings.combined = scan;
  settings.progress = !shared.no_progress;
  settings.path = shared.path;
  settings.source = !shared.ingest.empty()                    ? shared.ingest
                    : (!shared.path.empty() || shared.errors) ? config.default_source
                                                              : std::string();
  settings.output_connectors = shared.connectors;
  if (settings.output_connectors.empty()) settings.output_connectors.push_back(config.default_connector);
  std::set<std::string> connectors_seen;
  for (const std::string& connector : settings.output_connectors) {
    if (!connectors_seen.insert(connector).second) throw Error("-C " + connector + " is given twice");
  }
  settings.archive_connector = shared.archive;
  settings.decorator = shared.decorator;
  settings.template_names = shared.templates;
  settings.source_queue = shared.queue;
  settings.consume_errors = shared.errors;
  settings.split = shared.split;
  settings.flatten = shared.flatten;
  settings.delimiter = shared.delimiter;
  settings.outfile = shared.outfile;
  settings.use_date = shared.use_date;
  settings.tlp = shared.tlp;
  settings.metadata = parse_metadata(shared.metadata);
  settings.ratelimit = shared.rate_limit;
  settings.max_processes = shared.max_processes;
  if (shared.max_recursion >= 0) settings.max_recursion = shared.max_recursion;
  settings.dispatch = shared.dispatch;
  if (shared.cron > 0) settings.cron = shared.cron;
  settings.fail_on_errors = shared.fail_on_errors;
  for (const auto& [name, option] : plugin_flags) {
    if (option->count() == 0) continue;
    if (auto list = plugin_lists.find(name); list != plugin_lists.end()) {
      std::string joined;
      for (const std::string& item : list->second) joined += (joined.empty() ? "" : ",") + item;
      settings.plugin_options[command].emplace_back(name, joined);
      continue;
    }
    const std::string& value = plugin_values[name];
    settings.plugin_options[command].emplace_back(name,
                                                  value.empty() && option->get_expected_min() == 0 ? "true" : value);
  }
  for (const std::string& assignment : shared.plugin_opts) {
    auto colon = assignment.find(':');
    auto equals = assignment.find('=', colon == std::string::npos ? 0 : colon);
    if (colon == std::string::npos || colon == 0 || equals == std::string::npos || equals == colon + 1) {
      throw Error("--plugin-opt expects name:option=value, got '" + assignment + "'");
    }
    settings.plugin_options[assignment.substr(0, colon)].emplace_back(assignment.substr(colon + 1, equals - colon - 1),
                                                                      assignment.substr(equals + 1));
  }
  logging::setup(config, shared.log_level, true);  // now also <log_dir>/stoq.log: refused if it cannot be written
  return engine::run_worker(config, settings, catalog);
}

}  // namespace

int cmd_worker(const std::string& worker, const std::vector<std::string>& args) {
  return run_command(worker, args, false);
}

int cmd_scan(const std::vector<std::string>& args) { return run_command("scan", args, true); }

}  // namespace stoq::cli
