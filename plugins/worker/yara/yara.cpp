// worker:yara: scans each payload with YARA rules (libyara 4) and reports the
// rules that matched, in the shape stoQ 1.0.2's yara worker saved them: one entry
// per matching rule, keys in yara-python's order
//   {"matches": true, "rule": ..., "namespace": ..., "tags": [...], "meta": {...},
//    "strings": [["<offset>", "<identifier>", "b'<matched bytes>'"], ...]}
// with each string match as the original printed yara-python's (offset,
// identifier, bytes) tuple: the offset as decimal text and the data as Python's
// repr of the bytes. Nothing matched: no results (null).
//
// The rules are compiled once, at activate(), and shared read-only by every
// instance (rules.hpp); each instance scans with its own YR_SCANNER.
#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "rules.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::worker::yara {

namespace {

/// Python's repr() of a bytes object: b'...' (b"..." when only ' occurs), with
/// \\, \t, \n, \r, the quote and \xNN escapes, as the original's JSON showed it.
std::string python_bytes_repr(std::string_view data) {
  bool single = data.find('\'') != std::string_view::npos;
  bool dual = data.find('"') != std::string_view::npos;
  char quote = single && !dual ? '"' : '\'';
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "b";
  text.reserve(data.size() + 3);
  text += quote;
  for (char byte : data) {
    auto c = static_cast<unsigned char>(byte);
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      text += '\\';
      text += byte;
    } else if (c == '\t') {
      text += "\\t";
    } else if (c == '\n') {
      text += "\\n";
    } else if (c == '\r') {
      text += "\\r";
    } else if (c < 0x20 || c >= 0x7f) {
      text += "\\x";
      text += kHex[c >> 4];
      text += kHex[c & 0xf];
    } else {
      text += byte;
    }
  }
  text += quote;
  return text;
}

struct Limits {
  std::size_t max_strings = 100;
  std::size_t max_data = 64;
};

/// One string match kept for the results. `identifier` belongs to the rules, which
/// outlive every scan.
struct Hit {
  std::int64_t offset;
  const char* identifier;
  std::string data;
};

/// yara-python sorted a rule's (offset, identifier, data) tuples: the same order.
bool hit_before(std::int64_t offset, const char* identifier, std::string_view data, const Hit& other) {
  if (offset != other.offset) return offset < other.offset;
  int by_name = std::strcmp(identifier, other.identifier);
  if (by_name != 0) return by_name < 0;
  return data < std::string_view(other.data);
}

/// A copy of the match at `at`. libyara 4.2 hands out matches from its notebook
/// allocator without aligning them (4.3 aligns them), so they are copied rather than
/// read in place: a misaligned member access is undefined behaviour.
YR_MATCH read_match(const YR_MATCH* at) {
  YR_MATCH match;
  std::memcpy(&match, at, sizeof match);
  return match;
}

/// The first `max_strings` matches of the rule in that order, whatever the number
/// of matches: a bounded max-heap, so memory never exceeds max_strings * max_data.
Json strings_of(YR_SCAN_CONTEXT* context, const YR_RULE* rule, const Limits& limits) {
  auto heap_less = [](const Hit& a, const Hit& b) { return hit_before(a.offset, a.identifier, a.data, b); };
  std::vector<Hit> heap;
  if (limits.max_strings == 0) return Json::array();
  const YR_STRING* string = nullptr;
  yr_rule_strings_foreach(rule, string) {
    // yr_string_matches_foreach, with each match copied out (read_match).
    for (const YR_MATCH* at = context->matches[string->idx].head; at != nullptr;) {
      const YR_MATCH match = read_match(at);
      at = match.next;
      if (match.is_private) continue;
      auto length = std::min<std::size_t>(static_cast<std::size_t>(std::max(match.data_length, 0)), limits.max_data);
      std::string_view data(reinterpret_cast<const char*>(match.data), match.data == nullptr ? 0 : length);
      std::int64_t offset = match.base + match.offset;
      if (heap.size() == limits.max_strings) {
        if (!hit_before(offset, string->identifier, data, heap.front())) continue;
        std::pop_heap(heap.begin(), heap.end(), heap_less);
        heap.pop_back();
      }
      heap.push_back(Hit{offset, string->identifier, std::string(data)});
      std::push_heap(heap.begin(), heap.end(), heap_less);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), heap_less);
  Json strings = Json::array();
  for (const Hit& hit : heap) {
    strings.push_back(Json::array({std::to_string(hit.offset), hit.identifier, python_bytes_repr(hit.data)}));
  }
  return strings;
}

