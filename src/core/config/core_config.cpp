#include "config/core_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include "config/ini.hpp"
#include "config/values.hpp"
#include "logging/logging.hpp"
#include "stoq/error.hpp"

namespace stoq::config {
namespace fs = std::filesystem;
namespace {

// `path` made absolute against `base`, normalised, without a trailing slash.
std::string absolute_under(const std::string& base, const std::string& path) {
  fs::path p(path);
  if (p.is_relative()) p = fs::path(base) / p;
  std::string text = p.lexically_normal().string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

// spdlog refuses more; nobody keeps that many rotated logs.
constexpr std::int64_t kMaxLogBackups = 1000;

// What a file name part may be (the file connector refuses anything else).
bool safe_file_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == '.' || c == '-' || c == '_'; });
}

std::vector<std::string> as_strings(const Json& list, const std::string& where) {
  std::vector<std::string> out;
  for (const Json& item : list) {
    if (!item.is_string()) throw Error(where + ": expected a list of strings, got " + item.dump());
    out.push_back(item.get<std::string>());
  }
  return out;
}

CoreConfig build(const IniFile* file, const Defaults& defaults) {
  CoreConfig config;
  const IniSection* core = file != nullptr ? file->find("core") : nullptr;
  if (file != nullptr && core == nullptr) throw Error(file->path + ": no [core] section");
  auto raw = [&](std::string_view key) -> const IniEntry* { return core != nullptr ? core->find(key) : nullptr; };
  auto where = [&](const IniEntry* entry) { return file->where(entry->line); };
  auto text = [&](std::string_view key, const std::string& fallback) -> std::string {
    const IniEntry* entry = raw(key);
    return entry != nullptr ? entry->value : fallback;
  };
  auto integer = [&](std::string_view key, std::int64_t fallback, std::int64_t minimum,
                     std::int64_t maximum = std::numeric_limits<std::int64_t>::max()) {
    const IniEntry* entry = raw(key);
    if (entry == nullptr) return fallback;
    auto value = parse_typed(STOQ_OPTION_INT, key, entry->value, where(entry)).get<std::int64_t>();
    if (value < minimum) {
      throw Error(where(entry) + ": " + std::string(key) + " must be at least " + std::to_string(minimum));
    }
    if (value > maximum) {
      throw Error(where(entry) + ": " + std::string(key) + " must be at most " + std::to_string(maximum));
    }
    return value;
  };
  auto real = [&](std::string_view key, double fallback) {
    const IniEntry* entry = raw(key);
    if (entry == nullptr) return fallback;
    char* end = nullptr;
    std::string value = entry->value;
    double parsed = std::strtod(value.c_str(), &end);
    if (value.empty() || end == nullptr || *end != '\0' || !(parsed >= 0) || parsed > 1e12) {
      throw Error(where(entry) + ": " + std::string(key) + " must be a non-negative number, got '" + value + "'");
    }
    return parsed;
  };
  auto list = [&](std::string_view key, std::vector<std::string> fallback) {
    const IniEntry* entry = raw(key);
    return entry != nullptr ? as_strings(parse_list(entry->value), where(entry)) : std::move(fallback);
  };

  // base_dir: the key (relative to the config file), else the config file's folder, else home.
  std::string config_dir = file != nullptr ? fs::absolute(file->path).parent_path().string() : "";
  std::string fallback_base = file != nullptr ? config_dir : defaults.home;
  std::string base_dir = text("base_dir", fallback_base);
  if (base_dir.empty()) base_dir = fallback_base;  // "base_dir =" means the default, not the cwd
  config.base_dir = absolute_under(file != nullptr ? config_dir : fs::current_path().string(), base_dir);
  const std::string& base = config.base_dir;
  config.temp_dir = absolute_under(base, text("temp_dir", "temp"));
  config.results_dir = absolute_under(base, text("results_dir", "results"));
  config.filename_suffix = text("filename_suffix", "stoq");
  if (!safe_file_name(config.filename_suffix)) {
    throw Error(where(raw("filename_suffix")) + ": filename_suffix must be letters, digits, '.', '-' or '_', got '" +
                config.filename_suffix + "'");
  }
  config.log_dir = absolute_under(base, text("log_dir", "logs"));
  config.log_syntax = text("log_syntax", "text");
  if (config.log_syntax != "text" && config.log_syntax != "json") {
    throw Error(where(raw("log_syntax")) + ": log_syntax must be text or json");
  }
  config.log_level = text("log_level", "INFO");
  if (!logging::valid_level(config.log_level)) {
    throw Error(where(raw("log_level")) + ": log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got '" +
                config.log_level + "'");
  }
  config.log_maxbytes = integer("log_maxbytes", config.log_maxbytes, 0);
  config.log_backup_count = integer("log_backup_count", config.log_backup_count, 0, kMaxLogBackups);
  std::vector<std::string> plugin_dirs = list("plugin_dir_list", {});
  if (raw("plugin_dir") != nullptr && plugin_dirs.empty()) plugin_dirs = list("plugin_dir", {});  // pre-0.18 name
  for (const std::string& dir : plugin_dirs) config.plugin_dir_list.push_back(absolute_under(base, dir));
  if (!defaults.builtin_plugin_dir.empty() && std::find(config.plugin_dir_list.begin(), config.plugin_dir_list.end(),
                                                        defaults.builtin_plugin_dir) == config.plugin_dir_list.end()) {
    config.plugin_dir_list.push_back(defaults.builtin_plugin_dir);
  }
  config.archive_base = absolute_under(base, text("archive_base", "archive"));
  for (const std::string& prefix : list("source_base_tuple", {})) {
    config.source_base_tuple.push_back(absolute_under(base, prefix));
  }
  config.default_connector = text("default_connector", config.default_connector);
  config.default_source = text("default_source", config.default_source);
  for (const char* key : {"default_connector", "default_source"}) {
    // Empty would make -F, or the saving of results, silently do nothing.
    if (raw(key) != nullptr && raw(key)->value.empty()) throw Error(where(raw(key)) + ": " + key + " is empty");
  }
  // The original's default was <base_dir>/dispatcher.yar: used when it exists, else the bundled rules.
  std::string rules = text("dispatch_rules", "");
  if (rules.empty()) {
    std::string beside = absolute_under(base, "dispatcher.yar");
    std::error_code error;
    config.dispatch_rules = fs::is_regular_file(beside, error) || defaults.builtin_dispatch_rules.empty()
                                ? beside
                                : defaults.builtin_dispatch_rules;
  } else {
    config.dispatch_rules = absolute_under(base, rules);
  }
  config.max_recursion = integer("max_recursion", config.max_recursion, 0, kMaxRecursionLimit);
  config.max_children = integer("max_children", config.max_children, 1);
  config.max_payloads = integer("max_payloads", config.max_payloads, 1);
  config.max_extracted_bytes = integer("max_extracted_bytes", config.max_extracted_bytes, 0);
  config.max_child_size = integer("max_child_size", config.max_child_size, 1);
  config.max_compression_ratio = real("max_compression_ratio", config.max_compression_ratio);
  config.extraction_timeout = real("extraction_timeout", config.extraction_timeout);
  if (config.extraction_timeout <= 0)
    throw Error(where(raw("extraction_timeout")) + ": extraction_timeout must be > 0");
  config.dispatch_memory_budget = integer("dispatch_memory_budget", config.dispatch_memory_budget, 0);
  config.max_queue = integer("max_queue", config.max_queue, 1);
  config.url_prefix_tuple = list("url_prefix_tuple", config.url_prefix_tuple);
  for (std::string& prefix : config.url_prefix_tuple) {  // the sample file escapes slashes
    prefix.erase(std::remove(prefix.begin(), prefix.end(), '\\'), prefix.end());
  }
  config.useragent = text("useragent", config.useragent);
  config.default_tlp = text("default_tlp", config.default_tlp);
  config.max_payload_size = integer("max_payload_size", config.max_payload_size, 0);
  if (core != nullptr) {
    for (const IniEntry& entry : core->entries) {
      config.extra[entry.key] = infer_value(entry.key, entry.value, where(&entry));
    }
  }
  if (file != nullptr) {
    for (const IniSection& section : file->sections) {
      if (section.name == "core") continue;
      auto& overrides = config.plugin_options[section.name];
      for (const IniEntry& entry : section.entries) overrides.emplace_back(entry.key, entry.value);
    }
  }
  config.source = file != nullptr ? file->path : "built-in defaults";
  return config;
}

}  // namespace

