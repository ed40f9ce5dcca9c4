// Option tables: the framework's per-category options, the plugin's own table, and
// the resolution of a .stoq [options] section against them.
#include <algorithm>
#include <cstring>
#include <filesystem>

#include "config/values.hpp"
#include "isolation/call_policy.hpp"
#include "lifecycle/ratelimit.hpp"
#include "lifecycle/tlp.hpp"
#include "loader/catalog.hpp"
#include "stoq/error.hpp"
#include "stoq/version.hpp"

namespace stoq::loader {
namespace {

// Whether extractors, carvers and decoders run isolated unless their .stoq or stoq.cfg
// says otherwise: the measured cost per call decides (docs/architecture.md#isolation).
constexpr const char* kRoutedIsolationDefault = "False";

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool valid_option_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// PATH options: a relative path means relative to `base`.
Json anchor_path(stoq_option_type type, Json value, const std::string& base) {
  if (type != STOQ_OPTION_PATH || !value.is_string()) return value;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty() || text[0] == '/') return value;
  return (std::filesystem::path(base) / text).lexically_normal().string();
}

}  // namespace

// Framework options whose values need more than a type check.
void check_option_value(const std::string& name, const Json& value, const std::string& where) {
  if (name == "max_tlp" && !value.get<std::string>().empty() && !lifecycle::tlp_rank(value.get<std::string>())) {
    throw Error(where + ": max_tlp must be red, amber, green or white, got '" + value.get<std::string>() + "'");
  }
  if (name == "ratelimit" && !value.get<std::string>().empty() &&
      !lifecycle::parse_ratelimit(value.get<std::string>())) {
    throw Error(where + ": ratelimit must be 'count/seconds' (e.g. 1/10), got '" + value.get<std::string>() + "'");
  }
  if ((name == "call_timeout" || name == "memory_limit" || name == "cpu_limit") && value.get<std::int64_t>() < 0) {
    throw Error(where + ": " + name + " must be 0 (no limit) or more, got " +
                std::to_string(value.get<std::int64_t>()));
  }
}

std::vector<OptionSchema> framework_options(Category category) {
  std::vector<OptionSchema> options = {
      {"min_stoq_version", STOQ_OPTION_STRING, std::nullopt,
       "Lowest stoq version the plugin was written for (a warning below it).", 0, false},
      {"max_stoq_version", STOQ_OPTION_STRING, std::nullopt,
       "stoq version from which the plugin is untested (a warning at or above it).", 0, false},
  };
  if (category == Category::Worker) {
    options.push_back({"hashpayload", STOQ_OPTION_BOOL, std::nullopt,
                       "Add md5, sha1, sha256 and sha512 of the payload to its results.", 0, true});
    options.push_back(
        {"saveresults", STOQ_OPTION_BOOL, std::nullopt, "Save results through the output connector.", 0, true});
    options.push_back({"max_tlp", STOQ_OPTION_STRING, "",
                       "Scan only payloads whose TLP is at least this shareable (red, amber, green, white).", 0,
                       false});
    options.push_back({"ratelimit", STOQ_OPTION_STRING, "",
                       "Process at most count payloads per seconds, written count/seconds.", 0, false});
    options.push_back({"concurrent", STOQ_OPTION_BOOL, "False",
                       "In stoq scan, may run on a payload at the same time as the other concurrent workers.", 0,
                       false});
  }
  if (isolation::isolatable(category)) {
    // Isolation and time limits (isolation/call_policy.hpp, docs/configuration.md). Not
    // `timeout`: plugins (yara) and original .stoq files (clamav, fluentd) use that name
    // for their own settings.
    bool routed = category != Category::Worker;
    options.push_back({"isolation", STOQ_OPTION_BOOL, routed ? kRoutedIsolationDefault : "False",
                       "Run this plugin's calls in a helper process, so a crash or hang costs one errors entry.", 0,
                       false});
    options.push_back({"call_timeout", STOQ_OPTION_INT, routed ? "300" : "0",
                       "Seconds of wall time one call may take (0: no limit); an overrun is an errors entry.", 0,
                       false});
    options.push_back({"memory_limit", STOQ_OPTION_INT, "4294967296",
                       "Bytes of address space of the isolation helper (0: no limit).", 0, false});
    options.push_back(
        {"cpu_limit", STOQ_OPTION_INT, "0", "Seconds of CPU time one isolated call may use (0: no limit).", 0, false});
  }
  if (category == Category::Source) {
    options.push_back({"multiprocess", STOQ_OPTION_BOOL, std::nullopt,
                       "Whether messages may be processed by several worker threads at once.", 0, true});
  }
  return options;
}

