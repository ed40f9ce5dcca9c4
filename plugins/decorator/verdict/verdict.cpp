// decorator:verdict: scores a results document from rules and adds a root "verdict"
// object: {"score", "verdict", "reasons": [{type, name, score, payload_id, detail}]}.
//
// Scoring follows Assemblyline's model: every payload scores the sum of what fired on
// it (entries of "results" with the same payload_id are one payload; an entry without
// an integer payload_id is a payload of its own); the document scores its highest
// payload, never below 0 (aggregate = max), or the sum of them all (aggregate = sum),
// plus error_score per entry of "errors". The score then falls in a band: clean,
// suspicious, highly_suspicious (when enabled) or malicious. What fires, per payload:
//   yara   each rule hit once: rule_scores_dict[rule], else the first numeric meta of
//          score_meta_list, else the first meta of severity_meta_list named in
//          severity_scores_dict, else rule_score.
//   ioc    each type of ioc_scores_dict with at least one value, once.
//   Hits and IOCs are read where ../scan_shapes.hpp says, as the summary decorator does.
//   error  each entry of the document's "errors", error_score.
// Odd shapes are ignored, never an error; only bad option values stop activate().
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "../scan_shapes.hpp"
#include "stoq/plugin.hpp"

namespace stoq::plugins::decorator::verdict {
namespace {

// One fired rule is worth at most this much either way; totals saturate.
constexpr std::int64_t kScoreLimit = 1'000'000'000;
constexpr std::size_t kMaxText = 256;

// Texts in reasons: at most kMaxText bytes.
std::string clip(const std::string& text) { return clip_utf8(text, kMaxText); }

std::int64_t clamp_score(std::int64_t score) { return std::clamp(score, -kScoreLimit, kScoreLimit); }

std::int64_t add_scores(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

// A score from meta: an integer, a finite float (rounded) or a string holding either.
std::optional<std::int64_t> numeric(const Json& value) {
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(kScoreLimit)) {
      return kScoreLimit;
    }
    return clamp_score(value.get<std::int64_t>());
  }
  double number = 0;
  if (value.is_number_float()) {
    number = value.get<double>();
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    const char* first = text.data();
    const char* last = first + text.size();
    while (first < last && *first == ' ') ++first;
    while (last > first && last[-1] == ' ') --last;
    if (first < last && *first == '+') ++first;
    auto [end, error] = std::from_chars(first, last, number);
    if (error != std::errc() || end != last || first == last) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(number)) return std::nullopt;
  number = std::clamp(number, -static_cast<double>(kScoreLimit), static_cast<double>(kScoreLimit));
  return static_cast<std::int64_t>(std::llround(number));
}

// name -> integer score from a DICT option; a value that is no integer is refused.
std::unordered_map<std::string, std::int64_t> score_table(const Json& dict, const std::string& option, bool fold) {
  std::unordered_map<std::string, std::int64_t> table;
  for (const auto& [key, value] : dict.items()) {
    if (!value.is_number_integer()) {
      throw Error(option + ": the score of '" + key + "' must be an integer, got " + value.dump());
    }
    table[fold ? ascii_lower(key) : key] = clamp_score(value.get<std::int64_t>());
  }
  return table;
}

// IOC type -> its unique values in one payload; by type name, so that reasons come out
// in the same order every run.
using IocsByType = std::map<std::string, std::unordered_set<std::string>>;

struct Reason {
  std::string type;
  std::string name;
  std::int64_t score = 0;
  Json payload_id;
  std::string detail;
};

}  // namespace

class VerdictDecorator final : public Decorator {
 public:
  bool activate(Stoq& /*stoq*/) override {
    suspicious_ = options().get_int("suspicious_threshold");
    highly_suspicious_ = options().get_int("highly_suspicious_threshold");
    malicious_ = options().get_int("malicious_threshold");
    if (suspicious_ < 1) throw Error("suspicious_threshold must be 1 or more, got " + std::to_string(suspicious_));
    if (malicious_ < suspicious_) {
      throw Error("malicious_threshold (" + std::to_string(malicious_) + ") must not be below suspicious_threshold (" +
                  std::to_string(suspicious_) + ")");
    }
    if (highly_suspicious_ != 0 && (highly_suspicious_ < suspicious_ || highly_suspicious_ > malicious_)) {
      throw Error(
          "highly_suspicious_threshold must be 0 (no such verdict) or between suspicious_threshold and "
          "malicious_threshold, got " +
          std::to_string(highly_suspicious_));
    }
    std::string aggregate = options().get_string("aggregate");
    if (aggregate != "max" && aggregate != "sum") throw Error("aggregate must be max or sum, got '" + aggregate + "'");
    sum_ = aggregate == "sum";
    rule_score_ = clamp_score(options().get_int("rule_score"));
    error_score_ = clamp_score(options().get_int("error_score"));
    std::int64_t max_reasons = options().get_int("max_reasons");
    if (max_reasons < 0) throw Error("max_reasons must be 0 or more, got " + std::to_string(max_reasons));
    max_reasons_ = static_cast<std::size_t>(max_reasons);
    for (const std::string& key : options().get_list("score_meta_list")) score_meta_.push_back(ascii_lower(key));
    for (const std::string& key : options().get_list("severity_meta_list")) severity_meta_.push_back(ascii_lower(key));
    severity_scores_ = score_table(options().get_dict("severity_scores_dict"), "severity_scores_dict", true);
    rule_scores_ = score_table(options().get_dict("rule_scores_dict"), "rule_scores_dict", false);
    ioc_scores_ = score_table(options().get_dict("ioc_scores_dict"), "ioc_scores_dict", true);
    return true;
  }

