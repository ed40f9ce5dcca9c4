// decorator:summary: adds a root "summary" object to the results document, one glance
// over the whole tree: payloads, results entries, the plugins that ran, file types,
// YARA rules hit, IOCs (unique values per type) and errors.
//
// It reads fixed places of the document only and never walks arbitrary nesting, so a
// scan of any shape (a string, a number, null, a deep tree, a huge list) is either
// recognised or ignored: decorate() does not throw on odd input. Every listing is
// capped at max_items (most frequent first) and every listed text at
// max_value_length bytes; "<listing>_omitted" says how many were left out.
//
// What it reads, per entry of "results":
//   file types  the entry's keys named in type_keys_list (content-type when archived with -A,
//               magic) and the same keys of an object scan: a string or a list of strings.
//   YARA, IOCs  where ../scan_shapes.hpp says (of the iocextract-style maps, only the types
//               named in ioc_types_list), in entries that have a scan.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "../scan_shapes.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::decorator::summary {
namespace {

// Counts per key, in first-seen order; top() lists the most frequent.
class Tally {
 public:
  void add(const std::string& key, std::uint64_t count = 1) {
    auto [it, inserted] = index_.try_emplace(key, items_.size());
    if (inserted) items_.emplace_back(key, 0);
    items_[it->second].second += count;
  }
  [[nodiscard]] std::size_t size() const { return items_.size(); }
  [[nodiscard]] const std::vector<std::pair<std::string, std::uint64_t>>& items() const { return items_; }

  // The `limit` most frequent keys (first seen first among equals), in that order.
  [[nodiscard]] std::vector<std::size_t> top(std::size_t limit) const {
    std::vector<std::size_t> order(items_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return items_[a].second > items_[b].second; });
    if (order.size() > limit) order.resize(limit);
    return order;
  }
  [[nodiscard]] Json top_object(std::size_t limit) const {
    Json out = Json::object();
    for (std::size_t i : top(limit)) out[items_[i].first] = items_[i].second;
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::uint64_t>> items_;
  std::unordered_map<std::string, std::size_t> index_;
};

// Distinct texts in first-seen order.
struct Unique {
  std::vector<std::string> items;
  std::unordered_set<std::string> seen;
  void add(std::string text) {
    if (seen.insert(text).second) items.push_back(std::move(text));
  }
};

// The unique values of one IOC type: all counted, the first `limit` kept.
struct IocValues {
  std::unordered_set<std::string> seen;
  std::vector<std::string> listed;
};

}  // namespace

class SummaryDecorator final : public Decorator {
 public:
  bool activate(Stoq& /*stoq*/) override {
    std::int64_t max_items = options().get_int("max_items");
    if (max_items < 0) throw Error("max_items must be 0 or more, got " + std::to_string(max_items));
    std::int64_t max_length = options().get_int("max_value_length");
    if (max_length < 1) throw Error("max_value_length must be 1 or more, got " + std::to_string(max_length));
    max_items_ = static_cast<std::size_t>(max_items);
    max_length_ = static_cast<std::size_t>(max_length);
    for (const std::string& key : options().get_list("type_keys_list")) type_keys_.insert(ascii_lower(key));
    for (const std::string& type : options().get_list("ioc_types_list")) ioc_types_.insert(ascii_lower(type));
    return true;
  }

  Json decorate(Json results) override {
    if (!results.is_object()) return results;
    State state;
    std::size_t entries = 0;
    auto list = results.find("results");
    if (list != results.end() && list->is_array()) {
      entries = list->size();
      for (const Json& entry : *list) read_entry(entry, state);
    }
    auto plugins = results.find("plugins");
    if (plugins != results.end() && plugins->is_object()) {
      for (const auto& [key, name] : plugins->items()) {
        if (name.is_string()) state.plugins.add(clip(name.get_ref<const std::string&>()));
      }
    }
    // The entries' own plugin names after the document's map, so that map's order leads.
    for (const auto& [name, count] : state.entry_plugins.items()) state.plugins.add(name);

    std::uint64_t payloads = state.payload_ids.size() + state.entries_without_id;
    auto declared = results.find("payloads");
    if (declared != results.end() && declared->is_number_integer() && declared->get<std::int64_t>() >= 0) {
      payloads = declared->get<std::uint64_t>();
    }

    Json summary = Json::object();
    summary["payloads"] = payloads;
    summary["results"] = entries;
    summary["plugins"] = names(state.plugins);
    add_omitted(summary, "plugins", state.plugins.size());
    summary["file_types"] = state.file_types.top_object(max_items_);
    add_omitted(summary, "file_types", state.file_types.size());
    Json yara = Json::object();
    yara["hits"] = state.hits;
    yara["rules"] = state.rules.top_object(max_items_);
    add_omitted(yara, "rules", state.rules.size());
    summary["yara"] = std::move(yara);
    summary["iocs"] = iocs(state);
    add_omitted(summary, "iocs", state.ioc_types.size());
    summary["errors"] = errors(results);
    results["summary"] = std::move(summary);
    return results;
  }

 private:
  struct State {
    std::unordered_set<std::string> payload_ids;
    std::uint64_t entries_without_id = 0;
    Tally entry_plugins;
    Tally plugins;
    Tally file_types;
    std::uint64_t hits = 0;
    Tally rules;
    Tally ioc_types;  // type -> its number of unique values (orders the listing)
    std::unordered_map<std::string, IocValues> ioc_values;
  };

  // At most max_value_length bytes, cut on a UTF-8 character boundary.
  [[nodiscard]] std::string clip(const std::string& text) const { return clip_utf8(text, max_length_); }

