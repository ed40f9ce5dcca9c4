#include "isolation/helper.hpp"

#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <new>
#include <string>
#include <thread>

#include "config/core_config.hpp"
#include "engine/host_services.hpp"
#include "isolation/protocol.hpp"
#include "loader/catalog.hpp"
#include "logging/logging.hpp"
#include "stoq/error.hpp"
#include "stoq/plugin.hpp"

// gcc defines __SANITIZE_ADDRESS__ under -fsanitize=address; clang 14 only answers
// __has_feature(address_sanitizer).
#if defined(__SANITIZE_ADDRESS__)
#define STOQ_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STOQ_UNDER_ASAN 1
#endif
#endif
#ifndef STOQ_UNDER_ASAN
#define STOQ_UNDER_ASAN 0
#endif

namespace stoq::isolation {
namespace {

// Thrown out of a call when the helper cannot go on (out of memory): reported, then exit.
struct Fatal {
  std::string message;
};

RunOptions run_options_from(const Json& run) {
  RunOptions options;
  options.worker = run.value("worker", "");
  options.path = run.value("path", "");
  options.source_queue = run.value("source_queue", "");
  options.consume_errors = run.value("consume_errors", false);
  options.archive_connector = run.value("archive_connector", "");
  options.output_connector = run.value("output_connector", "");
  return options;
}

// The framework as an isolated plugin sees it: what needs no other thread or process.
// put() is refused (sources never run isolated); stopping() is the parent's business,
// which ends the helper with SIGKILL when the run stops.
class HelperHost final : public Stoq {
 public:
  HelperHost(CoreConfig config, RunOptions run, loader::Catalog& catalog, Json cli_overrides)
      : config_(std::move(config)), run_(std::move(run)), catalog_(catalog), cli_overrides_(std::move(cli_overrides)) {}

  [[nodiscard]] const CoreConfig& config() const override { return config_; }
  [[nodiscard]] const RunOptions& run() const override { return run_; }
  bool put(Json /*message*/, Ack on_done) override {
    if (on_done) on_done(Outcome{});
    return false;
  }
  [[nodiscard]] bool stopping() const override { return false; }
  bool wait_for_stop(std::chrono::milliseconds timeout) override {
    std::this_thread::sleep_for(timeout);
    return false;
  }
  Reader& reader(const std::string& name) override { return static_cast<Reader&>(plugin(Category::Reader, name)); }
  Source& publisher(const std::string& name) override { return static_cast<Source&>(plugin(Category::Source, name)); }
  Payload get_file(const std::string& path) override { return engine::read_local_file(config_, path); }
  [[nodiscard]] std::string hashpath(std::string_view sha1) const override {
    return engine::archive_path(config_.archive_base, sha1);
  }
  [[nodiscard]] const ExtractionLimits& extraction_limits() const override { return limits_; }
  ChildWriter new_child() override { return ChildWriter(child_); }

  void set_call(ExtractionLimits limits, ChildWriter::Settings child) {
    limits_ = limits;
    child_ = std::move(child);
  }
  /// The plugin's options as the parent's RunState::options_for resolves them: .stoq,
  /// then stoq.cfg [name], then the command line.
  Options options_for(const loader::LoadedPlugin& plugin) const;
  void deactivate_plugins();

 private:
  /// A reader or publishing source the plugin in this helper asked for, created once.
  Plugin& plugin(Category category, const std::string& name);

