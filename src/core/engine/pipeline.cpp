#include "engine/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "dispatch/dispatcher.hpp"
#include "engine/host_services.hpp"
#include "isolation/watchdog.hpp"
#include "lifecycle/results.hpp"
#include "sdk/mapping_guard.hpp"
#include "sdk/output.hpp"

namespace stoq::engine {
namespace {

std::string text_field(const Json& message, const char* key) {
  auto it = message.find(key);
  return it != message.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void add_error(Json& document, const std::string& plugin, const std::string& message) {
  Json& list = document["errors"];
  if (!list.is_array()) list = Json::array();
  ErrorList one;
  one.add(plugin, message);
  list.push_back(std::move(one.list[0]));
}

}  // namespace

std::string render_results(const templating::Template& output, Json& document) {
  Json vars = Json::object();
  vars["results"] = std::move(document);
  struct GiveBack {
    Json& vars;
    Json& document;
    ~GiveBack() { document = std::move(vars["results"]); }
  } give_back{vars, document};
  return output.render(vars);
}

Pipeline::Pipeline(PluginSet& plugins) : plugins_(plugins), state_(plugins.state()), workers_(plugins) {}

void Pipeline::activate_eagerly() {
  const RunSettings& settings = state_.settings;
  workers_.activate();
  if (state_.saveresults) {
    for (const RunState::Output& output : state_.outputs) plugins_.get<Connector>(output.connector);
  }
  if (!settings.archive_connector.empty()) plugins_.get<Connector>(settings.archive_connector);
  if (!settings.decorator.empty()) plugins_.get<Decorator>(settings.decorator);
}

bool Pipeline::process(const Json& message, bool has_source) {
  outcome_ = {};
  ++state_.counters.payloads;
  bool saved = false;
  try {
    saved = run_steps(message, has_source);
  } catch (...) {
    count_outcome(false);
    throw;
  }
  count_outcome(saved);
  // The reader of stdout is gone: every later document would fail the same way. Stop
  // now, once, instead of one error per payload (whichever plugin wrote to stdout).
  if (output::stdout_closed_by_reader() && state_.stop_cause() == StopCause::None) {
    state_.abort_run(StopCause::OutputClosed);
  }
  return saved;
}

void Pipeline::count_outcome(bool saved) {
  RunCounters& counters = state_.counters;
  if (outcome_.had_errors) ++counters.with_errors;
  if (outcome_.skipped_by_tlp) {
    ++counters.skipped_by_tlp;
  } else if (saved) {
    ++counters.saved;
  }
}

bool Pipeline::run_steps(const Json& message, bool has_source) {
  const RunSettings& settings = state_.settings;
  if (!workers_.activated()) activate_eagerly();
  std::string tlp = text_field(message, "tlp");
  if (tlp.empty()) tlp = settings.tlp.empty() ? state_.config.default_tlp : settings.tlp;
  if (!admit(text_field(message, "path"), tlp)) return !state_.stopping();

  Work work{message, {}, Json::object(), {}, false};
  if (has_source) fetch(work);
  if (!work.payload.is_none()) {
    state_.counters.bytes += work.payload.size();
    archive_and_hash(work);
  }
  if (isolation::WorkerSlot* slot = isolation::current_slot()) {  // for the document of an overrun
    slot->set_known(work.entry, work.payload.is_none() ? std::nullopt : std::optional(work.payload.size()), tlp);
  }
  Json uuids = Json::array();
  if (auto it = message.find("uuid"); it != message.end() && (it->is_string() || it->is_array())) {
    uuids = it->is_string() ? Json::array({*it}) : *it;
  } else {
    uuids.push_back(lifecycle::new_uuid());
  }
  std::optional<Json> items = scan(work, worker_kwargs(work, tlp, uuids));
  if (!work.errors.list.empty()) {  // before the dispatch: children's errors are not the message's
    const Json& first = work.errors.list.front();
    outcome_.message_error = first.value("plugin", "") + ": " + first.value("error", "");
  }
  // A mapped file that shrank while it was read (sdk/mapping_guard.hpp): said once, after the scan or dispatch.
  bool shrink_reported = false;
  auto report_shrink = [&](Errors& errors) {
    if (shrink_reported || work.payload.is_none()) return;
    auto text = mapping_guard::shrunk_file_error(work.payload.bytes().data(), text_field(message, "path"));
    if (text) errors.add("connector:" + text_field(message, "archive"), *text);
    shrink_reported = text.has_value();
  };
  report_shrink(work.errors);
  if (!items) return true;  // the worker handled output itself
  // Errors always reach the connector, in a document of their own if need be: nothing is lost silently.
  if (items->empty() && !work.errors.list.empty()) items->push_back(nullptr);

  std::string root_sha1 = work.payload.is_none() ? std::string() : work.payload.hashes().sha1;
  std::optional<std::size_t> size;
  if (!work.payload.is_none()) size = work.payload.size();
  bool all_saved = true;
  for (std::size_t i = 0; i < items->size(); ++i) {
    Json entry = i + 1 == items->size() ? std::move(work.entry) : work.entry;  // copies only for lists
    Json result = lifecycle::finish_entry(std::move(entry), std::move((*items)[i]), uuids, state_.results_plugin, size,
                                          message, settings.metadata);
    Json document = lifecycle::make_document(std::move(result), state_.results_plugin, tlp);
    Errors document_errors = i + 1 == items->size() ? std::move(work.errors) : work.errors;
    // -D: children join the last document (one per payload, as the worker returns one item).
    if (i + 1 == items->size() && state_.dispatch_rules && !work.payload.is_none()) {
      dispatch::DispatchContext context{*state_.dispatch_rules, state_.dispatch_limits, state_.spill_dir(),
                                        state_.results_plugin,  state_.hashpayload,     settings.archive_connector};
      dispatch::Dispatcher(plugins_, workers_, context).run(work.payload, uuids, message, document, document_errors);
      report_shrink(document_errors);
    }
    all_saved = save(std::move(document), root_sha1, document_errors) && all_saved;
  }
  return all_saved;
}

// Each worker's TLP gate, then its ratelimit. False: do not process (skipped by every
// worker, or stopped while waiting).
bool Pipeline::admit(const std::string& path, const std::string& tlp) {
  bool skipped_by_tlp = false;
  bool admitted = workers_.admit(tlp, path, skipped_by_tlp);
  outcome_.skipped_by_tlp = skipped_by_tlp;
  return admitted;
}

// The bytes come from the connector the message names in "archive" (file: by path).
void Pipeline::fetch(Work& work) {
  const Json& message = work.message;
  std::string connector = text_field(message, "archive");
  if (!connector.empty()) {
    work.entry["archive"] = connector;
    try {
      work.payload = plugins_.get<Connector>(connector).get_file(message);
    } catch (...) {
      work.errors.add("connector:" + connector, current_exception_text());
      work.fetch_failed = true;
    }
  }
  std::string path = text_field(message, "path");
  if (message.contains("filename")) {
    work.entry["filename"] = message["filename"];
  } else {
    if (!path.empty()) work.entry["path"] = path;
    work.entry["filename"] = path.empty() ? "Unknown" : std::filesystem::path(path).filename().string();
  }
}

// -A: archive through a connector (not the one the payload came from, except "file");
// hashpayload: the four hashes, plus ssdeep, content-type and conn_id when archived.
void Pipeline::archive_and_hash(Work& work) {
  const Payload& payload = work.payload;
  const std::string& archive = state_.settings.archive_connector;
  Json archived = Json::object();
  if (!archive.empty() && (archive != text_field(work.message, "archive") || archive == "file")) {
    try {
      const Hashes& hashes = payload.hashes();
      archived = {{"ssdeep", ssdeep_hash(payload.bytes())}, {"content-type", magic_mime(payload.bytes())}};
      Json kwargs = {{"archive", true},         {"md5", hashes.md5},
                     {"sha1", hashes.sha1},     {"sha256", hashes.sha256},
                     {"sha512", hashes.sha512}, {"filename", work.entry.value("filename", "")}};
      archived["conn_id"] = plugins_.get<Connector>(archive).save(Content::bytes(payload.bytes()), kwargs);
    } catch (...) {
      work.errors.add("connector:" + archive, current_exception_text());
      archived = Json::object();
    }
  }
  if (!state_.hashpayload) return;
  const Hashes& hashes = payload.hashes();
  work.entry["md5"] = hashes.md5;
  work.entry["sha1"] = hashes.sha1;
  work.entry["sha256"] = hashes.sha256;
  work.entry["sha512"] = hashes.sha512;
  work.entry.update(archived);
}

// What a worker's scan() gets as kwargs: the message, plus what the guide promises a
// worker whatever the source wrote: `filename` (the entry's), `tlp` (the message's or
// the run's) and `uuid` (the results' uuid list, generated here when the message has none).
Json Pipeline::worker_kwargs(const Work& work, const std::string& tlp, const Json& uuids) {
  Json kwargs = work.message.is_object() ? work.message : Json::object();
  if (!kwargs.contains("filename")) kwargs["filename"] = work.entry.value("filename", "Unknown");
  kwargs["tlp"] = tlp;
  kwargs["uuid"] = uuids;
  return kwargs;
}

// A failed fetch (errors says why) skips the scan; when no fetch was asked for, the
// worker runs without a payload (e.g. a lookup by a hash carried in the message).
// The worker's scan() returns an object (one item), an array (each element an item),
// null/false (no items) or true (handled: nullopt). stoq scan: one object, one item.
std::optional<Json> Pipeline::scan(Work& work, const Json& kwargs) {
  Json scanned;
  if (!work.fetch_failed) scanned = workers_.scan_root(work.payload, kwargs, work.errors);
  if (scanned.is_boolean()) return scanned.get<bool>() ? std::nullopt : std::optional<Json>(Json::array());
  if (scanned.is_array()) return scanned;
  Json items = Json::array();
  if (!scanned.is_null()) items.push_back(std::move(scanned));
  return items;
}

bool Pipeline::save(Json document, const std::string& root_sha1, Errors& errors) {
  const RunSettings& settings = state_.settings;
  // Every failure is seen on the console and in the log, not only in the results.
  log_plugin_failures(errors.list, document, state_.failure_log);
  if (!settings.decorator.empty()) {
    Json with_errors = document;
    if (!errors.list.empty()) with_errors["errors"] = errors.list;
    try {
      Json decorated = plugins_.get<Decorator>(settings.decorator).decorate(std::move(with_errors));
      if (lifecycle::nested_deeper_than(decorated, lifecycle::kMaxResultDepth)) {
        throw Error("decorated results nest deeper than " + std::to_string(lifecycle::kMaxResultDepth) + " levels");
      }
      document = std::move(decorated);
      errors.list = Json::array();  // now inside the decorated document
    } catch (...) {
      errors.add("decorator:" + settings.decorator, current_exception_text());
      log_plugin_failures(Json::array({errors.list.back()}), document, state_.failure_log);
    }
  }
  if (!errors.list.empty()) {
    Json& list = document["errors"];
    if (!list.is_array()) list = Json::array();
    for (Json& error : errors.list) list.push_back(std::move(error));
  }
  if (auto list = document.find("errors"); document.is_object() && list != document.end() && !list->empty()) {
    outcome_.had_errors = true;
  }
  const std::string payload = payload_name(document, Json::object());  // for messages
  if (!state_.saveresults || state_.outputs.empty()) return true;

  std::vector<Json> documents;
  if (settings.split) {
    documents = lifecycle::split(document);
  } else {
    documents.push_back(std::move(document));
  }
  Json kwargs = {{"index", settings.worker}, {"use_date", settings.use_date}};
  if (!root_sha1.empty()) kwargs["sha1"] = root_sha1;
  if (!settings.outfile.empty()) kwargs["outfile"] = settings.outfile;
  bool all_saved = true;
  for (Json& one : documents) {
    // With --flatten, `one` stays intact: a template error is added to it, then flattened.
    Json saved;
    const Json* unflattened = nullptr;
    if (settings.flatten) {
      saved = lifecycle::flatten(one, settings.delimiter);
      unflattened = &one;
    } else {
      saved = std::move(one);
    }
    // Every connector gets the document, even after one failed (the message is then requeued).
    for (const RunState::Output& output : state_.outputs) {
      std::optional<Json> fallback;
      std::optional<std::string> text = render_for(output, payload, unflattened, saved, fallback);
      try {
        plugins_.get<Connector>(output.connector)
            .save(text ? Content::text(*text) : Content::results(fallback ? *fallback : saved), kwargs);
      } catch (...) {
        std::string failure = current_exception_text();
        // A reader gone (EPIPE) is reported once, at the end of the run (process() stops it).
        if (!stoq::output::stdout_closed_by_reader()) {
          std::string reason = failure.substr(failure.rfind(": ") == std::string::npos ? 0 : failure.rfind(": ") + 2);
          state_.failure_log.log(logging::Level::Error, "connector:" + output.connector + '\x1f' + reason,
                                 logging::one_line("connector " + output.connector + " failed to save the results of " +
                                                   payload + ": " + failure));
        }
        all_saved = false;
      }
    }
  }
  return all_saved;
}

// -T: the text `output` saves in place of `saved`; nullopt: JSON. A template that fails on
// this document must not lose its results: `fallback` is then the JSON with the error.
std::optional<std::string> Pipeline::render_for(const RunState::Output& output, const std::string& payload,
                                                const Json* unflattened, Json& saved, std::optional<Json>& fallback) {
  const OutputTemplate& rendering = output.rendering;
  if (!rendering.parsed) return std::nullopt;
  try {
    return render_results(*rendering.parsed, saved);
  } catch (...) {
    std::string failure = current_exception_text();
    outcome_.had_errors = true;
    state_.failure_log.log(logging::Level::Error, "template:" + rendering.name + '\x1f' + failure,
                           logging::one_line("template " + rendering.name + " failed on the results of " + payload +
                                             ": " + failure + " (saved as JSON instead)"));
    if (unflattened != nullptr) {
      Json copy = *unflattened;
      add_error(copy, "template:" + rendering.name, failure);
      fallback = lifecycle::flatten(copy, state_.settings.delimiter);
    } else {
      fallback = saved;
      add_error(*fallback, "template:" + rendering.name, failure);
    }
    return std::nullopt;
  }
}

// The document of a message whose call overran call_timeout on another (abandoned)
// thread: what was known before the call, and the error.
bool Pipeline::save_overrun(const isolation::Overrun& overrun) {
  const RunSettings& settings = state_.settings;
  outcome_ = {};
  Json uuids = Json::array();
  if (auto it = overrun.message.find("uuid"); it != overrun.message.end() && (it->is_string() || it->is_array())) {
    uuids = it->is_string() ? Json::array({*it}) : *it;
  } else {
    uuids.push_back(lifecycle::new_uuid());
  }
  std::string tlp = overrun.tlp;
  if (tlp.empty()) tlp = settings.tlp.empty() ? state_.config.default_tlp : settings.tlp;
  Json result = lifecycle::finish_entry(overrun.known_entry, settings.combined ? Json::object() : Json(), uuids,
                                        state_.results_plugin, overrun.size, overrun.message, settings.metadata);
  Json document = lifecycle::make_document(std::move(result), state_.results_plugin, tlp);
  Errors errors;
  errors.add(overrun.plugin, overrun.error, overrun.payload_id);
  std::string root_sha1 = text_field(overrun.known_entry, "sha1");
  bool saved = save(std::move(document), root_sha1, errors);
  count_outcome(saved);
  return saved;
}

}  // namespace stoq::engine