  void add_omitted(Json& object, const std::string& name, std::size_t total) const {
    if (total > max_items_) object[name + "_omitted"] = total - max_items_;
  }

  [[nodiscard]] Json names(const Tally& tally) const {
    Json out = Json::array();
    for (const auto& [name, count] : tally.items()) {
      if (out.size() >= max_items_) break;
      out.push_back(name);
    }
    return out;
  }

  void read_entry(const Json& entry, State& state) const {
    if (!entry.is_object()) {
      ++state.entries_without_id;
      return;
    }
    auto id = entry.find("payload_id");
    if (id != entry.end() && (id->is_number() || id->is_string())) {
      state.payload_ids.insert(id->is_string() ? "s:" + clip(id->get_ref<const std::string&>()) : id->dump());
    } else {
      ++state.entries_without_id;
    }
    auto plugin = entry.find("plugin");
    if (plugin != entry.end() && plugin->is_string()) {
      state.entry_plugins.add(clip(plugin->get_ref<const std::string&>()));
    } else if (plugin != entry.end() && plugin->is_array()) {  // stoq scan: the list of workers
      for (const Json& name : *plugin) {
        if (name.is_string()) state.entry_plugins.add(clip(name.get_ref<const std::string&>()));
      }
    }
    Unique types;  // each type once per entry
    collect_types(entry, types);
    Unique rules;  // each rule once per entry
    for_each_scan(entry, [&](const Json& scan) {
      if (scan.is_object()) collect_types(scan, types);
      visit_rules(scan, [&](const std::string& rule, const Json& /*meta*/) { rules.add(clip(rule)); });
    });
    for (const std::string& type : types.items) state.file_types.add(type);
    state.hits += rules.items.size();
    for (const std::string& rule : rules.items) state.rules.add(rule);
    if (!entry.contains("scan")) return;

    visit_iocs(entry, [&](const std::string& type, const std::string& value, IocShape shape) {
      if (shape == IocShape::Map && !ioc_types_.contains(type)) return;  // Strelka's lists: any type
      add_ioc(state, type, value);
    });
  }

  void collect_types(const Json& object, Unique& types) const {
    if (type_keys_.empty()) return;
    for (const auto& [key, value] : object.items()) {
      if (!type_keys_.contains(ascii_lower(key))) continue;
      if (value.is_string()) {
        if (!value.get_ref<const std::string&>().empty()) types.add(clip(value.get_ref<const std::string&>()));
      } else if (value.is_array()) {
        for (const Json& item : value) {
          if (item.is_string() && !item.get_ref<const std::string&>().empty()) {
            types.add(clip(item.get_ref<const std::string&>()));
          }
        }
      }
    }
  }

  void add_ioc(State& state, const std::string& type, const std::string& value) const {
    std::string name = clip(type);
    IocValues& values = state.ioc_values[name];
    if (!values.seen.insert(value).second) return;
    state.ioc_types.add(name);
    if (values.listed.size() < max_items_) values.listed.push_back(clip(value));
  }

  [[nodiscard]] Json iocs(const State& state) const {
    Json out = Json::object();
    for (std::size_t i : state.ioc_types.top(max_items_)) {
      const std::string& type = state.ioc_types.items()[i].first;
      const IocValues& values = state.ioc_values.at(type);
      Json one = Json::object();
      one["count"] = values.seen.size();
      one["values"] = values.listed;
      if (values.seen.size() > values.listed.size()) one["values_omitted"] = values.seen.size() - values.listed.size();
      out[type] = std::move(one);
    }
    return out;
  }

  [[nodiscard]] Json errors(const Json& results) const {
    Tally by_plugin;
    std::size_t count = 0;
    auto list = results.find("errors");
    if (list != results.end() && list->is_array()) {
      count = list->size();
      for (const Json& error : *list) {
        auto plugin = error.is_object() ? error.find("plugin") : error.end();
        if (error.is_object() && plugin != error.end() && plugin->is_string()) {
          by_plugin.add(clip(plugin->get_ref<const std::string&>()));
        }
      }
    }
    Json out = Json::object();
    out["count"] = count;
    out["plugins"] = by_plugin.top_object(max_items_);
    add_omitted(out, "plugins", by_plugin.size());
    return out;
  }

  std::size_t max_items_ = 25;
  std::size_t max_length_ = 256;
  std::unordered_set<std::string> type_keys_;
  std::unordered_set<std::string> ioc_types_;
};

constexpr stoq_option_spec kOptions[] = {
    {"max_items", STOQ_OPTION_INT, "25",
     "Most items listed per listing (plugins, file types, rules, IOC types, values of one IOC type).", 0},
    {"max_value_length", STOQ_OPTION_INT, "256", "Longest text listed, in bytes; longer ones are cut.", 0},
    {"type_keys_list", STOQ_OPTION_LIST, "content-type, magic, mimetype, mime_type, filetype, file_type",
     "Keys of a result entry or of its scan whose values are file types (case-insensitive).", 0},
    {"ioc_types_list", STOQ_OPTION_LIST, "ipv4, ipv6, domain, url, email, md5, sha1, sha256, sha512, mac",
     "Keys of an iocextract-style scan whose lists of strings are IOCs (case-insensitive).", 0},
};

}  // namespace stoq::plugins::decorator::summary

STOQ_PLUGIN(stoq::plugins::decorator::summary::SummaryDecorator, "summary", "0.1",
            "Summarise a results document: payloads, plugins, file types, YARA rules, IOCs, errors",
            stoq::plugins::decorator::summary::kOptions)