  CoreConfig config_;
  RunOptions run_;
  loader::Catalog& catalog_;
  Json cli_overrides_;
  ExtractionLimits limits_;
  ChildWriter::Settings child_;
  std::map<std::pair<Category, std::string>, loader::PluginPtr> plugins_;
};

Options HelperHost::options_for(const loader::LoadedPlugin& plugin) const {
  const std::string& name = plugin.manifest.info.name;
  Options options = plugin.options;
  bool shared_name = catalog_.count_named(name) > 1;  // the parent checked the options
  if (auto it = config_.plugin_options.find(name); it != config_.plugin_options.end()) {
    options = loader::apply_overrides(plugin, std::move(options), it->second, config_.source + " [" + name + "]",
                                      config_.base_dir, shared_name);
  }
  if (auto it = cli_overrides_.find(name); it != cli_overrides_.end()) {
    auto overrides = it->get<std::vector<std::pair<std::string, std::string>>>();
    options = loader::apply_overrides(plugin, std::move(options), overrides, "command line",
                                      std::filesystem::current_path().string(), shared_name);
  }
  return options;
}

Plugin& HelperHost::plugin(Category category, const std::string& name) {
  auto key = std::make_pair(category, name);
  if (auto it = plugins_.find(key); it != plugins_.end()) return *it->second;
  const loader::LoadedPlugin& loaded = catalog_.load(category, name);
  loader::PluginPtr plugin = catalog_.create(loaded);
  std::string id = std::string(category_name(category)) + ":" + name;
  plugin->bind(loaded.manifest.info, options_for(loaded), logging::make_logger("stoq." + id), *this);
  if (!plugin->activate(*this)) throw Error(id + " failed to activate (activate() returned false)");
  return *plugins_.emplace(key, std::move(plugin)).first->second;
}

void HelperHost::deactivate_plugins() {
  for (auto& [key, plugin] : plugins_) {
    try {
      plugin->deactivate();
    } catch (...) {
      spdlog::error("{}:{} failed to deactivate: {}", category_name(key.first), key.second,
                    engine::current_exception_text());
    }
  }
  plugins_.clear();
}

// The parent's payload, mapped read-only from its sealed memfd.
Payload map_payload(const Frame& request) {
  if (request.header.value("none", false)) return {};
  auto size = request.header.value("size", std::uint64_t{0});
  if (size == 0) return Payload(Bytes());
  if (!request.fd.valid()) throw Error("isolation: a call without its payload");
  auto length = static_cast<std::size_t>(size);
  void* address = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, request.fd.get(), 0);
  if (address == MAP_FAILED) throw Error(std::string("isolation: cannot map the payload: ") + std::strerror(errno));
  std::shared_ptr<const void> mapping(address,
                                      [length](const void* region) { ::munmap(const_cast<void*>(region), length); });
  return {std::move(mapping), ByteView(static_cast<const std::uint8_t*>(address), length)};
}

// RLIMIT_CPU counts the whole process: this call may use `seconds` more than so far.
void limit_cpu_of_next_call(std::int64_t seconds) {
  rlimit limit{};
  ::getrlimit(RLIMIT_CPU, &limit);
  if (seconds <= 0) {
    limit.rlim_cur = limit.rlim_max;
  } else {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto used = static_cast<rlim_t>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1);
    limit.rlim_cur = std::min<rlim_t>(used + static_cast<rlim_t>(seconds), limit.rlim_max);
  }
  ::setrlimit(RLIMIT_CPU, &limit);
}

void set_call_limits(HelperHost& host, const Json& header) {
  const Json& limits = header.at("limits");
  ExtractionLimits extraction;
  extraction.max_children = limits.value("max_children", extraction.max_children);
  extraction.max_child_size = limits.value("max_child_size", extraction.max_child_size);
  extraction.max_total_bytes = limits.value("max_total_bytes", extraction.max_total_bytes);
  extraction.max_ratio = limits.value("max_ratio", extraction.max_ratio);
  if (auto left = limits.value("deadline_ms", std::int64_t{-1}); left >= 0) {
    extraction.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(left);
  }
  const Json& child = header.at("child");
  ChildWriter::Settings settings;
  settings.max_size = child.value("max_size", settings.max_size);
  settings.memory_limit = child.value("memory_limit", settings.memory_limit);
  settings.spill_dir = child.value("spill_dir", "");
  settings.shared_budget = std::make_shared<std::uint64_t>(settings.memory_limit);
  host.set_call(extraction, std::move(settings));
}

void send_children(int socket, ExtractedList children, std::size_t max_children, const std::string& spill_dir) {
  // One beyond the allowance is sent, so the parent can record that there were more.
  std::size_t count = std::min(children.size(), max_children + 1);
  send_frame(socket, Json{{"ok", true}, {"children", count}});
  for (std::size_t i = 0; i < count; ++i) {
    Extracted& child = children[i];
    Json meta = child.meta.is_object() ? std::move(child.meta) : Json::object();
    std::uint64_t size = child.payload.is_none() ? 0 : child.payload.size();
    UniqueFd file;
    if (size > 0) file = payload_file(child.payload.bytes(), spill_dir);
    send_frame(socket, Json{{"meta", std::move(meta)}, {"size", size}}, file.get());
  }
}

// One call: the plugin's answer goes back as one reply (plus children frames).
void serve_call(int socket, Plugin& plugin, HelperHost& host, const Frame& request, std::uint64_t memory_limit) {
  const Json& header = request.header;
  std::string method = header.value("method", "");
  Json kwargs = header.value("kwargs", Json::object());
  Payload payload = map_payload(request);
  set_call_limits(host, header);
  limit_cpu_of_next_call(header.value("cpu_limit", std::int64_t{0}));
  try {
    if (method == "scan") {
      Json result = static_cast<Worker&>(plugin).scan(payload, kwargs);
      send_frame(socket, Json{{"ok", true}, {"result", std::move(result)}});
      return;
    }
    ExtractedList children;
    if (method == "extract") {
      children = static_cast<Extractor&>(plugin).extract(payload, kwargs);
    } else if (method == "carve") {
      children = static_cast<Carver&>(plugin).carve(payload, kwargs);
    } else if (method == "decode") {
      children = static_cast<Decoder&>(plugin).decode(payload, kwargs);
    } else {
      throw Error("isolation: unknown method '" + method + "'");
    }
    send_children(socket, std::move(children), host.extraction_limits().max_children,
                  header.at("child").value("spill_dir", ""));
  } catch (const std::bad_alloc&) {
    throw Fatal{memory_limit > 0 ? "exceeded memory_limit of " + std::to_string(memory_limit) + " bytes (out of memory)"
                                 : std::string("out of memory")};
  } catch (const ChannelError&) {
    throw;
  } catch (...) {
    send_frame(socket, Json{{"ok", false}, {"error", engine::current_exception_text()}});
  }
}