  Json decorate(Json results) override {
    if (!results.is_object()) return results;
    std::vector<Reason> reasons;
    std::vector<PayloadScore> payloads;
    std::unordered_map<std::string, std::size_t> payload_index;  // "id:<payload_id>" or "entry:<index>"
    auto list = results.find("results");
    if (list != results.end() && list->is_array()) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const Json& entry = (*list)[i];
        if (!entry.is_object()) continue;
        auto id = entry.find("payload_id");
        bool has_id = id != entry.end() && id->is_number_integer();
        std::string key = has_id ? "id:" + id->dump() : "entry:" + std::to_string(i);
        auto [it, inserted] = payload_index.try_emplace(key, payloads.size());
        if (inserted) payloads.push_back({has_id ? *id : Json(i), 0, {}, {}});
        score_entry(entry, payloads[it->second], reasons);
      }
    }
    std::int64_t score = 0;
    for (PayloadScore& payload : payloads) {
      score_iocs(payload, reasons);
      score = sum_ ? add_scores(score, payload.score) : std::max(score, payload.score);
    }
    auto errors = results.find("errors");
    if (errors != results.end() && errors->is_array()) {
      for (const Json& error : *errors) {
        score = add_scores(score, error_score_);
        if (error_score_ != 0) reasons.push_back(error_reason(error));
      }
    }
    std::stable_sort(reasons.begin(), reasons.end(),
                     [](const Reason& a, const Reason& b) { return a.score > b.score; });

    Json verdict = Json::object();
    verdict["score"] = score;
    verdict["verdict"] = band(score);
    Json listed = Json::array();
    for (std::size_t i = 0; i < reasons.size() && i < max_reasons_; ++i) listed.push_back(to_json(reasons[i]));
    verdict["reasons"] = std::move(listed);
    if (reasons.size() > max_reasons_) verdict["reasons_omitted"] = reasons.size() - max_reasons_;
    results["verdict"] = std::move(verdict);
    return results;
  }

 private:
  [[nodiscard]] const char* band(std::int64_t score) const {
    if (score >= malicious_) return "malicious";
    if (highly_suspicious_ != 0 && score >= highly_suspicious_) return "highly_suspicious";
    if (score >= suspicious_) return "suspicious";
    return "clean";
  }

  static Json to_json(const Reason& reason) {
    Json out = Json::object();
    out["type"] = reason.type;
    out["name"] = reason.name;
    out["score"] = reason.score;
    if (!reason.payload_id.is_null()) out["payload_id"] = reason.payload_id;
    out["detail"] = reason.detail;
    return out;
  }

  // The score of one rule hit, and why.
  [[nodiscard]] std::pair<std::int64_t, std::string> rule_score(const std::string& rule, const Json& meta) const {
    if (auto it = rule_scores_.find(rule); it != rule_scores_.end()) return {it->second, "rule_scores_dict"};
    if (!meta.empty()) {
      std::unordered_map<std::string, const Json*> folded;  // meta keys, case-insensitively
      for (const auto& [key, value] : meta.items()) folded.try_emplace(ascii_lower(key), &value);
      for (const std::string& key : score_meta_) {
        auto it = folded.find(key);
        if (it == folded.end()) continue;
        if (auto number = numeric(*it->second)) return {*number, "meta " + key + " = " + std::to_string(*number)};
      }
      for (const std::string& key : severity_meta_) {
        auto it = folded.find(key);
        if (it == folded.end() || !it->second->is_string()) continue;
        std::string severity = ascii_lower(it->second->get_ref<const std::string&>());
        if (auto known = severity_scores_.find(severity); known != severity_scores_.end()) {
          return {known->second, "meta " + key + " = " + clip(severity)};
        }
      }
    }
    return {rule_score_, "rule matched (rule_score)"};
  }

  // What one payload scored so far: its entries (several workers may report on the
  // same payload_id) add up, each rule and each IOC type counting once.
  struct PayloadScore {
    Json id;
    std::int64_t score = 0;
    std::unordered_set<std::string> rules;
    IocsByType iocs;
  };

  void fire(PayloadScore& payload, const char* type, const std::string& name, std::int64_t points, std::string detail,
            std::vector<Reason>& reasons) const {
    payload.score = add_scores(payload.score, points);
    if (points != 0) reasons.push_back({type, clip(name), points, payload.id, std::move(detail)});
  }

  void score_entry(const Json& entry, PayloadScore& payload, std::vector<Reason>& reasons) const {
    for_each_scan(entry, [&](const Json& scan) {
      visit_rules(scan, [&](const std::string& rule, const Json& meta) {
        if (!payload.rules.insert(rule).second) return;
        auto [points, why] = rule_score(rule, meta);
        fire(payload, "yara", rule, points, std::move(why), reasons);
      });
    });
    if (ioc_scores_.empty()) return;
    visit_iocs(entry, [&](const std::string& type, const std::string& value, IocShape /*shape*/) {
      if (ioc_scores_.contains(type)) payload.iocs[type].insert(value);
    });
  }

  void score_iocs(PayloadScore& payload, std::vector<Reason>& reasons) const {
    for (const auto& [type, values] : payload.iocs) {
      std::size_t count = values.size();
      fire(payload, "ioc", type, ioc_scores_.at(type),
           std::to_string(count) + (count == 1 ? " unique value" : " unique values"), reasons);
    }
  }

  [[nodiscard]] Reason error_reason(const Json& error) const {
    Reason reason{"error", "unknown", error_score_, nullptr, ""};
    if (!error.is_object()) return reason;
    auto plugin = error.find("plugin");
    if (plugin != error.end() && plugin->is_string()) reason.name = clip(plugin->get_ref<const std::string&>());
    auto id = error.find("payload_id");
    if (id != error.end() && id->is_number_integer()) reason.payload_id = *id;
    auto text = error.find("error");
    if (text != error.end() && text->is_string()) reason.detail = clip(text->get_ref<const std::string&>());
    return reason;
  }

  std::int64_t suspicious_ = 300;
  std::int64_t highly_suspicious_ = 0;
  std::int64_t malicious_ = 1000;
  bool sum_ = false;
  std::int64_t rule_score_ = 100;
  std::int64_t error_score_ = 0;
  std::size_t max_reasons_ = 25;
  std::vector<std::string> score_meta_;
  std::vector<std::string> severity_meta_;
  std::unordered_map<std::string, std::int64_t> severity_scores_;
  std::unordered_map<std::string, std::int64_t> rule_scores_;
  std::unordered_map<std::string, std::int64_t> ioc_scores_;
};