Json match_of(YR_SCAN_CONTEXT* context, const YR_RULE* rule, const Limits& limits) {
  Json tags = Json::array();
  const char* tag = nullptr;
  yr_rule_tags_foreach(rule, tag) { tags.push_back(tag); }
  Json meta = Json::object();
  const YR_META* item = nullptr;
  yr_rule_metas_foreach(rule, item) {
    if (item->type == META_TYPE_INTEGER) {
      meta[item->identifier] = item->integer;
    } else if (item->type == META_TYPE_BOOLEAN) {
      meta[item->identifier] = item->integer != 0;
    } else {
      meta[item->identifier] = item->string != nullptr ? item->string : "";
    }
  }
  Json entry = Json::object();
  entry["matches"] = true;
  entry["rule"] = rule->identifier;
  entry["namespace"] = rule->ns->name;
  entry["tags"] = std::move(tags);
  entry["meta"] = std::move(meta);
  entry["strings"] = strings_of(context, rule, limits);
  return entry;
}

/// What one scan collects; the callback never throws into libyara.
struct ScanState {
  Limits limits;
  const Logger* log = nullptr;
  Json matches = Json::array();
  std::string failure;  // why the callback stopped the scan
};

int on_scan_message(YR_SCAN_CONTEXT* context, int message, void* message_data, void* user_data) noexcept {
  auto* state = static_cast<ScanState*>(user_data);
  try {
    if (message == CALLBACK_MSG_RULE_MATCHING) {
      state->matches.push_back(match_of(context, static_cast<const YR_RULE*>(message_data), state->limits));
    } else if (message == CALLBACK_MSG_TOO_MANY_MATCHES) {
      const auto* string = static_cast<const YR_STRING*>(message_data);
      const YR_RULE* rule = &context->rules->rules_table[string->rule_idx];
      state->failure = std::string("yara: string ") + string->identifier + " of rule " + rule->identifier +
                       " matched more than " + std::to_string(YR_MAX_STRING_MATCHES) +
                       " times; the scan was stopped (make that string more specific)";
      return CALLBACK_ERROR;
    } else if (message == CALLBACK_MSG_CONSOLE_LOG && state->log != nullptr) {
      state->log->debug(std::string("console: ") + static_cast<const char*>(message_data));
    }
  } catch (const std::exception& e) {
    state->failure = std::string("yara: cannot collect the matches: ") + e.what();
    return CALLBACK_ERROR;
  }
  return CALLBACK_CONTINUE;
}

std::int64_t bounded_option(const Options& options, const char* name, std::int64_t low, std::int64_t high,
                            const std::string& why = "") {
  std::int64_t value = options.get_int(name);
  if (value < low || value > high) {
    throw Error(std::string(name) + " must be between " + std::to_string(low) + " and " + std::to_string(high) +
                ", got " + std::to_string(value) + why);
  }
  return value;
}

}  // namespace