Defaults default_locations() {
  Defaults defaults;
  if (const char* home = std::getenv("STOQ_HOME"); home != nullptr && *home != '\0') {
    defaults.home = home;
  } else if (const char* user_home = std::getenv("HOME"); user_home != nullptr && *user_home != '\0') {
    defaults.home = std::string(user_home) + "/.stoq";
  } else {
    defaults.home = fs::current_path().string() + "/.stoq";
  }
  std::error_code error;
  fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    fs::path prefix = exe.parent_path().parent_path().lexically_normal();
    defaults.prefix = prefix.string();
    defaults.builtin_plugin_dir = (prefix / "lib" / "stoq" / "plugins").string();
    defaults.builtin_dispatch_rules = (prefix / "share" / "stoq" / "dispatcher.yar").string();
  }
  return defaults;
}

CoreConfig core_config_from_text(std::string_view text, const std::string& path, const Defaults& defaults) {
  IniFile file = parse_ini(text, path);
  return build(&file, defaults);
}

CoreConfig load_core_config(const std::optional<std::string>& explicit_path, const Defaults& defaults) {
  std::string path;
  if (explicit_path) {
    if (!fs::is_regular_file(*explicit_path)) throw Error("config file not found: " + *explicit_path);
    path = *explicit_path;
  } else if (fs::is_regular_file(defaults.home + "/stoq.cfg")) {
    path = defaults.home + "/stoq.cfg";
  }
  if (path.empty()) return build(nullptr, defaults);
  IniFile file = read_ini(path);
  return build(&file, defaults);
}

}  // namespace stoq::config