std::vector<OptionSchema> schema_from_descriptor(const stoq_plugin_descriptor& descriptor,
                                                 const std::string& module_path) {
  auto category = parse_category(descriptor.category != nullptr ? descriptor.category : "");
  std::vector<OptionSchema> schema = framework_options(category.value_or(Category::Worker));
  if (descriptor.option_count > 0 && descriptor.options == nullptr) {
    throw Error(module_path + ": option table is missing");
  }
  for (uint32_t i = 0; i < descriptor.option_count; ++i) {
    const stoq_option_spec& spec = descriptor.options[i];
    std::string name = spec.name != nullptr ? spec.name : "";
    auto bad = [&](const std::string& why) {
      return Error(module_path + ": option table entry '" + name + "' " + why);
    };
    if (!valid_option_name(name)) throw bad("is not a snake_case name");
    // The table comes from a module (C ABI): its type may be any int. Read the raw value,
    // since loading an out-of-range value as the C++ enum is undefined behaviour.
    int raw_type = 0;
    static_assert(sizeof raw_type == sizeof spec.type);
    std::memcpy(&raw_type, &spec.type, sizeof raw_type);
    if (raw_type < STOQ_OPTION_BOOL || raw_type > STOQ_OPTION_PATH) {
      throw bad("has an unknown type " + std::to_string(raw_type));
    }
    if (std::any_of(schema.begin(), schema.end(), [&](const OptionSchema& o) { return o.name == name; })) {
      throw bad("is declared twice or shadows a framework option");
    }
    if (auto demanded = config::type_from_suffix(name); demanded && *demanded != spec.type) {
      throw bad(std::string("is declared ") + config::type_name(spec.type) + " but its suffix means " +
                config::type_name(*demanded));
    }
    if (spec.doc == nullptr || *spec.doc == '\0') throw bad("has no doc");
    OptionSchema option{name, spec.type, std::nullopt, spec.doc, spec.short_flag, false};
    if (spec.default_value != nullptr) {
      config::parse_typed(spec.type, name, spec.default_value, module_path + " (default)");
      option.default_value = spec.default_value;
    }
    schema.push_back(std::move(option));
  }
  return schema;
}

Options resolve_options(const std::vector<OptionSchema>& schema, const std::vector<config::IniEntry>& entries,
                        const config::IniFile& file, const std::string& plugin_label) {
  Options options;
  std::string plugin_folder = std::filesystem::path(file.path).parent_path().string();
  for (const OptionSchema& option : schema) {
    if (option.default_value) {
      Json value = config::parse_typed(option.type, option.name, *option.default_value, plugin_label + " (default)");
      options.set(option.name, anchor_path(option.type, std::move(value), plugin_folder));
    }
  }
  for (const config::IniEntry& entry : entries) {
    auto known = std::find_if(schema.begin(), schema.end(), [&](const OptionSchema& o) { return o.name == entry.key; });
    std::string where = file.where(entry.line);
    if (known == schema.end()) {
      std::string message = where + ": unknown option '" + entry.key + "' for " + plugin_label;
      const OptionSchema* closest = nullptr;
      std::size_t best = 3;
      for (const OptionSchema& option : schema) {
        std::size_t distance = edit_distance(entry.key, option.name);
        if (distance < best) {
          best = distance;
          closest = &option;
        }
      }
      if (closest != nullptr) message += " (did you mean '" + closest->name + "'?)";
      throw Error(message);
    }
    Json value = config::parse_typed(known->type, known->name, entry.value, where);
    check_option_value(known->name, value, where);
    options.set(known->name, anchor_path(known->type, std::move(value), plugin_folder));
  }
  for (const OptionSchema& option : schema) {
    if (option.required && !options.has(option.name)) {
      throw Error(file.path + ": " + plugin_label + " requires option '" + option.name + "' in [options]");
    }
  }
  return options;
}

Options apply_overrides(const LoadedPlugin& plugin, Options base,
                        const std::vector<std::pair<std::string, std::string>>& overrides, const std::string& where,
                        const std::string& paths_relative_to, bool skip_unknown) {
  for (const auto& [name, raw] : overrides) {
    auto option = std::find_if(plugin.schema.begin(), plugin.schema.end(),
                               [&name = name](const OptionSchema& o) { return o.name == name; });
    if (option == plugin.schema.end()) {
      if (skip_unknown) continue;
      throw Error(where + ": " + plugin.manifest.info.name + " has no option '" + name + "'");
    }
    Json value = config::parse_typed(option->type, name, raw, where);
    check_option_value(name, value, where);
    base.set(name, anchor_path(option->type, std::move(value), paths_relative_to));
  }
  return base;
}

}  // namespace stoq::loader