class YaraWorker final : public Worker {
 public:
  bool activate(Stoq& /*stoq*/) override {
    const Options& opts = options();
    library_ = std::make_unique<Library>();  // first: yr_get_configuration needs it
    std::uint32_t max_match_data = 512;
    yr_get_configuration_uint32(YR_CONFIG_MAX_MATCH_DATA, &max_match_data);
    timeout_ = static_cast<int>(bounded_option(opts, "timeout", 0, INT_MAX));
    limits_.max_strings = static_cast<std::size_t>(bounded_option(opts, "max_strings_per_rule", 0, 100000));
    limits_.max_data = static_cast<std::size_t>(
        bounded_option(opts, "max_match_data", 0, max_match_data, " (libyara keeps that many bytes of each match)"));
    std::string path = opts.get_string("yararules");
    if (path.empty()) throw Error("yararules is empty: give a rules file or directory");
    const Json& externals = opts.get_dict("externals_dict");

    rules_path_ = path;
    externals_ = externals;
    fast_mode_ = opts.get_bool("fast_mode");
    reload_interval_ = std::chrono::seconds(bounded_option(opts, "reload_interval", 0, 86400));

    LoadReport report;
    fingerprint_ = rules_fingerprint(path, externals);
    auto rules = load_rules(path, externals, report);
    for (const std::string& warning : report.warnings) log().warn("yararules: " + warning);
    if (!report.reused) {
      log().info("loaded " + std::to_string(rules->rule_count()) + " rules from " + path +
                 (rules->precompiled() ? " (precompiled)" : ""));
    }
    loaded_ = make_loaded(std::move(rules));
    return true;
  }

  Json scan(const Payload& payload, const Json& /*kwargs*/) override {
    if (payload.is_none()) throw Error("yara needs a payload: give a file or directory with -F");
    std::shared_ptr<Loaded> loaded = current();  // a reload swaps it; this scan keeps its own
    if (!loaded) throw Error("yara: scan() called before activate()");
    YR_SCANNER* scanner = loaded->scanner.get();
    ScanState state;
    state.limits = limits_;
    state.log = &log();
    yr_scanner_set_callback(scanner, on_scan_message, &state);
    static constexpr std::uint8_t kEmpty[1] = {0};
    ByteView bytes = payload.bytes();
    const std::uint8_t* data = bytes.size() == 0 ? kEmpty : bytes.data();
    int code = yr_scanner_scan_mem(scanner, data, bytes.size());
    yr_scanner_set_callback(scanner, on_scan_message, nullptr);
    if (!state.failure.empty()) throw Error(state.failure);
    if (code == ERROR_SCAN_TIMEOUT) {
      throw Error("yara: the scan timed out after " + std::to_string(timeout_) + " s" + while_evaluating(scanner) +
                  "; raise the timeout option or fix the slow rule");
    }
    if (code != ERROR_SUCCESS)
      throw Error("yara: the scan failed: " + describe_error(code) + while_evaluating(scanner));
    if (state.matches.empty()) return nullptr;
    // One document whose "scan" is the list of matches (a bare array would be one
    // document per match).
    return Json::array({std::move(state.matches)});
  }

  /// Reloads the rules when their files change, as the original's watchdog did: every
  /// reload_interval, the files are stat()ed; changed rules are compiled (once for all
  /// threads: load_rules caches them) and swapped in between scans. Rules that no longer
  /// compile are reported once per change and the loaded ones stay in use.
  [[nodiscard]] bool wants_heartbeat() const override { return reload_interval_.count() > 0; }
  void heartbeat() override {
    while (!stoq().wait_for_stop(reload_interval_)) reload_if_changed();
  }

 private:
  /// The rules and this instance's scanner over them. The scanner is used by the
  /// scanning thread only; a reload replaces the whole pair.
  struct ScannerDelete {
    void operator()(YR_SCANNER* scanner) const { yr_scanner_destroy(scanner); }
  };
  struct Loaded {
    std::shared_ptr<const CompiledRules> rules;  // declared first: destroyed after the scanner
    std::unique_ptr<YR_SCANNER, ScannerDelete> scanner;
  };