constexpr stoq_option_spec kOptions[] = {
    {"suspicious_threshold", STOQ_OPTION_INT, "300", "Lowest score whose verdict is suspicious (1 or more).", 0},
    {"highly_suspicious_threshold", STOQ_OPTION_INT, "0",
     "Lowest score whose verdict is highly_suspicious (Assemblyline: 700); 0: no such verdict.", 0},
    {"malicious_threshold", STOQ_OPTION_INT, "1000", "Lowest score whose verdict is malicious.", 0},
    {"aggregate", STOQ_OPTION_STRING, "max", "How payload scores make the document's: max (its worst payload) or sum.",
     0},
    {"rule_score", STOQ_OPTION_INT, "100", "Score of a matched YARA rule whose meta gives none.", 0},
    {"score_meta_list", STOQ_OPTION_LIST, "score, weight",
     "YARA meta keys holding a numeric score (first present wins).", 0},
    {"severity_meta_list", STOQ_OPTION_LIST, "severity",
     "YARA meta keys holding a severity name, scored by severity_scores_dict.", 0},
    {"severity_scores_dict", STOQ_OPTION_DICT,
     R"({"info": 0, "informational": 0, "low": 100, "medium": 300, "high": 700, "critical": 1000})",
     "Score of each severity name (case-insensitive).", 0},
    {"rule_scores_dict", STOQ_OPTION_DICT, "{}", "Score of a YARA rule by exact name, before its meta.", 0},
    {"ioc_scores_dict", STOQ_OPTION_DICT, "{}",
     "Score of each IOC type (ipv4, domain, url, ...) present in a payload, once per payload.", 0},
    {"error_score", STOQ_OPTION_INT, "0", "Score of each entry of the document's errors.", 0},
    {"max_reasons", STOQ_OPTION_INT, "25", "Most reasons listed, highest scores first.", 0},
};

}  // namespace stoq::plugins::decorator::verdict

STOQ_PLUGIN(stoq::plugins::decorator::verdict::VerdictDecorator, "verdict", "0.1",
            "Score results from YARA rules, IOCs and errors into a verdict",
            stoq::plugins::decorator::verdict::kOptions)
