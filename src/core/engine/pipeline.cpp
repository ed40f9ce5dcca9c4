#include "engine/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "dispatch/dispatcher.hpp"
#include "engine/host_services.hpp"
#include "lifecycle/results.hpp"
#include "lifecycle/tlp.hpp"

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

Pipeline::Pipeline(PluginSet& plugins) : plugins_(plugins), state_(plugins.state()) {
  const Options& options = state_.worker_options;
  hashpayload_ = options.get_bool("hashpayload");
  saveresults_ = options.get_bool("saveresults");
  max_tlp_ = options.get_string("max_tlp");
}

void Pipeline::activate_eagerly() {
  const RunSettings& settings = state_.settings;
  worker_ = &plugins_.get<Worker>(settings.worker);
  if (saveresults_ && !settings.output_connector.empty()) plugins_.get<Connector>(settings.output_connector);
  if (!settings.archive_connector.empty()) plugins_.get<Connector>(settings.archive_connector);
  if (!settings.decorator.empty()) plugins_.get<Decorator>(settings.decorator);
}

bool Pipeline::process(const Json& message, bool has_source) {
  const RunSettings& settings = state_.settings;
  if (worker_ == nullptr) activate_eagerly();
  std::string tlp = text_field(message, "tlp");
  if (tlp.empty()) tlp = settings.tlp.empty() ? state_.config.default_tlp : settings.tlp;
  if (!admit(message, tlp)) return !state_.stopping();

  Work work{message, {}, Json::object(), {}, false};
  if (has_source) fetch(work);
  if (!work.payload.is_none()) archive_and_hash(work);
  std::optional<Json> items = scan(work);
  if (!items) return true;  // the worker handled output itself
  // Errors always reach the connector, in a document of their own if need be: nothing is lost silently.
  if (items->empty() && !work.errors.list.empty()) items->push_back(nullptr);

  Json uuids = Json::array();
  if (auto it = message.find("uuid"); it != message.end() && (it->is_string() || it->is_array())) {
    uuids = it->is_string() ? Json::array({*it}) : *it;
  } else {
    uuids.push_back(lifecycle::new_uuid());
  }
  std::string root_sha1 = work.payload.is_none() ? std::string() : work.payload.hashes().sha1;
  std::optional<std::size_t> size;
  if (!work.payload.is_none()) size = work.payload.size();
  bool all_saved = true;
  for (std::size_t i = 0; i < items->size(); ++i) {
    Json entry = i + 1 == items->size() ? std::move(work.entry) : work.entry;  // copies only for lists
    Json result = lifecycle::finish_entry(std::move(entry), std::move((*items)[i]), uuids, settings.worker, size,
                                          message, settings.metadata);
    Json document = lifecycle::make_document(std::move(result), settings.worker, tlp);
    Errors document_errors = i + 1 == items->size() ? std::move(work.errors) : work.errors;
    // -D: children join the last document (one per payload, as the worker returns one item).
    if (i + 1 == items->size() && state_.dispatch_rules && !work.payload.is_none()) {
      dispatch::DispatchContext context{*state_.dispatch_rules, state_.dispatch_limits, state_.spill_dir(),
                                        settings.worker,        hashpayload_,           settings.archive_connector};
      dispatch::Dispatcher(plugins_, *worker_, context).run(work.payload, uuids, message, document, document_errors);
    }
    all_saved = save(std::move(document), root_sha1, document_errors) && all_saved;
  }
  return all_saved;
}

// Ratelimit, then the TLP gate. False: do not process (skipped, or stopped while waiting).
bool Pipeline::admit(const Json& message, const std::string& tlp) {
  if (state_.rate_limiter && !state_.rate_limiter->acquire([&](auto wait) { return state_.wait_for_stop(wait); })) {
    return false;
  }
  if (lifecycle::tlp_allows(max_tlp_, tlp)) return true;
  spdlog::info("{}: skipping {} (tlp {} is below max_tlp {})", state_.settings.worker, text_field(message, "path"), tlp,
               max_tlp_);
  return false;
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
  if (!hashpayload_) return;
  const Hashes& hashes = payload.hashes();
  work.entry["md5"] = hashes.md5;
  work.entry["sha1"] = hashes.sha1;
  work.entry["sha256"] = hashes.sha256;
  work.entry["sha512"] = hashes.sha512;
  work.entry.update(archived);
}

// A failed fetch (errors says why) skips the scan; when no fetch was asked for, the
// worker runs without a payload (e.g. a lookup by a hash carried in the message).
// scan() returns an object (one item), an array (each element an item), null/false
// (no items) or true (handled: nullopt).
std::optional<Json> Pipeline::scan(Work& work) {
  Json scanned;
  if (!work.fetch_failed) {
    try {
      scanned = worker_->scan(work.payload, work.message);
    } catch (...) {
      work.errors.add("worker:" + state_.settings.worker, current_exception_text());
    }
  }
  if (lifecycle::nested_deeper_than(scanned, lifecycle::kMaxResultDepth)) {
    work.errors.add(
        "worker:" + state_.settings.worker,
        "scan results nested deeper than " + std::to_string(lifecycle::kMaxResultDepth) + " levels were dropped");
    scanned = nullptr;
  }
  if (scanned.is_boolean()) return scanned.get<bool>() ? std::nullopt : std::optional<Json>(Json::array());
  if (scanned.is_array()) return scanned;
  Json items = Json::array();
  if (!scanned.is_null()) items.push_back(std::move(scanned));
  return items;
}

bool Pipeline::save(Json document, const std::string& root_sha1, Errors& errors) {
  const RunSettings& settings = state_.settings;
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
    }
  }
  if (!errors.list.empty()) {
    Json& list = document["errors"];
    if (!list.is_array()) list = Json::array();
    for (Json& error : errors.list) list.push_back(std::move(error));
  }
  if (!saveresults_ || settings.output_connector.empty()) return true;

  std::vector<Json> documents;
  if (settings.split) {
    documents = lifecycle::split(document);
  } else {
    documents.push_back(std::move(document));
  }
  Json kwargs = {{"index", settings.worker}, {"use_date", settings.use_date}};
  if (!root_sha1.empty()) kwargs["sha1"] = root_sha1;
  if (!settings.outfile.empty()) kwargs["outfile"] = settings.outfile;
  Connector& connector = plugins_.get<Connector>(settings.output_connector);
  const OutputTemplate& output = state_.output_template;
  for (Json& one : documents) {
    Json saved = settings.flatten ? lifecycle::flatten(one, settings.delimiter) : std::move(one);
    // -T: the rendered text is saved instead of the JSON. A template that fails on this
    // document must not lose its results: they are saved as JSON, with the error.
    std::optional<std::string> text;
    if (output.parsed) {
      try {
        text = render_results(*output.parsed, saved);
      } catch (...) {
        std::string failure = current_exception_text();
        spdlog::error("template {} failed on the results of {}: {} (saved as JSON instead)", output.name,
                      root_sha1.empty() ? "a payload" : root_sha1, failure);
        if (settings.flatten) {
          add_error(one, "template:" + output.name, failure);
          saved = lifecycle::flatten(one, settings.delimiter);
        } else {
          add_error(saved, "template:" + output.name, failure);
        }
      }
    }
    try {
      connector.save(text ? Content::text(*text) : Content::results(saved), kwargs);
    } catch (...) {
      spdlog::error("connector {} failed to save results of {}: {}", settings.output_connector,
                    root_sha1.empty() ? "a payload" : root_sha1, current_exception_text());
      return false;
    }
  }
  return true;
}

}  // namespace stoq::engine