  std::shared_ptr<Loaded> make_loaded(std::shared_ptr<const CompiledRules> rules) const {
    auto loaded = std::make_shared<Loaded>();
    loaded->rules = std::move(rules);
    YR_SCANNER* raw = nullptr;
    int code = yr_scanner_create(loaded->rules->get(), &raw);
    if (code != ERROR_SUCCESS) throw Error("yara: cannot create a scanner: " + describe_error(code));
    loaded->scanner.reset(raw);
    yr_scanner_set_timeout(raw, timeout_);
    yr_scanner_set_flags(raw, SCAN_FLAGS_REPORT_RULES_MATCHING | (fast_mode_ ? SCAN_FLAGS_FAST_MODE : 0));
    // Compiled-from-source rules already hold these values; precompiled ones take them here.
    if (loaded->rules->precompiled()) {
      define_externals(raw, externals_, yr_scanner_define_boolean_variable, yr_scanner_define_integer_variable,
                       yr_scanner_define_float_variable, yr_scanner_define_string_variable);
    }
    return loaded;
  }

  std::shared_ptr<Loaded> current() const {
    std::lock_guard<std::mutex> lock(loaded_mutex_);
    return loaded_;
  }

  void reload_if_changed() {
    std::string fingerprint;
    try {
      fingerprint = rules_fingerprint(rules_path_, externals_);
    } catch (const std::exception& e) {
      fingerprint = std::string("unlistable: ") + e.what();
    }
    if (fingerprint == fingerprint_ || fingerprint == failed_fingerprint_) return;
    try {
      LoadReport report;
      auto loaded = make_loaded(load_rules(rules_path_, externals_, report));
      for (const std::string& warning : report.warnings) log().warn("yararules: " + warning);
      std::size_t count = loaded->rules->rule_count();
      {
        std::lock_guard<std::mutex> lock(loaded_mutex_);
        loaded_ = std::move(loaded);
      }
      fingerprint_ = fingerprint;
      failed_fingerprint_.clear();
      if (!report.reused) log().info("reloaded " + std::to_string(count) + " rules from " + rules_path_);
    } catch (const std::exception& e) {
      failed_fingerprint_ = fingerprint;
      log().warn(std::string("the rules changed but cannot be loaded; scanning on with the rules loaded before: ") +
                 e.what());
    }
  }

  static std::string while_evaluating(YR_SCANNER* scanner) {
    const YR_RULE* rule = yr_scanner_last_error_rule(scanner);
    return rule == nullptr ? "" : std::string(" (in rule ") + rule->identifier + ")";
  }

  std::unique_ptr<Library> library_;  // first member: destroyed after every rules set
  std::string rules_path_;
  Json externals_;
  bool fast_mode_ = false;
  Limits limits_;
  int timeout_ = 60;
  std::chrono::seconds reload_interval_{0};
  mutable std::mutex loaded_mutex_;
  std::shared_ptr<Loaded> loaded_;  // guarded by loaded_mutex_
  // Heartbeat thread only (after activate()):
  std::string fingerprint_;
  std::string failed_fingerprint_;
};

constexpr stoq_option_spec kOptions[] = {
    {"yararules", STOQ_OPTION_PATH, "rules/stoq.yar",
     "YARA rules: a source file, a file compiled by yarac, or a directory of .yar/.yara files.", 'r'},
    {"timeout", STOQ_OPTION_INT, "60", "Seconds one scan may take (0: no limit); a slower scan is an error.", 0},
    {"max_strings_per_rule", STOQ_OPTION_INT, "100", "At most this many string matches listed per rule.", 0},
    {"max_match_data", STOQ_OPTION_INT, "64", "Bytes of matched data shown per string match (at most 512).", 0},
    {"fast_mode", STOQ_OPTION_BOOL, "False", "Stop at the first match of each string (YARA's fast mode).", 0},
    {"externals_dict", STOQ_OPTION_DICT, "{}",
     "External variables for the rules, as a JSON object of booleans, numbers and strings.", 0},
    {"reload_interval", STOQ_OPTION_INT, "5",
     "Seconds between checks of the rules files for changes, which are then reloaded (0: never).", 0},
};

}  // namespace stoq::plugins::worker::yara

STOQ_PLUGIN(stoq::plugins::worker::yara::YaraWorker, "yara", "0.13", "Process a payload using yara",
            stoq::plugins::worker::yara::kOptions)
