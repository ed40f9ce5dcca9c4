#include "engine/pipeline.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "lifecycle/results.hpp"
#include "lifecycle/tlp.hpp"

namespace stoq::engine {
namespace {

std::string text_field(const Json& message, const char* key) {
  auto it = message.find(key);
  return it != message.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string describe(const std::exception& e) {
  std::string text = e.what();
  return text.empty() ? "unknown error" : text;
}

}  // namespace

void Pipeline::Errors::add(const std::string& plugin, const std::string& message) {
  list.push_back(Json{{"plugin", plugin}, {"payload_id", 0}, {"error", message}});
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
  if (state_.rate_limiter && !state_.rate_limiter->acquire([&](auto wait) { return state_.wait_for_stop(wait); })) {
    return false;  // stopped while waiting for a slot
  }
  std::string tlp = text_field(message, "tlp");
  if (tlp.empty()) tlp = settings.tlp.empty() ? state_.config.default_tlp : settings.tlp;
  if (!lifecycle::tlp_allows(max_tlp_, tlp)) {
    spdlog::info("{}: skipping {} (tlp {} exceeds max_tlp {})", settings.worker, text_field(message, "path"), tlp,
                 max_tlp_);
    return true;
  }

  Errors errors;
  Json entry = Json::object();
  Payload payload;
  std::string fetch_connector = text_field(message, "archive");
  if (has_source && !fetch_connector.empty()) {
    entry["archive"] = fetch_connector;
    try {
      payload = plugins_.get<Connector>(fetch_connector).get_file(message);
    } catch (const std::exception& e) {
      errors.add("connector:" + fetch_connector, describe(e));
    }
  }
  std::string root_sha1;
  if (!payload.is_none() || has_source) {
    std::string path = text_field(message, "path");
    if (!message.contains("filename")) {
      if (!path.empty()) entry["path"] = path;
      entry["filename"] = path.empty() ? "Unknown" : std::filesystem::path(path).filename().string();
    } else {
      entry["filename"] = message["filename"];
    }
  }
  if (!payload.is_none()) {
    Json archived = Json::object();
    const std::string& archive = settings.archive_connector;
    if (!archive.empty() && (archive != fetch_connector || archive == "file")) {
      try {
        const Hashes& hashes = payload.hashes();
        archived = {{"ssdeep", ssdeep_hash(payload.bytes())}, {"content-type", magic_mime(payload.bytes())}};
        Json kwargs = {{"archive", true},        {"md5", hashes.md5},       {"sha1", hashes.sha1},
                       {"sha256", hashes.sha256}, {"sha512", hashes.sha512}, {"filename", entry["filename"]}};
        archived["conn_id"] = plugins_.get<Connector>(archive).save(Content::bytes(payload.bytes()), kwargs);
      } catch (const std::exception& e) {
        errors.add("connector:" + archive, describe(e));
        archived = Json::object();
      }
    }
    if (hashpayload_) {
      const Hashes& hashes = payload.hashes();
      entry["md5"] = hashes.md5;
      entry["sha1"] = hashes.sha1;
      entry["sha256"] = hashes.sha256;
      entry["sha512"] = hashes.sha512;
      entry.update(archived);
    }
    root_sha1 = payload.hashes().sha1;
  }

  // Scan. A failed fetch still yields a document carrying the error: nothing is lost silently.
  Json scanned;
  bool scan_failed = false;
  if (payload.is_none() && has_source) {
    scan_failed = true;
  } else {
    try {
      scanned = worker_->scan(payload, message);
    } catch (const std::exception& e) {
      errors.add("worker:" + settings.worker, describe(e));
      scan_failed = true;
    }
  }
  if (scanned.is_boolean() && scanned.get<bool>()) return true;  // the worker handled output itself
  Json items = Json::array();
  if (scanned.is_array()) {
    items = std::move(scanned);
  } else if (!scanned.is_null() && !(scanned.is_boolean() && !scanned.get<bool>())) {
    items.push_back(std::move(scanned));
  }
  if (items.empty() && (scan_failed || !errors.list.empty())) items.push_back(nullptr);
  if (items.empty()) return true;

  Json uuids = Json::array();
  if (auto it = message.find("uuid"); it != message.end() && (it->is_string() || it->is_array())) {
    uuids = it->is_string() ? Json::array({*it}) : *it;
  } else {
    uuids.push_back(lifecycle::new_uuid());
  }
  Json message_meta = message;
  message_meta.erase("ratelimit");

  bool all_saved = true;
  for (Json& item : items) {
    Json result = entry;
    result["scan"] = std::move(item);
    result["uuid"] = uuids;
    result["plugin"] = settings.worker;
    if (!payload.is_none()) result["size"] = payload.size();
    Json source_meta = lifecycle::make_source_meta(message_meta, settings.metadata, result);
    result["source_meta"] = std::move(source_meta);
    result["payload_id"] = 0;
    Json document = {{"results", Json::array({std::move(result)})},
                     {"plugins", {{"0", settings.worker}}},
                     {"date", lifecycle::iso_now()},
                     {"tlp", tlp},
                     {"payloads", 1}};
    Errors document_errors = errors;
    all_saved = save(std::move(document), root_sha1, document_errors) && all_saved;
  }
  return all_saved;
}

bool Pipeline::save(Json document, const std::string& root_sha1, Errors& errors) {
  const RunSettings& settings = state_.settings;
  if (!settings.decorator.empty()) {
    Json with_errors = document;
    if (!errors.list.empty()) with_errors["errors"] = errors.list;
    try {
      document = plugins_.get<Decorator>(settings.decorator).decorate(std::move(with_errors));
      errors.list = Json::array();  // now inside the decorated document
    } catch (const std::exception& e) {
      errors.add("decorator:" + settings.decorator, describe(e));
    }
  }
  if (!errors.list.empty()) {
    Json& list = document["errors"];
    if (!list.is_array()) list = Json::array();
    for (Json& error : errors.list) list.push_back(std::move(error));
  }
  if (!saveresults_ || settings.output_connector.empty()) return true;

  std::vector<Json> documents =
      settings.split ? lifecycle::split(document) : std::vector<Json>{std::move(document)};
  Json kwargs = {{"index", settings.worker}, {"use_date", settings.use_date}};
  if (!root_sha1.empty()) kwargs["sha1"] = root_sha1;
  if (!settings.outfile.empty()) kwargs["outfile"] = settings.outfile;
  Connector& connector = plugins_.get<Connector>(settings.output_connector);
  for (Json& one : documents) {
    if (settings.flatten) one = lifecycle::flatten(one, settings.delimiter);
    try {
      connector.save(Content::results(one), kwargs);
    } catch (const std::exception& e) {
      spdlog::error("connector {} failed to save results of {}: {}", settings.output_connector,
                    root_sha1.empty() ? "a payload" : root_sha1, describe(e));
      return false;
    }
  }
  return true;
}

}  // namespace stoq::engine
