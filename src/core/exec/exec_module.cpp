#include "exec/exec_module.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "config/values.hpp"
#include "exec/exec_session.hpp"
#include "stoq/error.hpp"

namespace stoq::exec {
namespace {

constexpr const char* kDefaultCallTimeout = "60";

// The category classes: each method sends one request (docs/exec-plugins.md) and turns
// the answer into what the C++ method returns. One child process per instance, that is
// per worker thread; started by activate() so that a plugin that cannot start stops the
// run with a clear message, as a C++ plugin whose activate() fails does.
template <typename Base>
class ExecPlugin : public Base {
 public:
  bool activate(Stoq& /*stoq*/) override {
    session_.start();
    return true;
  }
  void deactivate() override { session_.stop(); }

 protected:
  // A call that takes a payload and kwargs and answers a result.
  Json payload_call(const char* op, const Payload& payload, const Json& kwargs) {
    Json request = ExecSession::request(op, payload.is_none() ? 0 : payload.size());
    if (payload.is_none()) request["none"] = true;
    request["kwargs"] = kwargs;
    Json answer = session_.call(request, payload.bytes(), &payload, true);
    auto result = answer.find("result");
    return result != answer.end() ? std::move(*result) : Json(nullptr);
  }

  ExtractedList children_call(const char* op, const Payload& payload, const Json& kwargs) {
    const ExtractionLimits& limits = this->stoq().extraction_limits();
    Json request = ExecSession::request(op, payload.is_none() ? 0 : payload.size());
    if (payload.is_none()) request["none"] = true;
    request["kwargs"] = kwargs;
    request["limits"] = {{"max_children", limits.max_children},
                         {"max_child_size", limits.max_child_size},
                         {"max_total_bytes", limits.max_total_bytes}};
    Json answer = session_.call(request, payload.bytes(), &payload, true);
    return session_.read_children(answer, &payload);
  }

  ExecSession session_{*this};
};

class ExecWorker final : public ExecPlugin<Worker> {
 public:
  Json scan(const Payload& payload, const Json& kwargs) override { return payload_call("scan", payload, kwargs); }
};

class ExecReader final : public ExecPlugin<Reader> {
 public:
  Json read(const Payload& payload, const Json& kwargs) override { return payload_call("read", payload, kwargs); }
};

class ExecExtractor final : public ExecPlugin<Extractor> {
 public:
  ExtractedList extract(const Payload& payload, const Json& kwargs) override {
    return children_call("extract", payload, kwargs);
  }
};

class ExecCarver final : public ExecPlugin<Carver> {
 public:
  ExtractedList carve(const Payload& payload, const Json& kwargs) override {
    return children_call("carve", payload, kwargs);
  }
};

class ExecDecoder final : public ExecPlugin<Decoder> {
 public:
  ExtractedList decode(const Payload& payload, const Json& kwargs) override {
    return children_call("decode", payload, kwargs);
  }
};

class ExecDecorator final : public ExecPlugin<Decorator> {
 public:
  // The new document; an answer without "result" leaves the document as it was.
  // Not ended by the run stopping: the document is on its way to being saved.
  Json decorate(Json results) override {
    Json request = ExecSession::request("decorate", 0);
    request["results"] = results;
    Json answer = session_.call(request, {}, nullptr, false);
    auto result = answer.find("result");
    return result != answer.end() ? std::move(*result) : std::move(results);
  }
};

class ExecConnector final : public ExecPlugin<Connector> {
 public:
  // Every kind travels as bytes: results as one line of JSON, text as is, payloads raw,
  // so a shell connector can append them to a file with `head -c`.
  Json save(const Content& payload, const Json& kwargs) override {
    static constexpr const char* kKinds[] = {"results", "text", "binary"};
    std::string serialized;
    ByteView body;
    if (payload.kind() == Content::Kind::Binary) {
      body = payload.bytes();
    } else {
      serialized = payload.serialize(-1);
      body = ByteView(std::string_view(serialized));
    }
    Json request = ExecSession::request("save", body.size());
    request["kind"] = kKinds[static_cast<int>(payload.kind())];
    request["kwargs"] = kwargs;
    Json answer = session_.call(request, body, nullptr, false);
    auto result = answer.find("result");
    return result != answer.end() ? std::move(*result) : Json(nullptr);
  }

