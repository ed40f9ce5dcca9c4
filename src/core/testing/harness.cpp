#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "engine/host_services.hpp"
#include "loader/catalog.hpp"
#include "logging/logging.hpp"
#include "stoq/testing.hpp"

namespace stoq::testing {
namespace fs = std::filesystem;

TempDir::TempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw Error("mkdtemp failed for " + pattern);
  root_ = pattern;
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  // A test may leave an unreadable entry behind: make everything removable first.
  for (auto it = fs::recursive_directory_iterator(root_, fs::directory_options::skip_permission_denied, ignored);
       it != fs::recursive_directory_iterator(); it.increment(ignored)) {
    if (!it->is_symlink(ignored)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ignored);
  }
  fs::remove_all(root_, ignored);
}

std::string TempDir::write(const std::string& relative, std::string_view content) const {
  fs::path target = root_ / relative;
  fs::create_directories(target.parent_path());
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw Error("cannot write " + target.string());
  return target.string();
}

std::string TempDir::mkdir(const std::string& relative) const {
  fs::create_directories(root_ / relative);
  return path(relative);
}

std::vector<Json> parse_json_stream(std::string_view text, std::string* trailing) {
  std::vector<Json> documents;
  auto skip_space = [&](std::size_t at) { return std::min(text.find_first_not_of(" \t\r\n", at), text.size()); };
  for (std::size_t position = skip_space(0); position < text.size(); position = skip_space(position)) {
    if (text[position] != '{' && text[position] != '[') {
      throw Error("not a JSON document at byte " + std::to_string(position) + ": " +
                  std::string(text.substr(position, 200)));
    }
    // The end of one top-level value, by bracket depth outside strings.
    int depth = 0;
    bool in_string = false;
    std::size_t end = std::string_view::npos;
    for (std::size_t i = position; i < text.size() && end == std::string_view::npos; ++i) {
      char c = text[i];
      if (in_string) {
        if (c == '\\')
          ++i;
        else if (c == '"')
          in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        end = i + 1;
      }
    }
    if (end == std::string_view::npos) {
      if (trailing == nullptr) throw Error("incomplete JSON document at byte " + std::to_string(position));
      *trailing = std::string(text.substr(position));
      return documents;
    }
    documents.push_back(Json::parse(text.substr(position, end - position)));
    position = end;
  }
  if (trailing != nullptr) trailing->clear();
  return documents;
}

struct PluginHarness::State {
  std::mutex mutex;  // put() may be called from several threads
  std::vector<std::unique_ptr<loader::Catalog>> catalogs;
  std::vector<loader::PluginPtr> plugins;   // destroyed last-created first
  std::vector<std::string> activated_dirs;  // the dirs given to activate(), first use first
};

namespace {

// The bundled plugins of the stoq this test runs against: <libdir>/stoq/plugins, beside
// libstoq-core.so (this library) in the build tree and in an installed prefix alike.
std::string bundled_plugin_dir() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&oracles_required), &info) == 0 || info.dli_fname == nullptr) return {};
  std::error_code error;
  fs::path library = fs::weakly_canonical(info.dli_fname, error);
  return (library.parent_path() / "stoq" / "plugins").string();
}

void append_unique(std::vector<std::string>& dirs, const std::string& dir) {
  if (!dir.empty() && std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
}

}  // namespace

PluginHarness::PluginHarness(const std::string& work_dir) : state_(std::make_unique<State>()) {
  fs::path root = fs::absolute(work_dir);
  fs::create_directories(root);
  config_.base_dir = root.string();
  config_.temp_dir = (root / "temp").string();
  config_.results_dir = (root / "results").string();
  config_.log_dir = (root / "logs").string();
  config_.archive_base = (root / "archive").string();
  config_.dispatch_rules = (root / "dispatcher.yar").string();
  config_.source = "test harness";
}

PluginHarness::~PluginHarness() {
  stop();
  while (!state_->plugins.empty()) {
    state_->plugins.back()->deactivate();
    state_->plugins.pop_back();
  }
}

std::vector<std::string> PluginHarness::plugin_dir_list() const {
  std::vector<std::string> dirs;
  for (const std::string& dir : state_->activated_dirs) append_unique(dirs, dir);
  for (const std::string& dir : config_.plugin_dir_list) append_unique(dirs, dir);
  append_unique(dirs, bundled_plugin_dir());
  return dirs;
}

Plugin& PluginHarness::activate_plugin(const std::string& plugin_dir, Category category, const std::string& name,
                                       const std::vector<std::pair<std::string, std::string>>& overrides) {
  append_unique(state_->activated_dirs, plugin_dir);
  return activate_from({plugin_dir}, category, name, overrides);
}

Plugin& PluginHarness::activate_from(const std::vector<std::string>& plugin_dirs, Category category,
                                     const std::string& name,
                                     const std::vector<std::pair<std::string, std::string>>& overrides) {
  auto& catalog = state_->catalogs.emplace_back(std::make_unique<loader::Catalog>(plugin_dirs));
  const loader::LoadedPlugin& loaded = catalog->load(category, name);
  Options options =
      loader::apply_overrides(loaded, loaded.options, overrides, "test override", fs::current_path().string());
  loader::PluginPtr plugin = catalog->create(loaded);
  plugin->bind(loaded.manifest.info, std::move(options), logging::make_logger("stoq.test." + name), *this);
  if (!plugin->activate(*this)) throw Error(name + " failed to activate (activate() returned false)");
  return *state_->plugins.emplace_back(std::move(plugin));
}

bool PluginHarness::put(Json message, Ack on_done) {
  if (stopping()) {
    if (on_done) on_done(Outcome{});
    return false;
  }
  {
    std::lock_guard lock(state_->mutex);
    messages_.push_back(std::move(message));
  }
  if (on_done) on_done(Outcome{true, {}});
  return true;
}

std::vector<Json> PluginHarness::messages() const {
  std::lock_guard lock(state_->mutex);
  return messages_;
}

bool PluginHarness::wait_for_stop(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!stopping() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return stopping();
}

Reader& PluginHarness::reader(const std::string& name) {
  return dynamic_cast<Reader&>(activate_from(plugin_dir_list(), Category::Reader, name, {}));
}
Source& PluginHarness::publisher(const std::string& name) {
  return dynamic_cast<Source&>(activate_from(plugin_dir_list(), Category::Source, name, {}));
}

Payload PluginHarness::get_file(const std::string& path) { return engine::read_local_file(config_, path); }

std::string PluginHarness::hashpath(std::string_view sha1) const {
  return engine::archive_path(config_.archive_base, sha1);
}

bool oracles_required() {
  const char* value = std::getenv("STOQ_REQUIRE_ORACLES");
  return value != nullptr && std::string_view(value) == "1";
}

std::string find_tool(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!rest.empty()) {
    auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

ChildWriter PluginHarness::new_child() {
  std::filesystem::create_directories(config_.temp_dir);
  ChildWriter::Settings settings;
  settings.max_size = limits_.max_child_size;
  settings.memory_limit = child_memory_limit_;
  settings.spill_dir = config_.temp_dir;
  return ChildWriter(std::move(settings));
}

}  // namespace stoq::testing