void apply_process_limits(std::uint64_t memory_limit) {
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
#if STOQ_UNDER_ASAN
  (void)memory_limit;  // ASan reserves terabytes of shadow memory: RLIMIT_AS would stop it at once
#else
  if (memory_limit > 0) {
    rlimit address_space{static_cast<rlim_t>(memory_limit), static_cast<rlim_t>(memory_limit)};
    ::setrlimit(RLIMIT_AS, &address_space);
  }
#endif
}

}  // namespace

bool is_helper_invocation(int argc, char** argv) { return argc >= 2 && std::strcmp(argv[1], kHelperFlag) == 0; }

int helper_main(int argc, char** argv) {
  // Dies with the thread that spawned it; if the parent is already gone, stop now.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (argc < 4 || std::to_string(::getppid()) != argv[3]) return 3;
  const int socket = std::atoi(argv[2]);
  Frame init;
  try {
    init = receive_frame(socket, {});
  } catch (const std::exception&) {
    return 3;
  }
  const Json& header = init.header;
  std::string key = header.value("category", "") + ":" + header.value("name", "");
  std::uint64_t memory_limit = header.value("memory_limit", std::uint64_t{0});
  loader::PluginPtr plugin;
  std::unique_ptr<loader::Catalog> catalog;
  std::unique_ptr<HelperHost> host;
  try {
    std::string config_path = header.value("config", "");
    CoreConfig config = config::load_core_config(
        config_path.empty() ? std::nullopt : std::optional<std::string>(config_path), config::default_locations());
    config.plugin_dir_list = header.at("plugin_dirs").get<std::vector<std::string>>();
    logging::setup(config, header.value("log_level", ""), false);
    catalog = std::make_unique<loader::Catalog>(config.plugin_dir_list);
    auto category = parse_category(header.value("category", ""));
    if (!category) throw Error("isolation: unknown category in " + key);
    const loader::LoadedPlugin& loaded = catalog->load(*category, header.value("name", ""));
    host = std::make_unique<HelperHost>(std::move(config), run_options_from(header.at("run")), *catalog,
                                        header.value("cli_overrides", Json::object()));
    apply_process_limits(memory_limit);
    plugin = catalog->create(loaded);
    plugin->bind(loaded.manifest.info, Options(header.at("options")), logging::make_logger("stoq." + key), *host);
    if (!plugin->activate(*host)) throw Error(key + " failed to activate (activate() returned false)");
    send_frame(socket, Json{{"ok", true}});
  } catch (...) {
    std::string failure = engine::current_exception_text();
    try {
      send_frame(socket, Json{{"ok", false}, {"error", key + " failed to activate: " + failure}});
    } catch (...) {  // the parent is gone: nothing to tell
    }
    spdlog::shutdown();
    ::_exit(4);
  }
  int status = 0;
  for (;;) {
    Frame request;
    try {
      request = receive_frame(socket, {});
    } catch (const ChannelError&) {
      break;  // the parent closed the socket (run over) or sent nonsense: either way, end
    }
    if (request.header.value("op", "") != "call") break;
    try {
      serve_call(socket, *plugin, *host, request, memory_limit);
    } catch (const Fatal& fatal) {
      try {
        send_frame(socket, Json{{"ok", false}, {"error", fatal.message}, {"fatal", true}});
      } catch (...) {  // the parent is gone
      }
      status = 5;
      break;
    } catch (const ChannelError&) {
      break;
    } catch (...) {
      try {
        send_frame(socket, Json{{"ok", false}, {"error", engine::current_exception_text()}});
      } catch (...) {
        break;
      }
    }
  }
  if (status == 0) {
    try {
      plugin->deactivate();
      host->deactivate_plugins();
    } catch (...) {
      spdlog::error("{} failed to deactivate: {}", key, engine::current_exception_text());
    }
  }
  spdlog::shutdown();
  // No static destructors, no dlclose: the plugin's own threads may still run.
  ::_exit(status);
}

}  // namespace stoq::isolation