  Payload get_file(const Json& kwargs) override {
    Json request = ExecSession::request("get_file", 0);
    request["kwargs"] = kwargs;
    Json answer = session_.call(request, {}, nullptr, true);
    return session_.read_payload(answer, static_cast<std::uint64_t>(stoq().config().max_payload_size));
  }
};

// True/False (any case) is a bool, an integer an int: stoQ's .stoq values.
stoq_option_type inferred_type(const std::string& key, const std::string& value) {
  if (auto by_suffix = config::type_from_suffix(key)) return *by_suffix;
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true" || lower == "false") return STOQ_OPTION_BOOL;
  if (config::parse_int(value)) return STOQ_OPTION_INT;
  return STOQ_OPTION_STRING;
}

}  // namespace

bool is_exec_module(std::string_view module) { return module.substr(0, kModulePrefix.size()) == kModulePrefix; }

void check_exec_module(std::string_view module, Category category, const std::string& stoq_file) {
  if (module.size() <= kModulePrefix.size()) {
    throw Error(stoq_file + ": [Core] Module = exec: needs the executable's path (e.g. exec:./scan.py)");
  }
  if (category == Category::Source) {
    throw Error(stoq_file +
                ": [Core] Module = exec: is not supported for source plugins (a source pushes messages into stoq; "
                "write it in C++)");
  }
}

std::string executable_path(const PluginInfo& info) {
  std::filesystem::path path(info.module.substr(kModulePrefix.size()));
  if (path.is_relative()) path = std::filesystem::absolute(std::filesystem::path(info.plugin_path) / path);
  return path.lexically_normal().string();
}

std::vector<loader::OptionSchema> schema_for(const loader::Manifest& manifest) {
  std::vector<loader::OptionSchema> schema = loader::framework_options(manifest.info.category);
  std::erase_if(schema, [](const loader::OptionSchema& option) {
    return option.name == "isolation" || option.name == "cpu_limit";
  });
  auto find = [&schema](const std::string& name) {
    return std::find_if(schema.begin(), schema.end(),
                        [&name](const loader::OptionSchema& o) { return o.name == name; });
  };
  const std::string timeout_doc =
      "Seconds of wall time one call to the plugin's process may take (0: no limit); past it the process is killed.";
  if (auto timeout = find("call_timeout"); timeout == schema.end()) {
    schema.push_back({"call_timeout", STOQ_OPTION_INT, kDefaultCallTimeout, timeout_doc, 0, false});
  } else {
    timeout->doc = timeout_doc;
    if (timeout->default_value == "0") timeout->default_value = kDefaultCallTimeout;
  }
  const std::string memory_doc = "Bytes of address space of the plugin's process (RLIMIT_AS; 0: no limit).";
  if (auto memory = find("memory_limit"); memory == schema.end()) {
    schema.push_back({"memory_limit", STOQ_OPTION_INT, "4294967296", memory_doc, 0, false});
  } else {
    memory->doc = memory_doc;
  }
  for (const config::IniEntry& entry : manifest.options) {
    if (find(entry.key) != schema.end()) continue;  // a framework option: typed above
    schema.push_back({entry.key, inferred_type(entry.key, entry.value), entry.value,
                      "Option of the plugin (its .stoq [options]).", 0, false});
  }
  return schema;
}

Plugin* create_plugin(Category category) {
  switch (category) {
    case Category::Worker: return new ExecWorker();
    case Category::Reader: return new ExecReader();
    case Category::Extractor: return new ExecExtractor();
    case Category::Carver: return new ExecCarver();
    case Category::Decoder: return new ExecDecoder();
    case Category::Decorator: return new ExecDecorator();
    case Category::Connector: return new ExecConnector();
    case Category::Source: return nullptr;
  }
  return nullptr;
}

void destroy_plugin(void* plugin) { delete static_cast<Plugin*>(plugin); }

}  // namespace stoq::exec
